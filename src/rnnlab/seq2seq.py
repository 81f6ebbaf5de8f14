"""The encoder-decoder mapping (mapping="seq2seq"; see rnnlab.mappings for the picture).

An encoder stack (params["layers"]) reads X (B, T_in, D); a decoder stack (params["decoder"],
input size K, unidirectional) starts from the encoder's final states, one per layer, and
produces T_out outputs through the shared output layer. The decoder reads zeros, or its own
previous output y(t-1) (y(0) = 0) with the gradient flowing through it, or with teacher forcing
the true target(t-1) during training. Backward: the decoder's dL/dh0 is the gradient of the
encoder's final states. No new calculus: only wiring of nn/ calls.
"""
from __future__ import annotations

import numpy as np

from . import _checks
from ._tree import zip_map
from .mappings import (ManyToMany, _output, _output_backward, _target_steps, _time_major,
                       check_target, require_steps, sequence_inputs)
from .nn import activations, stack
from .nn.losses import one_hot


class Seq2Seq(ManyToMany):
    """An encoder stack reads X; a decoder stack starts from its final states and answers."""
    name = "seq2seq"
    streams = False
    takes_n_steps = True

    def __init__(self, decoder_input="zeros", teacher_forcing=False):
        self.decoder_input = decoder_input
        self.teacher_forcing = teacher_forcing

    def n_steps(self, Y):
        return _target_steps(Y, self.name)

    def inputs(self, model, X, mask, n_steps=None):
        require_steps(n_steps, self.name)
        return sequence_inputs(model, X, mask, self.name)

    def targets(self, model, Y, mask, x_shape, n_steps=None):
        if callable(model.loss):
            if self.teacher_forcing:
                raise ValueError("teacher_forcing=True needs a named loss: the decoder reads the "
                                 "targets, which a custom loss may shape freely")
            return _checks.as_array(Y, "Y"), None
        return _time_major(check_target(model, Y, (x_shape[1], n_steps))), None

    def forward(self, model, x, mask, h0, n_steps=None, target=None):
        enc_top, enc_caches = stack.forward(model._cell, model.params["layers"], x, h0, mask=mask,
                                            activation=model.activation)
        s0 = stack.final_states(model._cell, enc_caches)
        ctx = {"enc_caches": enc_caches}
        if self.decoder_input == "previous" and not (self.teacher_forcing and target is not None):
            a, ctx["steps"] = self._free_run(model, s0, n_steps, x.shape[1])
            return a, ctx
        dec_in = self._decoder_inputs(model, target, n_steps, x.shape[1])  # (T_out, B, K)
        top, caches = stack.forward(model._cell, model.params["decoder"], dec_in, s0,
                                    activation=model.activation)
        ctx.update(top=top, hsel=top, dec_caches=caches)
        return _output(model, top), ctx

    def _decoder_inputs(self, model, target, n_steps, batch):
        dec_in = np.zeros((n_steps, batch, model.n_out), dtype=model.dtype)
        if self.decoder_input == "previous":       # teacher forcing: target(t-1), zeros at t = 1
            dec_in[1:] = one_hot(target[:-1], model.n_out, model.dtype, 2)
        return dec_in

    def _free_run(self, model, state, t_out, batch):
        """The decoder reads its own previous output y(t-1): one step of the stack at a time."""
        y = np.zeros((1, batch, model.n_out), dtype=model.dtype)          # y(0) = 0
        a_all, steps = [], []
        for _ in range(t_out):
            top, caches = stack.forward(model._cell, model.params["decoder"], y, state,
                                        activation=model.activation)
            a = _output(model, top)                                       # (1, B, K)
            y = activations.output(a, model.output)
            state = stack.final_states(model._cell, caches)
            a_all.append(a[0])
            steps.append({"top": top, "caches": caches, "y": y})
        return np.stack(a_all), steps

    def backward(self, model, ctx, da):
        cell = model._cell
        if "steps" in ctx:
            g_out, g_dec, ds0 = self._free_run_backward(model, ctx["steps"], da)
        else:
            g_out, dtop = _output_backward(model, ctx["top"], da)
            g_dec, _, ds0 = stack.backward(cell, model.params["decoder"], ctx["dec_caches"], dtop)
        g_enc, dx, dh0 = stack.backward(cell, model.params["layers"], ctx["enc_caches"], None, ds0)
        return {"layers": g_enc, "decoder": g_dec, "output": g_out}, dx, dh0

    def _free_run_backward(self, model, steps, da):
        """BPTT through the free-running decoder: dL/dy(t) also flows into step t+1's input."""
        g_out = g_dec = dstate = None
        dy_next = None                             # dL/dy(t) through the input of step t+1
        add = (lambda a, b: b if a is None else zip_map(np.add, a, b))
        for t in range(len(steps) - 1, -1, -1):
            s = steps[t]
            da_t = da[t][None]
            if dy_next is not None:                # through the output activation into a(t)
                da_t = da_t + activations.output_backward(s["y"], dy_next, model.output)
            go, dtop = _output_backward(model, s["top"], da_t)
            gd, dx, dstate = stack.backward(model._cell, model.params["decoder"], s["caches"],
                                            dtop, dstate)
            g_out, g_dec, dy_next = add(g_out, go), add(g_dec, gd), dx
        return g_out, g_dec, dstate

    def final_states(self, model, ctx):
        raise ValueError("return_state is not available for mapping='seq2seq'")

    def top_state_grads(self, model, ctx, da):
        raise ValueError("state gradients are not available for mapping='seq2seq'")
