"""Mappings with one answer per sequence: many-to-one, and one-to-one (T = 1, a feed-forward net).

many-to-one: X (B, T, D) -> Y (B, K). Only the last real step of each sequence answers (with a
mask, each sequence's own last step: padded steps carry the state). A bidirectional model fuses
h_f(T) with h_b(1), the state of the backward pass once it has read the whole sequence.
one-to-one: X (B, D) -> Y (B, K): h = f(W0 x + b0), y = f_out(W1 h + b1) (W11 meets only h(0)).
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _checks
from ..nn import stack
from .base import ManyToMany, Net, check_target, output, run_opts, sequence_inputs, vector_inputs
from .._types import Array


class ManyToOne(ManyToMany):
    """One answer per sequence, from its last real step."""
    name = "many-to-one"

    def inputs(self, net: Net, X: ArrayLike, mask: ArrayLike | None,
               n_steps: int | None = None) -> tuple[Array, Array | None]:
        x, m = sequence_inputs(net, X, mask, self.name)
        if m is not None and not m.any(axis=0).all():
            empty = np.flatnonzero(~m.any(axis=0)).tolist()[:5]
            raise ValueError(f"mask marks no real step for sequence(s) {empty}: mapping="
                             f"'many-to-one' answers from each sequence's last real step")
        return x, m

    def targets(self, net: Net, Y: ArrayLike, mask: Array | None, x_shape: tuple[int, ...],
                n_steps: int | None = None) -> tuple[Array, Array | None]:
        """Y (B, K) -> (target (B, K), no mask: every sequence has its answer)."""
        if callable(net.loss):
            return _checks.as_array(Y, "Y"), None
        return check_target(net, Y, (x_shape[1],), self.name), None

    def answer_steps(self, x_steps: int, n_steps: int | None = None) -> int:
        return 1                                   # one answer per sequence

    def select(self, top: Any, bidirectional: bool) -> Any:
        if bidirectional:                          # h_f(T) and h_b(1): each has read everything
            return top[0][-1], top[1][0]
        return top[-1]                             # padded steps carry h: h(T) is the last real one

    def select_backward(self, dsel: Any, top: Any, net: Net) -> tuple[Any, list[Any] | None]:
        """The output's gradient enters the top layer's final state(s), as their h part."""
        rest = (None,) * (len(net.cell.STATE) - 1)
        dfinal: list[Any] = [None] * net.n_layers
        dfinal[-1] = ({"f": (dsel[0],) + rest, "b": (dsel[1],) + rest} if net.bidirectional
                      else (dsel,) + rest)
        return None, dfinal

    def infer(self, net: Net, x: Array, mask: Array | None, h0: list[Any] | None,
              n_steps: int | None = None) -> tuple[Array, list[Any] | None]:
        """Only the final states are kept: memory does not grow with T."""
        finals = stack.infer(net.cell, net.params["layers"], x, h0, mask=mask,
                             bidirectional=net.bidirectional, emit=None, **run_opts(net))
        top = finals[-1]
        hsel = (top["f"][0], top["b"][0]) if net.bidirectional else top[0]
        return output(net, hsel), finals

    def to_user(self, arr: Array) -> Array:
        return arr

    from_user = to_user


class OneToOne(ManyToOne):
    """T = 1: a feed-forward net h = f(W0 x + b0), y = f_out(W1 h + b1)."""
    name = "one-to-one"
    streams = False

    def inputs(self, net: Net, X: ArrayLike, mask: ArrayLike | None,
               n_steps: int | None = None) -> tuple[Array, Array | None]:
        if mask is not None:
            raise ValueError("mapping='one-to-one' takes no mask: each sample is one step")
        return vector_inputs(net, X, self.name)[None], None            # (1, B, D)

    def input_grad(self, dx: Array, x_user_shape: tuple[int, ...],
                   mask: ArrayLike | None = None) -> Array:
        return np.ascontiguousarray(dx[0])
