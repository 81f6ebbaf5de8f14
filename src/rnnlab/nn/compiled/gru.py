"""The GRU cell's time loops, compiled with numba (the `fast` extra).

The same equations as nn/gru.py (its docstring numbers them (1)-(4)), with the arrays
batch-major in visiting order: xa (T, B, 3H) holds W0 x(t) + b0 on entry and the gates r, z, n
on exit, hn (T, B, H) = W11_n h(t-1) + b_hn, hs (T + 1, B, H) the states (hs[0] = h0). Each
step's elementwise work is one pass over a row of the batch (SIMD code, nn/compiled/common.py);
the recurrent products are inside the loop (small B * H) or one BLAS call per step from a Python
loop, as in nn/compiled/lstm.py, which explains the choice (INLOOP_MAX_BH).

The backward fills D (T, B, 4H) = [dhn, da_r, da_z, da_n] per step: its first 3H columns feed
W11 (rows n, r, z), its last 3H are d(W0 x + b0) (rows r, z, n), as in nn/gru.py.
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
def _cell(xa, mm, b_hn, hp, hn, h):
    """(2)-(4) for one row: xa (3H,) = W0 x + b0 -> r, z, n in place; mm (3H,) = W11 h(t-1)."""
    H = h.shape[0]
    for k in range(H):
        r = sigmoid(xa[k] + mm[k])                                # (1), (2)
        z = sigmoid(xa[H + k] + mm[H + k])
        q = mm[2 * H + k] + b_hn[k]                               # (1) hn = W11_n h + b_hn
        n = tanh(xa[2 * H + k] + r * q)                           # (3)
        xa[k], xa[H + k], xa[2 * H + k], hn[k] = r, z, n, q
        h[k] = n + z * (hp[k] - n)                                # (4) (1 - z) n + z h(t-1)


@njit(**OPTIONS)
def forward_loop(xa, hn, hs, W11T, b_hn, mask):
    """Every visited step with the recurrent product inside the loop; W11T (H, 3H).

    Parameters
    ----------
    xa : ndarray, (T, B, 3H)
        W0 x(t) + b0 on entry, the gates r, z, n on exit; visiting order.
    hn : ndarray, (T, B, H)
        Filled with W11_n h(t-1) + b_hn.
    hs : ndarray, (T + 1, B, H)
        The states, hs[0] = h0 on entry; filled.
    W11T : ndarray, (H, 3H)
        W11^T, C-ordered.
    b_hn : ndarray, (H,)
        b_hn.
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    """
    T, B, G = xa.shape
    masked = mask.shape[0] > 0
    mm = np.empty(G, dtype=xa.dtype)
    for t in range(T):
        for b in range(B):
            if masked and not mask[t, b]:
                hs[t + 1, b] = hs[t, b]                           # padded: h(t) = h(t-1)
                continue
            mm[:] = 0
            add_rows(mm, hs[t, b], W11T)                          # (1) W11 h(t-1)
            _cell(xa[t, b], mm, b_hn, hs[t, b], hn[t, b], hs[t + 1, b])


@njit(**OPTIONS)
def forward_step(t, xa, mm, hn, hs, b_hn, mask):
    """Step t after the product: mm (B, 3H) = h(t-1) W11^T (BLAS, by the caller).

    Parameters
    ----------
    t : int
        The step, in visiting order.
    xa : ndarray, (T, B, 3H)
        W0 x(t) + b0 on entry, the gates r, z, n on exit; visiting order.
    mm : ndarray, (B, 3H)
        h(t-1) W11^T.
    hn : ndarray, (T, B, H)
        Filled with W11_n h(t-1) + b_hn.
    hs : ndarray, (T + 1, B, H)
        The states, hs[0] = h0 on entry; filled.
    b_hn : ndarray, (H,)
        b_hn.
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    """
    masked = mask.shape[0] > 0
    for b in range(mm.shape[0]):
        if masked and not mask[t, b]:
            hs[t + 1, b] = hs[t, b]
            continue
        _cell(xa[t, b], mm[b], b_hn, hs[t, b], hn[t, b], hs[t + 1, b])


@njit(**OPTIONS)
def _cell_backward(g, gates, hn, hp, d):
    """(4)-(2) backward for one row: g = dL/dh(t) (H,) -> d (4H,) = [dhn, da_r, da_z, da_n]."""
    H = g.shape[0]
    for k in range(H):
        r, z, n = gates[k], gates[H + k], gates[2 * H + k]
        dan = g[k] * (1 - z) * (1 - n * n)                        # (4, 3) dn (1 - n^2)
        d[k] = dan * r                                            # (3) dhn = da_n r
        d[H + k] = dan * hn[k] * r * (1 - r)                      # (3, 2) da_r = da_n hn r(1-r)
        d[2 * H + k] = g[k] * (hp[k] - n) * z * (1 - z)           # (4, 2) da_z = dh (h - n) z(1-z)
        d[3 * H + k] = dan


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
def _direct(t, b, xa, gs, dnext, mask):
    """dnext[b] += g(t) z(t): the direct path of (4) to h(t-1) (z = 1 on a padded step)."""
    H = gs.shape[2]
    g, nb = gs[t, b], dnext[b]
    if mask.shape[0] > 0 and not mask[t, b]:
        for k in range(H):
            nb[k] += g[k]
    else:
        z = xa[t, b]
        for k in range(H):
            nb[k] += g[k] * z[H + k]


@njit(**OPTIONS)
def backward_loop(D, gs, dnext, dh, xa, hn, hs, W11nT, mask):
    """From the last visited step back, products inside the loop; W11nT (3H, H) = W11's rows
    n, r, z. Fills D and gs; leaves dL/dh0 in dnext. A padded step: D = 0, dh passes on.

    Parameters
    ----------
    D : ndarray, (T, B, 4H)
        Filled with [dhn, da_r, da_z, da_n] per step, visiting order.
    gs : ndarray, (T, B, H)
        Filled with g(t) = dL/dh(t), visiting order.
    dnext : ndarray, (B, H)
        dL/dh of the final state on entry, dL/dh0 on exit.
    dh : ndarray, (T, B, H)
        dL/dh(t) from above, visiting order; empty (0, 0, 0): none.
    xa : ndarray, (T, B, 3H)
        The gates r, z, n, as forward left them.
    hn : ndarray, (T, B, H)
        W11_n h(t-1) + b_hn, as forward left it.
    hs : ndarray, (T + 1, B, H)
        The states.
    W11nT : ndarray, (3H, H)
        W11's rows n, r, z, C-ordered.
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    """
    T, B, G = D.shape
    H = gs.shape[2]
    for t in range(T - 1, -1, -1):
        for b in range(B):
            g = _total(t, b, dh, dnext, gs)
            d, nb = D[t, b], dnext[b]
            for k in range(H):
                nb[k] = 0
            if not (mask.shape[0] > 0 and not mask[t, b]):
                _cell_backward(g, xa[t, b], hn[t, b], hs[t, b], d)
                add_rows(nb, d[:3 * H], W11nT)                    # (1) W11^T [dhn, da_r, da_z]
            else:
                for r in range(G):
                    d[r] = 0
            _direct(t, b, xa, gs, dnext, mask)                    # (4) + dh z


@njit(**OPTIONS)
def backward_step(t, D, gs, dnext, dh, xa, hn, hs, mask):
    """Step t before its product (the caller then sets dnext = D[t, :, :3H] W11nT, BLAS). Step
    t+1's direct path is added first: dnext += g(t+1) z(t+1).

    Parameters
    ----------
    t : int
        The step, in visiting order.
    D : ndarray, (T, B, 4H)
        Filled with [dhn, da_r, da_z, da_n] per step, visiting order.
    gs : ndarray, (T, B, H)
        Filled with g(t) = dL/dh(t), visiting order.
    dnext : ndarray, (B, H)
        dL/dh(t) carried from step t+1.
    dh : ndarray, (T, B, H)
        dL/dh(t) from above, visiting order; empty (0, 0, 0): none.
    xa : ndarray, (T, B, 3H)
        The gates r, z, n, as forward left them.
    hn : ndarray, (T, B, H)
        W11_n h(t-1) + b_hn, as forward left it.
    hs : ndarray, (T + 1, B, H)
        The states.
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    """
    T, B, G = D.shape
    for b in range(B):
        if t + 1 < T:
            _direct(t + 1, b, xa, gs, dnext, mask)
        g = _total(t, b, dh, dnext, gs)
        d = D[t, b]
        if mask.shape[0] > 0 and not mask[t, b]:
            for r in range(G):
                d[r] = 0
        else:
            _cell_backward(g, xa[t, b], hn[t, b], hs[t, b], d)


@njit(**OPTIONS)
def finish(dnext, xa, gs, mask):
    """The direct path of the first visited step, after the BLAS loop: dnext = dL/dh0.

    Parameters
    ----------
    dnext : ndarray, (B, H)
        What the loop carried to step 1; dL/dh0 on exit.
    xa : ndarray, (T, B, 3H)
        The gates r, z, n, as forward left them.
    gs : ndarray, (T, B, H)
        g(t) = dL/dh(t), visiting order.
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    """
    for b in range(dnext.shape[0]):
        _direct(0, b, xa, gs, dnext, mask)


def forward_blas(xa: np.ndarray, hn: np.ndarray, hs: np.ndarray, W11T: np.ndarray,
                 b_hn: np.ndarray, mask: np.ndarray) -> None:
    """forward_loop with one BLAS product per step.

    Parameters
    ----------
    xa : ndarray, (T, B, 3H)
        W0 x(t) + b0 on entry, the gates r, z, n on exit; visiting order.
    hn : ndarray, (T, B, H)
        Filled with W11_n h(t-1) + b_hn.
    hs : ndarray, (T + 1, B, H)
        The states, hs[0] = h0 on entry; filled.
    W11T : ndarray, (H, 3H)
        W11^T, C-ordered.
    b_hn : ndarray, (H,)
        b_hn.
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    """
    mm = np.empty((xa.shape[1], xa.shape[2]), dtype=xa.dtype)   # (B, 3H)
    for t in range(xa.shape[0]):
        np.dot(hs[t], W11T, mm)                                   # (1) W11 h(t-1)
        forward_step(t, xa, mm, hn, hs, b_hn, mask)


def backward_blas(D: np.ndarray, gs: np.ndarray, dnext: np.ndarray, dh: np.ndarray,
                  xa: np.ndarray, hn: np.ndarray, hs: np.ndarray, W11nT: np.ndarray,
                  mask: np.ndarray) -> None:
    """backward_loop with one BLAS product per step.

    Parameters
    ----------
    D : ndarray, (T, B, 4H)
        Filled with [dhn, da_r, da_z, da_n] per step, visiting order.
    gs : ndarray, (T, B, H)
        Filled with g(t) = dL/dh(t), visiting order.
    dnext : ndarray, (B, H)
        dL/dh of the final state on entry, dL/dh0 on exit.
    dh : ndarray, (T, B, H)
        dL/dh(t) from above, visiting order; empty (0, 0, 0): none.
    xa : ndarray, (T, B, 3H)
        The gates r, z, n, as forward left them.
    hn : ndarray, (T, B, H)
        W11_n h(t-1) + b_hn, as forward left it.
    hs : ndarray, (T + 1, B, H)
        The states.
    W11nT : ndarray, (3H, H)
        W11's rows n, r, z, C-ordered.
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    """
    H = gs.shape[2]
    for t in range(D.shape[0] - 1, -1, -1):
        backward_step(t, D, gs, dnext, dh, xa, hn, hs, mask)
        np.dot(D[t, :, :3 * H], W11nT, dnext)                     # (1) W11^T [dhn, da_r, da_z]
    finish(dnext, xa, gs, mask)


# -- whole passes: what nn/gru.py calls when the backend chooses the compiled loops ----------------
def forward(params: dict[str, np.ndarray], x: np.ndarray, h0: Any = None, *,
            mask: np.ndarray | None = None, reverse: bool = False
            ) -> tuple[np.ndarray, dict[str, Any]]:
    """nn/gru.py's forward on the compiled loops: (h (T, B, H), cache).

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0", "b_hn"}, as nn/gru.py's init returns them.
    x : ndarray, (T, B, D)
        The inputs, time-major.
    h0 : tuple of ndarray, optional
        The initial state: None (zeros) or (h0,), each (B, H).
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
    xa, hn, hs = _time.workspace([(T, B, 3 * H), (T, B, H), (T + 1, B, H)], dtype)
    np.matmul(xv.reshape(T * B, D), params["W0"].T, out=xa.reshape(T * B, 3 * H))
    xa += params["b0"]                                                   # W0 x(t) + b0
    hs[0] = _time.as_state(h0, 1, B, H, dtype, "gru", "h0")[0]
    m = visiting_mask(mask, reverse)
    run_forward(xa, hn, hs, *forward_weights(params, dtype), m)
    cache = {"x": xv, "xa": xa, "hn": hn, "hs": hs, "mask": m, "reverse": reverse,
             "loops": "compiled"}
    return time_order(hs[1:], reverse), cache


