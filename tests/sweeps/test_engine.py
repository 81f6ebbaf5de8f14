"""Real sweeps on a local Dask cluster of processes (one cluster of 2 workers for the module): the
table, a worker killed mid-run, a re-run that skips finished runs, a failing run, bit-identical
results with 1 and 2 workers, and the errors for a scheduler that does not answer."""
import json
import socket
import time

import pytest

import sweep_targets as targets
from rnnlab import sweeps
from rnnlab.sweeps import plan as planmod

FN = planmod.Target("f", targets.noisy)


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    import logging
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.CRITICAL)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def by_run(rows):
    return {r["run"]: r for r in rows}


def test_a_small_sweep_gives_the_table_of_every_run(client, tmp_path):
    rows = sweeps.sweep(targets.noisy, grid={"a": range(1, 4, 2)}, seeds=[0, 1, 2],
                        client=client, out=tmp_path, frame=False)
    runs = planmod.plan({"a": [1, 3]}, [0, 1, 2], FN)
    assert [(r["run"], r["a"], r["seed"]) for r in rows] == [(r.id, r.config["a"], r.seed)
                                                             for r in runs]
    for row, run in zip(rows, runs):
        expect = targets.noisy(run.config, run.seed)      # the function, called here
        assert row["status"] == "ok" and row["x"] == expect["x"] and row["big"] == expect["big"]
        assert json.loads((tmp_path / "runs" / run.id / "results.json").read_text()) == expect
        meta = json.loads((tmp_path / "runs" / run.id / "run.json").read_text())
        assert (meta["config"], meta["seed"], meta["status"]) == (run.config, run.seed, "ok")
        assert meta["host"] == socket.gethostname() and meta["versions"]["distributed"]
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == sorted(r.id for r in runs)
    csv_rows = (tmp_path / "summary.csv").read_text().splitlines()
    assert csv_rows[0].startswith("a,runs,failed,x mean,x std,x n,big passed,big n")
    assert len(csv_rows) == 3
    doc = json.loads((tmp_path / "sweep.json").read_text())
    assert doc["status"] == "complete" and doc["runs"] == [r.id for r in runs]
    if doc["figures_skipped"] is None:
        assert doc["figures"] == ["figure-a.png"]
        assert (tmp_path / "figure-a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_killed_worker_is_replaced_and_every_run_is_done_once(client, tmp_path):
    marker = tmp_path / "killed"
    grid = [{"a": 1, "marker": str(marker)}]
    rows = sweeps.sweep(targets.dies_once, grid=grid, seeds=range(4), client=client,
                        out=tmp_path / "out", frame=False)
    assert marker.exists()                                # a worker did die
    assert sorted(r["seed"] for r in rows) == [0, 1, 2, 3]
    assert all(r["status"] == "ok" for r in rows)
    assert rows[1]["pid"] != int(marker.read_text())          # ran in another process
    assert len(list((tmp_path / "out" / "runs").iterdir())) == 4


def test_a_rerun_skips_finished_runs(client, tmp_path):
    log = tmp_path / "calls.log"
    grid = {"a": [2], "log": [str(log)]}
    first = sweeps.sweep(targets.noisy, grid=grid, seeds=[0, 1], client=client,
                         out=tmp_path / "out", frame=False)
    assert len(log.read_text().splitlines()) == 2
    again = sweeps.sweep(targets.noisy, grid=grid, seeds=[0, 1, 2], client=client,
                         out=tmp_path / "out", frame=False)
    assert log.read_text().splitlines()[2:] == ["2 2"]   # only the new seed ran
    assert [r["x"] for r in again[:2]] == [r["x"] for r in first]
    with pytest.raises(ValueError, match="metric: no numeric result 'nosuch'; the runs "
                                         "returned 'x'"):      # nothing runs: all finished
        sweeps.sweep(targets.noisy, grid=grid, seeds=[0, 1, 2], out=tmp_path / "out",
                     metric="nosuch")
    assert len(log.read_text().splitlines()) == 3


def test_a_failing_run_is_recorded_and_the_others_go_on(client, tmp_path):
    rows = sweeps.sweep(targets.fails_on_seed_2, grid={"a": [1]}, seeds=range(4), client=client,
                        out=tmp_path, frame=False)
    assert [r["status"] for r in rows] == ["ok", "ok", "failed", "ok"]
    assert rows[2]["error"] == "RuntimeError: seed 2 fails on purpose"
    folder = tmp_path / "runs" / rows[2]["run"]
    assert "fails on purpose" in (folder / "error.txt").read_text()
    assert json.loads((folder / "run.json").read_text())["status"] == "failed"
    assert "| 1 | 4 | 1 |" in (tmp_path / "summary.md").read_text()


def test_results_are_bit_identical_with_one_and_two_workers(client, tmp_path):
    grid = {"hidden": [3, 5], "lr": [0.01]}
    two = sweeps.sweep(targets.train_tiny, grid=grid, seeds=range(3), client=client,
                       out=tmp_path / "two", frame=False)
    one = sweeps.sweep(targets.train_tiny, grid=grid, seeds=range(3), workers=1,
                       out=tmp_path / "one", frame=False)     # its own local cluster
    assert all(r["status"] == "ok" for r in one + two)
    for r in two:
        a = (tmp_path / "one" / "runs" / r["run"] / "results.json").read_bytes()
        b = (tmp_path / "two" / "runs" / r["run"] / "results.json").read_bytes()
        assert a == b
    assert len({r["loss"] for r in two}) == 6             # the runs do differ


def test_an_unreachable_scheduler_fails_within_seconds():
    pytest.importorskip("distributed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]                          # closed once the block ends
    start = time.perf_counter()
    with pytest.raises(ConnectionError, match=f"cannot reach a Dask scheduler at "
                                              f"'tcp://127.0.0.1:{port}'"):
        sweeps.sweep(targets.noisy, client=f"tcp://127.0.0.1:{port}", timeout=1)
    assert time.perf_counter() - start < 15


def test_a_client_and_workers_together_are_refused(client):
    with pytest.raises(ValueError, match="workers: give workers or a client"):
        sweeps.sweep(targets.noisy, client=client, workers=2)


def test_rl_sweep_stays_the_function_after_importing_the_module():
    import rnnlab as rl
    import rnnlab.sweeps  # noqa: F401
    assert rl.sweep is sweeps.sweep
