"""Activations f and their derivatives, written from the output where the math allows.

Hidden units (the recurrent layer):   h = f(a)
    tanh      f'(a) = 1 - h^2
    relu      f'(a) = 1[h > 0]
    identity  f'(a) = 1            (the linear RNN of the lecture's stability argument)

Output units (the dense layer):       y = f(a)
    identity  dL/da = dL/dy
    sigmoid   dL/da = dL/dy * y (1 - y)
    softmax   dL/da = y * (dL/dy - sum_k dL/dy_k y_k)      (Jacobian-vector product over the last axis)

Every function keeps the dtype of its input: no Python floats that upcast, no float64 temporaries.
"""
from __future__ import annotations

import numpy as np

from .._types import Array

HIDDEN = ("tanh", "relu", "identity")
OUTPUT = ("identity", "sigmoid", "softmax")


def hidden_(a: Array, name: str, out: Array | None = None) -> Array:
    """h = f(a) for a hidden activation, written into `out` (may be `a` itself).

    Parameters
    ----------
    a : ndarray
        Pre-activations.
    name : {"tanh", "relu", "identity"}
        The activation.
    out : ndarray, optional
        Where h is written.

    Returns
    -------
    ndarray
        h.
    """
    if out is None:
        out = np.empty_like(a)
    if name == "tanh":
        return np.tanh(a, out=out)
    if name == "relu":
        return np.maximum(a, 0, out=out)
    if name == "identity":
        if out is not a:
            out[...] = a
        return out
    raise ValueError(f"activation must be one of {HIDDEN}; got {name!r}")


def hidden_grad(h: Array, name: str) -> Array | None:
    """f'(a) for every entry, from the activation h = f(a); None means f' = 1 everywhere.

    Parameters
    ----------
    h : ndarray
        Activations.
    name : str
        The activation.

    Returns
    -------
    ndarray or None

    Examples
    --------
    >>> hidden_grad(np.array([0.0, 0.5]), "tanh").tolist()            # 1 - h^2
    [1.0, 0.75]
    """
    if name == "tanh":
        d = np.multiply(h, h)                    # h^2
        return np.subtract(1, d, out=d)          # tanh'(a) = 1 - h^2
    if name == "relu":
        return (h > 0).astype(h.dtype)           # relu'(a) = 1 where the unit is on
    if name == "identity":
        return None
    raise ValueError(f"activation must be one of {HIDDEN}; got {name!r}")


def sigmoid(a: Array) -> Array:
    """1 / (1 + exp(-a)) without overflow for large |a|.

    Parameters
    ----------
    a : ndarray
        Logits.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    out = np.empty_like(a)
    pos = a >= 0
    out[pos] = 1 / (1 + np.exp(-a[pos]))
    e = np.exp(a[~pos])                          # a < 0: exp(a) < 1, no overflow
    out[~pos] = e / (1 + e)
    return out


def log_softmax(a: Array) -> Array:
    """a - logsumexp(a) over the last axis (shifted by the max: no overflow).

    Parameters
    ----------
    a : ndarray, (..., K)
        Logits.

    Returns
    -------
    ndarray, (..., K)
    """
    shifted = a - a.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(a: Array) -> Array:
    """exp(a) / sum exp(a) over the last axis, shifted by the max.

    Parameters
    ----------
    a : ndarray, (..., K)
        Logits.

    Returns
    -------
    ndarray, (..., K)

    Examples
    --------
    >>> softmax(np.array([1000.0, 1000.0])).tolist()
    [0.5, 0.5]
    """
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


def output(a: Array, name: str) -> Array:
    """y = f(a) for an output activation.

    Parameters
    ----------
    a : ndarray
        Pre-activations.
    name : {"identity", "sigmoid", "softmax"}
        The output activation.

    Returns
    -------
    ndarray
        y.
    """
    if name == "identity":
        return a
    if name == "sigmoid":
        return sigmoid(a)
    if name == "softmax":
        return softmax(a)
    raise ValueError(f"output must be one of {OUTPUT}; got {name!r}")


def output_backward(y: Array, dy: Array, name: str) -> Array:
    """dL/da from dL/dy through the output activation y = f(a).

    Parameters
    ----------
    y : ndarray
        Outputs.
    dy : ndarray
        dL/dy.
    name : str
        The output activation.

    Returns
    -------
    ndarray
        dL/da.
    """
    if name == "identity":
        return dy
    if name == "sigmoid":
        return dy * y * (1 - y)                  # sigmoid'(a) = y (1 - y)
    if name == "softmax":
        return y * (dy - (dy * y).sum(axis=-1, keepdims=True))
    raise ValueError(f"output must be one of {OUTPUT}; got {name!r}")
