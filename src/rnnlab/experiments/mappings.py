"""Sequence mappings, deep and bidirectional RNNs: the lecture's variations, each trained.

Every mapping of the lecture gets a small task that needs it, a model built with it, and a
training run; the table reports the test error against a trivial baseline. Two contrasts show
what the variations add: the "next input" task, y(t) = x(t+1), needs the future, so an aligned
many-to-many RNN cannot solve it while a delayed (read one step ahead) or a bidirectional one
can; and a 2-layer stack beside the 1-layer net on the same task. The diagrams are drawn from
the models' own configuration (which steps read an input, which steps answer).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from .. import plots
from . import Claim, Figure, Result, Table
from .._types import Array

if TYPE_CHECKING:
    from ..model import RNN

NAME = "mappings"
TITLE = "Sequence mappings, deep and bidirectional RNNs"
DESCRIPTION = __doc__.split("\n\n", 1)[1]

SETTINGS = {True: {"n": 512, "epochs": 25, "hidden": 16},
            False: {"n": 2048, "epochs": 60, "hidden": 24}}


def _tasks(n, rng):
    """name -> (model kwargs, X, Y, mask, what the task is, baseline prediction)."""
    bits = rng.integers(0, 2, size=(n, 2)).astype(float)
    u = rng.uniform(-1, 1, size=(n, 8, 1))
    phase = rng.uniform(0, 2 * np.pi, size=n)
    wave = np.sin(0.6 * np.arange(10)[None, :] + phase[:, None])[:, :, None]
    lengths = rng.integers(3, 9, size=n)
    mask = np.arange(8)[None, :] < lengths[:, None]                 # (n, 8) variable lengths
    nxt = np.zeros_like(u)
    nxt[:, :-1] = u[:, 1:]
    return {
        "one-to-one": (dict(mapping="one-to-one", output="sigmoid"), bits,
                       np.logical_xor(bits[:, :1], bits[:, 1:]).astype(float), None,
                       "XOR of two bits (T = 1)"),
        "one-to-many": (dict(mapping="one-to-many"), np.stack([np.cos(phase), np.sin(phase)], 1),
                        wave, None, "a sine wave of 10 steps from its phase"),
        "many-to-one": (dict(mapping="many-to-one"), u, (u[..., 0] * mask).sum(1, keepdims=True),
                        mask, "sum of a sequence of 3 to 8 steps (masks)"),
        "many-to-many": (dict(), u, np.cumsum(u, axis=1) * 0.5, None, "running sum"),
        "next input, aligned": (dict(), u, nxt, None, "y(t) = x(t+1): needs the future"),
        "next input, delayed": (dict(mapping="many-to-many-delayed", delay=1), u, nxt, None,
                                "the same, reading 1 step ahead"),
        "next input, bidirectional": (dict(bidirectional=True), u, nxt, None,
                                      "the same, with a backward pass"),
        "running sum, 2 layers": (dict(n_layers=2), u, np.cumsum(u, axis=1) * 0.5, None,
                                  "running sum with a deep RNN"),
        "seq2seq": (dict(mapping="seq2seq"), u[:, :5], u[:, 4::-1], None,
                    "reverse 5 numbers (encoder-decoder)"),
    }


def _error(model, X, Y, mask):
    y = model.predict(X, mask=mask, n_steps=Y.shape[1] if model.mapping.takes_n_steps else None)
    if model.output == "sigmoid":
        return "accuracy", float(np.mean((y > 0.5) == (Y > 0.5)))
    if mask is not None and Y.ndim == 3:
        return "MSE", float(np.sum(mask[..., None] * (y - Y) ** 2) / mask.sum() / Y.shape[-1])
    return "MSE", float(np.mean((y - Y) ** 2))


def layout(model: RNN, X: ArrayLike, n_steps: int | None = None) -> tuple[Array, Array, int]:
    """Which of the steps the stack runs read a nonzero input and which answer (the output layer
    reads their state), from the model's own mapping.

    Parameters
    ----------
    model : RNN
        The model, whose mapping decides.
    X : array_like
        Its inputs (a batch; the first sequence is laid out).
    n_steps : int, optional
        The output length, for the mappings that take one.

    Returns
    -------
    reads : ndarray of bool
        Per step of the stack, whether it reads an input.
    answers : ndarray of int
        The indices of the steps that answer.
    encoder_steps : int
        The encoder's steps (seq2seq), else 0.
    """
    mp = model.mapping
    x, _ = mp.inputs(model.net, np.abs(X) + 1.0, None, n_steps)      # a probe with no zeros
    reads = np.abs(x).sum(axis=(1, 2)) > 0
    if mp.name == "seq2seq":                                     # the decoder answers at every step
        return reads, np.arange(n_steps), len(reads)  # type: ignore[arg-type]  # seq2seq: given
    steps = np.arange(len(reads), dtype=float)[:, None, None]    # each state holds its own index
    sel = mp.select((steps, steps) if model.bidirectional else steps, model.bidirectional)
    answers = np.unique(np.concatenate([np.ravel(s) for s in sel]) if model.bidirectional
                        else np.ravel(sel)).astype(int)
    return reads, answers, 0


def diagram(model: RNN, X: ArrayLike, n_steps: int | None, title: str,
            what: str = "") -> Figure:
    """The model's mapping unrolled in time, as a Figure: which steps read, which answer.

    Parameters
    ----------
    model : RNN
        The model, whose mapping decides.
    X : array_like
        Its inputs.
    n_steps : int or None
        The output length, for the mappings that take one.
    title : str
        The diagram's title.
    what : str
        A line saying what the task is.

    Returns
    -------
    Figure
        Drawn by rnnlab.plots.mappings.diagram.
    """
    reads, answers, enc = layout(model, X, n_steps)
    caption = (f"The {model.mapping.name} mapping unrolled in time, drawn from the model's own "
               f"configuration: a box for each input x(t) read, each hidden state h(t) and each "
               f"output y(t) that enters the loss." + (f" Task: {what}." if what else ""))
    return Figure(plots.mappings.diagram, {"reads": reads, "answers": answers,
                                           "encoder_steps": enc, "n_steps": n_steps,
                                           "title": title}, caption=caption)


def run(*, quick: bool, seed: int, progress: bool) -> Result:
    """Train a model for each of the lecture's mappings and variations on a small task that
    needs it, against a trivial baseline (see the module docstring).

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
    from .. import RNN
    cfg = SETTINGS[quick]
    rng = np.random.default_rng(seed)
    rows, figures = [], {}
    for name, (kw, X, Y, mask, what) in _tasks(cfg["n"] + 256, rng).items():
        tr, te = slice(0, cfg["n"]), slice(cfg["n"], None)
        model = RNN(X.shape[-1], cfg["hidden"], Y.shape[-1], seed=seed, **kw)
        hist = model.fit(X[tr], Y[tr], mask=None if mask is None else mask[tr], lr=0.01,
                         epochs=cfg["epochs"], batch_size=32, seed=seed, progress=progress)
        metric, value = _error(model, X[te], Y[te], None if mask is None else mask[te])
        base = (0.5 if metric == "accuracy" else
                _error_of_zero(Y[te], None if mask is None else mask[te]))
        rows.append([name, what, f"{tuple(X.shape[1:])}", f"{tuple(Y.shape[1:])}", metric,
                     value, base, hist.loss[0], hist.loss[-1]])
        if "," not in name:                                       # one diagram per mapping
            n_steps = Y.shape[1] if model.mapping.takes_n_steps else None
            figures[f"mapping_{model.mapping.name}"] = diagram(
                model, X[:1], n_steps, f"{model.mapping.name}: {what}", what)
    delayed = RNN(1, 4, 1, mapping="many-to-many-delayed", delay=2)
    figures["mapping_many-to-many-delayed"] = diagram(
        delayed, np.ones((1, 5, 1)), None, "many-to-many-delayed (delay = 2)",
        "the answer for x(t) comes at step t + 2, after two more inputs have been read")
    table = Table("Each variation on a task that needs it (test set)",
                  ["variation", "task", "X per sample", "Y per sample", "metric", "RNN",
                   "baseline (0.5 / predict 0)", "train loss, epoch 1", "train loss, last"],
                  rows, note=f"H = {cfg['hidden']}, Adam lr 0.01, {cfg['epochs']} epochs, "
                             f"{cfg['n']} training and 256 test samples, seed {seed}.")
    by = {r[0]: r[5] for r in rows}
    return Result(tables={"variations": table}, figures=figures,
                  summary=[("next input MSE aligned", by["next input, aligned"]),
                           ("delayed", by["next input, delayed"]),
                           ("bidirectional", by["next input, bidirectional"])],
                  config=dict(cfg, seed=seed, lr=0.01, batch_size=32),
                  claims=claims(rows), headline=headline(rows))


