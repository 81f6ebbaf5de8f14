"""The LSTM cell's time loops, compiled with numba (the `fast` extra).

The same equations as nn/lstm.py (its docstring numbers them (1)-(4)), with the arrays
batch-major in visiting order: a (T, B, 4H) holds W0 x(t) + b0 on entry and the gates i, f, g,
o (PyTorch's order) on exit, hs and cs (T + 1, B, H) the states (hs[0], cs[0] the initial
ones), tc (T, B, H) tanh(c(t)). Each step's elementwise work (both sigmoids, the tanhs, the cell
update, h; backward: every gate derivative and dc) is one pass over a row of the batch, in SIMD
code (nn/compiled/common.py). The recurrent products are either inside the loop as a sum of rows
of W11 (common.add_rows: no call at all, best while B * H is small) or one BLAS call
per step from a Python loop (NumPy's np.dot, the same BLAS and thread pool as the rest of
rnnlab), with one compiled call for the step's elementwise work; INLOOP_MAX_BH chooses (the
two timed side by side: the in-loop product wins while W11 and a row of gates stay in the
caches). The input projection and the weight gradients stay single BLAS calls over all steps
(the whole passes at the end of this module, which nn/lstm.py calls).

An empty mask (shape (0, 0)) means "no mask", an empty dh (0, 0, 0) "no gradient from above".
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from .. import _time
from .common import (OPTIONS, add_rows, sigmoid, tanh, time_order, transposed, visiting,
                     visiting_mask)

INLOOP_MAX_BH = 512         # products inside the compiled loop up to this B * H, else BLAS


@njit(**OPTIONS)
def _cell(a, hp, cp, h, c, tc):
    """(2)-(4) for one row: a (4H,) pre-activations -> gates i, f, g, o in place; c, tanh(c), h."""
    H = h.shape[0]
    for k in range(H):
        i = sigmoid(a[k])
        f = sigmoid(a[H + k])
        g = tanh(a[2 * H + k])
        o = sigmoid(a[3 * H + k])
        a[k], a[H + k], a[2 * H + k], a[3 * H + k] = i, f, g, o
        ck = f * cp[k] + i * g                                    # (3) c(t)
        t = tanh(ck)
        c[k], tc[k], h[k] = ck, t, o * t                          # (4) h(t) = o tanh(c(t))


@njit(**OPTIONS)
def _carry(hp, cp, h, c):
    """A padded step: h(t) = h(t-1), c(t) = c(t-1)."""
    for k in range(h.shape[0]):
        h[k], c[k] = hp[k], cp[k]


@njit(**OPTIONS)
def forward_loop(a, hs, cs, tc, W11T, mask):
    """Every visited step with the recurrent product inside the loop; W11T (H, 4H).

    Parameters
    ----------
    a : ndarray, (T, B, 4H)
        W0 x(t) + b0 on entry, the gates i, f, g, o on exit; visiting order.
    hs : ndarray, (T + 1, B, H)
        The h states, hs[0] the initial one on entry; filled.
    cs : ndarray, (T + 1, B, H)
        The c states, likewise.
    tc : ndarray, (T, B, H)
        Filled with tanh(c(t)).
    W11T : ndarray, (H, 4H)
        W11^T, C-ordered.
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    """
    T, B, G = a.shape
    masked = mask.shape[0] > 0
    for t in range(T):
        for b in range(B):
            if masked and not mask[t, b]:
                _carry(hs[t, b], cs[t, b], hs[t + 1, b], cs[t + 1, b])
                continue
            row, hp = a[t, b], hs[t, b]
            add_rows(row, hp, W11T)                               # (1) + W11 h(t-1)
            _cell(row, hp, cs[t, b], hs[t + 1, b], cs[t + 1, b], tc[t, b])


@njit(**OPTIONS)
def forward_step(t, a, mm, hs, cs, tc, mask):
    """Step t after the product: mm (B, 4H) = h(t-1) W11^T (BLAS, by the caller).

    Parameters
    ----------
    t : int
        The step, in visiting order.
    a : ndarray, (T, B, 4H)
        W0 x(t) + b0 on entry, the gates i, f, g, o on exit; visiting order.
    mm : ndarray, (B, 4H)
        h(t-1) W11^T.
    hs : ndarray, (T + 1, B, H)
        The h states, hs[0] the initial one on entry; filled.
    cs : ndarray, (T + 1, B, H)
        The c states, likewise.
    tc : ndarray, (T, B, H)
        Filled with tanh(c(t)).
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    """
    B, G = mm.shape
    masked = mask.shape[0] > 0
    for b in range(B):
        if masked and not mask[t, b]:
            _carry(hs[t, b], cs[t, b], hs[t + 1, b], cs[t + 1, b])
            continue
        row, m = a[t, b], mm[b]
        for r in range(G):
            row[r] += m[r]                                        # (1)
        _cell(row, hs[t, b], cs[t, b], hs[t + 1, b], cs[t + 1, b], tc[t, b])


@njit(**OPTIONS)
def _cell_backward(g, gates, cp, tc, dc_next, da):
    """(4)-(2) backward for one row: g = dL/dh(t) (H,); dc_next in: dL/dc(t) from t+1, out:
    dL/dc(t-1); da (4H,) = dL/da(t)."""
    H = g.shape[0]
    for k in range(H):
        i, f, gg, o = gates[k], gates[H + k], gates[2 * H + k], gates[3 * H + k]
        t = tc[k]
        dh = g[k]
        dc = dc_next[k] + dh * o * (1 - t * t)                    # (4) through tanh(c)
        da[k] = dc * gg * i * (1 - i)                             # (3, 2) di = dc g
        da[H + k] = dc * cp[k] * f * (1 - f)                      # (3, 2) df = dc c(t-1)
        da[2 * H + k] = dc * i * (1 - gg * gg)                    # (3, 2) dg = dc i
        da[3 * H + k] = dh * t * o * (1 - o)                      # (4, 2) do = dh tanh(c)
        dc_next[k] = dc * f                                       # (3) to c(t-1)


@njit(**OPTIONS)
def _total(t, b, dh, dnext, gs):
    """g(t) = dh(t) from above + dnext (from t+1), into gs[t, b]."""
    g = gs[t, b]
    if dh.shape[0] > 0:
        for k in range(g.shape[0]):
            g[k] = dh[t, b, k] + dnext[b, k]
    else:
        for k in range(g.shape[0]):
            g[k] = dnext[b, k]
    return g


@njit(**OPTIONS)
def backward_loop(da, gs, dnext, dc_next, dh, a, cs, tc, W11, mask):
    """From the last visited step back, products inside the loop; W11 (4H, H). Fills da and gs;
    leaves dL/dh0 in dnext and dL/dc0 in dc_next. A padded step: da = 0, dh and dc pass on.

    Parameters
    ----------
    da : ndarray, (T, B, 4H)
        Filled with dL/da(t), visiting order.
    gs : ndarray, (T, B, H)
        Filled with g(t) = dL/dh(t), visiting order.
    dnext : ndarray, (B, H)
        dL/dh of the final state on entry, dL/dh0 on exit.
    dc_next : ndarray, (B, H)
        dL/dc of the final state on entry, dL/dc0 on exit.
    dh : ndarray, (T, B, H)
        dL/dh(t) from above, visiting order; empty (0, 0, 0): none.
    a : ndarray, (T, B, 4H)
        The gates, as forward left them.
    cs : ndarray, (T + 1, B, H)
        The c states.
    tc : ndarray, (T, B, H)
        tanh(c(t)).
    W11 : ndarray, (4H, H)
        W11, C-ordered.
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    """
    T, B, G = da.shape
    masked = mask.shape[0] > 0
    for t in range(T - 1, -1, -1):
        for b in range(B):
            g = _total(t, b, dh, dnext, gs)
            nb, d = dnext[b], da[t, b]
            if masked and not mask[t, b]:
                for r in range(G):
                    d[r] = 0
                for k in range(nb.shape[0]):
                    nb[k] = g[k]                                  # h(t-1) gets g(t)
                continue
            _cell_backward(g, a[t, b], cs[t, b], tc[t, b], dc_next[b], d)
            for k in range(nb.shape[0]):
                nb[k] = 0
            add_rows(nb, d, W11)                                  # (1) dnext = W11^T da(t)


@njit(**OPTIONS)
def backward_step(t, da, gs, dnext, dc_next, dh, a, cs, tc, mask):
    """Step t before its product (the caller then sets dnext = da[t] W11, BLAS). A padded row
    of step t+1 first gets its carried gradient: dnext[b] = g(t+1)[b].

    Parameters
    ----------
    t : int
        The step, in visiting order.
    da : ndarray, (T, B, 4H)
        Filled with dL/da(t), visiting order.
    gs : ndarray, (T, B, H)
        Filled with g(t) = dL/dh(t), visiting order.
    dnext : ndarray, (B, H)
        dL/dh(t) carried from step t+1.
    dc_next : ndarray, (B, H)
        dL/dc(t) carried from step t+1; updated to dL/dc(t-1).
    dh : ndarray, (T, B, H)
        dL/dh(t) from above, visiting order; empty (0, 0, 0): none.
    a : ndarray, (T, B, 4H)
        The gates, as forward left them.
    cs : ndarray, (T + 1, B, H)
        The c states.
    tc : ndarray, (T, B, H)
        tanh(c(t)).
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    """
    T, B, G = da.shape
    masked = mask.shape[0] > 0
    for b in range(B):
        if masked and t + 1 < T and not mask[t + 1, b]:
            for k in range(gs.shape[2]):
                dnext[b, k] += gs[t + 1, b, k]
        g = _total(t, b, dh, dnext, gs)
        d = da[t, b]
        if masked and not mask[t, b]:
            for r in range(G):
                d[r] = 0
            continue
        _cell_backward(g, a[t, b], cs[t, b], tc[t, b], dc_next[b], d)


def forward_blas(a: np.ndarray, hs: np.ndarray, cs: np.ndarray, tc: np.ndarray,
                 W11T: np.ndarray, mask: np.ndarray) -> None:
    """forward_loop with one BLAS product per step.

    Parameters
    ----------
    a : ndarray, (T, B, 4H)
        W0 x(t) + b0 on entry, the gates i, f, g, o on exit; visiting order.
    hs : ndarray, (T + 1, B, H)
        The h states, hs[0] the initial one on entry; filled.
    cs : ndarray, (T + 1, B, H)
        The c states, likewise.
    tc : ndarray, (T, B, H)
        Filled with tanh(c(t)).
    W11T : ndarray, (H, 4H)
        W11^T, C-ordered.
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    """
    mm = np.empty((a.shape[1], a.shape[2]), dtype=a.dtype)      # (B, 4H)
    for t in range(a.shape[0]):
        np.dot(hs[t], W11T, mm)                                   # (1) W11 h(t-1)
        forward_step(t, a, mm, hs, cs, tc, mask)


def backward_blas(da: np.ndarray, gs: np.ndarray, dnext: np.ndarray, dc_next: np.ndarray,
                  dh: np.ndarray, a: np.ndarray, cs: np.ndarray, tc: np.ndarray,
                  W11: np.ndarray, mask: np.ndarray) -> None:
    """backward_loop with one BLAS product per step.

    Parameters
    ----------
    da : ndarray, (T, B, 4H)
        Filled with dL/da(t), visiting order.
    gs : ndarray, (T, B, H)
        Filled with g(t) = dL/dh(t), visiting order.
    dnext : ndarray, (B, H)
        dL/dh of the final state on entry, dL/dh0 on exit.
    dc_next : ndarray, (B, H)
        dL/dc of the final state on entry, dL/dc0 on exit.
    dh : ndarray, (T, B, H)
        dL/dh(t) from above, visiting order; empty (0, 0, 0): none.
    a : ndarray, (T, B, 4H)
        The gates, as forward left them.
    cs : ndarray, (T + 1, B, H)
        The c states.
    tc : ndarray, (T, B, H)
        tanh(c(t)).
    W11 : ndarray, (4H, H)
        W11, C-ordered.
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    """
    for t in range(da.shape[0] - 1, -1, -1):
        backward_step(t, da, gs, dnext, dc_next, dh, a, cs, tc, mask)
        np.dot(da[t], W11, dnext)                                 # (1) dnext = W11^T da(t)
    if mask.shape[0] > 0:
        pad = ~mask[0]
        dnext[pad] += gs[0][pad]                                  # padded first step: carry


# -- whole passes: what nn/lstm.py calls when the backend chooses the compiled loops ---------------

def forward(params: dict[str, np.ndarray], x: np.ndarray, h0: Any = None, *,
            mask: np.ndarray | None = None, reverse: bool = False
            ) -> tuple[np.ndarray, dict[str, Any]]:
    """nn/lstm.py's forward on the compiled loops: (h (T, B, H), cache).

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0"}, as nn/lstm.py's init returns them.
    x : ndarray, (T, B, D)
        The inputs, time-major.
    h0 : tuple of ndarray, optional
        The initial state: None (zeros) or (h0, c0), each (B, H).
    mask : ndarray of bool, (T, B), optional
        The real steps; a padded step (False) carries the state unchanged.
    reverse : bool, optional
        Run t = T..1 (the backward half of a bidirectional layer).

    Returns
    -------
    h : ndarray, (T, B, H)
        h[t] = h(t+1), time order.
    cache : dict
        What backward, state_grads and final_state need.
    """
    T, B, D = x.shape
    H = params["W11"].shape[1]
    dtype = np.result_type(x, params["W0"])
    xv = visiting(x, reverse, dtype)                                     # (T, B, D)
    a, hs, cs, tc = _time.workspace([(T, B, 4 * H), (T + 1, B, H), (T + 1, B, H), (T, B, H)],
                                    dtype)
    np.matmul(xv.reshape(T * B, D), params["W0"].T, out=a.reshape(T * B, 4 * H))   # W0 x(t)
    a += params["b0"]
    hs[0], cs[0] = _time.as_state(h0, 2, B, H, dtype, "lstm", "h0")
    m = visiting_mask(mask, reverse)
    run_forward(a, hs, cs, tc, transposed(params["W11"], dtype), m)
    cache = {"x": xv, "a": a, "hs": hs, "cs": cs, "tc": tc, "mask": m, "reverse": reverse,
             "loops": "compiled"}
    return time_order(hs[1:], reverse), cache


def infer(params: dict[str, np.ndarray], x: np.ndarray, h0: Any = None, *,
          mask: np.ndarray | None = None, reverse: bool = False,
          block_bytes: int = 4 << 20) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """nn/lstm.py's infer on the compiled loops: (h (T, B, H), (h, c)); memory is h plus one
    block of steps.

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0"}, as nn/lstm.py's init returns them.
    x : ndarray, (T, B, D)
        The inputs, time-major.
    h0 : tuple of ndarray, optional
        The initial state: None (zeros) or (h0, c0), each (B, H).
    mask : ndarray of bool, (T, B), optional
        The real steps; a padded step (False) carries the state unchanged.
    reverse : bool, optional
        Run t = T..1 (the backward half of a bidirectional layer).
    block_bytes : int, optional
        The memory budget of one block's buffers, in bytes (4 MiB).

    Returns
    -------
    h : ndarray, (T, B, H)
        h[t] = h(t+1), time order.
    state : tuple of ndarray
        The final state (h, c), after the last visited step.
    """
    T, B, D = x.shape
    H = params["W11"].shape[1]
    dtype = np.result_type(x, params["W0"])
    k = min(T, _time.block_steps(B * 6 * H * dtype.itemsize, block_bytes))
    a, cs, tc = _time.workspace([(k, B, 4 * H), (k + 1, B, H), (k, B, H)], dtype)
    hs = np.empty((T + 1, B, H), dtype=dtype)                            # visiting order
    hs[0], cs[0] = _time.as_state(h0, 2, B, H, dtype, "lstm", "h0")
    xv, m = _time.steps(x, reverse), visiting_mask(mask, reverse)
    W11T = transposed(params["W11"], dtype)
    for t0, t1 in _time.blocks(T, k):
        n = t1 - t0
        np.matmul(xv[t0:t1].reshape(n * B, D), params["W0"].T,          # W0 x(t) for the block
                  out=a[:n].reshape(n * B, 4 * H))
        a[:n] += params["b0"]
        run_forward(a[:n], hs[t0:t1 + 1], cs[:n + 1], tc[:n], W11T, m[t0:t1] if m.size else m)
        cs[0] = cs[n]                                                    # carry c to the next block
    return time_order(hs[1:], reverse), (hs[-1].copy(), cs[0].copy())


def backward(params: dict[str, np.ndarray], cache: dict[str, Any], dh: np.ndarray | None,
             dstate: Any = None
             ) -> tuple[dict[str, np.ndarray], np.ndarray, tuple[np.ndarray, ...]]:
    """nn/lstm.py's backward on the compiled loops.

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0"}, as nn/lstm.py's init returns them.
    cache : dict
        What forward returned with h.
    dh : ndarray, (T, B, H), or None
        dL/dh(t) from above, time order; None: zero.
    dstate : sequence of ndarray or None, optional
        The gradient of the final state: None, or (dL/dh, dL/dc), entries None for zero.

    Returns
    -------
    grads : dict of str to ndarray
        dL/d of each parameter {"W0", "W11", "b0"}.
    dx : ndarray, (T, B, D)
        dL/dx(t), time order.
    dstate0 : tuple of ndarray
        (dL/dh0, dL/dc0), the gradient of the initial state.
    """
    da, _, dh0, dc0 = bptt(params, cache, dh, dstate)
    x, hs, reverse = cache["x"], cache["hs"], cache["reverse"]
    T, B, D = x.shape
    H = hs.shape[2]
    da2 = da.reshape(T * B, 4 * H)                                       # visiting order
    grads = {"W0": da2.T @ x.reshape(T * B, D),                          # sum_t da(t) x(t)^T
             "W11": da2.T @ hs[:-1].reshape(T * B, H),                   # sum_t da(t) h(t-1)^T
             "b0": da2.sum(axis=0)}
    dx = (da2 @ params["W0"]).reshape(T, B, D)                           # W0^T da(t)
    return grads, time_order(dx, reverse), (dh0, dc0)


def state_grads(params: dict[str, np.ndarray], cache: dict[str, Any], dh: np.ndarray | None,
                dstate: Any = None) -> np.ndarray:
    """nn/lstm.py's state_grads on the compiled loops.

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0"}, as nn/lstm.py's init returns them.
    cache : dict
        What forward returned with h.
    dh : ndarray, (T, B, H), or None
        dL/dh(t) from above, time order; None: zero.
    dstate : sequence of ndarray or None, optional
        The gradient of the final state: None, or (dL/dh, dL/dc), entries None for zero.

    Returns
    -------
    ndarray, (T, B, H)
        g(t) = dL/dh(t), time order.
    """
    return time_order(bptt(params, cache, dh, dstate)[1], cache["reverse"])


def final_state(cache: dict[str, Any]) -> tuple[np.ndarray, ...]:
    """(h, c) after the last visited step, new arrays.

    Parameters
    ----------
    cache : dict
        What forward returned with h.

    Returns
    -------
    tuple of ndarray
        (h, c), each (B, H).
    """
    return cache["hs"][-1].copy(), cache["cs"][-1].copy()


def bptt(params: dict[str, np.ndarray], cache: dict[str, Any], dh: np.ndarray | None,
         dstate: Any) -> tuple[Any, ...]:
    """(da (T, B, 4H), gs (T, B, H), both in visiting order, dL/dh0, dL/dc0).

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0"}, as nn/lstm.py's init returns them.
    cache : dict
        What forward returned with h.
    dh : ndarray, (T, B, H), or None
        dL/dh(t) from above, time order; None: zero.
    dstate : sequence of ndarray or None
        The gradient of the final state: None, or (dL/dh, dL/dc), entries None for zero.

    Returns
    -------
    da : ndarray, (T, B, 4H)
        dL/da(t), the gates' pre-activations, visiting order.
    gs : ndarray, (T, B, H)
        g(t) = dL/dh(t), visiting order.
    dh0 : ndarray, (B, H)
        dL/dh0.
    dc0 : ndarray, (B, H)
        dL/dc0.
    """
    a = cache["a"]
    T, B, H = cache["tc"].shape
    da, gs = _time.workspace([(T, B, 4 * H), (T, B, H)], a.dtype)
    dnext, dc_next = (np.array(s) for s in _time.as_state(dstate, 2, B, H, a.dtype, "lstm",
                                                          "dstate"))
    dhv = visiting(dh, cache["reverse"], a.dtype)
    W11 = np.ascontiguousarray(params["W11"], dtype=a.dtype)
    run = backward_loop if B * H <= INLOOP_MAX_BH else backward_blas
    run(da, gs, dnext, dc_next, dhv, a, cache["cs"], cache["tc"], W11, cache["mask"])
    return da, gs, dnext, dc_next


def run_forward(a: np.ndarray, hs: np.ndarray, cs: np.ndarray, tc: np.ndarray,
                W11T: np.ndarray, mask: np.ndarray) -> None:
    """forward_loop or forward_blas, by B * H.

    Parameters
    ----------
    a : ndarray, (T, B, 4H)
        W0 x(t) + b0 on entry, the gates i, f, g, o on exit; visiting order.
    hs : ndarray, (T + 1, B, H)
        The h states, hs[0] the initial one on entry; filled.
    cs : ndarray, (T + 1, B, H)
        The c states, likewise.
    tc : ndarray, (T, B, H)
        Filled with tanh(c(t)).
    W11T : ndarray, (H, 4H)
        W11^T, C-ordered.
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    """
    run = forward_loop if a.shape[1] * hs.shape[2] <= INLOOP_MAX_BH else forward_blas
    run(a, hs, cs, tc, W11T, mask)

