"""The Examples sections of the docstrings run as doctests (numpydoc's `>>>` examples), one test
per module that has any. A module whose examples need an extra says so on a line of its
examples, `# needs rnnlab[EXTRA]` (or is a module that cannot be imported without it, whose
ImportError names the extra), and its test skips with the reason when the extra is missing (the
numpy-only floor environment runs this same file)."""
import doctest
import importlib
import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
EXTRAS = {"dask": "distributed", "fast": "numba", "onnx": "onnxruntime", "torch": "torch",
          "sklearn": "sklearn", "plot": "matplotlib"}


def _modules_with_examples():
    out = []
    for path in sorted((SRC / "rnnlab").rglob("*.py")):
        text = path.read_text()
        if ">>> " in text:
            parts = list(path.relative_to(SRC).with_suffix("").parts)
            out.append((".".join(parts[:-1] if parts[-1] == "__init__" else parts), text))
    return out


MODULES = _modules_with_examples()


def test_the_main_entry_points_have_examples():
    assert len(MODULES) >= 8


@pytest.mark.training                # rl.RNN's example prints that five epochs lowered the loss
@pytest.mark.parametrize("name, text", MODULES, ids=[name for name, _ in MODULES])
def test_docstring_examples_run(name, text):
    for extra in re.findall(r"# needs rnnlab\[(\w+)\]", text):
        if importlib.util.find_spec(EXTRAS[extra]) is None:
            pytest.skip(f"the examples of {name} need the {extra} extra, which is not installed")
    import rnnlab
    try:
        module = importlib.import_module(name)
    except ImportError as err:                 # a module of an extra: its ImportError names it
        if "rnnlab[" not in str(err):
            raise
        pytest.skip(f"{name}: {err}")
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = [t for t in finder.find(module, name, globs={"np": np, "rl": rnnlab,
                                                          **vars(module)}) if t.examples]
    assert tests, f"{name} has '>>> ' in its source but no doctest was found"
    with np.printoptions(legacy=False):
        for test in tests:
            runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
