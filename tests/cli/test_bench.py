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


def test_bench_runs_the_backend_it_is_given(capsys, monkeypatch):
    from rnnlab import bench
    from rnnlab.nn import backend
    monkeypatch.setattr(bench, "torch_module", lambda: None)
    seen = []
    monkeypatch.setattr(bench, "run", lambda **kw: seen.append(backend.get_backend()) or [])
    before = backend.get_backend()
    try:
        assert main(["bench", "--quick", "--backend", "numpy"]) == 0
        assert seen == ["numpy"] and "rnnlab backend numpy" in capsys.readouterr().out
        monkeypatch.setattr(backend, "available", lambda: False)
        assert main(["bench", "--quick", "--backend", "compiled"]) == 2
        assert "rnnlab[fast]" in capsys.readouterr().err
    finally:
        backend.set_backend(before)
