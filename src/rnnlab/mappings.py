"""Sequence mappings: which steps read an input and which steps produce an output that enters
the loss. Legend: x = the step reads the input, 0 = it reads zeros, y = its output enters the
loss, . = no output is used.

one-to-one: X (B, D) -> Y (B, K). T = 1: a feed-forward net, the reference for the benefit of
recurrence.
    input   x
    output  y

one-to-many: X (B, D) -> Y (B, T, K). T comes from the target (loss_and_grads, fit) or from
predict(X, n_steps=T). feed="first" (default) gives x at t = 1 and zeros after; feed="every"
gives the same x at every step.
    input   x 0 0 0 0          (feed="every":  x x x x x)
    output  y y y y y

many-to-one: X (B, T, D) -> Y (B, K). Only the last real step of each sequence answers (with a
mask, each sequence's own last step). A bidirectional model fuses h_f(T) with h_b(1), the state
of the backward pass once it has read the whole sequence (what PyTorch returns as h_n).
    input   x x x x x
    output  . . . . y

many-to-many (aligned): X (B, T, D) -> Y (B, T, K); y(t) answers x(t).
    input   x x x x x
    output  y y y y y

many-to-many-delayed (delay d): X (B, T, D) -> Y (B, T, K); the input is padded with d zero steps
at the end and y(t + d) is compared with target(t): the network reads d steps ahead before it
answers (d = 0 is the aligned case). Use it when the answer at t needs a little future context
and a bidirectional model is not an option (streaming). Here d = 2:
    input   x x x x x 0 0
    output  . . y y y y y

seq2seq (encoder-decoder): X (B, T_in, D) -> Y (B, T_out, K). An encoder stack reads the whole
input; a decoder stack (its own weights, input size K) starts from the encoder's final states and
produces T_out outputs (T_out from the target, or predict(X, n_steps=T_out)). The decoder reads
zeros (decoder_input="zeros") or its own previous output y(t-1) (decoder_input="previous", with
y(0) = 0); teacher_forcing=True feeds the true target(t-1) instead during training (fast and
stable, but the model then trains on inputs it will not see when it predicts). Use seq2seq when
input and output lengths differ or the output needs the whole input first (reversal, translation).
    encoder x x x x
    decoder         0 0 0      (or y(t-1))
    output          y y y

Each mapping object turns batch-first user arrays into time-major ones (inputs, targets), runs the
network (forward, backward: only wiring of nn/ calls, no new calculus) and turns results back.
"""
from __future__ import annotations

import numpy as np

from . import _checks
from .nn import dense, stack

NAMES = ("one-to-one", "one-to-many", "many-to-one", "many-to-many", "many-to-many-delayed",
         "seq2seq")
FEEDS = ("first", "every")
DECODER_INPUTS = ("zeros", "previous")


def _time_major(arr):
    """(B, T, ...) <-> (T, B, ...) as a view."""
    return arr.swapaxes(0, 1)


def get(name, *, delay=0, feed="first", decoder_input="zeros", teacher_forcing=False):
    """The mapping object for a name, with its options checked."""
    _checks.check_choice(name, "mapping", NAMES)
    delay = _checks.check_int(delay, "delay", minimum=0)
    _checks.check_choice(feed, "feed", FEEDS)
    _checks.check_choice(decoder_input, "decoder_input", DECODER_INPUTS)
    if delay and name != "many-to-many-delayed":
        raise ValueError(f"delay={delay} needs mapping='many-to-many-delayed', not {name!r}")
    if feed != "first" and name != "one-to-many":
        raise ValueError(f"feed={feed!r} applies to mapping='one-to-many' only, not {name!r}")
    if (decoder_input != "zeros" or teacher_forcing) and name != "seq2seq":
        raise ValueError(f"decoder_input and teacher_forcing apply to mapping='seq2seq' only, "
                         f"not {name!r}")
    if teacher_forcing and decoder_input != "previous":
        raise ValueError("teacher_forcing=True needs decoder_input='previous' (the decoder must "
                         "read a previous output for the true one to replace it)")
    if name == "one-to-many":
        return OneToMany(feed)
    if name == "many-to-many-delayed":
        return Delayed(delay)
    if name == "seq2seq":
        from .seq2seq import Seq2Seq
        return Seq2Seq(decoder_input, teacher_forcing)
    return {"one-to-one": OneToOne, "many-to-one": ManyToOne, "many-to-many": ManyToMany}[name]()


