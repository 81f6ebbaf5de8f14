"""The math: pure functions, one module per cell, forward and backward side by side.

Every cell module (elman, lstm, gru) offers the same protocol, so that the stack, the mappings,
the model and the tests never ask which cell they run:

    NAME, STATE ("h",) or ("h", "c"), GATES, ACTIVATIONS, INIT_OPTIONS
    param_shapes(n_in, n_hidden) -> {name: shape}          without allocating
    init(n_in, n_hidden, *, rng, dtype, init, radius, **INIT_OPTIONS) -> params
    zero_state(batch, n_hidden, dtype) -> state             a tuple, (h,) or (h, c)
    step(params, x_t, state, *, activation) -> state        reference: the cell's equations
    step_backward(params, x_t, state, dstate, *, activation) -> (grads, dx_t, dstate_prev)
    forward(params, x, h0=None, *, mask=None, reverse=False, activation) -> (h, cache)
    infer(params, x, h0=None, *, mask=None, reverse=False, activation, block_bytes)
                                                            -> (h, final state)
    backward(params, cache, dh, dstate=None) -> (grads, dx, dh0)       dh0 a state tuple
    state_grads(params, cache, dh, dstate=None) -> dL/dh(t), (T, B, H)
    final_state(cache) -> state

with time-major arrays x (T, B, D), h (T, B, H), mask (T, B). `step` / `step_backward` are the
equations as written, the fast `forward` / `backward` loops are tested against a loop over them
(nn/reference.py) for every cell, and `infer` keeps no buffer that only the backward needs.
Nothing here keeps state between calls.

A new cell: a module with these names, added to CELLS below and to the list of cells in
tests/nn/test_cell_contract.py; nothing else in the package changes. The time-loop machinery the
cells share (visiting order, states, workspaces, blocks of steps) is nn/_time.py.
"""
from . import activations, dense, elman, gru, init, losses, lstm, reference, stack

CELLS = {"elman": elman, "lstm": lstm, "gru": gru}

__all__ = ["CELLS", "activations", "dense", "elman", "gru", "init", "losses", "lstm",
           "reference", "stack"]
