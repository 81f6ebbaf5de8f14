"""`rnnlab bench` with NumPy alone (the ratios against PyTorch: test_bench_torch.py)."""
from rnnlab.cli import main


def test_bench_times_rnnlab(capsys, monkeypatch):
    from rnnlab import bench
    monkeypatch.setattr(bench, "torch_module", lambda: None)     # as without the extra
    assert main(["bench", "--quick"]) == 0
    out = capsys.readouterr().out
    assert "| B | T | H |" in out and "PyTorch is not installed" in out
    rows = [l for l in out.splitlines() if l.startswith("| 1 |") or l.startswith("| 32 |")]
    assert len(rows) == 2
    for r in rows:
        cells = [c.strip() for c in r.split("|")]
        assert float(cells[5]) > 0 and cells[6] == "-"
