"""The GRU cell, as torch.nn.GRU computes it: forward through time and exact BPTT.

Forward, for t = 1..T from h(0) = h0 (zeros when not given):

    (1) a_r(t) = W0_r x(t) + W11_r h(t-1) + b0_r     W0 (3H, D), W11 (3H, H), b0 (3H,): rows r, z, n
        a_z(t) = W0_z x(t) + W11_z h(t-1) + b0_z
        hn(t)  = W11_n h(t-1) + b_hn                  b_hn (H,): the hidden bias of the n gate
    (2) r = sigmoid(a_r)   z = sigmoid(a_z)           reset and update gates
    (3) n = tanh(W0_n x(t) + b0_n + r * hn)           the candidate state
    (4) h(t) = (1 - z) * n + z * h(t-1)

The rows are stacked in PyTorch's order r, z, n, so its weights map across directly: the r and z
slices of b0 are bias_ih + bias_hh, the n slice of b0 is bias_ih's alone, and bias_hh's n slice
is the separate parameter b_hn, because the reset gate multiplies it (r * (W11_n h + b_hn)), so
it cannot be merged into b0. A padded step (mask m(t) = 0) carries the state: h(t) = h(t-1).
reverse=True runs t = T..1 from h(T+1) = h0. The state is the tuple (h,).

Backward (BPTT), steps numbered as the forward steps they differentiate. From dh_next = dL/dh(T)
(dstate, else 0), for t = T..1, with dh_up(t) = dL/dh(t) from above:

    (4) dh = dh_up(t) + dh_next;   dn = dh (1 - z);   dz = dh (h(t-1) - n)
    (3) da_n = dn (1 - n^2);   dr = da_n hn;   dhn = da_n r
    (2) da_r = dr r (1 - r);   da_z = dz z (1 - z)
    (1) dh_next = W11_r^T da_r + W11_z^T da_z + W11_n^T dhn + dh z
        dW0 = sum_t [da_r; da_z; da_n] x(t)^T     db0 = sum_t [da_r; da_z; da_n]   dx = W0^T [...]
        dW11 = sum_t [da_r; da_z; dhn] h(t-1)^T   db_hn = sum_t dhn
    A padded step passes dh through unchanged and gets zero gate gradients.

`step` and `step_backward` are the reference: one step in exactly these equations and PyTorch's
gate order, with no speed tricks; the contract tests check the fast loops against them.

How the fast path computes it (the speed tricks; the equations above are what it computes;
nn/lstm.py explains each in more detail):
- Inside the loops the arrays are feature-major, (H, B) per step, so that every gate of a step
  is one contiguous block. h(t) carries a row of ones below it, so that the biases inside the
  recurrent products (b0_r, b0_z and b_hn) ride in the recurrent multiply.
- W0 x(t) is one (batched) matrix multiply over all steps before the loop (b0_n one add); each
  step makes one multiply [W11 | b] [h(t-1); 1] for all three gates; the weight gradients and dx
  are single multiplies after the backward loop.
- sigmoid(a) = (1 + tanh(a / 2)) / 2 with the r and z rows of working copies of W0, W11, b0 halved
  (the backward reuses the transposed copy of W11 from the cache, its halving undone).
- The backward's factors that depend on the forward only are computed block by block of steps,
  just before the loop needs them, into a (T, 4, H, B) buffer
  [r, hn r(1-r), (h(t-1) - n) z(1-z), (1-z)(1-n^2)] that the loop turns in place into
  [dhn, da_r, da_z, da_n]: its first three blocks feed W11 (rows rotated to n, r, z), its last
  three are [da_r; da_z; da_n] for W0, b0 and dx.
- The buffers of a pass are views of one allocation; outputs are passed positionally, products
  use np.dot and constants are 0-d arrays (call overhead is what a small step costs).
- `infer` runs the same forward loop over blocks of steps and keeps no buffer that only the
  backward needs: memory is the output h plus one block.
- When nn/backend.py chooses the compiled loops (the `fast` extra), forward, infer, backward
  and state_grads run nn/compiled/gru.py instead: the same equations on batch-major arrays,
  each step's gate work fused into one SIMD pass; its cache says so ("loops"), and backward
  follows the cache, whatever the backend is by then.
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

NAME = "gru"
STATE = ("h",)
GATES = 3
ACTIVATIONS = ("tanh",)          # the gates fix their own nonlinearities: sigmoid and tanh
INIT_OPTIONS = ()


def param_shapes(n_in: int, n_hidden: int) -> dict[str, tuple[int, ...]]:
    """The shapes init returns, without allocating: W0 (3H, D), W11 (3H, H), b0 (3H,), b_hn (H,).

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
    return {"W0": (G, n_in), "W11": (G, n_hidden), "b0": (G,), "b_hn": (n_hidden,)}