def _solved(row: Sequence[Any]) -> bool:
    """A row [variation, task, X, Y, metric, RNN, baseline, ...] whose task was learned: accuracy
    above 0.95, or an error below a tenth of the baseline's."""
    return row[5] > 0.95 if row[4] == "accuracy" else row[5] < 0.1 * row[6]


def claims(rows: Sequence[Sequence[Any]]) -> list[Claim]:
    """The lecture's claims checked on the variations table's rows.

    Parameters
    ----------
    rows : sequence of list
        The variations table's rows.

    Returns
    -------
    list of Claim
        Each with its verdict and the numbers behind it.
    """
    by = {r[0]: r for r in rows}
    rest = [r for r in rows if not r[0].startswith("next input")]
    failed = [r[0] for r in rest if not _solved(r)]
    aligned, delayed, bi = (by[f"next input, {k}"] for k in ("aligned", "delayed",
                                                              "bidirectional"))
    return [
        Claim("RNNs represent every mapping of the lecture: one-to-one, one-to-many, "
              "many-to-one, many-to-many (also deep) and encoder-decoder each learn a task that "
              "needs them (accuracy above 0.95, or an error below a tenth of the baseline's)",
              not failed,
              ("not learned: " + ", ".join(failed) + "; ") * bool(failed) + "; ".join(
                  f"{r[0]}: {r[4]} {r[5]:.3g} (baseline {r[6]:.3g})" for r in rest)),
        Claim("An aligned many-to-many RNN cannot see the future: on y(t) = x(t+1) it stays at "
              "the baseline (error above 0.8 of it), while reading one step ahead (delayed) or a "
              "backward pass (bidirectional) solves it (below a tenth)",
              aligned[5] > 0.8 * aligned[6] and _solved(delayed) and _solved(bi),
              f"test MSE: aligned {aligned[5]:.3g}, delayed {delayed[5]:.3g}, bidirectional "
              f"{bi[5]:.3g}; baseline (predict 0) {aligned[6]:.3g}")]


def headline(rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """The bidirectional RNN against the aligned one on y(t) = x(t+1), for the summary figure.

    Parameters
    ----------
    rows : sequence of list
        The variations table's rows.

    Returns
    -------
    dict
        A Result's headline: "metric", "rnn", "baseline", "higher_is_better" and the labels.
    """
    by = {r[0]: r for r in rows}
    return {"metric": "test MSE, y(t) = x(t+1)", "rnn": by["next input, bidirectional"][5],
            "baseline": by["next input, aligned"][5], "higher_is_better": False,
            "rnn_label": "bidirectional RNN", "baseline_label": "aligned many-to-many RNN"}


def _error_of_zero(Y, mask):
    if mask is not None and Y.ndim == 3:
        return float(np.sum(mask[..., None] * Y ** 2) / mask.sum() / Y.shape[-1])
    return float(np.mean(Y ** 2))
