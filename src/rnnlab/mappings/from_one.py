"""one-to-many: one input vector, a sequence of T outputs.

X (B, D) -> Y (B, T, K). T comes from the target (loss_and_grads, fit) or from
predict(X, n_steps=T). feed="first" (default) gives x at t = 1 and zeros after; feed="every"
gives the same x at every step.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .. import _checks
from .base import ManyToMany, Net, require_steps, target_steps, time_major, vector_inputs
from .._types import Array


class OneToMany(ManyToMany):
    """One input vector, a sequence of T outputs.

    Parameters
    ----------
    feed : str
        How the input vector is fed over the steps (see FEEDS).
    """
    name = "one-to-many"
    streams = False
    takes_n_steps = True                           # the output length comes from Y or n_steps
    states_take_n_steps = True                     # the stack runs n_steps steps

    def __init__(self, feed: str = "first") -> None:
        self.feed = feed

    def n_steps(self, Y: ArrayLike, free_shape: bool = False) -> int | None:
        return target_steps(Y, self.name, free_shape)

    def inputs(self, net: Net, X: ArrayLike, mask: ArrayLike | None,
               n_steps: int | None = None) -> tuple[Array, Array | None]:
        T = require_steps(n_steps, self.name)
        X = vector_inputs(net, X, self.name)
        x = np.zeros((T, X.shape[0], net.n_in), dtype=net.dtype)       # (T, B, D)
        if self.feed == "every":
            x[:] = X
        else:
            x[0] = X
        if mask is None:
            return x, None
        return x, np.ascontiguousarray(time_major(_checks.as_mask(mask, "mask", (X.shape[0], T))))

    def input_grad(self, dx: Array, x_user_shape: tuple[int, ...],
                   mask: ArrayLike | None = None) -> Array:
        return np.ascontiguousarray(dx.sum(axis=0) if self.feed == "every" else dx[0])
