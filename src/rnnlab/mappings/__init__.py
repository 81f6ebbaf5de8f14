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

Each mapping object turns batch-first user arrays into time-major ones (inputs, targets), runs a
`Net` (forward and backward for training, infer for prediction: only wiring of nn/ calls, no new
calculus) and turns results back. Modules: base (Net, shared checks, the output layer, the
aligned mapping every other one refines), aligned (many-to-many, delayed), to_one (many-to-one,
one-to-one), from_one (one-to-many), seq2seq. A new mapping: a subclass of base.ManyToMany in
the module of its family, named in NAMES and built in get().
"""
from __future__ import annotations

from .. import _checks
from .aligned import Delayed, ManyToMany
from .base import Net
from .from_one import OneToMany
from .seq2seq import Seq2Seq
from .to_one import ManyToOne, OneToOne

NAMES = ("one-to-one", "one-to-many", "many-to-one", "many-to-many", "many-to-many-delayed",
         "seq2seq")
FEEDS = ("first", "every")
DECODER_INPUTS = ("zeros", "previous")

__all__ = ["NAMES", "FEEDS", "DECODER_INPUTS", "Net", "get", "ManyToMany", "ManyToOne",
           "OneToOne", "OneToMany", "Delayed", "Seq2Seq"]


def get(name: str, *, delay: int = 0, feed: str = "first", decoder_input: str = "zeros",
        teacher_forcing: bool = False) -> ManyToMany:
    """The mapping object for a name, with its options checked.

    Parameters
    ----------
    name : str
        A mapping name (NAMES).
    delay : int
        For "many-to-many-delayed".
    feed : str
        For "one-to-many" (FEEDS).
    decoder_input : str
        For "seq2seq" (DECODER_INPUTS).
    teacher_forcing : bool
        For "seq2seq".

    Returns
    -------
    ManyToMany
        The mapping (a ManyToMany or a subclass).

    Examples
    --------
    >>> get("many-to-many-delayed", delay=2).delay
    2
    """
    _checks.check_choice(name, "mapping", NAMES)
    delay = _checks.check_int(delay, "delay", minimum=0)
    _checks.check_choice(feed, "feed", FEEDS)
    _checks.check_choice(decoder_input, "decoder_input", DECODER_INPUTS)
    teacher_forcing = _checks.check_bool(teacher_forcing, "teacher_forcing")
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
        return Seq2Seq(decoder_input, teacher_forcing)
    return {"one-to-one": OneToOne, "many-to-one": ManyToOne, "many-to-many": ManyToMany}[name]()