def init(n_in: int, n_hidden: int, *, rng: np.random.Generator, dtype: DTypeLike = np.float32,
         init: str = "uniform", radius: float | None = None) -> Params:
    """Parameters {"W0": (3H, D), "W11": (3H, H), "b0": (3H,), "b_hn": (H,)}, rows r, z, n.

    init: "uniform" (PyTorch's U(-1/sqrt(H), 1/sqrt(H)) for every entry, b_hn too), "xavier",
    "orthogonal", "identity" (per gate block, biases 0); radius: rescale each block of W11.

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

    Returns
    -------
    dict of str to ndarray
        The parameters.
    """
    W0, W11, b0 = _init.recurrent(n_in, n_hidden, GATES, rng=rng, dtype=dtype, scheme=init,
                                  radius=radius)
    if init == "uniform":
        b_hn = _init.uniform((n_hidden,), 1.0 / np.sqrt(n_hidden), rng=rng, dtype=dtype)
    else:
        b_hn = np.zeros(n_hidden, dtype=dtype)
    return {"W0": W0, "W11": W11, "b0": b0, "b_hn": b_hn}


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
def _gates(params, x_t, h_prev):
    """(1)-(3) of one step: r, z, hn = W11_n h(t-1) + b_hn and n, each (B, H)."""
    H = h_prev.shape[1]
    W0, W11, b0 = params["W0"], params["W11"], params["b0"]
    xa = x_t @ W0.T + b0                                                  # W0 x(t) + b0, (B, 3H)
    ha = h_prev @ W11[:2 * H].T                                           # W11_{r,z} h(t-1)
    r = activations.sigmoid(xa[:, :H] + ha[:, :H])                        # (1), (2)
    z = activations.sigmoid(xa[:, H:2 * H] + ha[:, H:])
    hn = h_prev @ W11[2 * H:].T + params["b_hn"]                          # (1)
    n = np.tanh(xa[:, 2 * H:] + r * hn)                                   # (3)
    return r, z, hn, n


def step(params: Params, x_t: Array, state: State, *, activation: str = "tanh") -> State:
    """One step: x_t (B, D), state (h(t-1),) -> (h(t),).

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0", "b_hn"}, as init returns them.
    x_t : ndarray, (B, D)
        x(t).
    state : tuple of ndarray
        The state before the step, (h(t-1),).
    activation : str
        "tanh", the only one: the gates fix their own nonlinearities.

    Returns
    -------
    tuple of ndarray
        The state after the step, (h(t),).
    """
    _time.check_activation(activation, ACTIVATIONS, NAME)
    (h_prev,) = state
    r, z, hn, n = _gates(params, x_t, h_prev)
    return ((1 - z) * n + z * h_prev,)                                    # (4)


