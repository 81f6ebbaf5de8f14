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


def test_bench_page_rewrites_the_generated_part(tmp_path, capsys, monkeypatch):
    from rnnlab import bench
    page = tmp_path / "speed.md"
    page.write_text(f"intro\n{bench.BEGIN}\nold\n{bench.END}\noutro\n")
    row = {"B": 1, "T": 2, "H": 3, "auto": "numpy", "auto_infer": "numpy", "train_numpy": 0.002,
           "train_torch": 0.004, "train_ours": 0.002, "infer_numpy": 0.001, "infer_torch": 0.001,
           "infer_ours": 0.001}
    monkeypatch.setattr(bench, "run", lambda **kw: [row])
    monkeypatch.setattr(bench, "startup_times",
                        lambda: {"numpy": [1, 1, 1], "first": [3, 4, 5], "cached": [1.5, 1.5, 1.5]})
    assert main(["bench", "--cell", "gru", "--page", str(page)]) == 0
    text = page.read_text()
    assert f"rnnlab bench --cell gru --rounds 5 --page {page}` on " in text
    assert text.endswith(f"{bench.END}\noutro\n") and "\nold\n" not in text
    assert "| 1 | 2 | 3 | 3 | numpy, numpy | 2 | - | 4 | **0.50** |" in text
    assert "GRU train <= 0.5x at every size: met (worst 0.50; 0.50)" in text
    from rnnlab.nn import backend
    if backend.available():                        # numba installed: the compile times too
        assert "gru first call 4.00 s, cached 0.50 s" in text
    assert text.count("**gru**") == 1 and "**gru**" in capsys.readouterr().out


def test_bench_page_without_markers_is_refused_before_timing(tmp_path, capsys):
    page = tmp_path / "speed.md"
    page.write_text("no markers\n")
    assert main(["bench", "--page", str(page)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "must contain the lines" in err
