"""Sequence in, sequence out, step for step: many-to-many, and many-to-many delayed.

many-to-many (aligned): X (B, T, D) -> Y (B, T, K); y(t) answers x(t) (mappings/base.py).
many-to-many-delayed (delay d): the input is padded with d zero steps at the end and y(t + d) is
compared with target(t): the network reads d steps ahead before it answers.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .base import ManyToMany, Net, sequence_inputs, time_major
from .._types import Array

__all__ = ["ManyToMany", "Delayed"]


class Delayed(ManyToMany):
    """y(t + d) answers x(t): the input gets d zero steps at the end.

    Parameters
    ----------
    delay : int
        d, at least 1.
    """
    name = "many-to-many-delayed"
    streams = False                                # each call reads d padding steps at its end
    returns_state = False                          # the final state has read the padding

    def __init__(self, delay: int) -> None:
        self.delay = delay
        self.first_answer = delay

    def inputs(self, net: Net, X: ArrayLike, mask: ArrayLike | None,
               n_steps: int | None = None) -> tuple[Array, Array | None]:
        x, m = sequence_inputs(net, X, mask, self.name)
        T, B, D = x.shape
        d = self.delay
        if d > T:
            raise ValueError(f"delay={d} is longer than the sequences (T={T}) for mapping="
                             f"'many-to-many-delayed': the target would never be compared")
        if m is not None:
            if (np.diff(m.astype(np.int8), axis=0) > 0).any():
                raise ValueError("mask: mapping='many-to-many-delayed' needs the real steps "
                                 "first in each sequence (padding only at the end)")
            x = x * m[:, :, None]                  # zeros after each sequence's end
            lengths = m.sum(axis=0)                # (B,)
            m = np.arange(T + d)[:, None] < (lengths + d)[None, :]      # (T + d, B)
        x = np.concatenate([x, np.zeros((d, B, D), dtype=x.dtype)])     # (T + d, B, D)
        return x, m

    def targets(self, net: Net, Y: ArrayLike, mask: Array | None, x_shape: tuple[int, ...],
                n_steps: int | None = None) -> tuple[Array, Array | None]:
        T = x_shape[0] - self.delay
        return super().targets(net, Y, None if mask is None else mask[self.delay:],
                               (T,) + tuple(x_shape[1:]))

    def select(self, top: Any, bidirectional: bool) -> Any:
        d = self.delay
        return (top[0][d:], top[1][d:]) if bidirectional else top[d:]

    def select_backward(self, dsel: Any, top: Any, net: Net) -> tuple[Any, list[Any] | None]:
        def pad(ds, t):
            full = np.zeros(t.shape, dtype=t.dtype)
            full[self.delay:] = ds
            return full
        if net.bidirectional:
            return (pad(dsel[0], top[0]), pad(dsel[1], top[1])), None
        return pad(dsel, top), None

    def input_grad(self, dx: Array, x_user_shape: tuple[int, ...],
                   mask: ArrayLike | None = None) -> Array:
        dX = time_major(dx[:x_user_shape[1]])
        if mask is not None:                       # padded inputs were replaced by zeros
            dX = dX * np.asarray(mask, dtype=bool)[:, :, None]
        return np.ascontiguousarray(dX)
