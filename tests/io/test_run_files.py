"""The command line's files: a command never deletes or overwrites what it did not write, never
writes over its input, and refuses a damaged or hostile training folder (train.json confined,
typed and checked, optimizer state checked against the model) before any training."""
import json
import os

import numpy as np
import pytest

import rnnlab as rl
from rnnlab.cli import main

TRAIN = ["train", "--task", "parity", "--samples", "16", "--length", "2", "--hidden", "3",
         "--batch-size", "8"]


def _error(capsys, rc):
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def _snapshot(folder):
    """{relative path: bytes or link target} of everything under folder."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            p = os.path.join(root, name)
            rel = os.path.relpath(p, folder)
            out[rel] = (os.readlink(p) if os.path.islink(p) else
                        None if os.path.isdir(p) else open(p, "rb").read())
    return out


@pytest.fixture
def run(tmp_path, capsys):
    """A finished 2-epoch training run."""
    out = tmp_path / "run"
    assert main([*TRAIN, "--epochs", "2", "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def test_train_refuses_a_folder_that_is_not_its_own(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "ckpt-00007").mkdir()
    before = _snapshot(out)
    assert "notes.txt" in _error(capsys, main([*TRAIN, "--epochs", "1", "--out", str(out)]))
    assert _snapshot(out) == before


def test_train_deletes_only_the_checkpoints_it_wrote(run, tmp_path, capsys):
    state = json.loads((run / "train.json").read_text())
    assert state["format"] == "rnnlab-run" and state["checkpoint"] == "ckpt-00002"
    assert sorted(p.name for p in run.iterdir()) == ["ckpt-00002", "train.json"]
    (run / "ckpt-00001").mkdir()                       # planted: not in train.json's "owned"
    (run / "ckpt-00001" / "keep.txt").write_text("theirs")
    (run / "ckpt-99999").mkdir()
    (run / ".ckpt-00003.rnnlab-tmp-0123456789ab").mkdir()    # left by a killed run
    before = {n: _snapshot(run / n) for n in ("ckpt-00001", "ckpt-99999")}
    assert main(["train", "--resume", str(run), "--epochs", "4"]) == 0
    assert {n: _snapshot(run / n) for n in before} == before
    assert sorted(p.name for p in run.iterdir()) == [
        "ckpt-00001", "ckpt-00004", "ckpt-99999", "train.json"]


def test_a_crash_between_checkpoint_and_train_json_is_resumed(run, capsys):
    """ckpt-00003 written, train.json not yet: the run knows the orphan is its own and
    replaces it when it resumes."""
    state = json.loads((run / "train.json").read_text())
    assert "ckpt-00003" in state["owned"]
    rl.load(run / "ckpt-00002").save(run / "ckpt-00003")
    assert main(["train", "--resume", str(run), "--epochs", "3"]) == 0
    assert sorted(p.name for p in run.iterdir()) == ["ckpt-00003", "train.json"]
    assert (run / "ckpt-00003" / "optimizer.npz").is_file()


def test_no_probe_file_is_written(tmp_path, monkeypatch):
    """A planted .rnnlab-write-test link must not truncate its target: the output folder is
    checked without writing into it."""
    from rnnlab.cli.common import new_folder, writable_folder
    precious = tmp_path / "precious.txt"
    precious.write_text("data")
    out = tmp_path / "exp"
    out.mkdir()
    os.symlink(precious, out / ".rnnlab-write-test")
    assert writable_folder(out, refuse=("results.json",), force=False) == out
    assert precious.read_text() == "data" and os.path.islink(out / ".rnnlab-write-test")
    monkeypatch.chdir(tmp_path)
    a, b = new_folder("x"), new_folder("x")             # created at once: never shared
    assert a != b and a.is_dir() and b.is_dir()


def test_run_and_tour_refuse_to_overwrite_results(tmp_path, capsys):
    exp = tmp_path / "exp"
    exp.mkdir()
    (exp / "results.json").write_text("theirs")
    msg = _error(capsys, main(["run", "forward", "--quick", "--out", str(exp)]))
    assert "results.json exists" in msg and "--force" in msg
    tour = tmp_path / "tour"
    (tour / "forward").mkdir(parents=True)
    msg = _error(capsys, main(["tour", "--quick", "--only", "forward", "--out", str(tour)]))
    assert "forward exists" in msg
    assert (exp / "results.json").read_text() == "theirs"


@pytest.mark.parametrize("edit, match", [
    ({"checkpoint": "../other/ckpt-00001"}, "'checkpoint' must be a checkpoint folder name"),
    ({"checkpoint": "/etc"}, "'checkpoint' must be a checkpoint folder name"),
    ({"checkpoint": 5}, "'checkpoint' must be"),
    ({"checkpoint": "ckpt-00009"}, "is not a folder inside the run"),      # a link, see below
    ({"epoch": "1"}, "'epoch' must be an integer >= 0, got '1'"),
    ({"epoch": -1}, "'epoch' must be an integer >= 0"),
    ({"epoch": True}, "'epoch' must be"),
    ({"format": "other"}, "not an rnnlab training run"),
    ({"spec": {"hidden": 3}}, "spec has no"),
    ({"history": {"loss": ["x"], "val_loss": []}}, "'loss' must be a list of numbers"),
    ({"rng": {"bit_generator": "nope"}}, "'rng' is not a generator state"),
    ({"optimizer": {"name": "adam", "hyperparams": {"lr": "fast"}, "t": 1}}, "optimizer cannot"),
])
def test_a_damaged_train_json_is_refused_before_training(run, tmp_path, capsys, edit, match):
    other = tmp_path / "other"
    rl.RNN(1, 2, 1).save(other / "ckpt-00001")
    os.symlink(other / "ckpt-00001", run / "ckpt-00009")   # a checkpoint link out of the run
    doc = json.loads((run / "train.json").read_text())
    doc.update(edit)
    (run / "train.json").write_text(json.dumps(doc))
    before = _snapshot(run)
    assert match in _error(capsys, main(["train", "--resume", str(run), "--epochs", "3"]))
    if "rng" not in edit and "optimizer" not in edit:      # eval reads the same checks
        assert match in _error(capsys, main(["eval", "--model", str(run), "--task", "parity"]))
    assert _snapshot(run) == before


def test_optimizer_state_is_checked_against_the_model(run, capsys):
    ckpt = run / "ckpt-00002"
    with np.load(ckpt / "optimizer.npz") as z:
        slots = dict(z)
    key = next(k for k in slots if k.endswith("W11/m"))
    before = _snapshot(run)
    for bad, match in [({**slots, key: np.zeros((5, 5), np.float32)}, "has shape (5, 5)"),
                       ({k: v for k, v in slots.items() if k != key}, "missing"),
                       ({**slots, "layers.0.W11/q": slots[key]}, "unexpected")]:
        os.chmod(ckpt / "optimizer.npz", 0o644)
        np.savez(ckpt / "optimizer.npz", **bad)
        msg = _error(capsys, main(["train", "--resume", str(run), "--epochs", "3"]))
        assert "optimizer.npz" in msg and match in msg, msg
    (ckpt / "optimizer.npz").unlink()
    os.mkfifo(ckpt / "optimizer.npz")
    assert "a FIFO" in _error(capsys, main(["train", "--resume", str(run), "--epochs", "3"]))
    assert json.loads((run / "train.json").read_text()) == json.loads(before["train.json"])


def test_predict_never_overwrites_its_input_or_an_existing_file(run, tmp_path, capsys):
    data = tmp_path / "d.npz"
    np.savez(data, X=np.zeros((2, 2, 1)))
    original = data.read_bytes()
    os.symlink(data, tmp_path / "alias.npz")
    for out in (data, tmp_path / "alias.npz"):
        msg = _error(capsys, main(["predict", "--model", str(run), "--data", str(data),
                                   "--out", str(out), "--force"]))
        assert "is the input" in msg
    assert data.read_bytes() == original
    msg = _error(capsys, main(["predict", "--model", str(run), "--data", str(data),
                               "--out", str(run / "ckpt-00002" / "y.npz")]))
    assert "inside the model folder" in msg
    out = tmp_path / "y.npz"
    out.write_bytes(b"theirs")
    msg = _error(capsys, main(["predict", "--model", str(run), "--data", str(data),
                               "--out", str(out)]))
    assert "y.npz exists; pass --force" in msg and out.read_bytes() == b"theirs"
    assert main(["predict", "--model", str(run), "--data", str(data), "--out", str(out),
                 "--force"]) == 0
    with np.load(out) as z:
        assert z["Y"].shape[0] == 2