def step_backward(params: Params, x_t: Array, state: State, dstate: State, *,
                  activation: str = "tanh") -> tuple[Params, Array, State]:
    """The derivative of one step. state = (h(t-1),); dstate = (dL/dh(t),), the total gradient
    reaching the step's output. Returns (grads {"W0", "W11", "b0", "b_hn"}, dL/dx(t),
    (dL/dh(t-1),)).

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0", "b_hn"}, as init returns them.
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
        dL/d of each parameter {"W0", "W11", "b0", "b_hn"}, from this step.
    dx : ndarray, (B, D)
        dL/dx(t).
    dstate_prev : tuple of ndarray
        The gradient of the state before the step.
    """
    _time.check_activation(activation, ACTIVATIONS, NAME)
    (h_prev,), (dh,) = state, dstate
    r, z, hn, n = _gates(params, x_t, h_prev)
    dn, dz = dh * (1 - z), dh * (h_prev - n)                              # (4)
    da_n = dn * (1 - n ** 2)                                              # (3) through tanh
    dr, dhn = da_n * hn, da_n * r                                         # (3)
    da_r, da_z = dr * r * (1 - r), dz * z * (1 - z)                       # (2) sigmoid' = s(1-s)
    dax = np.concatenate([da_r, da_z, da_n], axis=1)                      # d(W0 x + b0), rows r, z, n
    dah = np.concatenate([da_r, da_z, dhn], axis=1)                       # d(W11 h(t-1)), rows r, z, n
    grads = {"W0": dax.T @ x_t, "W11": dah.T @ h_prev, "b0": dax.sum(axis=0),
             "b_hn": dhn.sum(axis=0)}
    dh_prev = dah @ params["W11"] + dh * z                                # (1), (4) the direct path
    return grads, dax @ params["W0"], (dh_prev,)


# -- the fast path: a whole sequence ------------------------------------------------------------
def _forward_weights(params, H):
    """(W0 (3H, D), [W11 | (b0_r, b0_z, b_hn)]^T (H + 1, 3H)), the r and z rows halved. The loop
    multiplies by the second's transpose (a view): BLAS's faster matrix-vector kernel at B = 1."""
    bias = np.concatenate([params["b0"][:2 * H], params["b_hn"]])
    W11a = np.concatenate([params["W11"], bias[:, None]], axis=1)
    return (_time.halved(params["W0"], 2 * H),
            np.ascontiguousarray(_time.halved(W11a, 2 * H).T))


def _start(hs, h0, B, H):
    """Write h(0) (and the row of ones) into the states buffer."""
    hs[:, H] = 1
    hs[0, :H] = np.transpose(_time.as_state(h0, 1, B, H, hs.dtype, NAME, "h0")[0])


def _project(W0h, b0_n, x, out):
    """out (T, 3, H, B) = W0 x(t) (r, z rows halved) and + b0_n on the n rows, every t at once."""
    T, _, H, B = out.shape
    np.matmul(W0h, x.transpose(0, 2, 1), out=out.reshape(T, 3 * H, B))
    out[:, 2] += b0_n[:, None]