def infer(params: dict[str, np.ndarray], x: np.ndarray, h0: Any = None, *,
          mask: np.ndarray | None = None, reverse: bool = False,
          block_bytes: int = 4 << 20) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """nn/gru.py's infer on the compiled loops: (h (T, B, H), (h,)); memory is h plus one block
    of steps.

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0", "b_hn"}, as nn/gru.py's init returns them.
    x : ndarray, (T, B, D)
        The inputs, time-major.
    h0 : tuple of ndarray, optional
        The initial state: None (zeros) or (h0,), each (B, H).
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
        The final state (h,), after the last visited step.
    """
    T, B, D = x.shape
    H = params["W11"].shape[1]
    dtype = np.result_type(x, params["W0"])
    k = min(T, _time.block_steps(B * 4 * H * dtype.itemsize, block_bytes))
    xa, hn = _time.workspace([(k, B, 3 * H), (k, B, H)], dtype)
    hs = np.empty((T + 1, B, H), dtype=dtype)                            # visiting order
    hs[0] = _time.as_state(h0, 1, B, H, dtype, "gru", "h0")[0]
    xv, m, W = _time.steps(x, reverse), visiting_mask(mask, reverse), forward_weights(params, dtype)
    for t0, t1 in _time.blocks(T, k):
        n = t1 - t0
        np.matmul(xv[t0:t1].reshape(n * B, D), params["W0"].T, out=xa[:n].reshape(n * B, 3 * H))
        xa[:n] += params["b0"]
        run_forward(xa[:n], hn[:n], hs[t0:t1 + 1], *W, m[t0:t1] if m.size else m)
    return time_order(hs[1:], reverse), (hs[-1].copy(),)


