"""Deep and bidirectional stacks: wiring of layer calls, no new calculus.

Layer l (0-based here, l+1 in the lecture's notation) reads the states of layer l-1 (layer 0 reads
x = h^0):

    a^{l,t} = W0^l h^{l-1,t} + W11^l h^{l,t-1} + b0^l

Bidirectional: each layer has a forward pass ("f", t = 1..T from h_f(0)) and a backward pass
("b", t = T..1 from h_b(T+1)), each with its own W0, W11, b0. The layer above reads both, their
states concatenated [h_f(t); h_b(t)] (as PyTorch does), so its W0 has 2H columns: the first H act
on h_f, the last H on h_b. The top layer's two directions are returned separately, so that the
output layer can fuse them as the lecture writes: a(t) = W1_f h_f(t) + b1_f + W1_b h_b(t) + b1_b.

`cell` is a cell module of the protocol (nn/__init__); a layer's state is a tuple, (h,) or (h, c).
"""
from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from . import _time
from .._types import Array

DIRECTIONS = ("f", "b")


def param_shapes(cell: ModuleType, n_in: int, n_hidden: int, n_layers: int, *,
                 bidirectional: bool) -> list[Any]:
    """The shapes init returns, without allocating: the same list (and dicts) of shape dicts.

    Parameters
    ----------
    cell : module
        The cell module (rnnlab.nn.elman, lstm or gru).
    n_in : int
        D.
    n_hidden : int
        H.
    n_layers : int
        The number of layers.
    bidirectional : bool
        Whether every layer runs both ways.

    Returns
    -------
    list
    """
    layers, width = [], n_in
    for _ in range(n_layers):
        one = cell.param_shapes(width, n_hidden)
        layers.append({d: dict(one) for d in DIRECTIONS} if bidirectional else one)
        width = n_hidden * (2 if bidirectional else 1)
    return layers


def init(cell: ModuleType, n_in: int, n_hidden: int, n_layers: int, *, bidirectional: bool,
         rng: np.random.Generator, dtype: DTypeLike, **opts: Any) -> list[Any]:
    """A list of per-layer params; with bidirectional, each layer is {"f": params, "b": params}.

    Parameters
    ----------
    cell : module
        The cell module (rnnlab.nn.elman, lstm or gru).
    n_in : int
        D.
    n_hidden : int
        H.
    n_layers : int
        The number of layers.
    bidirectional : bool
        Whether every layer runs both ways.
    rng : numpy.random.Generator
        The generator.
    dtype : numpy dtype
        float32 or float64.
    **opts
        The cell's options (activation, ...).

    Returns
    -------
    list
    """
    layers = []
    width = n_in
    for _ in range(n_layers):
        if bidirectional:
            layers.append({d: cell.init(width, n_hidden, rng=rng, dtype=dtype, **opts)
                           for d in DIRECTIONS})
        else:
            layers.append(cell.init(width, n_hidden, rng=rng, dtype=dtype, **opts))
        width = n_hidden * (2 if bidirectional else 1)
    return layers


def _pick(tree, l, d):
    """tree[l] (or tree[l][d] for a direction); None stays None."""
    if tree is None or tree[l] is None:
        return None
    return tree[l] if d is None else tree[l][d]


def forward(cell: ModuleType, layers: list[Any], x: Array, h0: list[Any] | None = None, *,
            mask: Array | None = None, bidirectional: bool = False,
            **opts: Any) -> tuple[list[Any], list[Any]]:
    """Run the stack over x (T, B, D), keeping what backward needs.

    h0: None, or a list with one state per layer ({"f": s, "b": s} per layer when bidirectional).
    Returns (outs, caches): outs[l] is layer l's h (T, B, H), or (h_f, h_b) when bidirectional;
    outs[-1] is the top layer's.

    Parameters
    ----------
    cell : module
        The cell module (rnnlab.nn.elman, lstm or gru).
    layers : list
        Per-layer params, as init returns them.
    x : ndarray, (T, B, D)
        Inputs, time-major.
    h0 : list, optional
        Initial states.
    mask : ndarray of bool, (T, B), optional
        The real steps.
    bidirectional : bool
        Whether every layer runs both ways.
    **opts
        The cell's options (activation, ...).

    Returns
    -------
    outs : list
    caches : list
    """
    outs, caches = [], []
    inp = x
    for l, p in enumerate(layers):
        if bidirectional:
            hf, cf = cell.forward(p["f"], inp, _pick(h0, l, "f"), mask=mask, **opts)
            hb, cb = cell.forward(p["b"], inp, _pick(h0, l, "b"), mask=mask, reverse=True, **opts)
            caches.append({"f": cf, "b": cb})
            outs.append((hf, hb))
            inp = np.concatenate([hf, hb], axis=-1)              # (T, B, 2H) for layer l+1
        else:
            inp, c = cell.forward(p, inp, _pick(h0, l, None), mask=mask, **opts)
            caches.append(c)
            outs.append(inp)
    return outs, caches


