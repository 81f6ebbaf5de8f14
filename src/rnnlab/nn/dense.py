"""The output layer, applied at every step: y(t) = f(W1 h(t) + b1).

    a(t) = W1 h(t) + b1        W1 (K, H), b1 (K,)
    y(t) = f(a(t))             f = identity, sigmoid or softmax (see activations)

Backward: da = dL/dy through f (or given directly by a fused loss), then
    dW1 = sum da h^T,   db1 = sum da,   dh = W1^T da.

h may have any leading shape (T, B, H) or (B, H): all leading axes are flattened into one
matrix multiply.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from . import activations
from . import init as _init
from .._types import Array, Params


def param_shapes(n_hidden: int, n_out: int) -> dict[str, tuple[int, ...]]:
    """The shapes init returns: {"W1": (K, H), "b1": (K,)}.

    Parameters
    ----------
    n_hidden : int
        H.
    n_out : int
        K.

    Returns
    -------
    dict
    """
    return {"W1": (n_out, n_hidden), "b1": (n_out,)}


def init(n_hidden: int, n_out: int, *, rng: np.random.Generator,
         dtype: DTypeLike = np.float32) -> Params:
    """{"W1": (K, H), "b1": (K,)}, U(-1/sqrt(H), 1/sqrt(H)) as torch.nn.Linear.

    Parameters
    ----------
    n_hidden : int
        H.
    n_out : int
        K.
    rng : numpy.random.Generator
        The generator.
    dtype : numpy dtype
        float32 or float64.

    Returns
    -------
    dict
    """
    k = 1.0 / np.sqrt(n_hidden)
    return {"W1": _init.uniform((n_out, n_hidden), k, rng=rng, dtype=dtype),
            "b1": _init.uniform((n_out,), k, rng=rng, dtype=dtype)}


def linear(params: Params, h: Array) -> Array:
    """a = W1 h + b1 over the last axis of h. (..., H) -> (..., K)

    Parameters
    ----------
    params : dict
        {"W1": (K, H), "b1": (K,)}.
    h : ndarray, (..., H)
        Inputs.

    Returns
    -------
    ndarray, (..., K)

    Examples
    --------
    >>> linear({"W1": np.array([[1.0, 2.0]]), "b1": np.array([0.5])}, np.array([[1.0, 1.0]])).tolist()
    [[3.5]]
    """
    W1, b1 = params["W1"], params["b1"]
    a = np.matmul(h.reshape(-1, h.shape[-1]), W1.T)
    a += b1
    return a.reshape(h.shape[:-1] + (W1.shape[0],))


def linear_backward(params: Params, h: Array, da: Array) -> tuple[Params, Array]:
    """(grads {"W1", "b1"}, dh) for a = W1 h + b1, given da = dL/da of shape (..., K).

    Parameters
    ----------
    params : dict
        {"W1": (K, H), "b1": (K,)}.
    h : ndarray, (..., H)
        The inputs of the forward.
    da : ndarray, (..., K)
        dL/da.

    Returns
    -------
    grads : dict
    dh : ndarray, (..., H)
    """
    W1 = params["W1"]
    da2 = da.reshape(-1, da.shape[-1])
    grads = {"W1": da2.T @ h.reshape(-1, h.shape[-1]),       # sum da h^T
             "b1": da2.sum(axis=0)}
    dh = (da2 @ W1).reshape(h.shape)                          # W1^T da
    return grads, dh


def forward(params: Params, h: Array, *, output: str = "identity") -> tuple[Array, dict[str, Any]]:
    """y = f(W1 h + b1). Returns (y, cache).

    Parameters
    ----------
    params : dict
        {"W1": (K, H), "b1": (K,)}.
    h : ndarray, (..., H)
        Inputs.
    output : str
        The output activation f.

    Returns
    -------
    y : ndarray, (..., K)
    cache : tuple
        What backward needs.
    """
    a = linear(params, h)
    y = activations.output(a, output)
    return y, {"h": h, "a": a, "y": y, "output": output}


def backward(params: Params, cache: dict[str, Any], dy: Array | None = None, *,
             da: Array | None = None) -> tuple[Params, Array]:
    """(grads, dh) from dL/dy (through f), or from dL/da directly when a fused loss gave it.

    Parameters
    ----------
    params : dict
        {"W1": (K, H), "b1": (K,)}.
    cache : tuple
        From forward.
    dy : ndarray, optional
        dL/dy.
    da : ndarray, optional
        dL/da, when a fused loss gave it.

    Returns
    -------
    grads : dict
    dh : ndarray
    """
    if da is None:
        if dy is None:
            raise TypeError("backward needs dy (dL/dy) or da (dL/da)")
        da = activations.output_backward(cache["y"], dy, cache["output"])
    return linear_backward(params, cache["h"], da)
