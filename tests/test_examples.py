"""The teaching notebooks in examples/: committed without outputs, and every one runs top to bottom
in a fresh Jupyter kernel (nbclient and ipykernel, the test extra) without an error. The notebooks
assert their own key claims in their code cells, so a claim that stops holding fails here."""
import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))
IDS = [p.name for p in NOTEBOOKS]
CELL_TIMEOUT = 600                      # seconds per cell: a hang fails, a slow machine does not


def test_there_is_a_notebook_per_part_of_the_lecture():
    assert [p.name for p in NOTEBOOKS] == [
        "01_forward.ipynb", "02_mappings.ipynb", "03_bptt.ipynb",
        "04_deep_bidirectional.ipynb", "05_benefit.ipynb", "06_stability_lstm_gru.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_committed_without_outputs(path):
    """Outputs belong to whoever runs the notebook: the repository holds the source only."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["nbformat"] == 4
    dirty = [i for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "code"
             and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert dirty == [], (f"{path.name}: code cells {dirty} hold outputs or execution counts; "
                         f"clear them before committing")
    kinds = {cell["cell_type"] for cell in nb["cells"]}
    assert kinds == {"markdown", "code"}, kinds          # teaching notebooks: prose and code


def _kernel_env(monkeypatch):
    """The kernel inherits this environment: this checkout's src first on its path, and a
    non-interactive matplotlib backend (figures still show inline through the kernel)."""
    path = os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH")) if p)
    monkeypatch.setenv("PYTHONPATH", path)
    monkeypatch.setenv("MPLBACKEND", "Agg")


def _run(nb, monkeypatch):
    nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed "
                                   "(pip install 'rnnlab[test]' or 'rnnlab[notebooks]')")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed "
                        "(pip install 'rnnlab[test]' or 'rnnlab[notebooks]')")
    _kernel_env(monkeypatch)
    # kernel "python3" is the native kernel: jupyter_client starts it with sys.executable (the
    # interpreter running the tests); test_the_kernel_is_this_python checks that it does
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(EXAMPLES)}})
    client.execute()
    return nb


def test_the_kernel_is_this_python_and_this_checkout(monkeypatch):
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import sys, rnnlab, matplotlib\n"
        "print(sys.prefix)\nprint(rnnlab.__file__)\nprint(matplotlib.get_backend())")])
    out = _run(nb, monkeypatch).cells[0].outputs[0]["text"].splitlines()
    assert out[0] == sys.prefix             # this environment (a venv's python is a symlink:
    #                                         its prefix, not its real path, tells it apart)
    assert Path(out[1]).resolve() == (ROOT / "src" / "rnnlab" / "__init__.py").resolve()
    assert out[2].lower() == "agg"


@pytest.mark.training          # the notebooks assert outcomes of training (hold on any BLAS)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_top_to_bottom(path, monkeypatch):
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed")
    pytest.importorskip("matplotlib", reason="the notebooks draw figures: matplotlib is not "
                        "installed (pip install 'rnnlab[notebooks]')")
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    _run(nb, monkeypatch)           # raises CellExecutionError, naming the cell, on any error
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []
