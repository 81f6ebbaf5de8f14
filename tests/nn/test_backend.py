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
    limit = backend.AUTO_MAX_BH_INFER.get(cell, limit)
    assert backend.loops(cell, 1, limit, infer=True) is backend.compiled(cell)
    assert backend.loops(cell, 2, limit, infer=True) is None
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


@pytest.mark.skipif(not backend.available(), reason="numba (the fast extra) is not installed")
@pytest.mark.parametrize("cell_name", ["elman", "lstm", "gru"])
@pytest.mark.parametrize("infer", [False, True])
def test_auto_on_either_side_of_its_threshold_gives_numpys_results(cell_name, infer):
    """Masks, reverse, initial states and state gradients under "auto" at the largest B * H
    it runs compiled and the next batch size up (NumPy), against the NumPy backend."""
    import importlib

    import numpy as np
    cell = importlib.import_module(f"rnnlab.nn.{cell_name}")
    limits = backend.AUTO_MAX_BH_INFER if infer else backend.AUTO_MAX_BH
    limit = limits.get(cell_name, backend.AUTO_MAX_BH[cell_name])
    H = min(limit, 64)
    rng = np.random.default_rng(1)
    for B in (limit // H, limit // H + 1):
        p = cell.init(3, H, rng=rng, dtype=np.float64)
        x = rng.standard_normal((3, B, 3))
        mask = rng.random((3, B)) < 0.6
        h0 = tuple(rng.standard_normal((B, H)) for _ in cell.STATE)
        dh = rng.standard_normal((3, B, H))
        out = {}
        for name in ("auto", "numpy"):
            backend.set_backend(name)
            if infer:
                out[name] = [cell.infer(p, x, h0, mask=mask, reverse=True)[0]]
                continue
            h, cache = cell.forward(p, x, h0, mask=mask, reverse=True)
            if cell_name != "elman":                # the gated cells' caches say which loops ran
                assert ("loops" in cache) == (name == "auto" and B * H <= limit)
            grads, dx, d0 = cell.backward(p, cache, dh)
            out[name] = [h, dx, *d0, *grads.values(), cell.state_grads(p, cache, dh)]
        backend.set_backend("auto")
        assert backend.auto_choice(cell_name, B, H, infer) == (
            "compiled" if B * H <= limit else "numpy")
        for a, b in zip(out["auto"], out["numpy"]):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
