"""The Elman layer: forward propagation through time and exact backpropagation through time.

Forward, for t = 1..T from h(0) = h0 (zeros when not given):

    a(t) = W0 x(t) + W11 h(t-1) + b0          W0 (H, D), W11 (H, H), b0 (H,)
    h(t) = f(a(t))                            f = tanh (default), relu or identity

With a mask m(t) in {0, 1} per sequence, a padded step (m = 0) carries the state unchanged:
h(t) = m(t) f(a(t)) + (1 - m(t)) h(t-1). With reverse=True the same recursion runs t = T..1
from h(T+1) = h0: the backward half of a bidirectional layer.

Backward (BPTT). Given g(t) = dL/dh(t) from above, for t = T..1:

    dh(t)   = g(t) + dh_next                  the gradient from above plus the one from step t+1
    da(t)   = m(t) dh(t) * f'(a(t))           through f: tanh'(a) = 1 - h(t)^2
    dh_next = W11^T da(t) + (1 - m(t)) dh(t)  to h(t-1): through W11, plus the carried state
    dW0  = sum_t da(t) x(t)^T    dW11 = sum_t da(t) h(t-1)^T    db0 = sum_t da(t)
    dx(t) = W0^T da(t)           dh0 = dh_next after step 1

Arrays are time-major: x (T, B, D), h (T, B, H), mask (T, B). The input projection W0 x(t) + b0
and the weight gradients are single matrix multiplies over all steps; only the W11 terms loop.
"""
from __future__ import annotations

import numpy as np

from . import activations
from . import init as _init


def param_shapes(n_in, n_hidden):
    """The shapes init returns, without allocating: {"W0": (H, D), "W11": (H, H), "b0": (H,)}."""
    return {"W0": (n_hidden, n_in), "W11": (n_hidden, n_hidden), "b0": (n_hidden,)}


def init(n_in, n_hidden, *, rng, dtype=np.float32, init="uniform", radius=None):
    """Parameters {"W0": (H, D), "W11": (H, H), "b0": (H,)}.

    init: "uniform" (PyTorch's U(-1/sqrt(H), 1/sqrt(H))), "xavier", "orthogonal", "identity";
    radius: rescale W11 to this spectral radius afterwards.
    """
    W0, W11, b0 = _init.recurrent(n_in, n_hidden, 1, rng=rng, dtype=dtype, scheme=init,
                                  radius=radius)
    return {"W0": W0, "W11": W11, "b0": b0}


def _steps(arr, reverse):
    """The view of a time-major array in the order the recursion visits it."""
    return arr[::-1] if reverse else arr


def forward(params, x, h0=None, *, mask=None, reverse=False, activation="tanh"):
    """Run the layer over a sequence.

    x (T, B, D); h0 (B, H) or None; mask (T, B) bool or None.
    Returns h (T, B, H), h[t] = h(t+1), and the cache that `backward` needs.
    """
    W0, W11, b0 = params["W0"], params["W11"], params["b0"]
    T, B, D = x.shape
    H = W11.shape[0]
    a = np.matmul(x.reshape(T * B, D), W0.T).reshape(T, B, H)   # W0 x(t), every t at once
    a += b0                                                       # (T, B, H)
    hs = np.empty((T + 1, B, H), dtype=a.dtype)                   # states in visiting order
    hs[0] = 0 if h0 is None else h0
    _forward_loop(hs, _steps(a, reverse), W11.T,
                  None if mask is None else _steps(mask, reverse), activation)
    h = _steps(hs[1:], reverse)                                   # back to time order
    cache = {"x": x, "hs": hs, "mask": mask, "reverse": reverse, "activation": activation}
    return h, cache


def _forward_loop(hs, a, W11T, mask, activation):
    """hs[t+1] = f(a[t] + hs[t] W11^T), carried where mask[t] is False; all in visiting order."""
    for t in range(a.shape[0]):
        cur = hs[t + 1]
        np.matmul(hs[t], W11T, out=cur)                          # W11 h(t-1)
        cur += a[t]                                               # + W0 x(t) + b0
        activations.hidden_(cur, activation, out=cur)             # h(t) = f(a(t))
        if mask is not None:
            np.copyto(cur, hs[t], where=~mask[t][:, None])        # padded step: h(t) = h(t-1)


