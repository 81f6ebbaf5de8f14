"""The Elman cell's time loops, compiled with numba (the `fast` extra).

The same recursion as nn/elman.py's _forward_loop and _backward_loop, as one loop nest per step
with no NumPy call inside: the W11 product is a sum of rows (common.add_rows: eight rows of W11
per pass, SIMD over the hidden units), and tanh is common.tanh (SIMD code in float32). Arrays
are in visiting order; an empty array (shape (0, 0) or (0, 0, 0)) stands for "no mask" / "no
gradient from above".

Activation codes (nn.activations.HIDDEN order): 0 tanh, 1 relu, 2 identity.
"""
from __future__ import annotations

from numba import njit

from .common import OPTIONS, add_rows, tanh


@njit(**OPTIONS)
def forward_loop(hs, a, W11T, mask, act):
    """hs[t+1] = f(hs[t] W11^T + a[t]); a row whose mask[t] is False keeps hs[t].
    hs (T+1, B, H) with hs[0] the initial state; a (T, B, H) = W0 x(t) + b0; W11T (H, H).

    Parameters
    ----------
    hs : ndarray, (T + 1, B, H)
        The states; hs[0] on entry, the rest filled.
    a : ndarray, (T, B, H)
        W0 x(t) + b0, visiting order.
    W11T : ndarray, (H, H)
        W11^T, C-ordered.
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    act : int
        The activation's code: 0 tanh, 1 relu, 2 identity.
    """
    T, B, H = a.shape
    masked = mask.shape[0] > 0
    for t in range(T):
        prev, cur, at = hs[t], hs[t + 1], a[t]
        for b in range(B):
            row = cur[b]
            if masked and not mask[t, b]:
                for i in range(H):
                    row[i] = prev[b, i]
                continue
            for i in range(H):
                row[i] = at[b, i]
            add_rows(row, prev[b], W11T)          # row += h(t-1) W11^T
            if act == 0:
                for i in range(H):
                    row[i] = tanh(row[i])
            elif act == 1:
                for i in range(H):
                    if row[i] < 0:
                        row[i] = 0


@njit(**OPTIONS)
def backward_loop(da, gs, dnext, dh, hs, W11, mask, act):
    """From the last visited step back: g(t) = dh[t] + dnext; da(t) = g f'(a(t)) (0 on a
    padded step); dnext = da(t) W11 (+ g(t) on a padded step). hs[t+1] holds h(t); W11 (H, H).
    Leaves dL/dh0 in dnext.

    Parameters
    ----------
    da : ndarray, (T, B, H)
        Filled with dL/da(t), visiting order.
    gs : ndarray, (T, B, H)
        Filled with g(t) = dL/dh(t), visiting order.
    dnext : ndarray, (B, H)
        dL/dh of the final state on entry, dL/dh0 on exit.
    dh : ndarray, (T, B, H)
        dL/dh(t) from above, visiting order; empty (0, 0, 0): none.
    hs : ndarray, (T + 1, B, H)
        The states, as forward_loop left them.
    W11 : ndarray, (H, H)
        W11, C-ordered.
    mask : ndarray of bool, (T, B)
        The real steps, visiting order; empty (0, 0): no mask.
    act : int
        The activation's code: 0 tanh, 1 relu, 2 identity.
    """
    T, B, H = da.shape
    masked = mask.shape[0] > 0
    above = dh.shape[0] > 0
    for t in range(T - 1, -1, -1):
        g, d, h = gs[t], da[t], hs[t + 1]
        for b in range(B):
            gb, db, nb = g[b], d[b], dnext[b]
            for i in range(H):
                gb[i] = nb[i] + dh[t, b, i] if above else nb[i]
            if masked and not mask[t, b]:
                for i in range(H):
                    db[i] = 0                     # padded: no gradient; h(t-1) gets g(t)
                    nb[i] = gb[i]
                continue
            hb = h[b]
            if act == 0:
                for i in range(H):
                    db[i] = gb[i] * (1 - hb[i] * hb[i])
            elif act == 1:
                for i in range(H):
                    db[i] = gb[i] if hb[i] > 0 else 0
            else:
                for i in range(H):
                    db[i] = gb[i]
            for j in range(H):
                nb[j] = 0
            add_rows(nb, db, W11)                 # dnext = da W11
