"""Per-step losses over sequences. Each returns (value, gradient) and takes a mask.

The value is the SUM over every position (every step of every sequence) whose mask is true; the
gradient is the derivative of exactly that sum. The model divides both by the batch size, which
gives the lecture's decomposable loss L = sum_t L(y(t), t(t)), averaged over sequences.

On outputs y (any leading shape, last axis K):
    squared_error          l = 1/2 ||y - t||^2                  dl/dy = y - t
    binary_cross_entropy   l = -sum t log y + (1-t) log(1-y)     dl/dy = (y - t) / (y (1 - y))
    cross_entropy          l = -sum_k t_k log y_k                dl/dy = -t / y
On pre-activations a (fused with the output activation, numerically stable):
    sigmoid_binary_cross_entropy(a, t)   l = max(a, 0) - a t + log(1 + exp(-|a|))   dl/da = sigmoid(a) - t
    softmax_cross_entropy(a, t)          l = -sum_k t_k (a_k - logsumexp(a))        dl/da = softmax(a) sum_k t_k - t
Each fused form equals its unfused twin composed with the activation, but never takes log(0)
nor exp of a large number. For cross-entropy, targets are either class indices (integer array of
the leading shape) or distributions (same shape as y, e.g. one-hot).
"""
from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike

from . import activations
from .._types import Array

_EPS = {np.dtype(np.float32): 1e-7, np.dtype(np.float64): 1e-15}


def _masked(value_terms, grad, mask):
    """Sum of per-position values and the gradient, both with padded positions zeroed."""
    if mask is None:
        return float(value_terms.sum()), grad
    m = mask.astype(grad.dtype)
    return float((value_terms * m).sum()), grad * m[..., None]