def forward(params: Params, x: Array, h0: Any = None, *, mask: Array | None = None,
            reverse: bool = False, activation: str = "tanh") -> tuple[Array, dict[str, Any]]:
    """Run the cell over a sequence.

    x (T, B, D); h0: None or (h0,) with h0 (B, H); mask (T, B) bool or None.
    Returns h (T, B, H), h[t] = h(t+1), and the cache that `backward` needs.

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0", "b_hn"}, as init returns them.
    x : ndarray, (T, B, D)
        The inputs, time-major.
    h0 : tuple of ndarray, optional
        The initial state: None (zeros) or (h0,), each (B, H).
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
    G, xs, hs = _time.workspace([(T, 4, H, B),                    # per step: r, z, hn, n
                                 (T, 3, H, B),                    # W0 x(t) (+ b0_n), halved r, z
                                 (T + 1, H + 1, B)],              # [h(t); 1]; visiting order
                                np.result_type(x, W0h))
    _project(W0h, params["b0"][2 * H:], x, _time.steps(xs, reverse))
    _start(hs, h0, B, H)
    _forward_loop(G, hs, xs, W11aT.T, None if mask is None else ~_time.steps(mask, reverse))
    h = np.ascontiguousarray(_time.steps(hs[1:, :H], reverse).transpose(0, 2, 1))   # (T, B, H)
    cache = {"x": x, "G": G, "hs": hs, "mask": mask, "reverse": reverse, "W11aT": W11aT}
    return h, cache


def infer(params: Params, x: Array, h0: Any = None, *, mask: Array | None = None,
          reverse: bool = False, activation: str = "tanh",
          block_bytes: int = 4 << 20) -> tuple[Array, State]:
    """forward without the backward's buffers: (h (T, B, H), final state (h,)), computed a block
    of steps at a time, so memory is h plus one block of gates.

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0", "b_hn"}, as init returns them.
    x : ndarray, (T, B, D)
        The inputs, time-major.
    h0 : tuple of ndarray, optional
        The initial state: None (zeros) or (h0,), each (B, H).
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
        The final state (h,), after the last visited step.
    """
    _time.check_activation(activation, ACTIVATIONS, NAME)
    T, B, D = x.shape
    H = params["W11"].shape[1]
    fast = backend.loops(NAME, B, H, infer=True)
    if fast is not None:
        return fast.infer(params, x, h0, mask=mask, reverse=reverse, block_bytes=block_bytes)
    W0h, W11aT = _forward_weights(params, H)
    dtype = np.result_type(x, W0h)
    k = min(T, _time.block_steps(B * (8 * H + 1) * dtype.itemsize, block_bytes))
    G, xs, hs = _time.workspace([(k, 4, H, B), (k, 3, H, B), (k + 1, H + 1, B)], dtype)
    _start(hs, h0, B, H)
    xv, pad = _time.steps(x, reverse), None if mask is None else ~_time.steps(mask, reverse)
    h = np.empty((T, B, H), dtype=dtype)
    hv = _time.steps(h, reverse)
    for t0, t1 in _time.blocks(T, k):
        n = t1 - t0
        _project(W0h, params["b0"][2 * H:], xv[t0:t1], xs[:n])
        _forward_loop(G[:n], hs[:n + 1], xs[:n], W11aT.T, _time.part(pad, slice(t0, t1)))
        hv[t0:t1] = hs[1:n + 1, :H].transpose(0, 2, 1)
        hs[0] = hs[n]                                             # carry h to the next block
    return h, (_time.batch_major(hs[0, :H]),)


def _forward_loop(G, hs, xs, W11a, pad):
    """Steps (1)-(4) for every visited step, into G and hs (visiting order)."""
    T, _, H, B = G.shape
    A3, RZ, R, Z, HN, N = G[:, :3].reshape(T, 3 * H, B), G[:, :2], *(G[:, k] for k in range(4))
    d = np.empty((H, B), dtype=G.dtype)                           # h(t-1) - n
    half = np.array(0.5, dtype=G.dtype)
    mul, add, tanh, dot = np.multiply, np.add, np.tanh, np.dot    # out passed positionally
    for t, (a3, rz, r, z, hn, n, hp, h, xrz, xn) in enumerate(
            zip(A3, RZ, R, Z, HN, N, hs[:-1], hs[1:, :H], xs[:, :2], xs[:, 2])):
        dot(W11a, hp, a3)                                         # (1) W11 h(t-1) + b: r, z, hn
        add(rz, xrz, rz)                                          # (1) + W0 x(t): a_r/2, a_z/2
        tanh(rz, rz)
        mul(rz, half, rz)
        add(rz, half, rz)                                         # (2) r, z = (1 + tanh(a/2))/2
        mul(r, hn, n)                                             # (3) r * hn
        add(n, xn, n)                                             # (3) + W0_n x(t) + b0_n
        tanh(n, n)                                                # (3) n
        np.subtract(hp[:H], n, d)
        mul(d, z, d)
        add(n, d, h)                                              # (4) h = n + z (h(t-1) - n)
        if pad is not None:
            np.copyto(h, hp[:H], where=pad[t])                    # padded step: h(t) = h(t-1)


def backward(params: Params, cache: dict[str, Any], dh: Array | None,
             dstate: Sequence[Array | None] | None = None) -> tuple[Params, Array, State]:
    """BPTT through the whole sequence.

    dh (T, B, H): dL/dh(t) from above (None: zero); dstate: None or (dL/dh,) for the final state,
    the state after the last visited step (h(T), or h(1) when reverse).
    Returns (grads {"W0", "W11", "b0", "b_hn"}, dx (T, B, D), (dL/dh0,)).

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0", "b_hn"}, as init returns them.
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
        dL/d of each parameter {"W0", "W11", "b0", "b_hn"}.
    dx : ndarray, (T, B, D)
        dL/dx(t), time order.
    dstate0 : tuple of ndarray
        (dL/dh0,), the gradient of the initial state.
    """
    if "loops" in cache:                                          # a forward on compiled loops
        return backend.compiled(NAME).backward(params, cache, dh, dstate)
    x, hs, reverse = cache["x"], cache["hs"], cache["reverse"]
    T, B, D = x.shape
    H = hs.shape[1] - 1
    ws = _backward_workspace(T, H, B, hs.dtype)
    dh0 = _bptt(params, cache, dh, dstate, ws)                    # Dg: dhn, da_r, da_z, da_n
    da, hp = ws["da"], ws["hp"]                                   # (4H, T B), (H + 1, T B)
    _time.steps_to_columns(ws["Dg"].reshape(T, 4 * H, B), da)
    _time.steps_to_columns(hs[:-1], hp)                           # [h(t-1); 1]
    dah, dax = da[:3 * H], da[H:]                 # [dhn; da_r; da_z] and [da_r; da_z; da_n]
    dWa = dah @ hp.T                                              # rows n, r, z
    grads = {
        "W0": dax @ _time.steps(x, reverse).reshape(T * B, D),    # sum_t da(t) x(t)^T
        "W11": np.concatenate([dWa[H:, :H], dWa[:H, :H]]),        # sum_t da(t) h(t-1)^T, r, z, n
        "b0": dax.sum(axis=1),
        "b_hn": dWa[:H, H],                                       # sum_t dhn
    }
    dx = (dax.T @ params["W0"]).reshape(T, B, D)                  # W0^T da(t), visiting order
    return grads, np.ascontiguousarray(_time.steps(dx, reverse)), (dh0,)


def state_grads(params: Params, cache: dict[str, Any], dh: Array | None,
                dstate: Sequence[Array | None] | None = None) -> Array:
    """dL/dh(t) for every t (T, B, H), time order: the total gradient reaching h(t), from the
    layer above at t and through the recurrence from t+1. Same arguments as backward.

    Parameters
    ----------
    params : dict of str to ndarray
        The parameters {"W0", "W11", "b0", "b_hn"}, as init returns them.
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
    if "loops" in cache:
        return backend.compiled(NAME).state_grads(params, cache, dh, dstate)
    hs = cache["hs"]
    ws = _backward_workspace(hs.shape[0] - 1, hs.shape[1] - 1, hs.shape[2], hs.dtype)
    _bptt(params, cache, dh, dstate, ws)
    return np.ascontiguousarray(_time.steps(ws["gs"], cache["reverse"]).transpose(0, 2, 1))


