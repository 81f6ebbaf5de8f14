"""`rnnlab train`, `rnnlab eval`, `rnnlab predict`, driven in-process through main([...])."""
import json

import numpy as np
import pytest

import rnnlab as rl
from cli_support import TRAIN, one_line_error, params
from rnnlab.cli import main


def test_train_eval_predict(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(TRAIN + ["--epochs", "2", "--out", str(out)]) == 0
    state = json.loads((out / "train.json").read_text())
    assert state["epoch"] == 2 and len(state["history"]["loss"]) == 2
    assert [p.name for p in out.glob("ckpt-*")] == [state["checkpoint"]]
    assert "done: 2 epochs" in capsys.readouterr().out
    assert main(["eval", "--model", str(out), "--task", "parity", "--length", "4"]) == 0
    printed = capsys.readouterr().out
    assert "loss" in printed and "accuracy" in printed
    X = np.random.default_rng(0).integers(0, 2, size=(5, 4, 1)).astype(float)
    np.savez(tmp_path / "x.npz", X=X)
    assert main(["predict", "--model", str(out), "--data", str(tmp_path / "x.npz"),
                 "--out", str(tmp_path / "y.npz")]) == 0
    with np.load(tmp_path / "y.npz") as z:
        np.testing.assert_allclose(z["Y"], rl.load(out / state["checkpoint"]).predict(X))


def test_one_epoch_is_singular(tmp_path, capsys):
    assert main(TRAIN + ["--epochs", "1", "--out", str(tmp_path / "r")]) == 0
    assert "done: 1 epoch," in capsys.readouterr().out


def test_train_on_user_data_and_eval_on_it(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 6, 2))
    np.savez(tmp_path / "d.npz", X=X, Y=X.sum(1))               # many-to-one from Y's shape
    out = tmp_path / "r"
    assert main(["train", "--data", str(tmp_path / "d.npz"), "--epochs", "1", "--hidden", "4",
                 "--out", str(out)]) == 0
    model = rl.load(out / json.loads((out / "train.json").read_text())["checkpoint"])
    assert model.mapping.name == "many-to-one" and model.n_in == 2
    capsys.readouterr()
    assert main(["eval", "--model", str(out), "--data", str(tmp_path / "d.npz")]) == 0
    printed = dict(l.split() for l in capsys.readouterr().out.splitlines())
    mse = float(np.mean((model.predict(X) - X.sum(1)) ** 2))
    assert float(printed["mse"]) == pytest.approx(mse, rel=1e-5)


def test_boolean_labels_train_a_softmax_model(tmp_path, capsys):
    X = np.random.default_rng(0).standard_normal((20, 5, 1))
    np.savez(tmp_path / "d.npz", X=X, Y=X[:, :, 0] > 0)
    out = tmp_path / "r"
    assert main(["train", "--data", str(tmp_path / "d.npz"), "--output", "softmax", "--epochs",
                 "1", "--hidden", "3", "--out", str(out)]) == 0
    model = rl.load(out / json.loads((out / "train.json").read_text())["checkpoint"])
    assert model.n_out == 2 and model.mapping.name == "many-to-many"


@pytest.mark.parametrize("mapping, X, Y", [
    ("one-to-many", np.linspace(-1, 1, 12).reshape(6, 2), np.sin(np.arange(30.)).reshape(6, 5, 1)),
    ("seq2seq", np.cos(np.arange(24.)).reshape(6, 4, 1), np.sin(np.arange(42.)).reshape(6, 7, 1)),
])
def test_eval_takes_the_output_length_from_Y(tmp_path, capsys, mapping, X, Y):
    """One-to-many and seq2seq models answer for as many steps as Y has (issue 11, item 17)."""
    model = rl.RNN(X.shape[-1], 5, 1, mapping=mapping, seed=3)
    model.save(tmp_path / "m")
    np.savez(tmp_path / "d.npz", X=X, Y=Y)
    assert main(["eval", "--model", str(tmp_path / "m"), "--data", str(tmp_path / "d.npz")]) == 0
    printed = dict(l.split() for l in capsys.readouterr().out.splitlines())
    y = model.predict(X, n_steps=Y.shape[1])
    assert y.shape == Y.shape
    assert float(printed["mse"]) == pytest.approx(float(np.mean((y - Y) ** 2)), rel=1e-5)
    half_squares = 0.5 * np.sum((y - Y) ** 2)
    assert float(printed["loss_per_sequence"]) == pytest.approx(half_squares / len(X), rel=1e-5)
    assert float(printed["loss"]) == pytest.approx(half_squares / Y[..., 0].size, rel=1e-5)