def backward(params, cache, dh, dstate=None):
    """BPTT through the whole sequence.

    dh (T, B, H): dL/dh(t) from above (None: zero); dstate (B, H): dL/d(final state), the state
    after the last visited step (h(T), or h(1) when reverse), None: zero.
    Returns (grads {"W0", "W11", "b0"}, dx (T, B, D), dh0 (B, H)).
    """
    W0 = params["W0"]
    x, hs, reverse = cache["x"], cache["hs"], cache["reverse"]
    T, B, D = x.shape
    da, _, dh0 = _bptt(params, cache, dh, dstate)
    H = da.shape[-1]
    da_t = _steps(da, reverse).reshape(T * B, H)                  # back to time order
    hprev = hs[:-1].reshape(T * B, H)                             # h(t-1), visiting order
    grads = {
        "W0": da_t.T @ x.reshape(T * B, D),                       # sum_t da(t) x(t)^T
        "W11": da.reshape(T * B, H).T @ hprev,                    # sum_t da(t) h(t-1)^T
        "b0": da_t.sum(axis=0),
    }
    dx = (da_t @ W0).reshape(T, B, D)                             # W0^T da(t)
    return grads, dx, dh0


def state_grads(params, cache, dh, dstate=None):
    """dL/dh(t) for every t (T, B, H), time order: the total gradient reaching h(t), from the
    layer above at t and through the recurrence from t+1 (the quantity whose norm explodes or
    vanishes with the time lag). Same arguments as backward."""
    _, gs, _ = _bptt(params, cache, dh, dstate)
    return _steps(gs, cache["reverse"])


def _bptt(params, cache, dh, dstate):
    """(da, gs, dh0): dL/da(t) and dL/dh(t) in visiting order, and dL/dh0."""
    hs, mask, reverse = cache["hs"], cache["mask"], cache["reverse"]
    T, B, H = hs.shape[0] - 1, hs.shape[1], hs.shape[2]
    dact = activations.hidden_grad(hs[1:], cache["activation"])   # f'(a(t)), visiting order
    if mask is not None:                                          # padded steps get no gradient
        m = _steps(mask, reverse)[:, :, None].astype(hs.dtype)
        dact = m if dact is None else np.multiply(dact, m, out=dact)
    da = np.empty((T, B, H), dtype=hs.dtype)                      # dL/da(t), visiting order
    gs = np.empty((T, B, H), dtype=hs.dtype)                      # dL/dh(t), visiting order
    dnext = np.zeros((B, H), dtype=hs.dtype) if dstate is None else np.array(dstate, hs.dtype)
    _backward_loop(da, gs, dnext, None if dh is None else _steps(dh, reverse), dact,
                   params["W11"], None if mask is None else ~_steps(mask, reverse))
    return da, gs, dnext


def _backward_loop(da, gs, dnext, dh, dact, W11, pad):
    """Fill da and gs (visiting order) from the last visited step back; dnext ends as dL/dh0."""
    for t in range(da.shape[0] - 1, -1, -1):
        g = gs[t]
        if dh is None:
            g[...] = dnext                                        # only the carried gradient
        else:
            np.add(dh[t], dnext, out=g)                           # dh(t) = from above + from t+1
        if dact is None:
            da[t] = g                                             # identity units: f' = 1
        else:
            np.multiply(g, dact[t], out=da[t])                    # through f: da = dh * f'(a)
        np.matmul(da[t], W11, out=dnext)                          # to h(t-1): W11^T da(t)
        if pad is not None:
            np.add(dnext, g, out=dnext, where=pad[t][:, None])    # padded step carries dh(t)


def final_state(cache):
    """The state after the last visited step: h(T), or h(1) for a reversed layer. (B, H)"""
    return cache["hs"][-1]