def _backward_workspace(T, H, B, dtype):
    """The backward's buffers, views of one allocation: Dg (T, 4, H, B) (see _coefficients),
    gs, dh and zc (T, H, B), and da (4H, T B), hp (H + 1, T B) for the weight products."""
    names = ("Dg", "gs", "dh", "zc", "da", "hp")
    shapes = [(T, 4, H, B), (T, H, B), (T, H, B), (T, H, B), (4 * H, T * B), (H + 1, T * B)]
    return dict(zip(names, _time.workspace(shapes, dtype)))


def _bptt(params, cache, dh, dstate, ws):
    """Fill ws["Dg"] = [dhn, da_r, da_z, da_n] and ws["gs"] = dL/dh(t), feature-major in
    visiting order. Returns dL/dh0 (B, H). Blocks of steps, last first, as in nn/lstm.py."""
    G, hs, reverse = cache["G"], cache["hs"], cache["reverse"]
    T, _, H, B = G.shape
    mask = None if cache["mask"] is None else _time.steps(cache["mask"], reverse)
    W11aT = cache["W11aT"][:H]                                    # the forward's copy, W11^T
    W11nT = np.concatenate([W11aT[:, 2 * H:], 2 * W11aT[:, :2 * H]], axis=1)  # n, r, z; undo 1/2
    dnext = _time.feature_major(_time.as_state(dstate, 1, B, H, hs.dtype, NAME, "dstate")[0],
                                hs.dtype)
    dhv = None
    if dh is not None:
        dhv = ws["dh"]
        np.copyto(dhv, _time.steps(dh, reverse).transpose(0, 2, 1))   # feature-major, visiting
    k = _time.block_steps(4 * H * B * hs.itemsize)                # steps per block: Dg in 1 MB
    for t0, t1 in reversed(_time.blocks(T, k)):
        s = slice(t0, t1)
        Zc = _coefficients(G[s], hs[:-1, :H][s], _time.part(mask, s), ws["Dg"][s], ws["zc"][s])
        _backward_loop(ws["Dg"][s], Zc, ws["gs"][s], dnext, _time.part(dhv, s), W11nT)
    return _time.batch_major(dnext)


