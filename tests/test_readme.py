"""Every Python example in the README runs as it is written."""
import importlib.util
import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
EXTRAS = {"dask": "distributed", "fast": "numba", "onnx": "onnxruntime", "torch": "torch",
          "sklearn": "sklearn", "plot": "matplotlib"}    # a block's "# needs rnnlab[EXTRA]"
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def test_the_readme_has_examples():
    assert len(BLOCKS) >= 4


@pytest.mark.training                      # the first example prints that its loss went down
@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(code, capsys):
    needs = re.findall(r"^\s*(?:import|from) (\w+)", code, re.M)       # an extra not installed
    needs += [EXTRAS[e] for e in re.findall(r"# needs rnnlab\[(\w+)\]", code)]
    for name in needs:
        if importlib.util.find_spec(name) is None:
            pytest.skip(f"this example needs {name}, which is not installed")
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "False" not in printed          # the examples print True where they check something
