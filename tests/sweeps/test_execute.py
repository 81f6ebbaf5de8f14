"""One run on a worker, called here in-process: the record of a run that returns and of one that
raises, the function sent by value, and results made JSON-ready."""
import json

import numpy as np
import pytest

import sweep_targets as targets
from rnnlab.sweeps.execute import execute, payload, plain
from rnnlab.sweeps.plan import Target

pytest.importorskip("cloudpickle", reason="functions travel with cloudpickle (the dask extra)")


def test_a_run_that_returns_is_ok_with_its_results():
    rec = execute("noisy", payload(Target("noisy", targets.noisy)), {"a": 2}, 5)
    assert rec["status"] == "ok" and rec["error"] is None
    assert rec["results"] == targets.noisy({"a": 2}, 5)
    assert rec["seconds"] >= 0 and rec["host"] and rec["versions"]["numpy"] == np.__version__


def test_a_run_that_raises_is_failed_with_its_error_and_traceback():
    fn = payload(Target("f", targets.fails_on_seed_2))
    rec = execute("f", fn, {"a": 1}, 2)
    assert rec["status"] == "failed" and rec["results"] == {}
    assert rec["error"] == "RuntimeError: seed 2 fails on purpose"
    assert "fails_on_seed_2" in rec["traceback"]


def test_a_result_that_is_not_a_dict_fails_the_run():
    ns = {"__name__": "__main__"}                # as a script's own function
    exec("def g(config, seed):\n    return [seed]", ns)
    rec = execute("g", payload(Target("g", ns["g"])), {"a": 1}, 0)
    assert rec["status"] == "failed" and "must return a dict of results, got list" in rec["error"]


def test_a_function_defined_in_main_travels_by_value():
    ns = {"__name__": "__main__"}                # as a script's own function
    exec("def f(config, seed):\n    return {'y': config['a'] * 10 + seed}", ns)
    rec = execute("f", payload(Target("f", ns["f"])), {"a": 4}, 2)
    assert rec["results"] == {"y": 42}


def test_plain_makes_numpy_values_json_ready():
    doc = plain({"a": np.float32(0.5), "b": np.arange(3), "c": (np.int64(2), True), 4: None})
    assert doc == {"a": 0.5, "b": [0, 1, 2], "c": [2, True], "4": None}
    assert json.loads(json.dumps(doc)) == doc