def _coefficients(G, hprev, mask, Dg, zc):
    """The backward's factors that depend on the forward only, for all steps of a block at once.

    Dg (T, 4, H, B) = [r, hn r(1-r), (h(t-1) - n) z(1-z), (1-z)(1-n^2)], so that
    [da_z, da_n] = dh * Dg[2:4] and [dhn, da_r] = da_n * Dg[0:2]. Returns Zc (T, H, B) = z, the
    direct path dh(t-1) += dh z (in zc when masked). A padded step gets zero gate factors and
    Zc = 1 (h(t) = h(t-1)). zc also serves as scratch.
    """
    r, z, hn, n = (G[:, k] for k in range(4))
    Dr, Dhr, Dz, Dn = (Dg[:, k] for k in range(4))
    Dr[...] = r                                                   # (3) dhn = da_n r
    np.subtract(1, r, out=Dhr)
    Dhr *= r
    Dhr *= hn                                                     # (3, 2) da_r = da_n hn r(1-r)
    np.subtract(1, z, out=Dz)                                     # (4) dn = dh (1 - z)
    np.multiply(n, n, out=Dn)
    np.subtract(1, Dn, out=Dn)
    Dn *= Dz                                                      # (3) da_n = dn (1 - n^2)
    Dz *= z
    Dz *= np.subtract(hprev, n, out=zc)                           # (4, 2) da_z = dh (h - n) z(1-z)
    if mask is None:
        return z                                                  # (4) dh(t-1) += dh z
    pad = ~mask[:, None, :]                                       # (T, 1, B)
    np.copyto(Dg[:, 2:], 0, where=pad[:, None])
    np.copyto(zc, z)
    np.copyto(zc, 1, where=pad)                                   # padded: dh(t-1) = dh(t)
    return zc


def _backward_loop(Dg, Zc, gs, dnext, dh, W11nT):
    """Turn Dg into the gate gradients in place, last visited step first; dnext ends as dL/dh0."""
    T, _, H, B = Dg.shape
    Dh = Dg[:, :3].reshape(T, 3 * H, B)                           # [dhn; da_r; da_z]
    carry = np.empty((H, B), dtype=gs.dtype)                      # dh z
    dhs = repeat(None) if dh is None else dh[::-1]
    mul, add, dot = np.multiply, np.add, np.dot                   # out passed positionally
    for g, dht, zn, nr, dan, zc, a in zip(gs[::-1], dhs, Dg[::-1, 2:4], Dg[::-1, 0:2],
                                          Dg[::-1, 3], Zc[::-1], Dh[::-1]):
        if dht is None:
            g[...] = dnext                                        # only the carried gradient
        else:
            add(dht, dnext, g)                                    # (4) dh = from above + from t+1
        mul(zn, g, zn)                                            # (4, 3, 2) da_z, da_n
        mul(nr, dan, nr)                                          # (3, 2) dhn, da_r
        mul(g, zc, carry)                                         # (4) dh z
        dot(W11nT, a, dnext)                                      # (1) W11^T [dhn, da_r, da_z]
        add(dnext, carry, dnext)                                  # (1) + dh z


def final_state(cache: dict[str, Any]) -> State:
    """The state after the last visited step: (h(T),), or (h(1),) for a reversed layer; new arrays.

    Parameters
    ----------
    cache : dict
        What forward returned with h.

    Returns
    -------
    tuple of ndarray
        (h,), each (B, H).
    """
    if "loops" in cache:
        return backend.compiled(NAME).final_state(cache)
    H = cache["hs"].shape[1] - 1
    return (_time.batch_major(cache["hs"][-1, :H]),)
