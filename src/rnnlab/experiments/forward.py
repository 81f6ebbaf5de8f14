"""Dynamic data and forward propagation through time.

The lecture opens with dynamic signals, whose output depends on the current input and on past
inputs. Two small sequence tasks make the point with numbers:

- sine: predict the next value s(t+1) of a noisy sine wave of random frequency and phase. The
  current value alone does not say whether the wave rises or falls; the past does.
- echo: repeat the input of two steps ago, y(t) = x(t-2), for random inputs: pure memory.

An Elman RNN (many-to-many) is trained on each and compared with a static network of the same
hidden size that sees only x(t) (the one-to-one mapping applied at every step: a feed-forward
net) and with a trivial baseline (the persistence forecast y = x(t) for sine, the mean for echo).
The figure unrolls the forward pass of the trained RNN on one test sequence: input, target and
output over time, and the hidden state h(t) = tanh(W0 x(t) + W11 h(t-1) + b0) as a heat map.
"""
from __future__ import annotations

import time

import numpy as np

from .. import plots
from . import Figure, Result, Table

NAME = "forward"
TITLE = "Dynamic data and forward propagation through time"
DESCRIPTION = __doc__.split("\n\n", 1)[1]

SETTINGS = {True: {"n_train": 384, "n_test": 128, "T": 40, "hidden": 16, "epochs": 12},
            False: {"n_train": 1024, "n_test": 256, "T": 50, "hidden": 24, "epochs": 30}}


def _echo(n, T, seed, lag=2):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, T, 1))
    Y = np.zeros_like(X)
    Y[:, lag:] = X[:, :-lag]
    return X, Y


def _sine(n, T, seed):
    from ..tasks.catalog import sine
    return sine(n, T, seed)


def _mse(y, Y):
    return float(np.mean((y - Y) ** 2))


def _train_pair(make, baseline, cfg, seed, progress):
    """Train the RNN and the static net on one task. Returns (row, rnn, histories, test data)."""
    from .. import RNN
    X, Y = make(cfg["n_train"] + cfg["n_test"], cfg["T"], seed)
    Xtr, Ytr, Xte, Yte = X[:cfg["n_train"]], Y[:cfg["n_train"]], X[cfg["n_train"]:], Y[cfg["n_train"]:]
    H = cfg["hidden"]
    rnn = RNN(1, H, 1, seed=seed)
    t0 = time.perf_counter()
    h_rnn = rnn.fit(Xtr, Ytr, optimizer="adam", lr=0.01, epochs=cfg["epochs"], batch_size=32,
                    seed=seed, progress=progress)
    secs = time.perf_counter() - t0
    static = RNN(1, H, 1, mapping="one-to-one", seed=seed)     # sees x(t) only
    flat = (Xtr.reshape(-1, 1), Ytr.reshape(-1, 1))
    h_static = static.fit(*flat, optimizer="adam", lr=0.01, epochs=cfg["epochs"],
                          batch_size=32 * cfg["T"], seed=seed, progress=progress)
    y_static = static.predict(Xte.reshape(-1, 1)).reshape(Yte.shape)
    row = [_mse(rnn.predict(Xte), Yte), _mse(y_static, Yte), _mse(baseline(Xte), Yte),
           round(h_rnn.steps * 32 * cfg["T"] / secs)]
    return row, rnn, (h_rnn, h_static), (Xte, Yte)


def run(*, quick: bool, seed: int, progress: bool) -> Result:
    cfg = SETTINGS[quick]
    tasks = {"sine": (_sine, lambda X: X, "persistence y = x(t)"),
             "echo": (_echo, lambda X: np.zeros_like(X), "mean (y = 0)")}
    rows, keep = [], {}
    for name, (make, baseline, base_name) in tasks.items():
        row, rnn, hists, test = _train_pair(make, baseline, cfg, seed, progress)
        rows.append([name] + row[:3] + [base_name, row[3]])
        keep[name] = (rnn, hists, test)
    table = Table("Test mean squared error: recurrent vs static network",
                  ["task", "Elman RNN", "static net (x(t) only)", "trivial baseline",
                   "baseline is", "RNN training speed (time steps/s)"], rows,
                  note=f"{cfg['n_train']} training / {cfg['n_test']} test sequences of "
                       f"{cfg['T']} steps, H = {cfg['hidden']}, Adam lr 0.01, "
                       f"{cfg['epochs']} epochs, seed {seed}.")
    rnn, (h_rnn, h_static), (Xte, Yte) = keep["sine"]
    x1 = Xte[:1]
    figures = {
        "forward": Figure(plots.forward.forward_pass, {
            "x": x1[0, :, 0], "target": Yte[0, :, 0], "output": rnn.predict(x1)[0, :, 0],
            "h": rnn.states(x1)[0][0],                                    # (T, H)
            "title": "Forward propagation through time (sine task, one test sequence)"}),
        "learning_curves": Figure(plots.forward.training_loss, {
            "losses": {"Elman RNN": h_rnn.loss, "static net": h_static.loss},
            "title": "Training loss (sine task)"})}
    return Result(
        tables={"errors": table},
        figures=figures,
        summary=[("sine RNN MSE", rows[0][1]), ("sine static MSE", rows[0][2]),
                 ("echo RNN MSE", rows[1][1])],
        config=dict(cfg, seed=seed, optimizer="adam", lr=0.01, batch_size=32))
