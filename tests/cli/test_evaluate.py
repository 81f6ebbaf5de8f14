"""`rnnlab eval` and `rnnlab predict` (rnnlab.cli.evaluate): the metrics against sums written
out by hand, and --json against the same numbers. (Data formats: test_formats.py; bad input:
test_table.py; eval and predict after train: test_train.py.)"""
import json

import numpy as np
import pytest

import rnnlab as rl
from rnnlab.cli import main
from rnnlab.cli.evaluate import metrics


def test_accuracy_counts_real_steps_and_whole_sequences_by_hand():
    model = rl.RNN(2, 3, 3, output="softmax", seed=0)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 5, 2))
    mask = np.ones((4, 5), bool)
    mask[1, 3:] = mask[2, 1:] = False
    guess = model.predict(X, mask=mask).argmax(-1)
    Y = guess.copy()
    Y[0, 2] = (Y[0, 2] + 1) % 3                          # one wrong real step in sequence 0
    Y[1, 4] = (Y[1, 4] + 1) % 3                          # a padded step: does not count
    right = wrong = 0
    whole = []
    for b in range(4):
        ok = True
        for t in range(5):
            if mask[b, t]:
                right += int(Y[b, t] == guess[b, t])
                wrong += int(Y[b, t] != guess[b, t])
                ok &= bool(Y[b, t] == guess[b, t])
        whole.append(ok)
    got = metrics(model, X, Y, mask)
    assert got["accuracy"] == pytest.approx(right / (right + wrong))     # 13 of 14
    assert got["sequence_accuracy"] == pytest.approx(np.mean(whole))    # 3 of 4
    assert got["loss_per_sequence"] == pytest.approx(model.evaluate(X, Y, mask))
    assert got["loss"] == pytest.approx(model.evaluate(X, Y, mask) * 4 / 14)   # 14 real steps


def test_mse_is_over_real_steps_only():
    model = rl.RNN(1, 3, 2, seed=1)
    X = np.random.default_rng(1).standard_normal((3, 4, 1))
    mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]], bool)
    Y = np.zeros((3, 4, 2))
    y = model.predict(X, mask=mask)
    total = sum(float(((y[b, t] - Y[b, t]) ** 2).sum()) for b in range(3) for t in range(4)
                if mask[b, t])
    assert metrics(model, X, Y, mask)["mse"] == pytest.approx(total / (mask.sum() * 2), rel=1e-6)


def test_eval_json_is_the_metrics_and_predict_json_names_the_file(tmp_path, capsys):
    model = rl.RNN(2, 3, 1, mapping="many-to-one", seed=2)
    model.save(tmp_path / "m")
    rng = np.random.default_rng(2)
    X, Y = rng.standard_normal((6, 4, 2)), rng.standard_normal((6, 1))
    np.savez(tmp_path / "d.npz", X=X, Y=Y)
    assert main(["eval", "--model", str(tmp_path / "m"), "--data", str(tmp_path / "d.npz"),
                 "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got == pytest.approx(metrics(model, X, Y))
    assert main(["predict", "--model", str(tmp_path / "m"), "--data", str(tmp_path / "d.npz"),
                 "--out", str(tmp_path / "y.npz"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"out": str(tmp_path / "y.npz"),
                                                   "shape": [6, 1]}
