"""Ctrl-C during `rnnlab train`: the first stops after the checkpoint being written, a second
stops at once; exit status 130, no traceback, and train.json always names a complete
checkpoint from which the run resumes."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import rnnlab as rl
from cli_support import TRAIN, env, params
from rnnlab.cli import main

FAST = ["train", "--task", "parity", "--samples", "16", "--length", "4", "--hidden", "2",
        "--batch-size", "16", "--val", "0", "--epochs", "100000"]


def _epoch(out):
    try:
        return json.loads((out / "train.json").read_text())["epoch"]
    except (OSError, ValueError, KeyError):
        return None


def _start(out):
    child = subprocess.Popen([sys.executable, "-m", "rnnlab", *FAST, "--out", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
    deadline = time.monotonic() + 60
    while (_epoch(out) or 0) < 3:                    # training is under way
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "training did not start"
        time.sleep(0.02)
    return child


def _intact(out):
    """train.json names a complete checkpoint: it loads, with its optimizer state."""
    state = json.loads((out / "train.json").read_text())
    ckpt = out / state["checkpoint"]
    assert ckpt.name == f"ckpt-{state['epoch']:05d}"
    rl.load(ckpt)
    with np.load(ckpt / "optimizer.npz") as z:
        assert len(z.files) > 0
    return state["epoch"]


def test_one_ctrl_c_stops_with_130_and_a_resumable_checkpoint(tmp_path):
    out = tmp_path / "run"
    child = _start(out)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert "Traceback" not in err
    epoch = _intact(out)
    assert f"interrupted: the checkpoint of epoch {epoch} is in {out}" in err
    assert main(["train", "--resume", str(out), "--epochs", str(epoch + 1)]) == 0
    assert _intact(out) == epoch + 1


@pytest.mark.parametrize("gap", [0.0, 0.002, 0.02])
def test_a_second_ctrl_c_stops_at_once_without_a_traceback(tmp_path, gap):
    out = tmp_path / "run"
    child = _start(out)
    child.send_signal(signal.SIGINT)
    time.sleep(gap)
    if child.poll() is None:
        child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err                  # an exit status, not death by signal
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    _intact(out)


def _interrupt_during_save(monkeypatch, at_epoch, times):
    """The checkpoint writer sends the process `times` SIGINTs while it writes the checkpoint
    of `at_epoch`."""
    from rnnlab import io
    real_write = io.write_model

    def write_model(path, *args, **kwargs):
        if Path(path).name == f"ckpt-{at_epoch:05d}":
            for _ in range(times):
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.01)                          # the handler runs here
        return real_write(path, *args, **kwargs)
    monkeypatch.setattr(io, "write_model", write_model)


def test_the_first_ctrl_c_lets_the_checkpoint_finish(tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    _interrupt_during_save(monkeypatch, at_epoch=2, times=1)
    assert main(TRAIN + ["--epochs", "5", "--out", str(out)]) == 130
    err = capsys.readouterr().err
    assert "finishing the checkpoint" in err and "the checkpoint of epoch 2" in err
    assert "Traceback" not in err
    assert _intact(out) == 2
    monkeypatch.undo()
    full = tmp_path / "full"
    assert main(TRAIN + ["--epochs", "5", "--out", str(full)]) == 0
    assert main(["train", "--resume", str(out)]) == 0        # and it resumes exactly
    a, b = params(full), params(out)
    assert all(np.array_equal(a[k], b[k]) for k in a)


def test_a_second_ctrl_c_abandons_the_write_and_keeps_the_previous_checkpoint(
        tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    _interrupt_during_save(monkeypatch, at_epoch=2, times=2)
    assert main(TRAIN + ["--epochs", "5", "--out", str(out)]) == 130
    err = capsys.readouterr().err
    assert "the checkpoint of epoch 1" in err and "Traceback" not in err
    assert _intact(out) == 1


def test_no_handler_is_left_behind(tmp_path, capsys):
    before = signal.getsignal(signal.SIGINT)
    assert main(TRAIN + ["--epochs", "1", "--out", str(tmp_path / "r")]) == 0
    assert signal.getsignal(signal.SIGINT) is before
