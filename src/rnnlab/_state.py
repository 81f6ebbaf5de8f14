"""Recurrent states at the model's boundary: the user's layout and the cells' layout.

Inside nn/ a layer's state is always a tuple, (h,) or (h, c). Users see PyTorch's layout: a bare
(B, H) array for a one-state cell (Elman, GRU: h_n), a pair (h, c) for the LSTM; a model takes
and returns one state per layer in a list, and a dict {"f": ..., "b": ...} per layer when it is
bidirectional. A 1-tuple (h,) is accepted wherever a bare array is.
"""
from __future__ import annotations

import numpy as np

from . import _checks

DIRECTIONS = ("f", "b")


def per_state(states, fn, bidirectional):
    """fn applied to each layer's state (each direction's, when bidirectional)."""
    if bidirectional:
        return [{d: fn(s[d]) for d in DIRECTIONS} for s in states]
    return [fn(s) for s in states]


def to_user(states, bidirectional):
    """Cell-layout states (tuples) -> the user's layout (bare arrays for one-state cells)."""
    return per_state(states, lambda s: s[0] if len(s) == 1 else tuple(s), bidirectional)


def from_user(h0, *, n_layers, bidirectional, n_states, batch, n_hidden, dtype):
    """A user's h0 (one state per layer; a bare state when n_layers == 1), checked and cast, in
    the cells' layout."""
    if not isinstance(h0, list):
        if n_layers != 1:
            raise TypeError(f"h0 must be a list of {n_layers} states, one per layer, "
                            f"got {type(h0).__name__}")
        h0 = [h0]
    if len(h0) != n_layers:
        raise ValueError(f"h0 must hold one state per layer ({n_layers}), got {len(h0)}")
    want = (batch, n_hidden)
    out = []
    for l, s in enumerate(h0):
        if bidirectional:
            if not isinstance(s, dict) or set(s) != set(DIRECTIONS):
                raise TypeError(f"h0[{l}] must be a dict {{'f': state, 'b': state}} for a "
                                f"bidirectional model, got {type(s).__name__}")
            out.append({d: _one(s[d], f"h0[{l}][{d!r}]", n_states, want, dtype)
                        for d in DIRECTIONS})
        else:
            out.append(_one(s, f"h0[{l}]", n_states, want, dtype))
    return out


def _one(s, name, n_states, want, dtype):
    """One layer's state as a tuple of n_states arrays of shape `want`."""
    if isinstance(s, tuple):
        if len(s) != n_states:
            raise TypeError(f"{name} must be {_layout(n_states, want)}, got a tuple of {len(s)}")
        parts = s
    elif n_states == 1:
        parts = (s,)
    else:
        raise TypeError(f"{name} must be {_layout(n_states, want)}, got {type(s).__name__}")
    out = []
    for i, v in enumerate(parts):
        part = f"{name}[{i}]" if n_states > 1 else name
        arr = _checks.as_array(v, part, dtype=dtype)
        if arr.shape != want:
            raise ValueError(f"{part} must have shape {want} (batch, n_hidden), got {arr.shape}")
        out.append(arr)
    return tuple(out)


def _layout(n_states, want):
    return f"an array {want}" if n_states == 1 else f"a tuple (h, c) of arrays {want}"


def batch_of(states):
    """The batch size of states in the cells' layout (first layer, first array)."""
    first = states[0]
    first = first["f"] if isinstance(first, dict) else first
    return np.shape(first[0])[0]