# -- checks shared by the mappings ---------------------------------------------------------------
def sequence_inputs(model, X, mask, mapping):
    """X (B, T, D), mask (B, T) -> time-major x (T, B, D) in the model's dtype and mask (T, B)."""
    X = _checks.as_array(X, "X", ndim=3)
    B, T, D = X.shape
    if D != model.n_in:
        raise ValueError(f"X must have shape (batch, steps, {model.n_in}) for mapping={mapping!r}, "
                         f"got {X.shape}: its last axis must match n_in={model.n_in}")
    if B == 0 or T == 0:
        raise ValueError(f"X must hold at least one sequence of at least one step, got {X.shape}")
    x = np.ascontiguousarray(_time_major(X), dtype=model.dtype)
    if mask is None:
        return x, None
    return x, np.ascontiguousarray(_time_major(_checks.as_mask(mask, "mask", (B, T))))


def vector_inputs(model, X, mapping):
    """X (B, D) for the mappings that read one vector per sample."""
    X = _checks.as_array(X, "X", ndim=2)
    if X.shape[1] != model.n_in or X.shape[0] == 0:
        raise ValueError(f"X must have shape (batch, {model.n_in}) for mapping={mapping!r}, "
                         f"got {X.shape}")
    return X.astype(model.dtype, copy=False)


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
        also = f" or class indices of shape {lead}" if model.loss == "cross_entropy" else ""
        raise ValueError(f"{name} must have shape {lead + (K,)}{also} for mapping="
                         f"{model.mapping.name!r}, got {Y.shape}")
    return Y.astype(model.dtype, copy=False)


def _target_steps(Y, mapping):
    """T_out = Y.shape[1] for the mappings whose output length comes from the target."""
    Y = _checks.as_array(Y, "Y")
    if Y.ndim < 2:
        raise ValueError(f"Y must have shape (batch, steps, K) for mapping={mapping!r}, got {Y.shape}")
    return Y.shape[1]


def require_steps(n_steps, mapping):
    """The output length of a mapping that takes it from the target or predict(n_steps=)."""
    if n_steps is None:
        raise ValueError(f"mapping={mapping!r} needs the number of output steps: "
                         f"predict(X, n_steps=T), or a target Y of shape (batch, T, K)")
    return _checks.check_int(n_steps, "n_steps", minimum=1)


def _output(model, hsel):
    """a = W1 h + b1, or the lecture's fusion W1_f h_f + b1_f + W1_b h_b + b1_b."""
    out = model.params["output"]
    if model.bidirectional:
        return dense.linear(out["f"], hsel[0]) + dense.linear(out["b"], hsel[1])
    return dense.linear(out, hsel)


def _output_backward(model, hsel, da):
    """(grads of the output layer, dL/d(hsel))."""
    out = model.params["output"]
    if model.bidirectional:
        gf, dhf = dense.linear_backward(out["f"], hsel[0], da)
        gb, dhb = dense.linear_backward(out["b"], hsel[1], da)
        return {"f": gf, "b": gb}, (dhf, dhb)
    return dense.linear_backward(out, hsel, da)


