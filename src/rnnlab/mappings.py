"""Sequence mappings: how inputs and targets line up in time.

Legend: x = the step reads an input, y = the step produces an output that enters the loss,
. = no input (zeros) or no output.

many-to-many (aligned): X (B, T, D) -> Y (B, T, K); every step reads and answers.

    input   x x x x x
    output  y y y y y

many-to-one: X (B, T, D) -> Y (B, K); only the last real step of each sequence answers (with a
mask, each sequence's own last step; a bidirectional model fuses h_f(T) with h_b(1), the state
of the backward pass after it has read the whole sequence).

    input   x x x x x
    output  . . . . y

Each mapping is an object with the same small interface, used by rnnlab.RNN:
inputs() and targets() validate and turn batch-first arrays into time-major ones, select() picks
the states the output layer reads, select_backward() routes their gradient back into the stack.
"""
from __future__ import annotations

import numpy as np

from . import _checks

NAMES = ("many-to-many", "many-to-one")
LATER = ("one-to-one", "one-to-many", "many-to-many-delayed", "seq2seq")


def get(name, *, delay=0):
    """The mapping object for a name."""
    if name in LATER:
        raise NotImplementedError(f"mapping={name!r} has not landed yet; available: "
                                  f"{', '.join(NAMES)}")
    _checks.check_choice(name, "mapping", NAMES + LATER)
    if delay:
        raise ValueError(f"delay={delay} needs mapping='many-to-many-delayed', not {name!r}")
    return {"many-to-many": ManyToMany, "many-to-one": ManyToOne}[name]()


def _time_major(arr):
    """(B, T, ...) <-> (T, B, ...) as a view."""
    return arr.swapaxes(0, 1)


def sequence_inputs(model, X, mask):
    """X (B, T, D) and mask (B, T) -> time-major x (T, B, D) in the model's dtype, mask (T, B)."""
    X = _checks.as_array(X, "X", ndim=3)
    B, T, D = X.shape
    if D != model.n_in:
        raise ValueError(f"X must have shape (batch, steps, {model.n_in}), got {X.shape}: "
                         f"its last axis must match n_in={model.n_in}")
    if B == 0 or T == 0:
        raise ValueError(f"X must hold at least one sequence of at least one step, got {X.shape}")
    x = np.ascontiguousarray(_time_major(X), dtype=model.dtype)
    if mask is None:
        return x, None
    m = _checks.as_mask(mask, "mask", (B, T))
    if not m.any(axis=1).all():
        raise ValueError(f"mask marks no real step for sequence(s) "
                         f"{np.flatnonzero(~m.any(axis=1)).tolist()[:5]}")
    return x, np.ascontiguousarray(_time_major(m))


def check_target(model, Y, lead, name="Y"):
    """Y of shape lead + (K,), or class indices of shape `lead` for cross-entropy."""
    Y = _checks.as_array(Y, name)
    K = model.n_out
    if model.loss == "cross_entropy" and Y.dtype.kind in "iub" and Y.shape == lead:
        if Y.size and (Y.min() < 0 or Y.max() >= K):
            raise ValueError(f"{name} holds class indices that must lie in 0..{K - 1}, "
                             f"got {int(Y.min())}..{int(Y.max())}")
        return Y
    if Y.shape != lead + (K,):
        also = (f" or class indices of shape {lead}" if model.loss == "cross_entropy" else "")
        raise ValueError(f"{name} must have shape {lead + (K,)}{also} for mapping="
                         f"{model.mapping.name!r}, got {Y.shape}")
    return Y.astype(model.dtype, copy=False)


class ManyToMany:
    """Aligned: y(t) answers x(t) at every step."""
    name = "many-to-many"

    inputs = staticmethod(sequence_inputs)

    def targets(self, model, Y, mask, x_shape):
        """Y (B, T, K) -> (time-major target, loss mask (T, B) or None)."""
        T, B, _ = x_shape
        if callable(model.loss):                   # a custom loss sees Y exactly as given
            return _checks.as_array(Y, "Y"), mask
        return _time_major(check_target(model, Y, (B, T))), mask

    def select(self, top, bidirectional):
        return top

    def select_backward(self, dsel, top, bidirectional, n_layers):
        return dsel, None

    to_user = from_user = staticmethod(_time_major)


class ManyToOne:
    """One answer per sequence, from its last real step."""
    name = "many-to-one"

    inputs = staticmethod(sequence_inputs)

    def targets(self, model, Y, mask, x_shape):
        """Y (B, K) -> (target (B, K), no mask: every sequence has its answer)."""
        if callable(model.loss):
            return _checks.as_array(Y, "Y"), None
        return check_target(model, Y, (x_shape[1],)), None

    def select(self, top, bidirectional):
        if bidirectional:                          # h_f(T) and h_b(1): each has read everything
            return top[0][-1], top[1][0]
        return top[-1]                             # padded steps carry h, so h(T) is the last real one

    def select_backward(self, dsel, top, bidirectional, n_layers):
        """The output's gradient enters the top layer's final state(s)."""
        dfinal = [None] * n_layers
        dfinal[-1] = {"f": dsel[0], "b": dsel[1]} if bidirectional else dsel
        return None, dfinal

    @staticmethod
    def to_user(arr):
        return arr

    from_user = to_user