def backward(params: dict[str, np.ndarray], cache: dict[str, Any], dh: np.ndarray | None,
             dstate: Any = None
             ) -> tuple[dict[str, np.ndarray], np.ndarray, tuple[np.ndarray, ...]]:
    """nn/gru.py's backward on the compiled loops.

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0", "b_hn"}, as nn/gru.py's init returns them.
    cache : dict
        What forward returned with h.
    dh : ndarray, (T, B, H), or None
        dL/dh(t) from above, time order; None: zero.
    dstate : sequence of ndarray or None, optional
        The gradient of the final state: None, or (dL/dh,), entries None for zero.

    Returns
    -------
    grads : dict of str to ndarray
        dL/d of each parameter {"W0", "W11", "b0", "b_hn"}.
    dx : ndarray, (T, B, D)
        dL/dx(t), time order.
    dstate0 : tuple of ndarray
        (dL/dh0,), the gradient of the initial state.
    """
    Dg, _, dh0 = bptt(params, cache, dh, dstate)
    x, hs, reverse = cache["x"], cache["hs"], cache["reverse"]
    T, B, D = x.shape
    H = hs.shape[2]
    D2 = Dg.reshape(T * B, 4 * H)                                        # visiting order
    dah, dax = D2[:, :3 * H], D2[:, H:]           # [dhn, da_r, da_z] and [da_r, da_z, da_n]
    dWa = dah.T @ hs[:-1].reshape(T * B, H)                              # rows n, r, z
    grads = {"W0": dax.T @ x.reshape(T * B, D),                          # sum_t da(t) x(t)^T
             "W11": np.concatenate([dWa[H:], dWa[:H]]),                  # rows r, z, n
             "b0": dax.sum(axis=0),
             "b_hn": dah[:, :H].sum(axis=0)}                             # sum_t dhn
    dx = (dax @ params["W0"]).reshape(T, B, D)                           # W0^T da(t)
    return grads, time_order(dx, reverse), (dh0,)


