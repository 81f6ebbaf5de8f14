"""The tables of a sweep: statistics over seeds per setting, CSV and Markdown."""
import math

import numpy as np

import sweep_targets as targets
from rnnlab.sweeps import plan as planmod
from rnnlab.sweeps import summary

FN = planmod.Target("f", targets.noisy)


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