# -- the mappings --------------------------------------------------------------------------------
class ManyToMany:
    """Aligned: y(t) answers x(t) at every step. The base of the other mappings."""
    name = "many-to-many"
    streams = True                                 # can carry state across predict calls
    takes_n_steps = False                          # the output length comes from X

    def n_steps(self, Y):
        return None                                # T comes from X

    def inputs(self, model, X, mask, n_steps=None):
        return sequence_inputs(model, X, mask, self.name)

    def targets(self, model, Y, mask, x_shape, n_steps=None):
        """Y (B, T, K) -> (time-major target, loss mask (T, B) or None)."""
        if callable(model.loss):                   # a custom loss sees Y exactly as given
            return _checks.as_array(Y, "Y"), mask
        T, B = x_shape[0], x_shape[1]
        return _time_major(check_target(model, Y, (B, T))), mask

    def forward(self, model, x, mask, h0, n_steps=None, target=None):
        """(a, ctx): output pre-activations at the answering steps, and what backward needs."""
        top, caches = stack.forward(model._cell, model.params["layers"], x, h0, mask=mask,
                                    bidirectional=model.bidirectional, activation=model.activation)
        hsel = self.select(top, model.bidirectional)
        return _output(model, hsel), {"top": top, "hsel": hsel, "caches": caches}

    def backward(self, model, ctx, da):
        """(grads {"layers", "output"}, dx time-major, dh0 per layer)."""
        g_out, dsel = _output_backward(model, ctx["hsel"], da)
        dtop, dfinal = self.select_backward(dsel, ctx["top"], model)
        g_layers, dx, dh0 = stack.backward(model._cell, model.params["layers"], ctx["caches"],
                                           dtop, dfinal, bidirectional=model.bidirectional)
        return {"layers": g_layers, "output": g_out}, dx, dh0

    def final_states(self, model, ctx):
        return stack.final_states(model._cell, ctx["caches"], model.bidirectional)

    def top_state_grads(self, model, ctx, da):
        """dL/dh(t) of the top layer (T, B, H), wired as backward wires it: the output layer,
        this mapping's routing of the selected states, then the cell's state_grads. One array,
        or a tuple (forward, backward direction)."""
        _, dsel = _output_backward(model, ctx["hsel"], da)
        dtop, dfinal = self.select_backward(dsel, ctx["top"], model)
        params, cache = model.params["layers"][-1], ctx["caches"][-1]
        dstate = None if dfinal is None else dfinal[-1]
        if not model.bidirectional:
            return model._cell.state_grads(params, cache, dtop, dstate)
        return tuple(model._cell.state_grads(params[d], cache[d], None if dtop is None else dtop[i],
                                             None if dstate is None else dstate[d])
                     for i, d in enumerate(stack.DIRECTIONS))

    def select(self, top, bidirectional):
        return top

    def select_backward(self, dsel, top, model):
        return dsel, None

    def to_user(self, arr):
        """Outputs (or their gradient, or the loss mask) in the user's batch-first layout."""
        return _time_major(arr)

    from_user = to_user

    def input_grad(self, dx, x_user_shape, mask=None):
        """dL/dX in the user's layout from the time-major dL/dx (mask: the user's, (B, T))."""
        return np.ascontiguousarray(_time_major(dx))


class ManyToOne(ManyToMany):
    """One answer per sequence, from its last real step."""
    name = "many-to-one"

    def inputs(self, model, X, mask, n_steps=None):
        x, m = sequence_inputs(model, X, mask, self.name)
        if m is not None and not m.any(axis=0).all():
            empty = np.flatnonzero(~m.any(axis=0)).tolist()[:5]
            raise ValueError(f"mask marks no real step for sequence(s) {empty}: mapping="
                             f"'many-to-one' answers from each sequence's last real step")
        return x, m

    def targets(self, model, Y, mask, x_shape, n_steps=None):
        """Y (B, K) -> (target (B, K), no mask: every sequence has its answer)."""
        if callable(model.loss):
            return _checks.as_array(Y, "Y"), None
        return check_target(model, Y, (x_shape[1],)), None

    def select(self, top, bidirectional):
        if bidirectional:                          # h_f(T) and h_b(1): each has read everything
            return top[0][-1], top[1][0]
        return top[-1]                             # padded steps carry h: h(T) is the last real one

    def select_backward(self, dsel, top, model):
        """The output's gradient enters the top layer's final state(s)."""
        dfinal = [None] * model.n_layers
        dfinal[-1] = {"f": dsel[0], "b": dsel[1]} if model.bidirectional else dsel
        return None, dfinal

    def to_user(self, arr):
        return arr

    from_user = to_user


