"""The encoder-decoder mapping (mapping="seq2seq").

An encoder stack (params["layers"]) reads X (B, T_in, D); a decoder stack (params["decoder"],
input size K, unidirectional) starts from the encoder's final states, one per layer, and
produces T_out outputs through the shared output layer. The decoder reads zeros, or its own
previous output y(t-1) (y(0) = 0) with the gradient flowing through it, or with teacher forcing
the true target(t-1) during training. Backward: the decoder's dL/dh0 is the gradient of the
encoder's final states. No new calculus: only wiring of nn/ calls.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _checks
from .._tree import zip_map
from ..nn import activations, stack
from ..nn.losses import one_hot
from .base import (ManyToMany, check_target, output, output_backward, require_steps, run_opts,
                   sequence_inputs, target_steps, time_major)
from .._types import Array
from .base import Net


class Seq2Seq(ManyToMany):
    """An encoder stack reads X; a decoder stack starts from its final states and answers.

    Parameters
    ----------
    decoder_input : str
        What the decoder reads at each step (see DECODER_INPUTS).
    teacher_forcing : bool
        Whether it reads the targets while training.
    """
    name = "seq2seq"
    streams = False
    returns_state = False
    takes_n_steps = True

    def __init__(self, decoder_input: str = "zeros", teacher_forcing: bool = False) -> None:
        self.decoder_input = decoder_input
        self.teacher_forcing = teacher_forcing

    def n_steps(self, Y: ArrayLike, free_shape: bool = False) -> int | None:
        return target_steps(Y, self.name, free_shape)

    def answer_steps(self, x_steps: int, n_steps: int | None = None) -> int:
        return require_steps(n_steps, self.name)   # the decoder's steps, not the encoder's

    def inputs(self, net: Net, X: ArrayLike, mask: ArrayLike | None,
               n_steps: int | None = None) -> tuple[Array, Array | None]:
        if n_steps is not None:
            require_steps(n_steps, self.name)
        return sequence_inputs(net, X, mask, self.name)

    def targets(self, net: Net, Y: ArrayLike, mask: Array | None, x_shape: tuple[int, ...],
                n_steps: int | None = None) -> tuple[Array, Array | None]:
        if callable(net.loss):
            if self.teacher_forcing:
                raise ValueError("teacher_forcing=True needs a named loss: the decoder reads the "
                                 "targets, which a custom loss may shape freely")
            return _checks.as_array(Y, "Y"), None
        return time_major(check_target(net, Y, (x_shape[1], n_steps), self.name)), None

    def _free_running(self, target):
        return self.decoder_input == "previous" and not (self.teacher_forcing
                                                         and target is not None)

    # -- training ---------------------------------------------------------------------------------
    def forward(self, net: Net, x: Array, mask: Array | None, h0: list[Any] | None,
                n_steps: int | None = None,
                target: Array | None = None) -> tuple[Array, dict[str, Any]]:
        n_steps = require_steps(n_steps, self.name)
        _, enc_caches = stack.forward(net.cell, net.params["layers"], x, h0, mask=mask,
                                      **run_opts(net))
        s0 = stack.final_states(net.cell, enc_caches)
        ctx = {"enc_caches": enc_caches}
        if self._free_running(target):
            a, ctx["steps"] = self._free_run(net, s0, n_steps, x.shape[1])
            return a, ctx
        dec_in = self._decoder_inputs(net, target, n_steps, x.shape[1])   # (T_out, B, K)
        outs, caches = stack.forward(net.cell, net.params["decoder"], dec_in, s0, **run_opts(net))
        ctx.update(top=outs[-1], hsel=outs[-1], dec_caches=caches)
        return output(net, outs[-1]), ctx

    def _decoder_inputs(self, net, target, n_steps, batch):
        dec_in = np.zeros((n_steps, batch, net.n_out), dtype=net.dtype)
        if self.decoder_input == "previous":       # teacher forcing: target(t-1), zeros at t = 1
            dec_in[1:] = one_hot(target[:-1], net.n_out, net.dtype, 2)
        return dec_in

    def _free_run(self, net, state, t_out, batch):
        """The decoder reads its own previous output y(t-1): one step of the stack at a time."""
        y = np.zeros((1, batch, net.n_out), dtype=net.dtype)              # y(0) = 0
        a_all, steps = [], []
        for _ in range(t_out):
            outs, caches = stack.forward(net.cell, net.params["decoder"], y, state,
                                         **run_opts(net))
            a = output(net, outs[-1])                                      # (1, B, K)
            y = activations.output(a, net.output)
            state = stack.final_states(net.cell, caches)
            a_all.append(a[0])
            steps.append({"top": outs[-1], "caches": caches, "y": y})
        return np.stack(a_all), steps

    def backward(self, net: Net, ctx: dict[str, Any],
                 da: Array) -> tuple[dict[str, Any], Array, list[Any]]:
        if "steps" in ctx:
            g_out, g_dec, ds0 = self._free_run_backward(net, ctx["steps"], da)
        else:
            g_out, dtop = output_backward(net, ctx["top"], da)
            g_dec, _, ds0 = stack.backward(net.cell, net.params["decoder"], ctx["dec_caches"],
                                           dtop)
        g_enc, dx, dh0 = stack.backward(net.cell, net.params["layers"], ctx["enc_caches"], None,
                                        ds0)
        return {"layers": g_enc, "decoder": g_dec, "output": g_out}, dx, dh0

    def _free_run_backward(self, net, steps, da):
        """BPTT through the free-running decoder: dL/dy(t) also flows into step t+1's input."""
        g_out = g_dec = dstate = None
        dy_next = None                             # dL/dy(t) through the input of step t+1
        add = (lambda a, b: b if a is None else zip_map(np.add, a, b))
        for t in range(len(steps) - 1, -1, -1):
            s = steps[t]
            da_t = da[t][None]
            if dy_next is not None:                # through the output activation into a(t)
                da_t = da_t + activations.output_backward(s["y"], dy_next, net.output)
            go, dtop = output_backward(net, s["top"], da_t)
            gd, dx, dstate = stack.backward(net.cell, net.params["decoder"], s["caches"],
                                            dtop, dstate)
            g_out, g_dec, dy_next = add(g_out, go), add(g_dec, gd), dx
        return g_out, g_dec, dstate

    def final_states(self, net: Net, ctx: dict[str, Any]) -> list[Any]:
        raise ValueError("return_state is not available for mapping='seq2seq'")

    def top_state_grads(self, net: Net, ctx: dict[str, Any],
                        da: Array) -> Array | tuple[Array, ...]:
        raise ValueError("state gradients are not available for mapping='seq2seq'")

    # -- inference --------------------------------------------------------------------------------
    def infer(self, net: Net, x: Array, mask: Array | None, h0: list[Any] | None,
              n_steps: int | None = None) -> tuple[Array, list[Any] | None]:
        """(a, None): the encoder keeps only its final states; the decoder runs without caches."""
        n_steps = require_steps(n_steps, self.name)
        B = x.shape[1]
        state = stack.infer(net.cell, net.params["layers"], x, h0, mask=mask, **run_opts(net))
        a = np.empty((n_steps, B, net.n_out), dtype=net.dtype)
        if self.decoder_input == "previous":       # one step at a time, reading y(t-1)
            y = np.zeros((1, B, net.n_out), dtype=net.dtype)
            for t in range(n_steps):
                def emit_step(t0, outs, t=t):
                    a[t] = output(net, outs[-1])[0]
                state = stack.infer(net.cell, net.params["decoder"], y, state, emit=emit_step,
                                    **run_opts(net))
                y = activations.output(a[t:t + 1], net.output)
            return a, None

        def emit(t0, outs):
            a[t0:t0 + len(outs[-1])] = output(net, outs[-1])
        dec_in = np.zeros((n_steps, B, net.n_out), dtype=net.dtype)
        stack.infer(net.cell, net.params["decoder"], dec_in, state, emit=emit, **run_opts(net))
        return a, None
