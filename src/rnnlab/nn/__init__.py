"""The math: pure functions, one module per layer kind, forward and backward side by side.

Every recurrent layer module (elman, and later lstm, gru) offers
    init(n_in, n_hidden, *, rng, dtype, ...) -> params
    forward(params, x, h0=None, *, mask=None, reverse=False, ...) -> (h, cache)
    backward(params, cache, dh, dstate=None) -> (grads, dx, dh0)
    final_state(cache) -> the state after the last visited step
with time-major arrays x (T, B, D), h (T, B, H), mask (T, B). Nothing here keeps state between calls.
"""
from . import activations, dense, elman, init, losses, stack

__all__ = ["activations", "dense", "elman", "init", "losses", "stack"]