class OneToOne(ManyToOne):
    """T = 1: a feed-forward net h = f(W0 x + b0), y = f_out(W1 h + b1) (W11 meets only h(0) = 0)."""
    name = "one-to-one"
    streams = False

    def inputs(self, model, X, mask, n_steps=None):
        if mask is not None:
            raise ValueError("mapping='one-to-one' takes no mask: each sample is one step")
        return vector_inputs(model, X, self.name)[None], None          # (1, B, D)

    def input_grad(self, dx, x_user_shape, mask=None):
        return np.ascontiguousarray(dx[0])


class OneToMany(ManyToMany):
    """One input vector, a sequence of T outputs."""
    name = "one-to-many"
    streams = False
    takes_n_steps = True                           # the output length comes from Y or n_steps

    def __init__(self, feed="first"):
        self.feed = feed

    def n_steps(self, Y):
        return _target_steps(Y, self.name)

    def inputs(self, model, X, mask, n_steps=None):
        T = require_steps(n_steps, self.name)
        X = vector_inputs(model, X, self.name)
        x = np.zeros((T, X.shape[0], model.n_in), dtype=model.dtype)    # (T, B, D)
        if self.feed == "every":
            x[:] = X
        else:
            x[0] = X
        if mask is None:
            return x, None
        return x, np.ascontiguousarray(_time_major(_checks.as_mask(mask, "mask", (X.shape[0], T))))

    def input_grad(self, dx, x_user_shape, mask=None):
        return np.ascontiguousarray(dx.sum(axis=0) if self.feed == "every" else dx[0])


class Delayed(ManyToMany):
    """y(t + d) answers x(t): the input gets d zero steps at the end."""
    name = "many-to-many-delayed"
    streams = False                                # each call reads d padding steps at its end

    def final_states(self, model, ctx):
        raise ValueError("return_state is not available for mapping='many-to-many-delayed': the "
                         "final state has read the delay's padding, so it cannot continue a "
                         "sequence")

    def __init__(self, delay):
        self.delay = delay

    def inputs(self, model, X, mask, n_steps=None):
        x, m = sequence_inputs(model, X, mask, self.name)
        T, B, D = x.shape
        d = self.delay
        if d > T:
            raise ValueError(f"delay={d} is longer than the sequences (T={T}) for mapping="
                             f"'many-to-many-delayed': the target would never be compared")
        if m is not None:
            if (np.diff(m.astype(np.int8), axis=0) > 0).any():
                raise ValueError("mapping='many-to-many-delayed' needs masks whose real steps come "
                                 "first in each sequence (padding only at the end)")
            x = x * m[:, :, None]                  # zeros after each sequence's end
            lengths = m.sum(axis=0)                # (B,)
            m = np.arange(T + d)[:, None] < (lengths + d)[None, :]      # (T + d, B)
        x = np.concatenate([x, np.zeros((d, B, D), dtype=x.dtype)])     # (T + d, B, D)
        return x, m

    def targets(self, model, Y, mask, x_shape, n_steps=None):
        T = x_shape[0] - self.delay
        return super().targets(model, Y, None if mask is None else mask[self.delay:],
                               (T,) + tuple(x_shape[1:]))

    def select(self, top, bidirectional):
        d = self.delay
        return (top[0][d:], top[1][d:]) if bidirectional else top[d:]

    def select_backward(self, dsel, top, model):
        def pad(ds, t):
            full = np.zeros(t.shape, dtype=t.dtype)
            full[self.delay:] = ds
            return full
        if model.bidirectional:
            return (pad(dsel[0], top[0]), pad(dsel[1], top[1])), None
        return pad(dsel, top), None

    def input_grad(self, dx, x_user_shape, mask=None):
        dX = _time_major(dx[:x_user_shape[1]])
        if mask is not None:                       # padded inputs were replaced by zeros
            dX = dX * np.asarray(mask, dtype=bool)[:, :, None]
        return np.ascontiguousarray(dX)
