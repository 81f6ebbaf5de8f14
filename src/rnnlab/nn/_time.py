"""The time-loop machinery every cell shares: visiting order, states, buffers, blocks of steps.

- Visiting order: a layer with reverse=True visits t = T..1; its loops run over views of the
  time-major arrays in that order (`steps`), so one loop serves both directions.
- States are tuples, (h,) or (h, c), each (B, H); `as_state` checks one against its cell.
- Workspaces: the buffers of a pass are views of one allocation (`workspace`), so that glibc's
  malloc keeps the memory for the next call instead of returning it to the system and faulting
  it in again page by page (a third of an LSTM training step at B = 32, H = 128).
- Blocks: a pass that must not hold every step at once (inference; the backward's factors) works
  on blocks of steps whose buffers fit a byte budget (`block_steps`, `blocks`).
- Feature-major steps: the gated cells keep each step as (features, B), so that every gate of a
  step is one contiguous block; `feature_major` and `steps_to_columns` move data in and out.
"""
from __future__ import annotations

import math

import numpy as np


def steps(arr, reverse):
    """The view of a time-major array (T, ...) in the order the recursion visits it."""
    return arr[::-1] if reverse else arr


def part(arr, s):
    """arr[s], None for None (optional per-step arrays: masks, gradients from above)."""
    return None if arr is None else arr[s]


def check_activation(activation, allowed, cell):
    """ValueError unless the cell computes with this hidden activation."""
    if activation not in allowed:
        raise ValueError(f"activation must be one of {', '.join(map(repr, allowed))} for the "
                         f"{cell} cell; got {activation!r}")


def as_state(state, n_states, batch, n_hidden, dtype, cell, name="state"):
    """A state as a tuple of n_states (B, H) arrays of `dtype`; None -> zeros. Entries that are
    None are zeros too (a pair (h, None) starts an LSTM with c = 0)."""
    if state is None:
        state = (None,) * n_states
    if not isinstance(state, tuple) or len(state) != n_states:
        want = "(h,)" if n_states == 1 else "(h, c)"
        raise TypeError(f"{name} of the {cell} cell must be None or a tuple {want} of (B, H) "
                        f"arrays, got {type(state).__name__}")
    out = []
    for s in state:
        if s is None:
            out.append(np.zeros((batch, n_hidden), dtype=dtype))
        elif np.shape(s) != (batch, n_hidden):
            raise ValueError(f"{name} arrays must have shape {(batch, n_hidden)} (batch, H), got "
                             f"{np.shape(s)}")
        else:
            out.append(np.asarray(s, dtype=dtype))
    return tuple(out)


def workspace(shapes, dtype):
    """Views of one new buffer, one view per shape; each view starts a multiple of 16 items
    (64 bytes for float32) after the first, so that every view is aligned like the buffer."""
    sizes = [math.prod(s) for s in shapes]             # Python ints: no NumPy call per shape
    starts = [0]
    for n in sizes:
        starts.append(starts[-1] + -(-n // 16) * 16)
    buf = np.empty(starts[-1], dtype=dtype)
    return [buf[a:a + n].reshape(shape) for shape, n, a in zip(shapes, sizes, starts)]


def block_steps(bytes_per_step, budget=1 << 20):
    """How many steps fit `budget` bytes of per-step buffers (at least 1)."""
    return max(1, int(budget) // max(1, int(bytes_per_step)))


def blocks(T, k):
    """(start, stop) of blocks of k steps covering 0..T, in visiting order."""
    return [(t0, min(t0 + k, T)) for t0 in range(0, T, k)]


def feature_major(arr, dtype):
    """A (B, H) state as a new C-ordered (H, B) array."""
    return np.array(np.transpose(arr), dtype=dtype, order="C")


def batch_major(arr):
    """A feature-major (H, B) state (or a view of one) as a new C-ordered (B, H) array."""
    return np.ascontiguousarray(np.transpose(arr))


def halved(a, rows):
    """A copy of a with its first `rows` rows halved: then tanh(a) gives tanh(a_s / 2) for the
    sigmoid rows, and sigmoid(a_s) = (1 + tanh(a_s / 2)) / 2 costs one affine map."""
    out = np.array(a)
    out[:rows] *= 0.5
    return out


def steps_to_columns(src, dst):
    """dst (F, T B) = src (T, F, B) with the steps side by side: dst[:, t B:(t+1) B] = src[t].
    Each run of B floats is moved as one opaque record (a void dtype), which NumPy copies far
    faster than B floats one by one (3.5x at B = 32)."""
    T, F, B = src.shape
    record = np.dtype((np.void, B * src.itemsize))
    np.copyto(dst.reshape(F, T, B).view(record)[..., 0], src.view(record)[..., 0].swapaxes(0, 1))
