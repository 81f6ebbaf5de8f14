"""Finite-difference gradient checks that anyone can run on any model.

For every entry p of every parameter (and of the inputs X and h0), the derivative of the loss is
estimated with the fourth-order central difference

    dL/dp ~ (-L(p + 2e) + 8 L(p + e) - 8 L(p - e) + L(p - 2e)) / (12 e)

in float64 (truncation error O(e^4), about 1e-12 at e = 1e-3), and compared with the model's
analytic gradient. The relative error of an entry is |analytic - numeric| / max(|analytic|,
|numeric|, 1e-6): relative where the gradient is not tiny; below 1e-6 in size an entry must
agree to 1e-12 absolutely for an error under 1e-6 (the finite difference itself carries about
1e-12 |L| of rounding noise).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from . import _checks
from ._tree import leaves, map_tree, path_str
from ._types import Array

if TYPE_CHECKING:
    from .model import RNN


def numeric_grad(loss_fn: Callable[[], float], arr: Array, eps: float = 1e-3) -> Array:
    """The finite-difference gradient of loss_fn() with respect to every entry of arr.

    arr is perturbed in place, one entry at a time, and restored exactly afterwards.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn() -> float``: the loss at the current value of `arr`.
    arr : ndarray
        The array to differentiate against; changed during the call and restored after it.
    eps : float
        The step of the fourth-order central difference.

    Returns
    -------
    ndarray of float64
        The estimated dL/darr, the shape of `arr`.

    Examples
    --------
    >>> w = np.array([1.0, -2.0])
    >>> g = numeric_grad(lambda: float(np.sum(w ** 3)), w)
    >>> print(np.allclose(g, 3 * w ** 2, atol=1e-9), w.tolist())
    True [1.0, -2.0]
    """
    eps = _checks.check_float(eps, "eps", positive=True)
    num = np.empty(arr.shape)
    flat, out = arr.reshape(-1), num.reshape(-1)
    for i in range(flat.size):
        orig = flat[i]
        vals = []
        for step in (2 * eps, eps, -eps, -2 * eps):
            flat[i] = orig + step
            vals.append(loss_fn())
        flat[i] = orig
        # differences first: equal losses give exactly 0, and no large sums lose digits
        out[i] = (8 * (vals[1] - vals[2]) - (vals[0] - vals[3])) / (12 * eps)
    return num


def relative_error(analytic: ArrayLike, numeric: ArrayLike, floor: float = 1e-6) -> float:
    """The largest relative error between two gradients.

    The error of an entry is ``|a - n| / max(|a|, |n|, floor)``; the result is its maximum
    over all entries.

    Parameters
    ----------
    analytic, numeric : array_like
        The two gradients, of the same shape.
    floor : float
        Entries smaller than this in size are compared absolutely (relative to `floor`).

    Returns
    -------
    float
        The largest error; 0.0 for empty arrays.

    Examples
    --------
    >>> relative_error([1.0, 2.0], [1.0, 2.002])
    0.000999...
    """
    a, n = np.asarray(analytic, np.float64), np.asarray(numeric, np.float64)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), floor)))


def gradcheck(model: RNN, X: ArrayLike, Y: ArrayLike, mask: ArrayLike | None = None, h0: Any = None,
              *, eps: float = 1e-3, inputs: bool = True,
              details: bool = False) -> float | tuple[float, dict[str, float]]:
    """Largest relative error between the model's gradients and finite differences.

    The check runs on a float64 copy of the model (the model itself is not changed). It covers
    every entry of every parameter and, with ``inputs=True``, of X and of h0 (when h0 is given).

    Parameters
    ----------
    model : RNN
        The model to check.
    X, Y : array_like
        Inputs (B, T, D) and targets, as for ``model.loss_and_grads``.
    mask : array_like of bool, optional
        (B, T): the steps that count in the loss.
    h0 : state, optional
        The initial state; checked as an input too when given.
    eps : float
        The finite-difference step.
    inputs : bool
        Whether X (and h0) are checked as well as the parameters.
    details : bool
        Whether to return every checked array's error too.

    Returns
    -------
    float or (float, dict)
        The largest relative error; with ``details=True`` also ``{name: error}`` for every
        parameter path ("W0", "layers.0.W11", ...), "X" and "h0.*".

    Raises
    ------
    TypeError
        If `model` is not an rnnlab model.
    ValueError
        If the loss at X, Y is not finite.

    Examples
    --------
    >>> model = rl.RNN(n_in=2, n_hidden=3, n_out=1, seed=0)
    >>> X = np.random.default_rng(0).normal(size=(2, 4, 2))
    >>> Y = np.random.default_rng(1).normal(size=(2, 4, 1))
    >>> print(rl.gradcheck(model, X, Y) < 1e-6)
    True
    """

    eps = _checks.check_float(eps, "eps", positive=True)
    inputs = _checks.check_bool(inputs, "inputs")
    details = _checks.check_bool(details, "details")
    if not callable(getattr(model, "loss_and_grads", None)) or not hasattr(model, "astype"):
        raise TypeError(f"model must be an rnnlab.RNN, got {type(model).__name__}")
    m = model.astype("float64")
    X = np.array(_checks.as_array(X, "X", dtype=np.float64))       # a copy: perturbed in place
    h0 = None if h0 is None else map_tree(
        lambda a: np.array(_checks.as_array(a, "h0", dtype=np.float64)), h0)
    with np.errstate(over="ignore", invalid="ignore"):
        value, grads, in_grads = m.loss_and_grads(X, Y, mask, h0, input_grads=True)
    if not np.isfinite(value):
        raise ValueError(f"gradcheck needs a finite loss at X, Y (finite differences of inf are "
                         f"meaningless); the loss is {value}: X or Y is too large")
    analytic = dict(leaves(grads))

    def loss():
        return m.evaluate(X, Y, mask, h0)

    errors = {}
    for path, p in leaves(m.params):
        errors[path_str(path)] = relative_error(analytic[path], numeric_grad(loss, p, eps))
    if inputs:
        errors["X"] = relative_error(in_grads["X"], numeric_grad(loss, X, eps))
        if h0 is not None:
            dh0 = dict(leaves(in_grads["h0"]))
            for path, s in leaves(h0):
                errors["h0." + path_str(path)] = relative_error(dh0[path], numeric_grad(loss, s, eps))
    worst = max(errors.values())
    return (worst, errors) if details else worst
