"""rnnlab.nn.backend: choosing the loops, the environment variable, the missing extra."""
import subprocess
import sys

import pytest

from rnnlab.nn import backend


def test_choice_and_refusals(monkeypatch):
    backend.set_backend("numpy")
    assert backend.get_backend() == "numpy" and backend.loops("elman", 1, 4) is None
    with pytest.raises(ValueError, match="backend must be one of 'auto', 'numpy', 'compiled'"):
        backend.set_backend("fast")
    monkeypatch.setattr(backend, "available", lambda: False)
    with pytest.raises(ImportError, match=r"pip install 'rnnlab\[fast\]'"):
        backend.set_backend("compiled")
    backend.set_backend("auto")
    assert backend.loops("elman", 1, 4) is None          # auto without numba: NumPy, silently


@pytest.mark.skipif(not backend.available(), reason="numba (the fast extra) is not installed")
@pytest.mark.parametrize("cell", sorted(backend.AUTO_MAX_BH))
def test_auto_picks_compiled_loops_only_up_to_the_measured_size(cell):
    backend.set_backend("auto")
    limit = backend.AUTO_MAX_BH[cell]
    assert backend.loops(cell, 1, limit) is backend.compiled(cell)
    assert backend.loops(cell, 2, limit) is None
    backend.set_backend("numpy")
    assert backend.loops(cell, 1, 1) is None


def test_the_environment_variable_is_read_and_checked():
    code = "import rnnlab as rl; print(rl.get_backend())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"RNNLAB_BACKEND": "numpy", "PATH": ""})
    assert out.stdout.strip() == "numpy"
    bad = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"RNNLAB_BACKEND": "gpu", "PATH": ""})
    assert bad.returncode != 0 and "$RNNLAB_BACKEND must be one of" in bad.stderr
