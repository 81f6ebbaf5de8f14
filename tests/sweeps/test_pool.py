"""rl.sweeps.Pool: one Dask client for several sweeps (what `rnnlab tour --workers N` hands to the
experiments): its results are the target's own, in order; a failed run, bad arguments and a
scheduler that does not answer are errors that say so."""
import socket
import time

import pytest

import sweep_targets as targets
from rnnlab.sweeps import Pool
from rnnlab.sweeps.summary import run_results


@pytest.fixture(scope="module")
def pool():
    pytest.importorskip("distributed")
    with Pool(workers=2) as p:
        yield p


def test_map_returns_the_targets_results_in_order(pool):
    configs = [{"a": 1}, {"a": 3, "note": "a config key named like a result"}]
    got = pool.map(targets.noisy, configs, [4, 0, 2])
    assert got == [targets.noisy(dict(c), s) for c in configs for s in (4, 0, 2)]
    again = pool.map(targets.train_tiny, [{"hidden": 3, "lr": 0.05}], [0, 1])   # same client
    assert again == [targets.train_tiny({"hidden": 3, "lr": 0.05}, s) for s in (0, 1)]


def test_a_failed_run_is_an_error_naming_it(pool):
    with pytest.raises(RuntimeError, match=r"1 of 3 runs failed; the first, seed 2: "
                                           r"RuntimeError: seed 2 fails on purpose"):
        pool.map(targets.fails_on_seed_2, [{"a": 1}], [0, 1, 2])


def test_map_outside_a_with_starts_a_cluster_for_the_call():
    pytest.importorskip("distributed")
    assert Pool(workers=1).map(targets.noisy, [{"a": 2}], [7]) == [targets.noisy({"a": 2}, 7)]


def test_results_come_from_the_row_without_the_runs_own_columns():
    row = {"run": "ab12", "seed": 3, "status": "ok", "lr": 0.1, "result.seed": 3, "loss": 0.5,
           "result.lr": 0.2, "error": None, "seconds": 1.5, "host": "h"}
    assert run_results(row, {"lr": 0.1}) == {"seed": 3, "loss": 0.5, "lr": 0.2}


@pytest.mark.parametrize("kwargs, error, words", [
    ({"workers": 0}, ValueError, "workers: expected an integer >= 1, got 0"),
    ({"workers": True}, ValueError, "workers: expected an integer >= 1, got True"),
    ({"workers": 2, "scheduler": "tcp://x:1"}, ValueError, "not workers and scheduler"),
    ({"scheduler": 8786}, TypeError, "scheduler: expected an address"),
])
def test_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        Pool(**kwargs)


def test_describe_says_where_the_runs_go():
    assert Pool(workers=2).describe() == "a local Dask cluster (2 worker processes)"
    assert Pool(workers=1).describe() == "a local Dask cluster (1 worker process)"
    assert Pool(scheduler="tcp://head:8786").describe() == "the Dask cluster at tcp://head:8786"
    assert "one per core" in repr(Pool())


def test_an_unreachable_scheduler_fails_within_seconds():
    pytest.importorskip("distributed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.perf_counter()
    with pytest.raises(ConnectionError, match=f"cannot reach a Dask scheduler at "
                                              f"'tcp://127.0.0.1:{port}' within 1 s"):
        with Pool(scheduler=f"tcp://127.0.0.1:{port}", timeout=1):
            pass
    assert time.perf_counter() - start < 15


def test_without_dask_the_error_names_the_extra(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"pip install 'rnnlab\[dask\]'"):
        with Pool(workers=1):
            pass
