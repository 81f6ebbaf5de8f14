"""Metrics of predictions against targets, with masks: what `fit(metrics=...)` records every
epoch and `rnnlab eval` prints.

Each metric is f(y_pred, Y, mask=None, output="identity") -> float, with y_pred as
`model.predict` returns it and Y as `fit` takes it; padded steps (mask False) never count.

    mse                 mean squared error over the real steps and units
    mae                 mean absolute error
    accuracy            share of real steps (or sequences, for one answer per sequence) whose
                        class is right: argmax for softmax (Y one-hot or class indices),
                        y > 0.5 for sigmoid (every unit)
    sequence_accuracy   share of sequences with every real step right
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _checks
from ._types import MetricSpec

NAMES = ("mse", "mae", "accuracy", "sequence_accuracy")


def _real(shape, mask):
    """A boolean array of `shape`: True where a step is real."""
    if mask is None or len(shape) < 3:
        return np.ones(shape, bool)
    return np.broadcast_to(np.asarray(mask, bool)[:, :, None], shape)


def mse(y_pred: ArrayLike, Y: ArrayLike, mask: ArrayLike | None = None,
        output: str = "identity") -> float:
    """The mean squared error over the real steps and units.

    Parameters
    ----------
    y_pred : array_like
        Predictions as ``model.predict`` returns them, (B, T, K) or (B, K).
    Y : array_like
        Targets as ``fit`` takes them.
    mask : array_like of bool, optional
        (B, T): the real steps; padded steps never count.
    output : str
        The model's output function.

    Returns
    -------
    float
        The mean of (y_pred - Y)^2.

    Examples
    --------
    >>> mse(np.array([[[1.0], [3.0]]]), np.array([[[1.0], [1.0]]]))
    2.0
    >>> mse(np.array([[[1.0], [3.0]]]), np.array([[[1.0], [1.0]]]), mask=[[True, False]])
    0.0
    """
    err = (np.asarray(y_pred, np.float64) - np.asarray(Y)) ** 2
    return float(err[_real(err.shape, mask)].mean())


def mae(y_pred: ArrayLike, Y: ArrayLike, mask: ArrayLike | None = None,
        output: str = "identity") -> float:
    """The mean absolute error over the real steps and units.

    Parameters
    ----------
    y_pred : array_like
        Predictions as ``model.predict`` returns them, (B, T, K) or (B, K).
    Y : array_like
        Targets as ``fit`` takes them.
    mask : array_like of bool, optional
        (B, T): the real steps; padded steps never count.
    output : str
        The model's output function.

    Returns
    -------
    float
        The mean of abs(y_pred - Y).

    Examples
    --------
    >>> mae(np.array([[[1.0], [3.0]]]), np.array([[[1.0], [1.0]]]))
    1.0
    """
    err = np.abs(np.asarray(y_pred, np.float64) - np.asarray(Y))
    return float(err[_real(err.shape, mask)].mean())


def _right(y_pred, Y, output):
    """Per step (and unit, for sigmoid) whether the prediction is right: shape (B, [T,] k)."""
    if output == "sigmoid":
        return (y_pred > 0.5) == (np.asarray(Y) > 0.5)
    if output != "softmax":
        raise ValueError(f"accuracy needs a sigmoid or softmax output, got output={output!r}")
    Y = np.asarray(Y)
    labels = Y if Y.dtype.kind in "iub" and Y.ndim == y_pred.ndim - 1 else Y.argmax(-1)
    return (y_pred.argmax(-1) == labels)[..., None]


def accuracy(y_pred: ArrayLike, Y: ArrayLike, mask: ArrayLike | None = None,
             output: str = "softmax") -> float:
    """The share of real steps (or sequences, for one answer per sequence) whose class is right.

    Parameters
    ----------
    y_pred : array_like
        Predictions as ``model.predict`` returns them, (B, T, K) or (B, K).
    Y : array_like
        Targets as ``fit`` takes them (one-hot or class indices for softmax).
    mask : array_like of bool, optional
        (B, T): the real steps; padded steps never count.
    output : str
        The model's output function: argmax for softmax, y > 0.5 for sigmoid (every unit).

    Returns
    -------
    float
        The share of right answers.

    Examples
    --------
    >>> p = np.array([[[0.9, 0.1], [0.2, 0.8]]])
    >>> accuracy(p, np.array([[0, 0]]))
    0.5
    """
    right = _right(y_pred, Y, output)
    return float(right[_real(right.shape, mask)].mean())


def sequence_accuracy(y_pred: ArrayLike, Y: ArrayLike, mask: ArrayLike | None = None,
                      output: str = "softmax") -> float:
    """The share of sequences with every real step right.

    Parameters
    ----------
    y_pred : array_like
        Predictions as ``model.predict`` returns them, (B, T, K) or (B, K).
    Y : array_like
        Targets as ``fit`` takes them (one-hot or class indices for softmax).
    mask : array_like of bool, optional
        (B, T): the real steps; padded steps never count.
    output : str
        The model's output function: argmax for softmax, y > 0.5 for sigmoid (every unit).

    Returns
    -------
    float
        The share of sequences right at every step.

    Examples
    --------
    >>> p = np.array([[[0.9, 0.1], [0.2, 0.8]]])
    >>> sequence_accuracy(p, np.array([[0, 1]])), sequence_accuracy(p, np.array([[0, 0]]))
    (1.0, 0.0)
    """
    right = _right(y_pred, Y, output)
    ok = right | ~_real(right.shape, mask)
    return float(ok.reshape(len(ok), -1).all(axis=1).mean())


def resolve(metrics: MetricSpec) -> list:
    """[(name, fn)] from None, a name, a callable or a list of them.

    Parameters
    ----------
    metrics : None, str, callable or list of them
        Metric names (mse, mae, accuracy, sequence_accuracy) or functions
        ``f(y_pred, Y, mask, output) -> float``.

    Returns
    -------
    list of (str, callable)

    Raises
    ------
    TypeError, ValueError
        Naming the bad entry.

    Examples
    --------
    >>> [name for name, fn in resolve(["mse", "accuracy"])]
    ['mse', 'accuracy']
    """
    if metrics is None:
        return []
    items = [metrics] if isinstance(metrics, str) or callable(metrics) else metrics
    if not isinstance(items, (list, tuple)):
        raise TypeError(f"metrics must be a name, a callable or a list of them, got "
                        f"{type(metrics).__name__}")
    out = []
    for i, m in enumerate(items):
        if isinstance(m, str):
            _checks.check_choice(m, f"metrics[{i}]", NAMES)
            out.append((m, globals()[m]))
        elif callable(m):
            out.append((getattr(m, "__name__", f"metric{i}"), m))
        else:
            raise TypeError(f"metrics[{i}] must be a name ({', '.join(NAMES)}) or a callable "
                            f"(y_pred, Y, mask, output) -> float, got {type(m).__name__}")
    names = [n for n, _ in out]
    if len(set(names)) != len(names):
        raise ValueError(f"metrics names must differ, got {names}")
    return out