def state_grads(params: dict[str, np.ndarray], cache: dict[str, Any], dh: np.ndarray | None,
                dstate: Any = None) -> np.ndarray:
    """nn/gru.py's state_grads on the compiled loops.

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0", "b_hn"}, as nn/gru.py's init returns them.
    cache : dict
        What forward returned with h.
    dh : ndarray, (T, B, H), or None
        dL/dh(t) from above, time order; None: zero.
    dstate : sequence of ndarray or None, optional
        The gradient of the final state: None, or (dL/dh,), entries None for zero.

    Returns
    -------
    ndarray, (T, B, H)
        g(t) = dL/dh(t), time order.
    """
    return time_order(bptt(params, cache, dh, dstate)[1], cache["reverse"])


def final_state(cache: dict[str, Any]) -> tuple[np.ndarray, ...]:
    """(h,) after the last visited step, a new array.

    Parameters
    ----------
    cache : dict
        What forward returned with h.

    Returns
    -------
    tuple of ndarray
        (h,), each (B, H).
    """
    return (cache["hs"][-1].copy(),)


def bptt(params: dict[str, np.ndarray], cache: dict[str, Any], dh: np.ndarray | None,
         dstate: Any) -> tuple[Any, ...]:
    """(D (T, B, 4H), gs (T, B, H), both in visiting order, dL/dh0).

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0", "b_hn"}, as nn/gru.py's init returns them.
    cache : dict
        What forward returned with h.
    dh : ndarray, (T, B, H), or None
        dL/dh(t) from above, time order; None: zero.
    dstate : sequence of ndarray or None
        The gradient of the final state: None, or (dL/dh,), entries None for zero.

    Returns
    -------
    D : ndarray, (T, B, 4H)
        [dhn, da_r, da_z, da_n] per step, visiting order (the module docstring).
    gs : ndarray, (T, B, H)
        g(t) = dL/dh(t), visiting order.
    dh0 : ndarray, (B, H)
        dL/dh0.
    """
    xa, hs = cache["xa"], cache["hs"]
    T, B, H = cache["hn"].shape
    Dg, gs = _time.workspace([(T, B, 4 * H), (T, B, H)], xa.dtype)
    dnext = np.array(_time.as_state(dstate, 1, B, H, xa.dtype, "gru", "dstate")[0])
    W11 = params["W11"]
    W11nT = np.ascontiguousarray(np.concatenate([W11[2 * H:], W11[:2 * H]]), dtype=xa.dtype)
    args = (Dg, gs, dnext, visiting(dh, cache["reverse"], xa.dtype), xa, cache["hn"], hs, W11nT,
            cache["mask"])
    (backward_loop if B * H <= INLOOP_MAX_BH else backward_blas)(*args)
    return Dg, gs, dnext


