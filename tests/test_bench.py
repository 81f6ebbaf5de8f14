"""rnnlab.bench, the parts that need no torch: the table of medians and ratios, the timer, and a
run that times rnnlab alone when torch is absent."""
import io

import numpy as np
import pytest

from rnnlab import bench

ROW = {"B": 32, "T": 50, "H": 16, "train_ours": 0.003, "train_torch": 0.0012,
       "infer_ours": 0.0005, "infer_torch": 0.001}


def test_table_shows_milliseconds_and_ratios():
    lines = bench.table([ROW], cell="lstm").splitlines()
    assert lines[0] == "lstm:"
    assert lines[1].startswith("| B | T | H | B*H | train rnnlab (ms) |")
    assert len(lines[2].split("|")) == len(lines[1].split("|"))       # one separator per column
    # 3 ms / 1.2 ms = 2.5; 0.5 ms / 1 ms = 0.5; B*H = 512
    assert lines[3] == "| 32 | 50 | 16 | 512 | 3 | 1.2 | 2.50 | 0.5 | 1 | 0.50 |"


def test_table_without_torch_shows_dashes():
    row = dict(ROW, train_torch=None, infer_torch=None)
    assert bench.table([row]).splitlines()[3] == "| 32 | 50 | 16 | 512 | 3 | - | - | 0.5 | - | - |"


def test_time_is_the_mean_per_call_over_at_least_two_calls(monkeypatch):
    clock = iter(np.arange(0.0, 100.0, 0.25))                      # each read: 0.25 s later
    monkeypatch.setattr(bench.time, "perf_counter", lambda: next(clock))
    calls = []
    per_call = bench._time(lambda: calls.append(1), min_time=1.0)
    # start at 0; reads after calls 1..4 see 0.25, 0.5, 0.75, 1.0: stop at 4 calls, 1.0 s
    assert len(calls) == 1 + 4 and per_call == pytest.approx(0.25)


def test_run_times_rnnlab_alone_without_torch(monkeypatch):
    monkeypatch.setattr(bench, "torch_module", lambda: None)
    out = io.StringIO()
    rows = bench.run("gru", sizes=[(2, 3, 4)], rounds=2, min_time=0.0, threads=1, stream=out)
    assert [(r["B"], r["T"], r["H"]) for r in rows] == [(2, 3, 4)]
    assert rows[0]["train_torch"] is None and rows[0]["infer_torch"] is None
    assert rows[0]["train_ours"] > 0 and rows[0]["infer_ours"] > 0
    assert out.getvalue().count("done") == 2
    assert bench.versions().startswith(f"numpy {np.__version__}, torch not installed, ")


def test_size_lists_are_well_formed():
    for sizes in (bench.SIZES_ELMAN, bench.SIZES_QUICK, bench.SIZES_GATED):
        assert sizes and all(len(s) == 3 and min(s) >= 1 for s in sizes)
