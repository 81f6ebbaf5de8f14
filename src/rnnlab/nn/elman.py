"""The Elman cell: forward propagation through time and exact backpropagation through time.

Forward, for t = 1..T from h(0) = h0 (zeros when not given):

    a(t) = W0 x(t) + W11 h(t-1) + b0          W0 (H, D), W11 (H, H), b0 (H,)
    h(t) = f(a(t))                            f = tanh (default), relu or identity

With a mask m(t) in {0, 1} per sequence, a padded step (m = 0) carries the state unchanged:
h(t) = m(t) f(a(t)) + (1 - m(t)) h(t-1). With reverse=True the same recursion runs t = T..1
from h(T+1) = h0: the backward half of a bidirectional layer. The state is the tuple (h,).

Backward (BPTT), in the code's names: dh(t) is the gradient that reaches h(t) from above (the
output layer or the next layer: backward's argument dh, None for zero), dnext the gradient
carried back to h(t) from step t+1 (it starts as dstate, the gradient of the final state, zero
when not given), and g(t) = dL/dh(t) the TOTAL gradient reaching h(t) (what state_grads
returns). For t = T..1 (t = 1..T when reverse):

    g(t)  = dh(t) + dnext                     from above, plus through the recurrence from t+1
    da(t) = m(t) g(t) * f'(a(t))              through f: tanh'(a) = 1 - h(t)^2
    dnext = W11^T da(t) + (1 - m(t)) g(t)     to h(t-1): through W11, plus the carried state
    dW0  = sum_t da(t) x(t)^T    dW11 = sum_t da(t) h(t-1)^T    db0 = sum_t da(t)
    dx(t) = W0^T da(t)           dh0 = dnext after the last visited step (1; T when reverse)

`step` and `step_backward` are the reference: one step in exactly these equations. `forward` and
`backward` compute the same over a whole sequence, fast: arrays are time-major, x (T, B, D),
h (T, B, H), mask (T, B); the input projection W0 x(t) + b0 and the weight gradients are single
matrix multiplies over all steps, and only the W11 terms loop (3 NumPy calls per forward step,
4 per backward step, into preallocated buffers). `infer` runs the forward over blocks of steps
and keeps no buffer that only the backward needs.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from . import _time, activations, backend
from . import init as _init
from .._types import Array, Params, State

NAME = "elman"
STATE = ("h",)
GATES = 1
ACTIVATIONS = activations.HIDDEN
INIT_OPTIONS = ()
_NO_MASK = np.zeros((0, 0), dtype=bool)           # "no mask" for the compiled loops


def param_shapes(n_in: int, n_hidden: int) -> dict[str, tuple[int, ...]]:
    """The shapes init returns, without allocating: {"W0": (H, D), "W11": (H, H), "b0": (H,)}.

    Parameters
    ----------
    n_in : int
        D, the input size.
    n_hidden : int
        H, the number of hidden units.

    Returns
    -------
    dict of str to tuple of int
        Each parameter's shape.
    """
    return {"W0": (n_hidden, n_in), "W11": (n_hidden, n_hidden), "b0": (n_hidden,)}


def init(n_in: int, n_hidden: int, *, rng: np.random.Generator, dtype: DTypeLike = np.float32,
         init: str = "uniform", radius: float | None = None) -> Params:
    """Parameters {"W0": (H, D), "W11": (H, H), "b0": (H,)}.

    init: "uniform" (PyTorch's U(-1/sqrt(H), 1/sqrt(H))), "xavier", "orthogonal", "identity";
    radius: rescale W11 to this spectral radius afterwards.

    Parameters
    ----------
    n_in : int
        D, the input size.
    n_hidden : int
        H, the number of hidden units.
    rng : numpy.random.Generator
        The random numbers.
    dtype : dtype, optional
        The parameters' dtype (float32).
    init : str, optional
        The scheme: "uniform", "xavier", "orthogonal" or "identity".
    radius : float, optional
        Rescale W11 to this spectral radius; None: as the scheme made it.

    Returns
    -------
    dict of str to ndarray
        The parameters.
    """
    W0, W11, b0 = _init.recurrent(n_in, n_hidden, 1, rng=rng, dtype=dtype, scheme=init,
                                  radius=radius)
    return {"W0": W0, "W11": W11, "b0": b0}


def zero_state(batch: int, n_hidden: int, dtype: DTypeLike = np.float32) -> State:
    """h(0) = 0: the tuple (h,) with h (B, H).

    Parameters
    ----------
    batch : int
        B.
    n_hidden : int
        H.
    dtype : dtype, optional
        The state's dtype.

    Returns
    -------
    tuple of ndarray
        (h,) = 0, each (B, H).
    """
    return (np.zeros((batch, n_hidden), dtype=dtype),)


# -- the reference: one step, exactly the equations -------------------------------------------
def step(params: Params, x_t: Array, state: State, *, activation: str = "tanh") -> State:
    """One step: x_t (B, D), state (h(t-1),) -> (h(t),).

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0"}, as init returns them.
    x_t : ndarray, (B, D)
        x(t).
    state : tuple of ndarray
        The state before the step, (h(t-1),).
    activation : str
        "tanh" (default), "relu" or "identity": f.

    Returns
    -------
    tuple of ndarray
        The state after the step, (h(t),).
    """
    (h_prev,) = state
    a = x_t @ params["W0"].T + h_prev @ params["W11"].T + params["b0"]   # a(t), (B, H)
    return (activations.hidden_(a, activation),)                        # h(t) = f(a(t))


def step_backward(params: Params, x_t: Array, state: State, dstate: State, *,
                  activation: str = "tanh") -> tuple[Params, Array, State]:
    """The derivative of one step. state = (h(t-1),); dstate = (g(t),), g(t) = dL/dh(t) the
    total gradient reaching the step's output. Returns (grads {"W0", "W11", "b0"}, dL/dx(t),
    (dL/dh(t-1),)).

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0"}, as init returns them.
    x_t : ndarray, (B, D)
        x(t).
    state : tuple of ndarray
        The state before the step.
    dstate : tuple of ndarray
        The total gradients reaching the step's outputs.
    activation : str
        "tanh" (default), "relu" or "identity": f.

    Returns
    -------
    grads : dict of str to ndarray
        dL/d of each parameter {"W0", "W11", "b0"}, from this step.
    dx : ndarray, (B, D)
        dL/dx(t).
    dstate_prev : tuple of ndarray
        The gradient of the state before the step.
    """
    (h_prev,), (g,) = state, dstate
    (h,) = step(params, x_t, state, activation=activation)
    fprime = activations.hidden_grad(h, activation)                      # f'(a(t)) from h(t)
    da = g if fprime is None else g * fprime                             # through f
    grads = {"W0": da.T @ x_t, "W11": da.T @ h_prev, "b0": da.sum(axis=0)}
    return grads, da @ params["W0"], (da @ params["W11"],)               # W0^T da, W11^T da


# -- the fast path: a whole sequence ------------------------------------------------------------
def forward(params: Params, x: Array, h0: Any = None, *, mask: Array | None = None,
            reverse: bool = False, activation: str = "tanh") -> tuple[Array, dict[str, Any]]:
    """Run the cell over a sequence.

    x (T, B, D); h0: None or (h0,) with h0 (B, H); mask (T, B) bool or None.
    Returns h (T, B, H), h[t] = h(t+1), and the cache that `backward` needs.

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0"}, as init returns them.
    x : ndarray, (T, B, D)
        The inputs, time-major.
    h0 : tuple of ndarray, optional
        The initial state: None (zeros) or (h0,), each (B, H).
    mask : ndarray of bool, (T, B), optional
        The real steps; a padded step (False) carries the state unchanged.
    reverse : bool
        Run t = T..1 from h(T+1) = h0 (the backward half of a bidirectional layer).
    activation : str
        "tanh" (default), "relu" or "identity": f.

    Returns
    -------
    h : ndarray, (T, B, H)
        h[t] = h(t+1), time order.
    cache : dict
        What backward, state_grads and final_state need.
    """
    _time.check_activation(activation, ACTIVATIONS, NAME)
    W0, W11 = params["W0"], params["W11"]
    T, B, D = x.shape
    H = W11.shape[0]
    hs, a = _time.workspace([(T + 1, B, H), (T, B, H)], np.result_type(x, W0))
    hs[0] = _time.as_state(h0, 1, B, H, hs.dtype, NAME, "h0")[0]         # states, visiting order
    np.matmul(x.reshape(T * B, D), W0.T, out=a.reshape(T * B, H))        # W0 x(t), every t at once
    a += params["b0"]
    _forward_loop(hs, _time.steps(a, reverse), W11,
                  None if mask is None else _time.steps(mask, reverse), activation)
    h = _time.steps(hs[1:], reverse)                                     # back to time order
    cache = {"x": x, "hs": hs, "mask": mask, "reverse": reverse, "activation": activation}
    return h, cache


def infer(params: Params, x: Array, h0: Any = None, *, mask: Array | None = None,
          reverse: bool = False, activation: str = "tanh",
          block_bytes: int = 4 << 20) -> tuple[Array, State]:
    """forward without the backward's buffers: (h (T, B, H), final state (h,)). The input
    projection is computed a block of steps at a time, so memory is h plus one block.

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0"}, as init returns them.
    x : ndarray, (T, B, D)
        The inputs, time-major.
    h0 : tuple of ndarray, optional
        The initial state: None (zeros) or (h0,), each (B, H).
    mask : ndarray of bool, (T, B), optional
        The real steps; a padded step (False) carries the state unchanged.
    reverse : bool
        Run t = T..1 from h(T+1) = h0 (the backward half of a bidirectional layer).
    activation : str
        "tanh" (default), "relu" or "identity": f.
    block_bytes : int, optional
        The memory budget of one block's buffers, in bytes (4 MiB).

    Returns
    -------
    h : ndarray, (T, B, H)
        h[t] = h(t+1), time order.
    state : tuple of ndarray
        The final state (h,), after the last visited step.
    """
    _time.check_activation(activation, ACTIVATIONS, NAME)
    W0, W11 = params["W0"], params["W11"]
    T, B, D = x.shape
    H = W11.shape[0]
    dtype = np.result_type(x, W0)
    hs = np.empty((T + 1, B, H), dtype=dtype)                            # visiting order
    hs[0] = _time.as_state(h0, 1, B, H, dtype, NAME, "h0")[0]
    xv, mv = _time.steps(x, reverse), None if mask is None else _time.steps(mask, reverse)
    k = _time.block_steps(B * H * dtype.itemsize, block_bytes)
    a = np.empty((min(k, T), B, H), dtype=dtype)
    for t0, t1 in _time.blocks(T, k):
        ab = a[:t1 - t0]
        np.matmul(xv[t0:t1], W0.T, out=ab)                               # W0 x(t) for the block
        ab += params["b0"]
        _forward_loop(hs[t0:t1 + 1], ab, W11, _time.part(mv, slice(t0, t1)), activation)
    return np.ascontiguousarray(_time.steps(hs[1:], reverse)), (hs[-1].copy(),)


def _forward_loop(hs, a, W11, mask, activation):
    """hs[t+1] = f(a[t] + hs[t] W11^T), carried where mask[t] is False; all in visiting order.
    The compiled loops (nn/compiled/elman.py) when the backend chooses them."""
    fast = backend.loops(NAME, hs.shape[1], hs.shape[2])
    if fast is not None:
        fast.forward_loop(hs, a, np.ascontiguousarray(W11.T, dtype=hs.dtype),
                          _NO_MASK if mask is None else mask, ACTIVATIONS.index(activation))
        return
    W11T = W11.T
    for t in range(a.shape[0]):
        cur = hs[t + 1]
        np.matmul(hs[t], W11T, out=cur)                                  # W11 h(t-1)
        cur += a[t]                                                       # + W0 x(t) + b0
        activations.hidden_(cur, activation, out=cur)                     # h(t) = f(a(t))
        if mask is not None:
            np.copyto(cur, hs[t], where=~mask[t][:, None])                # padded: h(t) = h(t-1)


def backward(params: Params, cache: dict[str, Any], dh: Array | None,
             dstate: Sequence[Array | None] | None = None) -> tuple[Params, Array, State]:
    """BPTT through the whole sequence.

    dh (T, B, H): dL/dh(t) from above (None: zero); dstate: None or (dL/dh,) for the final state,
    the state after the last visited step (h(T), or h(1) when reverse).
    Returns (grads {"W0", "W11", "b0"}, dx (T, B, D), (dL/dh0,)).

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0"}, as init returns them.
    cache : dict
        What forward returned with h.
    dh : ndarray, (T, B, H), or None
        dL/dh(t) from above, time order; None: zero.
    dstate : sequence of ndarray or None, optional
        The gradient of the final state (the state after the last visited step): None, or
        (dL/dh,), entries None for zero.

    Returns
    -------
    grads : dict of str to ndarray
        dL/d of each parameter {"W0", "W11", "b0"}.
    dx : ndarray, (T, B, D)
        dL/dx(t), time order.
    dstate0 : tuple of ndarray
        (dL/dh0,), the gradient of the initial state.
    """
    W0 = params["W0"]
    x, hs, reverse = cache["x"], cache["hs"], cache["reverse"]
    T, B, D = x.shape
    da, _, dh0 = _bptt(params, cache, dh, dstate)
    H = da.shape[-1]
    da_t = _time.steps(da, reverse).reshape(T * B, H)                    # back to time order
    hprev = hs[:-1].reshape(T * B, H)                                     # h(t-1), visiting order
    grads = {
        "W0": da_t.T @ x.reshape(T * B, D),                               # sum_t da(t) x(t)^T
        "W11": da.reshape(T * B, H).T @ hprev,                            # sum_t da(t) h(t-1)^T
        "b0": da_t.sum(axis=0),
    }
    dx = (da_t @ W0).reshape(T, B, D)                                     # W0^T da(t)
    return grads, dx, (dh0,)


def state_grads(params: Params, cache: dict[str, Any], dh: Array | None,
                dstate: Sequence[Array | None] | None = None) -> Array:
    """g(t) = dL/dh(t) for every t (T, B, H), time order: the total gradient reaching h(t), from
    above at t and through the recurrence from t+1 (the quantity whose norm explodes or
    vanishes with the time lag). Same arguments as backward.

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0"}, as init returns them.
    cache : dict
        What forward returned with h.
    dh : ndarray, (T, B, H), or None
        dL/dh(t) from above, time order; None: zero.
    dstate : sequence of ndarray or None, optional
        The gradient of the final state (the state after the last visited step): None, or
        (dL/dh,), entries None for zero.

    Returns
    -------
    ndarray, (T, B, H)
        g(t) = dL/dh(t), time order.
    """
    _, gs, _ = _bptt(params, cache, dh, dstate)
    return _time.steps(gs, cache["reverse"])


def _bptt(params, cache, dh, dstate):
    """(da, gs, dh0): dL/da(t) and g(t) = dL/dh(t) in visiting order, and dL/dh0."""
    hs, mask, reverse = cache["hs"], cache["mask"], cache["reverse"]
    T, B, H = hs.shape[0] - 1, hs.shape[1], hs.shape[2]
    da, gs = _time.workspace([(T, B, H), (T, B, H)], hs.dtype)    # visiting order
    dnext = _time.as_state(None if dstate is None else tuple(dstate), 1, B, H, hs.dtype, NAME,
                           "dstate")[0].copy()
    dh_v = None if dh is None else _time.steps(dh, reverse)
    mask_v = None if mask is None else _time.steps(mask, reverse)
    fast = backend.loops(NAME, B, H)
    if fast is not None:                        # f'(a(t)) and the mask inside the loop
        fast.backward_loop(da, gs, dnext, np.zeros((0, 0, 0), hs.dtype) if dh_v is None else dh_v,
                           hs, np.ascontiguousarray(params["W11"], dtype=hs.dtype),
                           _NO_MASK if mask_v is None else mask_v,
                           ACTIVATIONS.index(cache["activation"]))
        return da, gs, dnext
    dact = activations.hidden_grad(hs[1:], cache["activation"])   # f'(a(t)), visiting order
    if mask_v is not None:                                        # padded steps get no gradient
        m = mask_v[:, :, None].astype(hs.dtype)
        dact = m if dact is None else np.multiply(dact, m, out=dact)
    _backward_loop(da, gs, dnext, dh_v, dact, params["W11"], None if mask_v is None else ~mask_v)
    return da, gs, dnext


def _backward_loop(da, gs, dnext, dh, dact, W11, pad):
    """Fill da and gs (visiting order) from the last visited step back; dnext ends as dL/dh0."""
    for t in range(da.shape[0] - 1, -1, -1):
        g = gs[t]
        if dh is None:
            g[...] = dnext                                        # only the carried gradient
        else:
            np.add(dh[t], dnext, out=g)                           # g(t) = from above + from t+1
        if dact is None:
            da[t] = g                                             # identity units: f' = 1
        else:
            np.multiply(g, dact[t], out=da[t])                    # through f: da = g * f'(a)
        np.matmul(da[t], W11, out=dnext)                          # to h(t-1): W11^T da(t)
        if pad is not None:
            np.add(dnext, g, out=dnext, where=pad[t][:, None])    # padded step carries g(t)


def final_state(cache: dict[str, Any]) -> State:
    """The state after the last visited step: (h(T),), or (h(1),) for a reversed layer.

    Parameters
    ----------
    cache : dict
        What forward returned with h.

    Returns
    -------
    tuple of ndarray
        (h,), each (B, H).
    """
    return (cache["hs"][-1],)