def forward_weights(params: dict[str, np.ndarray], dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """(W11^T (H, 3H), b_hn (H,)), C-ordered, of the pass's dtype.

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters.
    dtype : dtype
        The pass's dtype.

    Returns
    -------
    W11T : ndarray, (H, 3H)
        W11^T.
    b_hn : ndarray, (H,)
        b_hn.
    """
    return (transposed(params["W11"], dtype),
            np.ascontiguousarray(params["b_hn"], dtype=dtype))


def run_forward(xa: np.ndarray, hn: np.ndarray, hs: np.ndarray, W11T: np.ndarray,
                b_hn: np.ndarray, mask: np.ndarray) -> None:
    """forward_loop or forward_blas, by B * H.

    Parameters
    ----------
    xa : ndarray, (T, B, 3H)
        W0 x(t) + b0 on entry, the gates r, z, n on exit; visiting order.
    hn : ndarray, (T, B, H)
        Filled with W11_n h(t-1) + b_hn.
    hs : ndarray, (T + 1, B, H)
        The states, hs[0] = h0 on entry; filled.
    W11T : ndarray, (H, 3H)
        W11^T, C-ordered.
    b_hn : ndarray, (H,)
        b_hn.
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    """
    run = forward_loop if xa.shape[1] * hs.shape[2] <= INLOOP_MAX_BH else forward_blas
    run(xa, hn, hs, W11T, b_hn, mask)
