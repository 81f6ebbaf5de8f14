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
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import plots
from . import Claim, Figure, Result, Table

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


def _per_step_curve(model, X, Y, steps, curve):
    """A fit callback: append the loss per answering step on (X, Y) after each epoch.

    The training loss is the lecture's sum over the `steps` answering steps (averaged over the
    batch); divided by `steps` it compares a net that answers 40 times with one that answers once.
    """
    def after_epoch(m, history):
        curve.append(float(m.evaluate(X, Y)) / steps)
    return after_epoch


def _train_pair(make, baseline, cfg, seed, progress):
    """Train the RNN and the static net on one task. Returns (row, rnn, per-step training loss
    curves (RNN, static), test data)."""
    from .. import RNN
    X, Y = make(cfg["n_train"] + cfg["n_test"], cfg["T"], seed)
    Xtr, Ytr, Xte, Yte = X[:cfg["n_train"]], Y[:cfg["n_train"]], X[cfg["n_train"]:], Y[cfg["n_train"]:]
    H = cfg["hidden"]
    curves: tuple[list[float], list[float]] = ([], [])
    rnn = RNN(1, H, 1, seed=seed)                              # many-to-many: answers T times
    t0 = time.perf_counter()
    h_rnn = rnn.fit(Xtr, Ytr, optimizer="adam", lr=0.01, epochs=cfg["epochs"], batch_size=32,
                    seed=seed, progress=progress,
                    callback=_per_step_curve(rnn, Xtr, Ytr, cfg["T"], curves[0]))
    secs = time.perf_counter() - t0
    static = RNN(1, H, 1, mapping="one-to-one", seed=seed)     # sees x(t) only; answers once
    flat = (Xtr.reshape(-1, 1), Ytr.reshape(-1, 1))
    static.fit(*flat, optimizer="adam", lr=0.01, epochs=cfg["epochs"], batch_size=32 * cfg["T"],
               seed=seed, progress=progress, callback=_per_step_curve(static, *flat, 1, curves[1]))
    y_static = static.predict(Xte.reshape(-1, 1)).reshape(Yte.shape)
    row = [_mse(rnn.predict(Xte), Yte), _mse(y_static, Yte), _mse(baseline(Xte), Yte),
           round(h_rnn.steps * 32 * cfg["T"] / secs)]
    return row, rnn, curves, (Xte, Yte)


def claims(rows: Sequence[Sequence[Any]]) -> list[Claim]:
    """The lecture's claims checked on the error table's rows.

    Parameters
    ----------
    rows : sequence of list
        The rows [task, RNN MSE, static MSE, trivial baseline MSE, ...] (tasks "sine" and
        "echo").

    Returns
    -------
    list of Claim
        Each with its verdict and the numbers behind it.
    """
    by = {r[0]: r for r in rows}
    beats = all(r[1] < 0.5 * r[2] for r in rows)
    echo = by["echo"]
    return [
        Claim("Output depends on past inputs: the RNN, whose h(t) carries the past, beats a "
              "static net that sees only x(t) (test error below half of the static net's on "
              "every task)", beats,
              "; ".join(f"{r[0]}: test MSE RNN {r[1]:.4g} vs static {r[2]:.4g}" for r in rows)),
        Claim("A static net cannot recall the past: on the echo y(t) = x(t-2) it does no better "
              "than always answering the mean (within 20 %)", echo[2] >= 0.8 * echo[3],
              f"echo: test MSE static {echo[2]:.4g}, mean {echo[3]:.4g}, RNN {echo[1]:.4g}")]


def headline(rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """The RNN against the static net on the sine task, for the tour's summary figure.

    Parameters
    ----------
    rows : sequence of list
        The error table's rows, as for claims().

    Returns
    -------
    dict
        A Result's headline: "metric", "rnn", "baseline", "higher_is_better" and the labels.
    """
    sine = next(r for r in rows if r[0] == "sine")
    return {"metric": "test MSE, next value of a sine", "rnn": sine[1], "baseline": sine[2],
            "higher_is_better": False, "rnn_label": "Elman RNN",
            "baseline_label": "static net (x(t) only)"}


def run(*, quick: bool, seed: int, progress: bool) -> Result:
    """Train the RNN and the static net on the sine and echo tasks and compare them with
    the trivial baselines (see the module docstring).

    Parameters
    ----------
    quick : bool
        The short budget (``rnnlab tour --quick``).
    seed : int
        The seed of every random draw.
    progress : bool
        Whether training shows its progress.

    Returns
    -------
    Result
        Its tables, figures, claims and headline.
    """
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
    rnn, (c_rnn, c_static), (Xte, Yte) = keep["sine"]
    x1 = Xte[:1]
    figures = {
        "forward": Figure(plots.forward.forward_pass, {
            "x": x1[0, :, 0], "target": Yte[0, :, 0], "output": rnn.predict(x1)[0, :, 0],
            "h": rnn.states(x1)[0][0],                                    # (T, H)
            "title": "Forward propagation through time (sine task, one test sequence)"},
            caption="The trained RNN on one test sequence of the sine task. Top: the input x(t), "
                    "the target x(t+1) and the output y(t); bottom: each hidden unit's h(t) over "
                    "time. The output follows the target because h(t) carries the recent past, "
                    "which says whether the wave is rising or falling."),
        "learning_curves": Figure(plots.forward.training_loss, {
            "losses": {"Elman RNN": c_rnn, "static net (x(t) only)": c_static},
            "title": "Training loss per step (sine task)", "ylabel": "loss per step"},
            caption=f"Training loss (half the squared error) per answering step on the sine "
                    f"task after each epoch: the summed loss divided by the steps that answer "
                    f"({cfg['T']} for the RNN, 1 for the static net), so both are on one scale. "
                    f"The static net levels off at what x(t) alone can predict; the RNN goes well "
                    f"below it.")}
    return Result(
        tables={"errors": table},
        figures=figures,
        summary=[("sine RNN MSE", rows[0][1]), ("sine static MSE", rows[0][2]),
                 ("echo RNN MSE", rows[1][1])],
        config=dict(cfg, seed=seed, optimizer="adam", lr=0.01, batch_size=32),
        claims=claims(rows), headline=headline(rows))
