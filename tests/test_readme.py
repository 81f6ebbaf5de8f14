"""Every Python example in the README and in the docs pages (docs/*.md) runs as it is written."""
import importlib.util
import re
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
EXTRAS = {"dask": "distributed", "fast": "numba", "onnx": "onnxruntime", "torch": "torch",
          "sklearn": "sklearn", "plot": "matplotlib"}    # a block's "# needs rnnlab[EXTRA]"
BLOCKS = [(page.relative_to(ROOT).as_posix(), textwrap.dedent(code)) for page in PAGES
          for code in re.findall(r"```python\n(.*?)```", page.read_text(), re.S)]
README_BLOCKS = [code for page, code in BLOCKS if page == "README.md"]


def test_the_readme_has_examples():
    assert len(README_BLOCKS) >= 2 and len(BLOCKS) >= 12


def test_the_readme_stays_short():
    """The README is the front page (what rnnlab is, the set-up, a path through the features);
    the details live in docs/, so it stays at or under about 12 KB."""
    assert len((ROOT / "README.md").read_bytes()) <= 12_500


@pytest.mark.training                      # the first example prints that its loss went down
@pytest.mark.parametrize("page, code", BLOCKS,
                         ids=[f"{page}-block{i}" for i, (page, _) in enumerate(BLOCKS)])
def test_readme_example_runs(page, code, capsys):
    needs = re.findall(r"^\s*(?:import|from) (\w+)", code, re.M)       # an extra not installed
    needs += [EXTRAS[e] for e in re.findall(r"# needs rnnlab\[(\w+)\]", code)]
    for name in needs:
        if importlib.util.find_spec(name) is None:
            pytest.skip(f"this example needs {name}, which is not installed")
    exec(compile(code, page, "exec"), {})
    printed = capsys.readouterr().out
    assert "False" not in printed          # the examples print True where they check something
