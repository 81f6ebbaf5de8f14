"""The LSTM cell, as torch.nn.LSTM computes it: forward through time and exact BPTT.

Forward, for t = 1..T from h(0) = h0, c(0) = c0 (zeros when not given):

    (1) a(t) = W0 x(t) + W11 h(t-1) + b0      W0 (4H, D), W11 (4H, H), b0 (4H,): rows i, f, g, o
    (2) i = sigmoid(a_i)   f = sigmoid(a_f)   g = tanh(a_g)   o = sigmoid(a_o)
    (3) c(t) = f * c(t-1) + i * g              the cell: the forget gate scales the old memory
    (4) h(t) = o * tanh(c(t))

The gates are stacked in PyTorch's order i, f, g, o, so its weights map across directly
(b0 = bias_ih + bias_hh). A padded step (mask m(t) = 0) carries the whole state: h(t) = h(t-1),
c(t) = c(t-1). reverse=True runs t = T..1 from (h(T+1), c(T+1)) = (h0, c0). The state is the tuple (h, c).

Backward (BPTT), steps numbered as the forward steps they differentiate. From dh_next = dL/dh(T)
and dc_next = dL/dc(T) (given by dstate, else 0), for t = T..1, with dh_up(t) = dL/dh(t) from above:

    (4) dh = dh_up(t) + dh_next                              the total gradient reaching h(t)
        do = dh * tanh(c(t));   dc = dc_next + dh * o * (1 - tanh(c(t))^2)
    (3) di = dc * g;   df = dc * c(t-1);   dg = dc * i;   dc_next = dc * f      (to c(t-1))
    (2) da_i = di i (1 - i)   da_f = df f (1 - f)   da_g = dg (1 - g^2)   da_o = do o (1 - o)
    (1) dh_next = W11^T da(t)                                (to h(t-1))
        dW0 = sum_t da(t) x(t)^T    dW11 = sum_t da(t) h(t-1)^T    db0 = sum_t da(t)
        dx(t) = W0^T da(t)
    A padded step passes dh and dc through unchanged and gets da(t) = 0.

`step` and `step_backward` are the reference: one step in exactly these equations and PyTorch's
gate order, with no speed tricks; the contract tests check the fast loops against them.

How the fast path computes it (the speed tricks; the equations above are what it computes):
- Inside the loops the arrays are feature-major, (H, B) per step, so that every gate of a step
  is one contiguous block: the step's buffer holds the gates o, i, f, g (PyTorch's rows rotated
  by one gate, so that the sigmoid gates o, i, f are adjacent for the forward and the gates that
  dc drives, i, f, g, for the backward) followed by c(t-1), so that [i, f] * [g, c(t-1)] is one
  multiply. h(t) carries a row of ones below it, so that b0 rides in the recurrent multiply.
- W0 x(t) is one (batched) matrix multiply over all steps before the loop, written straight into
  the gate blocks; each step makes one multiply [W11 | b0] [h(t-1); 1] for all four gates; dW0,
  dW11, db0 and dx are single multiplies after the backward loop.
- sigmoid(a) = (1 + tanh(a / 2)) / 2: the forward uses working copies of W0, W11, b0 with the
  sigmoid rows halved, so one tanh over all four gates and one affine map give every gate. The
  cache keeps the (transposed) copy of W11, which the backward needs too, its halving undone.
- The factors of the backward that depend on the forward only (the gate derivatives times the
  stored values, e.g. tanh(c) o (1 - o)) are computed for a block of steps at once (as many as
  fit in 1 MB: all of them at small B*H), just before the loop reaches the block, which leaves
  the loop four elementwise operations and one matrix multiply per step.
- dW0, dW11, db0 and dx need da as a (4H, T B) matrix: one copy moves each step's (4H, B) block
  into place, B floats at a time as one record.
- The buffers of a pass are views of one allocation (nn/_time.py explains why).
- `infer` runs the same forward loop over blocks of steps and keeps no buffer that only the
  backward needs: memory is the output h plus one block.
- When nn/backend.py chooses the compiled loops (the `fast` extra), forward, infer, backward
  and state_grads run nn/compiled/lstm.py instead: the same equations on batch-major arrays,
  each step's gate work fused into one SIMD pass; its cache says so ("loops"), and backward
  follows the cache, whatever the backend is by then.
- At small B*H a step costs its calls, not its arithmetic: outputs are passed positionally
  (the out= keyword costs 0.1 us a call), products use np.dot (0.6 us less than np.matmul),
  constants are 0-d arrays, and the loops iterate zipped views instead of indexing.

The forget-gate bias starts at 1 by default (Gers et al. 2000; Jozefowicz et al. 2015), so that
the cell remembers at the start of training; PyTorch initialises it like the other biases,
U(-1/sqrt(H), 1/sqrt(H)) (forget_bias=None keeps that).
"""
from __future__ import annotations

