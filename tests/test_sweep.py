"""rl.sweep: the plan (grid, seeds, run ids), the summary, and real sweeps on a local Dask cluster
of processes (one cluster of 2 workers for the module): the table, a worker killed mid-run, a
re-run that skips finished runs, a failing run, and bit-identical results with 1 and 2 workers."""
import hashlib
import json
import math
import socket
import time

import numpy as np
import pytest

import sweep_targets as targets
from rnnlab import sweeps
from rnnlab.sweeps import plan as planmod
from rnnlab.sweeps import summary

FN = planmod.Target("f", targets.noisy)


# -- the plan (no Dask) ---------------------------------------------------------------------------

def test_a_dict_grid_is_the_cartesian_product_in_key_order():
    configs = planmod.settings({"a": [1, 2], "b": ["x", "y", "z"]}, FN)
    assert configs == [{"a": a, "b": b} for a in (1, 2) for b in "xyz"]


def test_a_list_grid_is_taken_as_it_is_and_seeds_vary_fastest():
    runs = planmod.plan([{"a": 3}, {"a": 1, "b": True}], [5, 2], FN)
    assert [(r.config, r.seed) for r in runs] == [({"a": 3}, 5), ({"a": 3}, 2),
                                                  ({"a": 1, "b": True}, 5),
                                                  ({"a": 1, "b": True}, 2)]


def test_run_ids_hash_the_canonical_json_of_config_and_seed():
    text = '{"config":{"a":1,"b":"x"},"seed":3}'              # keys sorted, no spaces
    assert planmod.run_id({"b": "x", "a": 1}, 3) == hashlib.sha256(text.encode()).hexdigest()[:16]
    assert planmod.run_id({"a": 1}, 0) != planmod.run_id({"a": 1.0 + 1e-12}, 0)
    assert planmod.run_id({"a": 1}, 0) != planmod.run_id({"a": 1}, 1)


@pytest.mark.parametrize("grid, exc, words", [
    ({}, ValueError, "empty"),
    ([], ValueError, "empty"),
    ({"a": []}, ValueError, "grid['a']: empty"),
    ({"a": 3}, TypeError, "grid['a']: expected a list"),
    ({"a": [object()]}, TypeError, "grid['a']: values must be"),
    ([{"a": 1}, {"a": 1}], ValueError, "more than once"),
    ("a=1", TypeError, "dict of lists or a list of dicts"),
])
def test_a_bad_grid_is_refused_naming_the_parameter(grid, exc, words):
    with pytest.raises(exc, match=words.replace("[", r"\[").replace("]", r"\]")):
        planmod.settings(grid, FN)


def test_an_experiment_takes_only_quick_and_seeds():
    exp = planmod.resolve_target("forward")
    assert exp.is_experiment
    assert planmod.settings(None, exp) == [{"quick": False}]
    assert planmod.settings({"quick": [True]}, exp) == [{"quick": True}]
    with pytest.raises(ValueError, match="unknown parameter 'lr' for experiment 'forward'"):
        planmod.settings({"lr": [0.1]}, exp)
    with pytest.raises(ValueError, match="unknown experiment 'nosuch'"):
        planmod.resolve_target("nosuch")


@pytest.mark.parametrize("text, seeds", [("0-3", [0, 1, 2, 3]), ("4", [4]),
                                         ("0-1,7,9-10", [0, 1, 7, 9, 10])])
def test_seed_ranges(text, seeds):
    assert planmod.parse_seeds(text) == seeds


@pytest.mark.parametrize("seeds, exc", [("3-1", ValueError), ("a", ValueError),
                                        ("1,1", ValueError), ("-2", ValueError)])
def test_bad_seeds_are_refused(seeds, exc):
    with pytest.raises(exc, match="seeds"):
        planmod.parse_seeds(seeds)


def test_the_summary_is_mean_std_and_count_over_seeds():
    runs = planmod.plan({"a": [1, 2]}, [0, 1, 2], FN)
    recs = [{"status": "ok", "results": targets.noisy(r.config, r.seed)} for r in runs]
    recs[1] = {"status": "failed", "results": {}, "error": "E"}
    rows = summary.setting_rows(runs, recs)
    for row, a in zip(rows, (1, 2)):
        ok = [targets.noisy({"a": a}, s) for s in ((0, 2) if a == 1 else (0, 1, 2))]
        xs = np.array([r["x"] for r in ok])
        assert row["a"] == a and row["runs"] == 3 and row["failed"] == (a == 1)
        assert math.isclose(row["x mean"], xs.mean(), rel_tol=1e-12)
        assert math.isclose(row["x std"], xs.std(ddof=1), rel_tol=1e-12)
        assert row["x n"] == len(ok) and row["big n"] == len(ok)
        assert row["big passed"] == sum(r["big"] for r in ok)
        assert "note mean" not in row                     # text is not averaged
    md = summary.to_markdown(rows, ["a"])
    assert f"{rows[0]['big passed']}/2" in md.splitlines()[2]


# -- real sweeps on a local Dask cluster ----------------------------------------------------------

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
