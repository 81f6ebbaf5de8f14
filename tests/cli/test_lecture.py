"""`rnnlab list`, `rnnlab run`, `rnnlab tour`: numbers, reports and (with matplotlib) figures;
without matplotlib the commands still succeed and say why the figures are missing."""
import importlib.util
import json
import socket
import sys
import time

import numpy as np
import pytest

from cli_support import one_line_error
from report_support import parse
from rnnlab.cli import main

HAVE_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


def test_list_names_every_experiment(capsys):
    from rnnlab import experiments
    assert main(["list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [l.split()[0] for l in out] == list(experiments.registry())


def test_run_writes_results_and_run(tmp_path, capsys):
    out = tmp_path / "fwd"
    assert main(["run", "forward", "--quick", "--out", str(out), "--seed", "1"]) == 0
    res = json.loads((out / "results.json").read_text())
    run = json.loads((out / "run.json").read_text())
    assert run["seed"] == 1 and run["quick"] and run["versions"]["numpy"] == np.__version__
    assert run["command"] == f"rnnlab run forward --quick --out {out} --seed 1"
    rows = {r[0]: r for r in res["tables"]["errors"]["rows"]}
    assert rows["sine"][1] < rows["sine"][2] and rows["echo"][1] < rows["echo"][3]  # RNN wins
    pngs = {p.name for p in out.iterdir() if p.suffix == ".png"}
    printed = capsys.readouterr().out
    assert f"report: {out / 'report.html'}" in printed
    if HAVE_MATPLOTLIB:
        assert {"forward.png", "learning_curves.png"} <= pngs
        assert (out / "forward.png").read_bytes()[:4] == b"\x89PNG"
    else:
        assert pngs == set() and "matplotlib" in printed
    # the tour's report, for this one experiment, beside its results
    root = parse((out / "report.html").read_text())
    assert root.find_all("h1")[0].text().startswith("rnnlab run forward: ")
    ids = {n.attrs["id"] for n in root.find_all() if "id" in n.attrs}
    assert all(a.attrs["href"][1:] in ids for a in root.find_all("nav")[0].find_all("a"))
    assert "Test mean squared error: recurrent vs static network" in \
        [h.text() for h in root.find_all("h3")]
    figures = root.find_all("figure")
    summary_png = 1 if res.get("headline") and HAVE_MATPLOTLIB else 0
    assert len(figures) == len(res["figures"]) + summary_png
    assert all(f.find_all("figcaption")[0].text().startswith(f"Figure {i}. ")
               for i, f in enumerate(figures, 1))
    md = (out / "report.md").read_text()
    assert "Quick mode" in md and "## 1. Dynamic data" in md
    assert all(f"]({f})" in md for f in res["figures"])               # beside the report
    rc = main(["run", "forward", "--quick", "--out", str(out)])
    assert "results.json exists; pass --force" in one_line_error(capsys, rc)


def test_tour_writes_the_report(tmp_path, capsys):
    out = tmp_path / "tour"
    assert main(["tour", "--quick", "--only", "forward,mappings", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "report.html" in printed and "| forward | ok |" in printed
    md = (out / "report.md").read_text()
    assert "## Summary" in md and "| mappings | ok |" in md and "Git commit" in md
    assert "next input, delayed" in md                      # the mappings table made it in
    html = (out / "report.html").read_text()
    assert html.startswith("<!doctype html>")
    if HAVE_MATPLOTLIB:
        assert html.count("data:image/png;base64,") >= 8          # figures embedded
    else:
        assert "figures need matplotlib" in html
    assert (out / "mappings" / "results.json").exists()
    before = (out / "report.md").read_bytes()
    rc = main(["tour", "--quick", "--only", "forward", "--out", str(out)])
    assert "report.md exists" in one_line_error(capsys, rc)              # never overwrite
    assert (out / "report.md").read_bytes() == before


@pytest.mark.parametrize("only, match", [
    ("", "expected experiment names separated by commas, got ''"),
    (",", "expected experiment names separated by commas, got ','"),
    (" , ", "expected experiment names"),
    ("forward,", "an empty name in 'forward,'"),
    ("forward,,mappings", "an empty name"),
    ("forward,forward", "forward listed more than once"),
    ("forward,nonsense", "unknown experiment 'nonsense'"),
])
def test_an_empty_or_bad_selection_is_a_usage_error(tmp_path, monkeypatch, capsys, only, match):
    monkeypatch.chdir(tmp_path)                 # a default report folder would appear here
    rc = main(["tour", "--quick", "--only", only])
    assert match in one_line_error(capsys, rc)
    assert list(tmp_path.iterdir()) == []


# -- --workers / --scheduler: the experiments' independent runs on Dask ----------------------
@pytest.mark.parametrize("command", [["tour", "--quick"], ["run", "benefit", "--quick"]])
@pytest.mark.parametrize("args, match", [
    (["--workers", "0"], "argument --workers: must be >= 1, got 0"),
    (["--workers", "two"], "argument --workers: expected an integer, got 'two'"),
    (["--workers", "2", "--scheduler", "tcp://x:1"], "not allowed with argument --workers"),
    (["--scheduler", "tcp://x:1", "--timeout", "0"], "argument --timeout: must be a finite"),
])
def test_bad_pool_options_exit_2_before_any_work(tmp_path, monkeypatch, capsys, command, args,
                                                 match):
    monkeypatch.chdir(tmp_path)
    assert match in one_line_error(capsys, main([*command, *args]))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["tour", "--quick", "--only", "benefit"],
                                     ["run", "benefit", "--quick"]])
def test_an_unreachable_scheduler_exits_2_within_seconds(tmp_path, capsys, command):
    pytest.importorskip("distributed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.perf_counter()
    rc = main([*command, "--scheduler", f"tcp://127.0.0.1:{port}", "--timeout", "1",
               "--out", str(tmp_path / "out")])
    assert f"cannot reach a Dask scheduler at 'tcp://127.0.0.1:{port}'" in \
        one_line_error(capsys, rc)
    assert time.perf_counter() - start < 15
    assert not (tmp_path / "out").exists()                       # nothing is created


def test_without_dask_workers_name_the_extra(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)
    rc = main(["run", "benefit", "--quick", "--workers", "2", "--out", str(tmp_path / "o")])
    assert "pip install 'rnnlab[dask]'" in one_line_error(capsys, rc)


class FakePool:
    """Records how the command built it; `with` gives itself, as rnnlab.sweeps.Pool does."""
    made = []

    def __init__(self, workers=None, **kw):
        self.workers, self.kw = workers, kw
        FakePool.made.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def describe(self):
        return f"fake pool of {self.workers}"


@pytest.fixture
def fake_pool(monkeypatch):
    from rnnlab import sweeps
    FakePool.made = []
    monkeypatch.setattr(sweeps, "Pool", FakePool)
    return FakePool.made


@pytest.fixture
def fake_runs(monkeypatch):
    """forward and stability replaced by instant experiments (the registry reads each module's
    run() when asked): forward takes no pool, stability does; returns the pools it was given."""
    from rnnlab.experiments import Result, Table, forward, stability
    given = []

    def plain_run(*, quick, seed, progress):
        return Result(tables={"t": Table("t", ["v"], [[1.0]])}, summary=[("v", 1.0)])

    def pooled_run(*, quick=True, seed=0, progress=False, setting=None, pool=None):
        given.append(pool)
        return plain_run(quick=quick, seed=seed, progress=progress)
    monkeypatch.setattr(forward, "run", plain_run)
    monkeypatch.setattr(stability, "run", pooled_run)
    return given


@pytest.mark.parametrize("args, workers, scheduler", [
    ([], None, None), (["--workers", "3"], 3, None),
    (["--scheduler", "tcp://head:8786", "--timeout", "4"], None, "tcp://head:8786")])
def test_the_tour_hands_the_pool_to_the_experiments(tmp_path, capsys, fake_pool, fake_runs,
                                                    args, workers, scheduler):
    assert main(["tour", "--quick", "--only", "forward,stability", "--out", str(tmp_path / "t"),
                 *args]) == 0
    if workers is None and scheduler is None:
        assert fake_runs == [None] and fake_pool == []        # serial: no Dask at all
    else:
        pool, = fake_pool
        assert fake_runs == [pool] and pool.workers == workers
        assert pool.kw["scheduler"] == scheduler
        assert pool.kw["timeout"] == (4.0 if scheduler else 10.0)
    runs_on = [json.loads((tmp_path / "t" / n / "run.json").read_text())["runs_on"]
               for n in ("forward", "stability")]
    assert runs_on == ["this process", "this process" if not args else f"fake pool of {workers}"]


def test_run_hands_the_pool_on_and_ignores_it_where_nothing_spreads(tmp_path, capsys, fake_pool,
                                                                     fake_runs):
    assert main(["run", "stability", "--workers", "2", "--out", str(tmp_path / "s")]) == 0
    assert fake_runs == fake_pool and fake_pool[0].workers == 2
    assert "runs on fake pool of 2" in capsys.readouterr().err
    assert main(["run", "forward", "--workers", "2", "--out", str(tmp_path / "f")]) == 0
    assert len(fake_pool) == 1                                    # no cluster for nothing
    assert "forward has no independent runs to spread over workers; --workers/--scheduler " \
           "ignored" in capsys.readouterr().err


def test_run_on_two_workers_gives_the_results_of_a_serial_run(tmp_path, monkeypatch, capsys):
    """A real local cluster, through the command line, on benefit's tiny settings (the workers
    get every setting with each run, so patching SETTINGS here reaches them)."""
    pytest.importorskip("distributed")
    from rnnlab.experiments import benefit
    tiny = dict(seeds=2, n_train=500, train_bits=6, hidden=6, epochs=4, lr=0.03, lengths=(8, 32),
                n_test=10, mlp_bits=(4,), mlp_hidden=8, mlp_steps=50, mlp_heldout=20,
                mlp_lr=0.01, exact_bits=500, long_bits=100)
    monkeypatch.setitem(benefit.SETTINGS, "quick", tiny)
    assert main(["run", "benefit", "--quick", "--out", str(tmp_path / "serial")]) == 0
    assert main(["run", "benefit", "--quick", "--workers", "2", "--out",
                 str(tmp_path / "two")]) == 0
    serial, two = (json.loads((tmp_path / n / "results.json").read_text())
                   for n in ("serial", "two"))
    assert serial["tables"] == two["tables"] and serial["summary"] == two["summary"]
    runs_on = [json.loads((tmp_path / n / "run.json").read_text())["runs_on"]
               for n in ("serial", "two")]
    assert runs_on == ["this process", "a local Dask cluster (2 worker processes)"]