from itertools import repeat
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from . import _time, activations, backend
from . import init as _init
from .._types import Array, Params, State

NAME = "lstm"
STATE = ("h", "c")
GATES = 4
ACTIVATIONS = ("tanh",)          # the gates fix their own nonlinearities: sigmoid and tanh
INIT_OPTIONS = ("forget_bias",)


def param_shapes(n_in: int, n_hidden: int) -> dict[str, tuple[int, ...]]:
    """The shapes init returns, without allocating: W0 (4H, D), W11 (4H, H), b0 (4H,).

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
    G = GATES * n_hidden
    return {"W0": (G, n_in), "W11": (G, n_hidden), "b0": (G,)}


def init(n_in: int, n_hidden: int, *, rng: np.random.Generator, dtype: DTypeLike = np.float32,
         init: str = "uniform", radius: float | None = None, forget_bias: float = 1.0) -> Params:
    """Parameters {"W0": (4H, D), "W11": (4H, H), "b0": (4H,)}, rows in PyTorch's order i, f, g, o.

    init: "uniform" (PyTorch's U(-1/sqrt(H), 1/sqrt(H))), "xavier", "orthogonal", "identity"
    (per gate block); radius: rescale each gate block of W11 to this spectral radius.
    forget_bias: the value of b0's f slice (default 1.0); None leaves it as the scheme made it.

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
        Rescale W11 to this spectral radius (each gate block); None: as the scheme made it.
    forget_bias : float, optional
        The value of b0's f slice (default 1.0); None leaves it as the scheme made it.

    Returns
    -------
    dict of str to ndarray
        The parameters.
    """
    W0, W11, b0 = _init.recurrent(n_in, n_hidden, GATES, rng=rng, dtype=dtype, scheme=init,
                                  radius=radius)
    if forget_bias is not None:
        b0[n_hidden:2 * n_hidden] = forget_bias
    return {"W0": W0, "W11": W11, "b0": b0}


def zero_state(batch: int, n_hidden: int, dtype: DTypeLike = np.float32) -> State:
    """(h(0), c(0)) = (0, 0), each (B, H).

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
        (h, c) = 0, each (B, H).
    """
    return (np.zeros((batch, n_hidden), dtype=dtype), np.zeros((batch, n_hidden), dtype=dtype))


# -- the reference: one step, exactly the equations -------------------------------------------
def _gates(params, x_t, h_prev):
    """(1), (2): the gates i, f, g, o of one step, each (B, H)."""
    a = x_t @ params["W0"].T + h_prev @ params["W11"].T + params["b0"]   # (1) a(t), (B, 4H)
    a_i, a_f, a_g, a_o = np.split(a, GATES, axis=1)
    sigmoid = activations.sigmoid
    return sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)       # (2)


def step(params: Params, x_t: Array, state: State, *, activation: str = "tanh") -> State:
    """One step: x_t (B, D), state (h(t-1), c(t-1)) -> (h(t), c(t)).

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0"}, as init returns them.
    x_t : ndarray, (B, D)
        x(t).
    state : tuple of ndarray
        The state before the step, (h(t-1), c(t-1)).
    activation : str
        "tanh", the only one: the gates fix their own nonlinearities.

    Returns
    -------
    tuple of ndarray
        The state after the step, (h(t), c(t)).
    """
    _time.check_activation(activation, ACTIVATIONS, NAME)
    h_prev, c_prev = state
    i, f, g, o = _gates(params, x_t, h_prev)
    c = f * c_prev + i * g                                                # (3)
    return o * np.tanh(c), c                                              # (4)


def step_backward(params: Params, x_t: Array, state: State, dstate: State, *,
                  activation: str = "tanh") -> tuple[Params, Array, State]:
    """The derivative of one step. state = (h(t-1), c(t-1)); dstate = (dL/dh(t), dL/dc(t)), the
    total gradients reaching the step's outputs. Returns (grads {"W0", "W11", "b0"}, dL/dx(t),
    (dL/dh(t-1), dL/dc(t-1))).

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
        "tanh", the only one: the gates fix their own nonlinearities.

    Returns
    -------
    grads : dict of str to ndarray
        dL/d of each parameter {"W0", "W11", "b0"}, from this step.
    dx : ndarray, (B, D)
        dL/dx(t).
    dstate_prev : tuple of ndarray
        The gradient of the state before the step.
    """
    _time.check_activation(activation, ACTIVATIONS, NAME)
    (h_prev, c_prev), (dh, dc_next) = state, dstate
    i, f, g, o = _gates(params, x_t, h_prev)
    tc = np.tanh(f * c_prev + i * g)                                      # tanh(c(t))
    do = dh * tc                                                          # (4)
    dc = dc_next + dh * o * (1 - tc ** 2)                                 # (4) through tanh(c)
    di, df, dg = dc * g, dc * c_prev, dc * i                              # (3)
    da = np.concatenate([di * i * (1 - i), df * f * (1 - f),              # (2) sigmoid' = s(1-s)
                         dg * (1 - g ** 2), do * o * (1 - o)], axis=1)    # (2) tanh' = 1 - g^2
    grads = {"W0": da.T @ x_t, "W11": da.T @ h_prev, "b0": da.sum(axis=0)}   # (1)
    return grads, da @ params["W0"], (da @ params["W11"], dc * f)         # (1), (3) dc(t-1)


# -- the fast path: a whole sequence ------------------------------------------------------------
def _rotate(a, H):
    """Rows in PyTorch's gate order (i, f, g, o) -> the loops' order (o, i, f, g): a new array."""
    return np.concatenate([a[3 * H:], a[:3 * H]])


def _unrotate(a, H):
    """Rows in the loops' order (o, i, f, g) -> PyTorch's (i, f, g, o): a new array."""
    return np.concatenate([a[H:], a[:H]])


def _forward_weights(params, H):
    """(W0 (4H, D), [W11 | b0]^T (H + 1, 4H)): gates o, i, f, g with the sigmoid rows halved.
    The loop multiplies by the second's transpose (a view): BLAS's faster matrix-vector kernel
    at B = 1."""
    W11a = np.concatenate([params["W11"], params["b0"][:, None]], axis=1)
    return (_time.halved(_rotate(params["W0"], H), 3 * H),
            np.ascontiguousarray(_time.halved(_rotate(W11a, H), 3 * H).T))


def _start(Z, hs, h0, B, H, name="h0"):
    """Write the initial state into the first slots of the step buffers (and hs's row of ones)."""
    h_init, c_init = _time.as_state(h0, 2, B, H, Z.dtype, NAME, name)
    hs[:, H] = 1
    hs[0, :H] = np.transpose(h_init)
    Z[0, 4] = np.transpose(c_init)


def forward(params: Params, x: Array, h0: Any = None, *, mask: Array | None = None,
            reverse: bool = False, activation: str = "tanh") -> tuple[Array, dict[str, Any]]:
    """Run the cell over a sequence.

    x (T, B, D); h0: None or (h0, c0), each (B, H) (None entries: zeros); mask (T, B) bool or None.
    Returns h (T, B, H), h[t] = h(t+1), and the cache that `backward` needs.

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0"}, as init returns them.
    x : ndarray, (T, B, D)
        The inputs, time-major.
    h0 : tuple of ndarray, optional
        The initial state: None (zeros) or (h0, c0), each (B, H).
    mask : ndarray of bool, (T, B), optional
        The real steps; a padded step (False) carries the state unchanged.
    reverse : bool
        Run t = T..1 from h(T+1) = h0 (the backward half of a bidirectional layer).
    activation : str
        "tanh", the only one: the gates fix their own nonlinearities.

    Returns
    -------
    h : ndarray, (T, B, H)
        h[t] = h(t+1), time order.
    cache : dict
        What backward, state_grads and final_state need.
    """
    _time.check_activation(activation, ACTIVATIONS, NAME)
    T, B, D = x.shape
    H = params["W11"].shape[1]
    fast = backend.loops(NAME, B, H)                              # compiled loops (fast extra)
    if fast is not None:
        return fast.forward(params, x, h0, mask=mask, reverse=reverse)
    W0h, W11aT = _forward_weights(params, H)
    Z, hs, tc = _time.workspace([(T + 1, 5, H, B),                 # per step: o, i, f, g, c(t-1)
                                 (T + 1, H + 1, B),                # [h(t); 1]
                                 (T, H, B)], np.result_type(x, W0h))   # tanh(c(t)); visiting order
    np.matmul(W0h, x.transpose(0, 2, 1),                          # W0 x(t), every t at once,
              out=_time.steps(Z[:-1, :4], reverse).reshape(T, 4 * H, B))   # into the gate blocks
    _start(Z, hs, h0, B, H)
    _forward_loop(Z, hs, tc, W11aT.T, None if mask is None else ~_time.steps(mask, reverse))
    h = np.ascontiguousarray(_time.steps(hs[1:, :H], reverse).transpose(0, 2, 1))   # (T, B, H)
    cache = {"x": x, "Z": Z, "hs": hs, "tc": tc, "mask": mask, "reverse": reverse,
             "W11aT": W11aT}
    return h, cache


def infer(params: Params, x: Array, h0: Any = None, *, mask: Array | None = None,
          reverse: bool = False, activation: str = "tanh",
          block_bytes: int = 4 << 20) -> tuple[Array, State]:
    """forward without the backward's buffers: (h (T, B, H), final state (h, c)), computed a
    block of steps at a time, so memory is h plus one block of gates.

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0"}, as init returns them.
    x : ndarray, (T, B, D)
        The inputs, time-major.
    h0 : tuple of ndarray, optional
        The initial state: None (zeros) or (h0, c0), each (B, H).
    mask : ndarray of bool, (T, B), optional
        The real steps; a padded step (False) carries the state unchanged.
    reverse : bool
        Run t = T..1 from h(T+1) = h0 (the backward half of a bidirectional layer).
    activation : str
        "tanh", the only one: the gates fix their own nonlinearities.
    block_bytes : int, optional
        The memory budget of one block's buffers, in bytes (4 MiB).

    Returns
    -------
    h : ndarray, (T, B, H)
        h[t] = h(t+1), time order.
    state : tuple of ndarray
        The final state (h, c), after the last visited step.
    """
    _time.check_activation(activation, ACTIVATIONS, NAME)
    T, B, D = x.shape
    H = params["W11"].shape[1]
    fast = backend.loops(NAME, B, H, infer=True)
    if fast is not None:
        return fast.infer(params, x, h0, mask=mask, reverse=reverse, block_bytes=block_bytes)
    W0h, W11aT = _forward_weights(params, H)
    dtype = np.result_type(x, W0h)
    k = min(T, _time.block_steps(B * (7 * H + 1) * dtype.itemsize, block_bytes))
    Z, hs, tc = _time.workspace([(k + 1, 5, H, B), (k + 1, H + 1, B), (k, H, B)], dtype)
    _start(Z, hs, h0, B, H)
    xv, pad = _time.steps(x, reverse), None if mask is None else ~_time.steps(mask, reverse)
    h = np.empty((T, B, H), dtype=dtype)
    hv = _time.steps(h, reverse)
    for t0, t1 in _time.blocks(T, k):
        n = t1 - t0
        np.matmul(W0h, xv[t0:t1].transpose(0, 2, 1), out=Z[:n, :4].reshape(n, 4 * H, B))
        _forward_loop(Z[:n + 1], hs[:n + 1], tc[:n], W11aT.T, _time.part(pad, slice(t0, t1)))
        hv[t0:t1] = hs[1:n + 1, :H].transpose(0, 2, 1)
        Z[0, 4], hs[0] = Z[n, 4], hs[n]                           # carry (c, h) to the next block
    return h, (_time.batch_major(hs[0, :H]), _time.batch_major(Z[0, 4]))


def _forward_loop(Z, hs, tc, W11a, pad):
    """Steps (1)-(4) for every visited step, into Z (which holds W0 x(t) on entry), hs and tc."""
    T, H, B = tc.shape
    A2, A, S, O = Z[:-1, :4].reshape(T, 4 * H, B), Z[:-1, :4], Z[:-1, :3], Z[:-1, 0]
    IF, GC, C = Z[:-1, 1:3], Z[:-1, 3:5], Z[1:, 4]
    mm = np.empty((4 * H, B), dtype=Z.dtype)                      # W11 h(t-1) + b0
    prod = np.empty((2, H, B), dtype=Z.dtype)                     # [i * g, f * c(t-1)]
    ig, fc = prod
    half = np.array(0.5, dtype=Z.dtype)
    mul, add, tanh, dot = np.multiply, np.add, np.tanh, np.dot    # out passed positionally
    for t, (a2, a, s, o, i_f, g_c, c, tct, hp, h) in enumerate(
            zip(A2, A, S, O, IF, GC, C, tc, hs[:-1], hs[1:, :H])):
        dot(W11a, hp, mm)                                         # (1) W11 h(t-1) + b0
        add(a2, mm, a2)                                           # (1) + W0 x(t)
        tanh(a, a)                                                # (2) g; tanh(a/2) for o, i, f
        mul(s, half, s)
        add(s, half, s)                                           # (2) sigmoid = (1 + tanh(a/2))/2
        mul(i_f, g_c, prod)                                       # (3) i * g, f * c(t-1)
        add(ig, fc, c)                                            # (3) c(t)
        tanh(c, tct)                                              # (4) tanh(c(t))
        mul(o, tct, h)                                            # (4) h(t) = o * tanh(c(t))
        if pad is not None:                                       # padded step: carry (h, c)
            np.copyto(h, hp[:H], where=pad[t])
            np.copyto(c, g_c[1], where=pad[t])


def backward(params: Params, cache: dict[str, Any], dh: Array | None,
             dstate: Sequence[Array | None] | None = None) -> tuple[Params, Array, State]:
    """BPTT through the whole sequence.

    dh (T, B, H): dL/dh(t) from above (None: zero). dstate: the gradient of the final state (the
    state after the last visited step): None or a pair (dL/dh, dL/dc), entries None for zero.
    Returns (grads {"W0", "W11", "b0"}, dx (T, B, D), (dL/dh0, dL/dc0)).

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
        (dL/dh, dL/dc), entries None for zero.

    Returns
    -------
    grads : dict of str to ndarray
        dL/d of each parameter {"W0", "W11", "b0"}.
    dx : ndarray, (T, B, D)
        dL/dx(t), time order.
    dstate0 : tuple of ndarray
        (dL/dh0, dL/dc0), the gradient of the initial state.
    """
    if "loops" in cache:                                          # a forward on compiled loops
        return backend.compiled(NAME).backward(params, cache, dh, dstate)
    x, reverse = cache["x"], cache["reverse"]
    T, B, D = x.shape
    H = cache["tc"].shape[1]
    ws = _backward_workspace(T, H, B, cache["tc"].dtype)
    dstate0 = _bptt(params, cache, dh, dstate, ws)                # P[:, 1:5] = da(t), o, i, f, g
    da, hp = ws["da"], ws["hp"]                                   # (4H, T B), (H + 1, T B)
    _time.steps_to_columns(ws["P"][:, 1:5].reshape(T, 4 * H, B), da)
    _time.steps_to_columns(cache["hs"][:-1], hp)                  # [h(t-1); 1]
    dWa = da @ hp.T                                               # sum_t da(t) [h(t-1); 1]^T
    xv = _time.steps(x, reverse).reshape(T * B, D)                # x(t), visiting order
    grads = {"W0": _unrotate(da @ xv, H),                         # sum_t da(t) x(t)^T
             "W11": _unrotate(dWa[:, :H], H),
             "b0": _unrotate(dWa[:, H], H)}                       # sum_t da(t)
    dx = (da.T @ _rotate(params["W0"], H)).reshape(T, B, D)       # W0^T da(t), visiting order
    return grads, np.ascontiguousarray(_time.steps(dx, reverse)), dstate0


def state_grads(params: Params, cache: dict[str, Any], dh: Array | None,
                dstate: Sequence[Array | None] | None = None) -> Array:
    """dL/dh(t) for every t (T, B, H), time order: the total gradient reaching h(t), from the
    layer above at t and through the recurrence from t+1. Same arguments as backward.

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
        (dL/dh, dL/dc), entries None for zero.

    Returns
    -------
    ndarray, (T, B, H)
        g(t) = dL/dh(t), time order.
    """
    if "loops" in cache:
        return backend.compiled(NAME).state_grads(params, cache, dh, dstate)
    T, H, B = cache["tc"].shape
    ws = _backward_workspace(T, H, B, cache["tc"].dtype)
    _bptt(params, cache, dh, dstate, ws)
    return np.ascontiguousarray(_time.steps(ws["gs"], cache["reverse"]).transpose(0, 2, 1))


def _backward_workspace(T, H, B, dtype):
    """The backward's buffers, views of one allocation: P (T, 6, H, B) (see _coefficients), gs and
    dh (T, H, B), and da (4H, T B), hp (H + 1, T B) for the weight products."""
    names = ("P", "gs", "dh", "da", "hp")
    shapes = [(T, 6, H, B), (T, H, B), (T, H, B), (4 * H, T * B), (H + 1, T * B)]
    return dict(zip(names, _time.workspace(shapes, dtype)))


def _bptt(params, cache, dh, dstate, ws):
    """Fill ws["P"][:, 1:5] = dL/da(t) (gates o, i, f, g), ws["P"][:, 0] = dL/dc(t) and
    ws["gs"] = dL/dh(t), feature-major in visiting order. Returns (dh0, dc0), each (B, H).
    Blocks of steps, last first: a block's backward factors are computed just before its steps
    use them, while they are still in the cache."""
    Z, tc, reverse = cache["Z"], cache["tc"], cache["reverse"]
    T, H, B = tc.shape
    mask = None if cache["mask"] is None else _time.steps(cache["mask"], reverse)
    dh_T, dc_T = _time.as_state(dstate, 2, B, H, tc.dtype, NAME, "dstate")
    dnext, dc_next = _time.feature_major(dh_T, tc.dtype), _time.feature_major(dc_T, tc.dtype)
    dhv = None
    if dh is not None:
        dhv = ws["dh"]
        np.copyto(dhv, _time.steps(dh, reverse).transpose(0, 2, 1))   # feature-major, visiting
    W11T = cache["W11aT"][:H].copy()                              # W11^T (H, 4H), o, i, f, g:
    W11T[:, :3 * H] *= 2                                          # the forward's copy, undo 1/2
    k = _time.block_steps(6 * H * B * tc.itemsize)                # steps per block: P in 1 MB
    for t0, t1 in reversed(_time.blocks(T, k)):
        s = slice(t0, t1)
        _coefficients(Z[t0:t1 + 1], tc[s], _time.part(mask, s), ws["P"][s])
        dc_next = _backward_loop(ws["P"][s], ws["gs"][s], dnext, dc_next, _time.part(dhv, s),
                                 W11T, None if mask is None else ~mask[s])
    return _time.batch_major(dnext), _time.batch_major(dc_next)


def _coefficients(Z, tc, mask, P):
    """The backward's factors that depend on the forward only, for all steps of a block at once,
    into P; Z holds the block's steps and the one after it.

    P (T, 6, H, B) = [o (1 - tanh(c)^2), tanh(c) o(1-o), g i(1-i), c(t-1) f(1-f), i (1-g^2), f]:
    dc = dc_next + dh P0, da_o = dh P1, da_{i,f,g} = dc P{2,3,4}, dc_next = dc P5.
    A padded step gets P0..P4 = 0 and P5 = 1 (dc(t-1) = dc(t)).
    """
    G = Z[:-1]                                                    # (T, 5, H, B) visiting order
    o, i, f, g, cprev = (G[:, k] for k in range(5))
    sig = P[:, 1:4]
    np.subtract(1, G[:, :3], out=sig)
    sig *= G[:, :3]                                               # (2) s (1 - s) for o, i, f
    P[:, 1] *= tc                                                 # (4) do = dh tanh(c)
    P[:, 2] *= g                                                  # (3) di = dc g
    P[:, 3] *= cprev                                              # (3) df = dc c(t-1)
    Pg = P[:, 4]
    np.multiply(g, g, out=Pg)
    np.subtract(1, Pg, out=Pg)                                    # (2) tanh'(a_g) = 1 - g^2
    Pg *= i                                                       # (3) dg = dc i
    P[:, 5] = f                                                   # (3) dc_next = dc f
    Q = P[:, 0]
    np.multiply(tc, tc, out=Q)
    np.subtract(1, Q, out=Q)
    Q *= o                                                        # (4) dh o (1 - tanh(c)^2)
    if mask is not None:
        pad = ~mask[:, None, None, :]                             # (T, 1, 1, B)
        np.copyto(P[:, :5], 0, where=pad)
        np.copyto(P[:, 5], 1, where=pad[:, 0])                    # padded: dc(t-1) = dc(t)


def _backward_loop(P, gs, dnext, dc_next, dh, W11T, pad):
    """Turn P into [dc, da] in place, last visited step first; dnext ends as dL/dh0 (H, B),
    the return value is dL/dc0 (H, B)."""
    T, H, B = gs.shape
    A = P[:, 1:5].reshape(T, 4 * H, B)                            # da(t), o, i, f, g
    dhs = repeat(None) if dh is None else dh[::-1]
    pads = repeat(None) if pad is None else pad[::-1]
    mul, add, dot = np.multiply, np.add, np.dot                   # out passed positionally
    for g, dht, qo, dc, pc, a, padt in zip(gs[::-1], dhs, P[::-1, 0:2], P[::-1, 0],
                                           P[::-1, 2:6], A[::-1], pads):
        if dht is None:
            g[...] = dnext                                        # only the carried gradient
        else:
            add(dht, dnext, g)                                    # (4) dh = from above + from t+1
        mul(qo, g, qo)                                            # (4, 2) dh P0, da_o = dh P1
        add(dc, dc_next, dc)                                      # (4) dc = dc_next + dh P0
        mul(pc, dc, pc)                                           # (3, 2) da_i, da_f, da_g; dc f
        dc_next = pc[3]                                           # (3) dc_next = dc * f
        dot(W11T, a, dnext)                                       # (1) dh_next = W11^T da(t)
        if padt is not None:
            np.add(dnext, g, out=dnext, where=padt)               # padded step carries dh
    return dc_next


def final_state(cache: dict[str, Any]) -> State:
    """(h, c) after the last visited step: (h(T), c(T)), or (h(1), c(1)) for a reversed layer;
    each a new (B, H) array.

    Parameters
    ----------
    cache : dict
        What forward returned with h.

    Returns
    -------
    tuple of ndarray
        (h, c), each (B, H).
    """
    if "loops" in cache:
        return backend.compiled(NAME).final_state(cache)
    H = cache["tc"].shape[1]
    return _time.batch_major(cache["hs"][-1, :H]), _time.batch_major(cache["Z"][-1, 4])
