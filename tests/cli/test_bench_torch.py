"""`rnnlab bench` against PyTorch (the `test` extra)."""
import pytest

from rnnlab.cli import main

pytest.importorskip("torch")


def test_bench_prints_ratios(capsys):
    assert main(["bench", "--quick"]) == 0
    out = capsys.readouterr().out
    assert "| B | T | H |" in out
    ratio_rows = [l for l in out.splitlines() if l.startswith("| 1 |") or l.startswith("| 32 |")]
    assert len(ratio_rows) == 2
    for r in ratio_rows:                              # measured times on both sides, a ratio
        cells = [c.strip() for c in r.split("|")]
        ours, theirs, ratio = float(cells[5]), float(cells[6]), float(cells[7])
        assert ours > 0 and theirs > 0 and ratio == pytest.approx(ours / theirs, abs=0.01, rel=0.05)
