"""`rnnlab sweep`: bad input ends with exit status 2 and one line naming the problem (before any
cluster starts, or within seconds for an unreachable scheduler); a sweep of a function in a file
runs on a local Dask cluster, re-runs skip it, and Ctrl-C keeps the finished runs."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rnnlab.cli import main

SRC = Path(__file__).resolve().parents[2] / "src"

TRIALS = '''
import time
import numpy as np

def train(config, seed):
    rng = np.random.default_rng(seed)
    return {"loss": float(rng.random()) / config["hidden"], "exact": bool(rng.random() > 0.5)}

def slow(config, seed):
    time.sleep(0.6)
    return {"v": seed * 1.5}
'''


@pytest.fixture
def trials(tmp_path, monkeypatch):
    (tmp_path / "trials.py").write_text(TRIALS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("args, words", [
    (["nosuch"], "unknown experiment 'nosuch'"),
    (["benefit", "--grid", "lr=0.1"], "unknown parameter 'lr' for experiment 'benefit'"),
    (["trials.py:train", "--grid", "hidden="], "--grid hidden has an empty value"),
    (["trials.py:train", "--grid", "hidden"], "--grid expects KEY=V1,V2"),
    (["trials.py:train", "--grid", "a=1", "--grid", "a=2"], "--grid a given twice"),
    (["trials.py:train", "--seeds", "5-2"], "--seeds: empty range"),
    (["trials.py:train", "--seeds", "x"], "--seeds: expected ranges"),
    (["trials.py:nope"], "'trials.py' has no function 'nope'"),
    (["missing.py:train"], "no file 'missing.py'"),
    (["trials.py:train", "--workers", "0"], "--workers: must be >= 1"),
    (["trials.py:train", "--workers", "2", "--scheduler", "tcp://x:1"], "not allowed with"),
])
def test_bad_input_exits_2_with_one_line(trials, capsys, args, words):
    assert main(["sweep", *args, "--out", str(trials / "out")]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_malformed_scheduler_address_exits_2(trials, capsys):
    pytest.importorskip("distributed")
    assert main(["sweep", "trials.py:train", "--scheduler", "nonsense", "--out", "out"]) == 2
    assert "'nonsense' is not a scheduler address" in capsys.readouterr().err


def test_without_dask_the_error_names_the_extra(trials, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)    # `import distributed` fails
    assert main(["sweep", "trials.py:train", "--grid", "hidden=2", "--out", "out"]) == 2
    assert "pip install 'rnnlab[dask]'" in capsys.readouterr().err


def test_an_unreachable_scheduler_exits_2_within_seconds(trials, capsys):
    pytest.importorskip("distributed")
    start = time.perf_counter()
    port = closed_port()
    assert main(["sweep", "trials.py:train", "--grid", "hidden=2", "--scheduler",
                 f"tcp://127.0.0.1:{port}", "--timeout", "1", "--out", "out"]) == 2
    assert f"cannot reach a Dask scheduler at 'tcp://127.0.0.1:{port}'" in capsys.readouterr().err
    assert time.perf_counter() - start < 15
    assert not (trials / "out").exists()                   # nothing is created


def test_a_sweep_of_a_function_in_a_file_and_its_rerun(trials, capsys):
    pytest.importorskip("distributed")
    args = ["sweep", "trials.py:train", "--grid", "hidden=2,4", "--seeds", "0-2",
            "--workers", "1", "--out", "out"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert "| hidden | runs | failed | loss | exact |" in out and "6 runs, 0 failed" in out
    assert "sweep: 6/6 done" in err
    assert len(list((trials / "out" / "runs").iterdir())) == 6
    assert main(args) == 0
    assert "all 6 runs were done before" in capsys.readouterr().err


def _default_sigint():
    """In the child: SIGINT as a terminal delivers it. A test run started in the background of
    a non-interactive shell inherits SIGINT ignored, and Python then installs no handler."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_cancels_and_keeps_the_finished_runs(trials):
    pytest.importorskip("distributed")
    env = dict(os.environ, PYTHONPATH=str(SRC))
    proc = subprocess.Popen([sys.executable, "-m", "rnnlab", "sweep", "trials.py:slow",
                             "--seeds", "0-19", "--workers", "1", "--out", "out"], cwd=trials,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_default_sigint)
    runs = trials / "out" / "runs"
    deadline = time.monotonic() + 300         # generous: a loaded machine starts a cluster slowly
    while time.monotonic() < deadline and proc.poll() is None:
        if runs.exists() and len([p for p in runs.iterdir() if not p.name.startswith(".")]) >= 2:
            break
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)                     # what Ctrl-C sends: the whole group
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    assert proc.returncode == 130, err
    assert "the finished runs are kept" in err and "Traceback" not in err
    kept = sorted(runs.iterdir())
    assert 2 <= len(kept) < 20 and not [p for p in kept if p.name.startswith(".")]
    for p in kept:                                         # every kept run is complete
        assert json.loads((p / "run.json").read_text())["status"] == "ok"
        assert set(json.loads((p / "results.json").read_text())) == {"v"}
    assert json.loads((trials / "out" / "sweep.json").read_text())["status"] == "interrupted"