def one_hot(target: Array, n_classes: int, dtype: DTypeLike, lead_ndim: int) -> Array:
    """Class indices (an integer array with lead_ndim axes) -> one-hot (..., K); a target that
    already has the class axis (one-hot or probabilities, any dtype) passes through as floats.

    Parameters
    ----------
    target : array_like
        Class indices, or targets that already have the class axis.
    n_classes : int
        K.
    dtype : numpy dtype
        The result's dtype.
    lead_ndim : int
        The number of axes before the class axis.

    Returns
    -------
    ndarray, (..., K)

    Examples
    --------
    >>> one_hot(np.array([2, 0]), 3, np.float32, 1).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    target = np.asarray(target)
    if target.dtype.kind in "iub" and target.ndim == lead_ndim:
        if target.size and (target.min() < 0 or target.max() >= n_classes):
            raise ValueError(f"class indices must lie in 0..{n_classes - 1}, got "
                             f"{int(target.min())}..{int(target.max())}")
        return np.eye(n_classes, dtype=dtype)[target]
    return target.astype(dtype, copy=False)


def squared_error(y: Array, target: Array, mask: Array | None = None) -> tuple[float, Array]:
    """1/2 sum of squared differences. Returns (value, dL/dy).

    Parameters
    ----------
    y : ndarray
        Outputs.
    target : ndarray
        Targets of the same shape.
    mask : ndarray of bool, optional
        The entries that count; default all.

    Returns
    -------
    value : float
        The loss.
    grad : ndarray
        dL/dy, the shape of y.

    Examples
    --------
    >>> value, grad = squared_error(np.array([1.0, 3.0]), np.array([1.0, 1.0]))
    >>> value, grad.tolist()
    (2.0, [0.0, 2.0])
    """
    diff = y - target
    return _masked(0.5 * (diff * diff).sum(axis=-1), diff, mask)


def binary_cross_entropy(y: Array, target: Array, mask: Array | None = None) -> tuple[float, Array]:
    """Cross-entropy of probabilities y in (0, 1) against targets in [0, 1]. Returns (value, dL/dy).

    Parameters
    ----------
    y : ndarray
        Probabilities in (0, 1).
    target : ndarray
        Targets in [0, 1].
    mask : ndarray of bool, optional
        The entries that count; default all.

    Returns
    -------
    value : float
        The loss.
    grad : ndarray
        dL/dy, the shape of y.
    """
    eps = _EPS.get(y.dtype, 1e-7)
    p = np.clip(y, eps, 1 - eps)                         # keep log and the division finite
    terms = -(target * np.log(p) + (1 - target) * np.log1p(-p)).sum(axis=-1)
    return _masked(terms, (p - target) / (p * (1 - p)), mask)


def cross_entropy(y: Array, target: Array, mask: Array | None = None) -> tuple[float, Array]:
    """-sum t log y for probability vectors y (last axis). Returns (value, dL/dy).

    Parameters
    ----------
    y : ndarray, (..., K)
        Probability vectors.
    target : ndarray
        One-hot or probability targets.
    mask : ndarray of bool, optional
        The entries that count; default all.

    Returns
    -------
    value : float
        The loss.
    grad : ndarray
        dL/dy, the shape of y.
    """
    t = one_hot(target, y.shape[-1], y.dtype, y.ndim - 1)
    p = np.maximum(y, _EPS.get(y.dtype, 1e-7))
    return _masked(-(t * np.log(p)).sum(axis=-1), -t / p, mask)


def sigmoid_binary_cross_entropy(a: Array, target: Array,
                                 mask: Array | None = None) -> tuple[float, Array]:
    """BCE of sigmoid(a), from the logits a, stably. Returns (value, dL/da).

    Parameters
    ----------
    a : ndarray
        Logits.
    target : ndarray
        Targets in [0, 1].
    mask : ndarray of bool, optional
        The entries that count; default all.

    Returns
    -------
    value : float
        The loss.
    grad : ndarray
        dL/da, the shape of a.
    """
    terms = (np.maximum(a, 0) - a * target + np.log1p(np.exp(-np.abs(a)))).sum(axis=-1)
    return _masked(terms, activations.sigmoid(a) - target, mask)


def softmax_cross_entropy(a: Array, target: Array,
                          mask: Array | None = None) -> tuple[float, Array]:
    """Cross-entropy of softmax(a), from the logits a, via log-sum-exp. Returns (value, dL/da).

    Parameters
    ----------
    a : ndarray, (..., K)
        Logits.
    target : ndarray
        One-hot or probability targets.
    mask : ndarray of bool, optional
        The entries that count; default all.

    Returns
    -------
    value : float
        The loss.
    grad : ndarray
        dL/da, the shape of a.

    Examples
    --------
    >>> value, grad = softmax_cross_entropy(np.zeros((1, 4)), np.eye(4)[[0]])
    >>> bool(np.isclose(value, np.log(4))), grad.round(2).tolist()
    (True, [[-0.75, 0.25, 0.25, 0.25]])
    """
    t = one_hot(target, a.shape[-1], a.dtype, a.ndim - 1)
    logp = activations.log_softmax(a)
    grad = np.exp(logp) * t.sum(axis=-1, keepdims=True) - t
    return _masked(-(t * logp).sum(axis=-1), grad, mask)


# name -> (loss on outputs, the output activation it fuses with, the fused loss on logits)
LOSSES = {
    "squared_error": (squared_error, "identity", squared_error),
    "binary_cross_entropy": (binary_cross_entropy, "sigmoid", sigmoid_binary_cross_entropy),
    "cross_entropy": (cross_entropy, "softmax", softmax_cross_entropy),
}
ALIASES = {"mse": "squared_error", "bce": "binary_cross_entropy", "ce": "cross_entropy"}
# losses that take probabilities: only meaningful (and exact) on these outputs
NEEDS_OUTPUT = {"binary_cross_entropy": "sigmoid", "cross_entropy": "softmax"}
DEFAULT_FOR_OUTPUT = {"identity": "squared_error", "sigmoid": "binary_cross_entropy",
                      "softmax": "cross_entropy"}


def resolve(name: str) -> str:
    """Canonical loss name for a name or alias (TypeError for a non-string, ValueError for an
    unknown name).

    Parameters
    ----------
    name : str
        A loss name or alias.

    Returns
    -------
    str

    Raises
    ------
    TypeError
        For a non-string.
    ValueError
        For an unknown name.
    """
    names = sorted(LOSSES) + sorted(ALIASES)
    if not isinstance(name, str):
        raise TypeError(f"loss must be a name ({', '.join(names)}), 'auto' or a callable; got "
                        f"{type(name).__name__} {name!r}")
    canon = ALIASES.get(name, name)
    if canon not in LOSSES:
        raise ValueError(f"loss must be one of {', '.join(names)} or a callable; got {name!r}")
    return canon
