"""The package as users meet it: a light import, lazy subpackages, the README's commands."""
import re
import subprocess
import sys
from pathlib import Path

import rnnlab as rl

ROOT = Path(__file__).resolve().parents[1]


def test_import_is_light():
    """`import rnnlab` loads NumPy and nothing heavy (its speed is reported in the README)."""
    code = ("import sys, rnnlab; heavy = [m for m in ('torch', 'matplotlib', 'scipy', 'sklearn', "
            "'numba', 'rnnlab.model', 'rnnlab.tasks', 'rnnlab.experiments') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_lazy_attributes_after_a_bare_import():
    code = ("import rnnlab as rl; print(rl.__version__, rl.RNN.__name__, rl.optim.Adam.__name__, "
            "rl.tasks.__name__, rl.analysis.__name__, callable(rl.gradcheck), callable(rl.load))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [rl.__version__, "RNN", "Adam", "rnnlab.tasks", "rnnlab.analysis",
                                  "True", "True"]


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    m = re.search(r"<!-- test-command -->\s*```(?:bash|sh)?\n(.*?)```", readme, re.S)
    assert m, "the README must mark its test command with <!-- test-command -->"
    command = m.group(1).strip()
    assert command in ci


def test_readme_numpy_only_command_installs_no_extra_and_ci_runs_numpy_alone():
    """The README's NumPy-only command installs the package, pytest and hypothesis and nothing
    else; .ci/run runs the whole suite in an environment like it (at the numpy floor)."""
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    m = re.search(r"<!-- numpy-only-test-command -->\s*```(?:bash|sh)?\n(.*?)```", readme, re.S)
    assert m, "the README must mark its NumPy-only command with <!-- numpy-only-test-command -->"
    command = m.group(1).strip()
    assert "pip install -e . pytest hypothesis &&" in command and "[" not in command
    assert command.endswith("-m pytest -q")
    installs = re.findall(r"pip\" install[^\n]*", ci)
    assert any("pytest hypothesis" in line and "[" not in line for line in installs), installs


def test_version_is_consistent():
    out = subprocess.run([sys.executable, "-m", "rnnlab", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == f"rnnlab {rl.__version__}"


def test_tune_malloc_on_glibc():
    """The command line keeps freed buffers in the process (glibc's mallopt); elsewhere a no-op."""
    import platform
    ok = rl.tune_malloc()
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert ok is True
    else:
        assert ok in (True, False)
