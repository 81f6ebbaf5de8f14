"""map_runs: an experiment's independent runs, here one after another or on a pool, in the same
order and as the same plain values; takes_pool: which run() functions get a pool."""
import numpy as np
import pytest

from rnnlab.experiments.parallel import map_runs, plain, takes_pool


def trial(config, seed):
    """A run with NumPy values and a tuple, as an experiment's run may return them."""
    rng = np.random.default_rng([seed, config["a"]])
    return {"x": rng.normal(), "v": rng.normal(size=3).astype(np.float32), "pair": (seed, 1),
            "n": np.int64(config["a"]), "config": config}


class ListPool:
    """A stand-in for rnnlab.sweeps.Pool: runs everything itself, in reverse order, and records
    what it was asked."""
    def __init__(self):
        self.calls = []

    def map(self, fn, configs, seeds):
        self.calls.append((fn, configs, seeds))
        pairs = [(c, s) for c in configs for s in seeds]
        done = {i: fn(dict(c), s) for i, (c, s) in reversed(list(enumerate(pairs)))}
        return [done[i] for i in range(len(pairs))]


def test_plain_makes_json_ready_values_without_changing_them():
    v = np.array([0.1, 1 / 3], dtype=np.float32)
    out = plain({"a": (1, np.float64(0.25)), 2: v, "n": [np.int8(-3), None, "s", True]})
    assert out == {"a": [1, 0.25], "2": [float(v[0]), float(v[1])], "n": [-3, None, "s", True]}
    assert type(out["a"][1]) is float and type(out["n"][0]) is int
    assert np.array_equal(np.asarray(out["2"], dtype=np.float32), v)        # bit for bit


def test_serial_runs_are_in_order_and_plain():
    got = map_runs(trial, [{"a": 1}, {"a": 2}], [5, 6])
    want = [plain(trial({"a": a}, s)) for a in (1, 2) for s in (5, 6)]
    assert got == want
    assert [g["pair"] for g in got] == [[5, 1], [6, 1], [5, 1], [6, 1]]


def test_a_pool_gets_the_runs_and_its_results_come_back_the_same():
    pool = ListPool()
    seen = []
    got = map_runs(trial, ({"a": a} for a in (1, 2)), range(3), pool,
                   report=lambda c, s, r: seen.append((c["a"], s, r["x"])))
    assert got == map_runs(trial, [{"a": 1}, {"a": 2}], [0, 1, 2])
    fn, configs, seeds = pool.calls[0]
    assert fn is trial and configs == [{"a": 1}, {"a": 2}] and seeds == [0, 1, 2]
    assert seen == [(g["n"], s, g["x"]) for g, s in zip(got, [0, 1, 2] * 2)]   # in order


def test_the_serial_report_sees_each_run_as_it_finishes():
    seen = []
    map_runs(trial, [{"a": 3}], [0, 1], report=lambda c, s, r: seen.append((c, s, r["n"])))
    assert seen == [({"a": 3}, 0, 3), ({"a": 3}, 1, 3)]


def test_a_config_changed_by_a_run_does_not_reach_the_next():
    def greedy(config, seed):
        config["a"] += 1
        return {"a": config["a"]}
    assert map_runs(greedy, [{"a": 1}], [0, 1]) == [{"a": 2}, {"a": 2}]


def test_a_pool_that_loses_runs_is_an_error():
    class Lossy:
        def map(self, fn, configs, seeds):
            return [fn(configs[0], seeds[0])]
    with pytest.raises(RuntimeError, match="the pool returned 1 results for 4 runs"):
        map_runs(trial, [{"a": 1}, {"a": 2}], [0, 1], Lossy())


def test_takes_pool():
    def old(*, quick, seed, progress):
        pass

    def new(*, quick=True, seed=0, progress=False, pool=None):
        pass

    def anything(**kw):
        pass
    assert not takes_pool(old) and takes_pool(new) and takes_pool(anything)
    assert not takes_pool(len)                      # no signature to read: never given one
