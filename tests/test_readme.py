"""Every Python example in the README runs as it is written."""
import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def test_the_readme_has_examples():
    assert len(BLOCKS) >= 4


@pytest.mark.training                      # the first example prints that its loss went down
@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(code, capsys):
    for extra in ("sklearn", "matplotlib", "torch"):      # a block that needs an extra skips
        if re.search(rf"^\s*(from|import)\s+{extra}\b", code, re.M):   # without it
            pytest.importorskip(extra)
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "False" not in printed          # the examples print True where they check something
