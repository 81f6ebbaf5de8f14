"""The Elman cell's time loops, compiled with numba: the same recursion as nn/elman.py's
_forward_loop and _backward_loop, one fused pass per step (the W11 product, the bias, the
activation and the mask in one loop nest), with no NumPy call inside the loop.

Activation codes: 0 tanh, 1 relu, 2 identity (nn.activations.HIDDEN order). Arrays are in
visiting order; an empty array (shape (0, 0)) stands for "no mask" / "no gradient from above".
"""
from __future__ import annotations

import math

from numba import njit


@njit(cache=True, nogil=True)
def forward_loop(hs, a, W11, mask, act):
    """hs[t+1] = f(W11 hs[t] + a[t]); rows where mask[t] is False keep hs[t]."""
    T, B, H = a.shape
    masked = mask.shape[0] > 0
    for t in range(T):
        prev, cur, at = hs[t], hs[t + 1], a[t]
        for b in range(B):
            if masked and not mask[t, b]:
                for i in range(H):
                    cur[b, i] = prev[b, i]
                continue
            hp = prev[b]
            for i in range(H):
                w = W11[i]
                s = at[b, i]
                for j in range(H):
                    s += w[j] * hp[j]
                if act == 0:
                    s = math.tanh(s)
                elif act == 1:
                    s = s if s > 0 else 0.0
                cur[b, i] = s


@njit(cache=True, nogil=True)
def backward_loop(da, gs, dnext, dh, hs, W11, mask, act):
    """From the last visited step back: g(t) = dh[t] + dnext; da(t) = m g f'(a(t));
    dnext = W11^T da(t) (+ g(t) where the step is padded). hs holds h(t) at hs[t+1]."""
    T, B, H = da.shape
    masked = mask.shape[0] > 0
    above = dh.shape[0] > 0
    for t in range(T - 1, -1, -1):
        g, d, h = gs[t], da[t], hs[t + 1]
        for b in range(B):
            for i in range(H):
                v = dnext[b, i]
                if above:
                    v += dh[t, b, i]
                g[b, i] = v
            if masked and not mask[t, b]:
                for i in range(H):
                    d[b, i] = 0.0                     # dnext[b] already equals g[b]: carried
                continue
            for i in range(H):
                if act == 0:
                    d[b, i] = g[b, i] * (1.0 - h[b, i] * h[b, i])
                elif act == 1:
                    d[b, i] = g[b, i] if h[b, i] > 0 else 0.0
                else:
                    d[b, i] = g[b, i]
            for j in range(H):
                dnext[b, j] = 0.0
            for i in range(H):
                di = d[b, i]
                w = W11[i]
                for j in range(H):
                    dnext[b, j] += di * w[j]
