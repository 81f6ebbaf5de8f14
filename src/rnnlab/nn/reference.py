"""Forward and backward propagation through time as loops over a cell's reference step.

These are the lecture's algorithms written out for any cell of the protocol (see nn/__init__):
the forward applies `cell.step` at t = 1..T (or T..1), and BPTT walks back from the last step,
adding at each step the gradient from above to the one carried from the step after, and
applying `cell.step_backward`, the chain rule of one step. They are slow (a few NumPy calls per
operation of the equations) and exist to be read and to check the fast `forward` / `backward`
of every cell against (tests/nn/test_cell_contract.py).

Masks: a padded step (m = 0) carries the state unchanged, h(t) = h(t-1); backward, its state
gradient passes through unchanged and it adds nothing to the parameters or to dx.
"""
from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any

import numpy as np

from . import _time
from .._types import Array, Params, State


def _order(T, reverse):
    return range(T - 1, -1, -1) if reverse else range(T)


def forward(cell: ModuleType, params: Params, x: Array, h0: Any = None, *,
            mask: Array | None = None, reverse: bool = False,
            activation: str = "tanh") -> tuple[Array, dict[int, State], State]:
    """(h (T, B, H), the state before each visited step, the final state): x (T, B, D).

    Parameters
    ----------
    cell : module
        The cell module.
    params : dict
        The layer's parameters.
    x : ndarray, (T, B, D)
        Inputs.
    h0 : tuple, optional
        The initial state.
    mask : ndarray of bool, (T, B), optional
        The real steps.
    reverse : bool
        Run from the last step to the first.
    activation : str
        The Elman activation.

    Returns
    -------
    h : ndarray, (T, B, H)
    states : list
        The state before each visited step.
    final : tuple
        The final state.
    """
    T, B, _ = x.shape
    H = params["W11"].shape[1]
    state = _time.as_state(h0, len(cell.STATE), B, H, x.dtype, cell.NAME, "h0")
    h = np.empty((T, B, H), dtype=x.dtype)
    before = {}
    for t in _order(T, reverse):
        before[t] = state
        new = cell.step(params, x[t], state, activation=activation)
        if mask is not None:                                     # padded rows keep their state
            keep = mask[t][:, None]
            new = tuple(np.where(keep, n, s) for n, s in zip(new, state))
        state = new
        h[t] = state[0]
    return h, before, state


def backward(cell: ModuleType, params: Params, x: Array, h0: Any, dh: Array | None,
             dstate: Sequence[Array | None] | None = None, *, mask: Array | None = None,
             reverse: bool = False, activation: str = "tanh") -> tuple[Params, Array, State]:
    """BPTT: (grads, dx (T, B, D), the gradient of h0 as a state tuple).

    dh (T, B, H): dL/dh(t) from above (None: zero); dstate: the gradient of the final state (a
    tuple; None or None entries: zero).

    Parameters
    ----------
    cell : module
        The cell module.
    params : dict
        The layer's parameters.
    x : ndarray, (T, B, D)
        Inputs.
    h0 : tuple or None
        The initial state.
    dh : ndarray, (T, B, H) or None
        dL/dh(t) from above.
    dstate : tuple, optional
        The gradient of the final state.
    mask : ndarray of bool, (T, B), optional
        The real steps.
    reverse : bool
        Run from the last step to the first.
    activation : str
        The Elman activation.

    Returns
    -------
    grads : dict
    dx : ndarray, (T, B, D)
    dh0 : tuple
    """
    T, B, _ = x.shape
    H = params["W11"].shape[1]
    _, before, _ = forward(cell, params, x, h0, mask=mask, reverse=reverse, activation=activation)
    g = _time.as_state(dstate, len(cell.STATE), B, H, x.dtype, cell.NAME, "dstate")
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dx = np.zeros_like(x)
    for t in reversed(list(_order(T, reverse))):
        if dh is not None:
            g = (g[0] + dh[t],) + g[1:]                          # from above + from the next step
        m = np.ones((B, 1), x.dtype) if mask is None else mask[t][:, None].astype(x.dtype)
        g_real = tuple(gi * m for gi in g)                       # only real rows go through the step
        grads_t, dx[t], g_prev = cell.step_backward(params, x[t], before[t], g_real,
                                                    activation=activation)
        for k in grads:
            grads[k] += grads_t[k]
        g = tuple(gp + (1 - m) * gi for gp, gi in zip(g_prev, g))   # padded rows carry g
    return grads, dx, g