def infer(cell: ModuleType, layers: list[Any], x: Array, h0: list[Any] | None = None, *,
          mask: Array | None = None, bidirectional: bool = False, keep: str = "top",
          emit: Callable[[int, list[Any]], object] | None = None, chunk_bytes: int = 4 << 20,
          **opts: Any) -> list[Any]:
    """Run the stack forward without the buffers only backward needs. Returns the final states
    (the layout h0 takes).

    emit(t0, outs) receives the outputs of steps t0, t0 + 1, ...: outs is [top] (keep="top") or
    every layer's (keep="all"), each (n, B, H) or (h_f, h_b). A unidirectional stack runs a
    chunk of steps (about chunk_bytes of gates) through every layer before the next chunk, so
    memory stays one chunk per layer whatever T is; a bidirectional layer needs the whole
    sequence of the layer below, so it runs layer by layer and emits once.

    Parameters
    ----------
    cell : module
        The cell module (rnnlab.nn.elman, lstm or gru).
    layers : list
        Per-layer params, as init returns them.
    x : ndarray, (T, B, D)
        Inputs, time-major.
    h0 : list, optional
        Initial states.
    mask : ndarray of bool, (T, B), optional
        The real steps.
    bidirectional : bool
        Whether every layer runs both ways.
    keep : {"top", "all"}
        Which layers' outputs are emitted.
    emit : callable, optional
        ``emit(t0, outs)``, see above.
    chunk_bytes : int
        The size of a chunk of steps.
    **opts
        The cell's options (activation, ...).

    Returns
    -------
    list
        The final states.
    """
    if bidirectional:
        return _infer_bidirectional(cell, layers, x, h0, mask, keep, emit, opts)
    T, B, _ = x.shape
    H = layers[0]["W11"].shape[1]
    k = _time.block_steps(B * H * (cell.GATES + 2) * x.itemsize, chunk_bytes)
    states = [_pick(h0, l, None) for l in range(len(layers))]
    for t0, t1 in _time.blocks(T, k):
        inp, outs = x[t0:t1], []
        for l, p in enumerate(layers):
            inp, states[l] = cell.infer(p, inp, states[l], mask=_time.part(mask, slice(t0, t1)),
                                        **opts)
            outs.append(inp)
        if emit is not None:
            emit(t0, outs if keep == "all" else outs[-1:])
    return states


def _infer_bidirectional(cell, layers, x, h0, mask, keep, emit, opts):
    outs: list[Any]
    outs, finals, inp = [], [], x
    for l, p in enumerate(layers):
        hf, sf = cell.infer(p["f"], inp, _pick(h0, l, "f"), mask=mask, **opts)
        hb, sb = cell.infer(p["b"], inp, _pick(h0, l, "b"), mask=mask, reverse=True, **opts)
        finals.append({"f": sf, "b": sb})
        outs.append((hf, hb))
        inp = np.concatenate([hf, hb], axis=-1) if l + 1 < len(layers) else None
        if keep != "all" and l + 1 < len(layers):
            outs[-1] = None                                      # only the layer above needs it
    if emit is not None:
        emit(0, outs if keep == "all" else outs[-1:])
    return finals


def final_states(cell: ModuleType, caches: list[Any], bidirectional: bool = False) -> list[Any]:
    """The state after each layer's last visited step, in the layout h0 takes.

    Parameters
    ----------
    cell : module
        The cell module (rnnlab.nn.elman, lstm or gru).
    caches : list
        From forward.
    bidirectional : bool
        Whether every layer runs both ways.

    Returns
    -------
    list
    """
    if bidirectional:
        return [{d: cell.final_state(c[d]) for d in DIRECTIONS} for c in caches]
    return [cell.final_state(c) for c in caches]


def backward(cell: ModuleType, layers: list[Any], caches: list[Any], dtop: Any,
             dfinal: list[Any] | None = None, *,
             bidirectional: bool = False) -> tuple[list[Any], Array, list[Any]]:
    """Backpropagate through the stack, top layer first.

    dtop: dL/dh of the top layer (T, B, H), or (dh_f, dh_b); None entries mean zero.
    dfinal: None, or per layer the gradient of that layer's final state (layout of h0).
    Returns (grads, dx, dh0): grads mirrors `layers`, dh0 mirrors h0 (one state per layer).

    Parameters
    ----------
    cell : module
        The cell module (rnnlab.nn.elman, lstm or gru).
    layers : list
        Per-layer params, as init returns them.
    caches : list
        From forward.
    dtop : ndarray or tuple
        See above.
    dfinal : list, optional
        See above.
    bidirectional : bool
        Whether every layer runs both ways.

    Returns
    -------
    grads : list
    dx : ndarray, (T, B, D)
    dh0 : list
    """
    n = len(layers)
    grads: list[Any]
    dh0: list[Any]
    grads, dh0 = [None] * n, [None] * n
    dh = dtop
    for l in range(n - 1, -1, -1):
        if bidirectional:
            g, d0, dxs = {}, {}, []
            for i, d in enumerate(DIRECTIONS):
                g[d], dx_d, d0[d] = cell.backward(layers[l][d], caches[l][d],
                                                  None if dh is None else dh[i],
                                                  _pick(dfinal, l, d))
                dxs.append(dx_d)
            dx = dxs[0] + dxs[1]                                 # both directions read the input
        else:
            g, dx, d0 = cell.backward(layers[l], caches[l], dh, _pick(dfinal, l, None))
        grads[l], dh0[l] = g, d0
        if l > 0 and bidirectional:
            H = dx.shape[-1] // 2
            dh = (dx[..., :H], dx[..., H:])                      # split [h_f; h_b] of layer l-1
        else:
            dh = dx
    return grads, dh, dh0
