"""The sweep folder: a run's folder is whole or absent, a failed run is replaced by its re-run,
only runs that finished "ok" count as done, and a folder of another target is refused."""
import json

import pytest

from rnnlab.sweeps import store
from rnnlab.sweeps.plan import Run


def record(status, results=None, **kw):
    return {"status": status, "error": None if status == "ok" else "E: boom",
            "results": results or {}, "seconds": 0.1, **kw}


def test_a_failed_run_is_replaced_and_only_ok_runs_count_as_finished(tmp_path):
    store.create(tmp_path)
    run = Run("abc", {"a": 1}, 3)
    store.save_run(tmp_path, run, "t", record("failed", traceback="Traceback: boom"))
    assert store.finished(tmp_path, "abc") is None
    assert (tmp_path / "runs" / "abc" / "error.txt").read_text() == "Traceback: boom"
    store.save_run(tmp_path, run, "t", record("ok", {"x": 1.5}))
    done = store.finished(tmp_path, "abc")
    assert done["status"] == "ok" and done["results"] == {"x": 1.5}
    assert (done["config"], done["seed"]) == ({"a": 1}, 3)
    assert sorted(p.name for p in (tmp_path / "runs" / "abc").iterdir()) == \
        ["results.json", "run.json"]                      # the old error.txt went with it
    assert [p.name for p in (tmp_path / "runs").iterdir()] == ["abc"]   # no temporaries


def test_a_run_with_a_torn_file_is_not_finished(tmp_path):
    store.create(tmp_path)
    store.save_run(tmp_path, Run("r1", {}, 0), "t", record("ok", {"x": 1}))
    (tmp_path / "runs" / "r1" / "results.json").write_text('{"x": ')
    assert store.finished(tmp_path, "r1") is None


def test_a_folder_of_another_target_is_refused(tmp_path):
    store.save_sweep(tmp_path, {"target": "benefit"})
    assert store.check(tmp_path, "benefit") == tmp_path
    with pytest.raises(ValueError, match="holds a sweep of 'benefit', not 'forward'"):
        store.check(tmp_path, "forward")
    assert json.loads((tmp_path / "sweep.json").read_text()) == {"target": "benefit"}