def test_resume_ends_with_the_parameters_of_an_uninterrupted_run(tmp_path):
    full, part = tmp_path / "full", tmp_path / "part"
    assert main(TRAIN + ["--epochs", "4", "--out", str(full)]) == 0
    assert main(TRAIN + ["--epochs", "2", "--out", str(part)]) == 0
    assert main(["train", "--resume", str(part), "--epochs", "4"]) == 0
    a, b = params(full), params(part)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    hist_a = json.loads((full / "train.json").read_text())["history"]["loss"]
    hist_b = json.loads((part / "train.json").read_text())["history"]["loss"]
    assert hist_a == hist_b


@pytest.mark.parametrize("form", [["--epochs", "3"], ["--epochs=3"], ["--epoch=3"]])
def test_resume_sees_epochs_in_every_form(tmp_path, capsys, form):
    out = tmp_path / "r"
    assert main(TRAIN + ["--epochs", "1", "--out", str(out)]) == 0
    assert main(["train", "--resume", str(out)] + form) == 0
    assert json.loads((out / "train.json").read_text())["epoch"] == 3


def test_resume_without_epochs_keeps_the_runs_own(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(TRAIN + ["--epochs", "2", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["train", "--resume", str(out)]) == 0                  # nothing left to do
    assert "epoch 2 of 2 reached" in capsys.readouterr().out
    assert json.loads((out / "train.json").read_text())["epoch"] == 2


@pytest.mark.parametrize("extra, named", [
    (["--lr", "0.5"], "--lr"), (["--lr=0.5"], "--lr"), (["--bidirectional"], "--bidirectional"),
    (["--hidden", "32"], "--hidden"),              # even the default value: it was given
])
def test_resume_takes_only_epochs(tmp_path, capsys, extra, named):
    out = tmp_path / "r"
    assert main(TRAIN + ["--epochs", "1", "--out", str(out)]) == 0
    capsys.readouterr()
    rc = main(["train", "--resume", str(out)] + extra)
    assert f"only --epochs may change, not {named}" in one_line_error(capsys, rc)


def test_ctrl_c_keeps_the_last_epoch_and_resumes_exactly(tmp_path, monkeypatch, capsys):
    full, cut = tmp_path / "full", tmp_path / "cut"
    assert main(TRAIN + ["--epochs", "4", "--out", str(full)]) == 0
    calls = {"n": 0}
    real_step = rl.optim.Adam.step

    def step_then_interrupt(self, params, grads):
        calls["n"] += 1
        if calls["n"] == 9:                       # mid-epoch 3 (4 batches per epoch)
            raise KeyboardInterrupt
        real_step(self, params, grads)

    monkeypatch.setattr(rl.optim.Adam, "step", step_then_interrupt)
    assert main(TRAIN + ["--epochs", "4", "--out", str(cut)]) == 130
    assert "the checkpoint of epoch 2" in capsys.readouterr().err
    assert json.loads((cut / "train.json").read_text())["epoch"] == 2
    monkeypatch.setattr(rl.optim.Adam, "step", real_step)
    assert main(["train", "--resume", str(cut)]) == 0
    a, b = params(full), params(cut)
    assert all(np.array_equal(a[k], b[k]) for k in a)


def test_checkpoint_that_does_not_fit_the_task(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(TRAIN + ["--epochs", "1", "--out", str(out)]) == 0
    capsys.readouterr()
    rc = main(["eval", "--model", str(out), "--task", "addition"])
    assert "task addition has 2 input features, the model takes 1" in one_line_error(capsys, rc)
    state = json.loads((out / "train.json").read_text())
    np.savez(out / state["checkpoint"] / "params.npz", junk=np.zeros(1))
    rc = main(["eval", "--model", str(out), "--task", "parity"])
    assert "does not match the model's configuration" in one_line_error(capsys, rc)


@pytest.mark.parametrize("extra,data,match", [
    (["--batch-size", "0"], None, "argument --batch-size: must be >= 1, got 0"),
    (["--val", "1.5"], None, "argument --val: must lie in [0, 1), got 1.5"),
    (["--seed", "-1"], None, "argument --seed: must be >= 0, got -1"),
    (["--clip", "0"], None, "argument --clip: must be a finite number > 0"),
    ([], dict(X=np.full((4, 3, 1), np.nan), Y=np.zeros((4, 3, 1))), "X contains 12 NaN or inf"),
    ([], dict(X=np.full((4, 3, 1), 1e39), Y=np.zeros((4, 3, 1))), "X overflows float32"),
    ([], dict(X=np.zeros((4, 3, 1)), Y=np.float64(2)), "Y must have one row per sequence"),
    ([], dict(X=np.zeros((4, 3, 1)), Y=np.zeros((5, 3, 1))), "the same number of sequences"),
    ([], dict(X=np.zeros((4, 3, 1)), Y=np.zeros((4, 3, 1)), mask=np.ones((4, 2))),
     "mask must have shape (4, 3)"),
    (["--output", "softmax"], dict(X=np.zeros((4, 3, 1)), Y=-np.ones((4, 3), int)),
     "must be >= 0; got -1"),
])
def test_bad_training_input_writes_nothing(tmp_path, capsys, extra, data, match):
    out = tmp_path / "o"
    if data is None:
        argv = TRAIN + extra + ["--out", str(out)]
    else:
        np.savez(tmp_path / "d.npz", **data)
        argv = ["train", "--data", str(tmp_path / "d.npz"), "--out", str(out)] + extra
    rc = main(argv)
    assert match in one_line_error(capsys, rc)
    assert not out.exists()


def test_task_length_the_task_cannot_have_names_the_option(tmp_path, capsys):
    rc = main(["train", "--task", "adding", "--length", "1", "--out", str(tmp_path / "o")])
    assert "task adding with --length 1" in one_line_error(capsys, rc)
    assert not (tmp_path / "o").exists()


def test_eval_ignores_padded_steps(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 5, 1))
    mask = np.ones((6, 5), bool)
    mask[:, 3:] = False
    Y = np.cumsum(X, axis=1)
    Y_bad = np.where(mask[:, :, None], Y, 1e6)             # garbage where padded
    np.savez(tmp_path / "a.npz", X=X, Y=Y, mask=mask)
    np.savez(tmp_path / "b.npz", X=X, Y=Y_bad, mask=mask)
    out = tmp_path / "r"
    assert main(["train", "--data", str(tmp_path / "a.npz"), "--epochs", "1", "--hidden", "3",
                 "--out", str(out)]) == 0
    capsys.readouterr()
    results = []
    for f in ("a.npz", "b.npz"):
        assert main(["eval", "--model", str(out), "--data", str(tmp_path / f)]) == 0
        results.append(capsys.readouterr().out)
    assert results[0] == results[1]


def test_predict_one_to_many_writes_steps_outputs(tmp_path, capsys):
    model = rl.RNN(2, 4, 3, mapping="one-to-many", seed=1)
    model.save(tmp_path / "m")
    X = np.random.default_rng(2).standard_normal((5, 2))
    np.savez(tmp_path / "x.npz", X=X)
    assert main(["predict", "--model", str(tmp_path / "m"), "--data", str(tmp_path / "x.npz"),
                 "--out", str(tmp_path / "y.npz"), "--steps", "6"]) == 0
    with np.load(tmp_path / "y.npz") as z:
        assert z["Y"].shape == (5, 6, 3)
        np.testing.assert_array_equal(z["Y"], model.predict(X, n_steps=6))
