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

from . import Result, Table

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
    rnn, hists, (Xte, Yte) = keep["sine"]
    x1 = Xte[:1]
    h1 = rnn.states(x1)[0][0]                                   # (T, H)
    y1 = rnn.predict(x1)[0, :, 0]

    def draw_forward(fig):
        ax1, ax2 = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1, 1.3]})
        t = np.arange(1, len(y1) + 1)
        ax1.plot(t, x1[0, :, 0], ".-", label="input x(t)", alpha=0.6)
        ax1.plot(t, Yte[0, :, 0], label="target x(t+1)")
        ax1.plot(t, y1, "--", label="RNN output y(t)")
        ax1.set_ylabel("value")
        ax1.legend(fontsize="small", ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0),
                   frameon=False)
        fig.suptitle("Forward propagation through time (sine task, one test sequence)")
        im = ax2.imshow(h1.T, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1,
                        extent=(0.5, len(y1) + 0.5, h1.shape[1] - 0.5, -0.5))
        ax2.set_xlabel("time step t")
        ax2.set_ylabel("hidden unit")
        ax2.yaxis.get_major_locator().set_params(integer=True)
        fig.colorbar(im, ax=[ax1, ax2], label="h(t)", shrink=0.6)

    def draw_curves(fig):
        from .. import plots
        ax = fig.add_subplot()
        h_rnn, h_static = hists
        plots.learning_curves([h_rnn, h_static], ["Elman RNN", "static net"], ax=ax,
                              title="Training loss (sine task)")

    return Result(
        tables={"errors": table},
        figures={"forward": draw_forward, "learning_curves": draw_curves},
        summary=[("sine RNN MSE", rows[0][1]), ("sine static MSE", rows[0][2]),
                 ("echo RNN MSE", rows[1][1])],
        config=dict(cfg, seed=seed, optimizer="adam", lr=0.01, batch_size=32))
