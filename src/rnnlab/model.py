"""rnnlab.RNN: layers composed into one network, batch-first at the boundary.

    h^{l,t} = f(W0^l h^{l-1,t} + W11^l h^{l,t-1} + b0^l)      recurrent layers, h^{0,t} = x(t)
    y(t)    = f_out(W1 h^{L,t} + b1)                          the output layer

The loss is the lecture's decomposable L = sum_t L(y(t), target(t)), summed over the answering
steps of each sequence (masked steps excluded) and averaged over the sequences of the batch:

    L = (1/B) sum_b sum_t m_b(t) l(y_b(t), target_b(t))

with l = 1/2 ||y - t||^2 (squared error), binary or categorical cross-entropy. Every gradient that
loss_and_grads returns is the exact derivative of this L. A callable loss(Y_pred, Y, mask) ->
(value, dL/dY_pred) replaces it for non-decomposable losses; its value is used as it is.

Arrays are batch-first here, X (B, T, D), and time-major inside nn/: the model transposes once.
Which steps read input and which answer is the mapping's business (rnnlab.mappings).
"""
from __future__ import annotations

from importlib import import_module

import numpy as np

from . import _checks, _memory, mappings
from ._tree import leaves, map_tree, path_str
from .nn import activations, dense, losses, stack
from .nn import init as _init

CELLS = ("elman", "lstm", "gru")


def _cell_module(name):
    """The nn module that implements a cell."""
    try:
        return import_module(f"rnnlab.nn.{name}")
    except ModuleNotFoundError:
        raise NotImplementedError(f"cell={name!r} has not landed yet; use cell='elman'") from None


class RNN:
    """A recurrent network: `n_layers` recurrent layers (optionally bidirectional) and an output layer.

    n_in, n_hidden, n_out: D, H, K. cell: "elman", "lstm" or "gru".
    activation: the Elman f, "tanh" | "relu" | "identity". output: "identity" | "sigmoid" | "softmax".
    mapping: see rnnlab.mappings (with delay, feed, decoder_input, teacher_forcing).
    loss: "auto" (follows output), "mse", "bce", "ce" or a callable.
    init: W11 scheme ("uniform", "xavier", "orthogonal", "identity"); radius: rescale W11 to it.
    learn_h0: the initial states are parameters (params["h0"]), learned with their gradient.
    forget_bias: the LSTM forget gate's initial bias (default 1.0; None: PyTorch's uniform init).
    dtype: "float32" or "float64".
    seed: the generator for the initial weights.
    """

    def __init__(self, n_in, n_hidden, n_out, *, cell="elman", n_layers=1, bidirectional=False,
                 activation="tanh", output="identity", mapping="many-to-many", delay=0,
                 feed="first", decoder_input="zeros", teacher_forcing=False, dtype="float32",
                 seed=0, loss="auto", init="uniform", radius=None, learn_h0=False,
                 forget_bias=1.0):
        self.n_in = _checks.check_int(n_in, "n_in", minimum=1)
        self.n_hidden = _checks.check_int(n_hidden, "n_hidden", minimum=1)
        self.n_out = _checks.check_int(n_out, "n_out", minimum=1)
        self.cell = _checks.check_choice(cell, "cell", CELLS)
        self.n_layers = _checks.check_int(n_layers, "n_layers", minimum=1)
        self.bidirectional = _checks.check_bool(bidirectional, "bidirectional")
        self.activation = _checks.check_choice(activation, "activation", activations.HIDDEN)
        self.output = _checks.check_choice(output, "output", activations.OUTPUT)
        self.mapping = mappings.get(mapping, delay=delay, feed=feed, decoder_input=decoder_input,
                                    teacher_forcing=_checks.check_bool(teacher_forcing,
                                                                       "teacher_forcing"))
        self.delay, self.feed, self.decoder_input = int(delay), feed, decoder_input
        self.teacher_forcing = teacher_forcing
        if self.mapping.name == "seq2seq" and self.bidirectional:
            raise ValueError("mapping='seq2seq' needs bidirectional=False: the decoder starts from "
                             "the encoder's final state, which one direction defines")
        self.dtype = _dtype(dtype)
        self.seed = _checks.check_int(seed, "seed", minimum=0)
        self.init = _checks.check_choice(init, "init", _init.SCHEMES)
        self.radius = None if radius is None else _checks.check_float(radius, "radius", minimum=0)
        self.learn_h0 = _checks.check_bool(learn_h0, "learn_h0")
        self.forget_bias = (None if forget_bias is None
                            else _checks.check_float(forget_bias, "forget_bias"))
        self.loss = loss if callable(loss) else (
            losses.DEFAULT_FOR_OUTPUT[self.output] if loss == "auto" else losses.resolve(loss))
        need = losses.NEEDS_OUTPUT.get(self.loss) if isinstance(self.loss, str) else None
        if need is not None and self.output != need:
            raise ValueError(f"loss={self.loss!r} needs output={need!r} (it takes probabilities), "
                             f"got output={self.output!r}")
        if self.cell != "elman" and self.activation != "tanh":
            raise ValueError(f"activation={self.activation!r} applies to the Elman cell only; "
                             f"cell={self.cell!r} uses its own gate nonlinearities")
        self._cell = _cell_module(self.cell)
        self._stream = None                        # final states of the last stateful predict
        self.params = self._init_params(np.random.default_rng(seed))

    def _shape_tree(self):
        """A tree shaped like params whose leaves are read-only views that own no memory (shape
        and dtype only): what the parameters will be, before any is allocated."""
        H, bi = self.n_hidden, self.bidirectional

        def spec(shapes):
            return {k: np.broadcast_to(np.zeros((), self.dtype), s) for k, s in shapes.items()}
        tree = {"layers": [spec(p) if not bi else {d: spec(p[d]) for d in p}
                           for p in stack.param_shapes(self._cell, self.n_in, H, self.n_layers,
                                                       bidirectional=bi)]}
        if self.mapping.name == "seq2seq":
            tree["decoder"] = [spec(p) for p in stack.param_shapes(
                self._cell, self.n_out, H, self.n_layers, bidirectional=False)]
        out = spec(dense.param_shapes(H, self.n_out))
        tree["output"] = {d: dict(out) for d in stack.DIRECTIONS} if bi else out
        if self.learn_h0:
            state = tuple(np.broadcast_to(np.zeros((), self.dtype), (H,))
                          for _ in range(self._n_states()))
            tree["h0"] = [{d: state for d in stack.DIRECTIONS} if bi else state
                          for _ in range(self.n_layers)]
        return tree

    def _n_states(self):
        """Arrays in one layer's state: 2 for the LSTM (h, c), else 1 (h)."""
        return 2 if self.cell == "lstm" else 1

    # -- construction -------------------------------------------------------------------------
    def _init_params(self, rng):
        nbytes = sum(a.size for _, a in leaves(self._shape_tree())) * self.dtype.itemsize
        _memory.check_fits(nbytes, f"a model with n_hidden={self.n_hidden}, "
                                   f"n_layers={self.n_layers} ({self.dtype.name} parameters)")
        opts = {"init": self.init, "radius": self.radius}
        if self.cell == "lstm":
            opts["forget_bias"] = self.forget_bias
        H, bi = self.n_hidden, self.bidirectional
        params = {"layers": stack.init(self._cell, self.n_in, H, self.n_layers, bidirectional=bi,
                                       rng=rng, dtype=self.dtype, **opts)}
        if self.mapping.name == "seq2seq":
            params["decoder"] = stack.init(self._cell, self.n_out, H, self.n_layers,
                                           bidirectional=False, rng=rng, dtype=self.dtype, **opts)
        if bi:
            params["output"] = {d: dense.init(H, self.n_out, rng=rng, dtype=self.dtype)
                                for d in stack.DIRECTIONS}
        else:
            params["output"] = dense.init(H, self.n_out, rng=rng, dtype=self.dtype)
        if self.learn_h0:                          # one state per layer: (h,) or (h, c)
            def zero():
                return tuple(np.zeros(H, self.dtype) for _ in range(self._n_states()))
            params["h0"] = [({d: zero() for d in stack.DIRECTIONS} if bi else zero())
                            for _ in range(self.n_layers)]
        return params

    def get_config(self) -> dict:
        """The constructor arguments that rebuild this model (JSON-ready; a callable loss is not)."""
        return {"n_in": self.n_in, "n_hidden": self.n_hidden, "n_out": self.n_out,
                "cell": self.cell, "n_layers": self.n_layers, "bidirectional": self.bidirectional,
                "activation": self.activation, "output": self.output,
                "mapping": self.mapping.name, "delay": self.delay, "feed": self.feed,
                "decoder_input": self.decoder_input, "teacher_forcing": self.teacher_forcing,
                "dtype": self.dtype.name, "seed": self.seed,
                "loss": self.loss if isinstance(self.loss, str) else "custom",
                "init": self.init, "radius": self.radius, "learn_h0": self.learn_h0,
                "forget_bias": self.forget_bias}

    @property
    def n_params(self) -> int:
        """Number of trainable scalars."""
        return int(sum(a.size for _, a in leaves(self.params)))

    def __repr__(self):
        bi = ", bidirectional=True" if self.bidirectional else ""
        return (f"RNN({self.n_in}, {self.n_hidden}, {self.n_out}, cell={self.cell!r}, "
                f"n_layers={self.n_layers}{bi}, activation={self.activation!r}, "
                f"output={self.output!r}, mapping={self.mapping.name!r}, "
                f"dtype={self.dtype.name!r})  # {self.n_params} parameters")

    def astype(self, dtype) -> "RNN":
        """A copy of this model whose parameters have the given dtype."""
        new = type(self)(**dict(self.get_config(), dtype=str(np.dtype(dtype)), loss=self.loss))
        new.params = map_tree(lambda a: a.astype(new.dtype), self.params)
        return new

    # -- one pass -----------------------------------------------------------------------------
    def _run(self, X, Y=None, mask=None, h0=None, n_steps=None):
        """Validate, then forward. Returns (a, ctx, x, target, loss_mask, h0) time-major."""
        if Y is not None:
            n_steps = self.mapping.n_steps(Y)
        x, m = self.mapping.inputs(self, X, mask, n_steps)
        target = loss_mask = None
        if Y is not None:
            target, loss_mask = self.mapping.targets(self, Y, m, x.shape, n_steps)
        h0 = self._initial_state(h0, x.shape[1])
        a, ctx = self.mapping.forward(self, x, m, h0, n_steps,
                                      target if self.teacher_forcing else None)
        return a, ctx, x, target, loss_mask, h0

    def _loss(self, a, target, loss_mask, batch):
        """(value, dL/da) of the model's loss at the answering steps (time-major)."""
        mp = self.mapping
        if callable(self.loss):
            y = activations.output(a, self.output)
            value, dy = self.loss(mp.to_user(y), target,
                                  None if loss_mask is None else mp.to_user(loss_mask))
            dy = _checks.as_array(dy, "the loss callable's dL/dY", dtype=self.dtype)
            if dy.shape != mp.to_user(y).shape:
                raise ValueError(f"the loss callable must return dL/dY of shape "
                                 f"{mp.to_user(y).shape}, got {dy.shape}")
            return float(value), activations.output_backward(y, mp.from_user(dy), self.output)
        on_y, fuses_with, fused = losses.LOSSES[self.loss]
        if fuses_with == self.output:                            # stable fused form on logits
            value, da = fused(a, target, loss_mask)
        else:
            y = activations.output(a, self.output)
            value, dy = on_y(y, target, loss_mask)
            da = activations.output_backward(y, dy, self.output)
        return value / batch, da * np.asarray(1 / batch, dtype=da.dtype)

    # -- the public methods -------------------------------------------------------------------
    def predict(self, X, mask=None, h0=None, *, n_steps=None, return_state=False,
                stateful=False):
        """Outputs y = f_out(W1 h + b1), batch-first: (B, T, K), or (B, K) for many-to-one.

        n_steps: output length for one-to-many and seq2seq. return_state: also return the final
        states (the layout h0 takes; bidirectional: h_f(T) and h_b(1), PyTorch's h_n), to continue
        the sequences later (unidirectional models). stateful: start from the states the previous
        stateful call ended in (zeros the first time; reset_state() forgets).
        """
        if n_steps is not None and not self.mapping.takes_n_steps:
            raise ValueError(f"n_steps applies to mappings 'one-to-many' and 'seq2seq'; "
                             f"mapping={self.mapping.name!r} takes its length from X")
        if stateful:
            h0 = self._stream_start(h0, X)
        a, ctx, *_ = self._run(X, mask=mask, h0=h0, n_steps=n_steps)
        y = np.ascontiguousarray(self.mapping.to_user(activations.output(a, self.output)))
        if stateful or return_state:
            states = self.mapping.final_states(self, ctx)
            if stateful:
                self._stream = states
            if return_state:
                return y, states
        return y

    def states(self, X, mask=None, h0=None, *, n_steps=None):
        """The hidden states of every layer, batch-first: a list with one (B, T, H) array per
        layer ({"f": ..., "b": ...} when bidirectional), over the steps the stack runs (for
        seq2seq, the encoder's). For LSTM, the h states."""
        x, m = self.mapping.inputs(self, X, mask, n_steps)
        h0 = self._initial_state(h0, x.shape[1])
        states, inp = [], x
        for l in range(self.n_layers):
            top, _ = stack.forward(self._cell, self.params["layers"][l:l + 1], inp,
                                   None if h0 is None else h0[l:l + 1], mask=m,
                                   bidirectional=self.bidirectional, activation=self.activation)
            if self.bidirectional:
                states.append({d: np.ascontiguousarray(h.swapaxes(0, 1))
                               for d, h in zip(stack.DIRECTIONS, top)})
                inp = np.concatenate(top, axis=-1)
            else:
                states.append(np.ascontiguousarray(top.swapaxes(0, 1)))
                inp = top
        return states

    def reset_state(self):
        """Forget the states carried by stateful predict calls."""
        self._stream = None

    def loss_and_grads(self, X, Y, mask=None, h0=None, *, input_grads=False, return_state=False):
        """(loss, grads): the batch's loss and its exact gradient, mirroring `params`.

        input_grads=True appends {"X": dL/dX, "h0": dL/dh0 per layer}; return_state=True appends
        the final states (for truncated BPTT: the next chunk starts from them).
        """
        a, ctx, x, target, loss_mask, _ = self._run(X, Y, mask, h0)
        value, da = self._loss(a, target, loss_mask, x.shape[1])
        grads, dx, dh0 = self.mapping.backward(self, ctx, da)
        if self.learn_h0:
            grads["h0"] = self._learned_h0_grad(h0, dh0)
        out = (value, grads)
        if input_grads:
            out += ({"X": self.mapping.input_grad(dx, np.shape(X), mask), "h0": dh0},)
        if return_state:
            out += (self.mapping.final_states(self, ctx),)
        return out

    def state_grads(self, X, Y, mask=None, h0=None):
        """dL/dh(t) of the top layer at every step the stack runs, batch-first (B, T, H)
        ({"f": ..., "b": ...} when bidirectional): the total gradient reaching each state in the
        model's own BPTT, from the output at t and through the recurrence from t+1."""
        a, ctx, x, target, loss_mask, _ = self._run(X, Y, mask, h0)
        _, da = self._loss(a, target, loss_mask, x.shape[1])
        g = self.mapping.top_state_grads(self, ctx, da)
        if self.bidirectional:
            return {d: np.ascontiguousarray(gd.swapaxes(0, 1)) for d, gd in zip(stack.DIRECTIONS, g)}
        return np.ascontiguousarray(g.swapaxes(0, 1))

    def check_data(self, X, Y, mask=None):
        """Check a whole data set as loss_and_grads would (shapes, values), without running it:
        fit calls this once, so that errors name the data's own shapes."""
        n_steps = self.mapping.n_steps(Y)
        x, m = self.mapping.inputs(self, X, mask, n_steps)
        self.mapping.targets(self, Y, m, x.shape, n_steps)

    def evaluate(self, X, Y, mask=None, h0=None) -> float:
        """The loss on (X, Y), as loss_and_grads computes it, without the backward pass."""
        a, _, x, target, loss_mask, _ = self._run(X, Y, mask, h0)
        return self._loss(a, target, loss_mask, x.shape[1])[0]

    def fit(self, X, Y, **kwargs):
        """Train with minibatches; see rnnlab.train.fit for the options. Returns a History."""
        from .train import fit
        return fit(self, X, Y, **kwargs)

    def save(self, path):
        """Write params.npz and config.json into the folder `path` (created if needed)."""
        from .checkpoint import save
        save(self, path)

    # -- initial states -----------------------------------------------------------------------
    def _initial_state(self, h0, batch):
        """h0 as one state per layer (and direction) in the model's dtype; learned or None."""
        if h0 is not None:
            return self._check_h0(h0, batch)
        if not self.learn_h0:
            return None
        def bcast(s):
            s = tuple(np.broadcast_to(v, (batch, self.n_hidden)) for v in s)
            return s if len(s) > 1 else s[0]
        return self._per_state(self.params["h0"], bcast)

    def _learned_h0_grad(self, h0_given, dh0):
        """dL/d(learned h0) = the batch sum of dL/dh0 (zero when an explicit h0 replaced it)."""
        if h0_given is not None:
            return map_tree(np.zeros_like, self.params["h0"])
        def total(d):
            return tuple(v.sum(axis=0) for v in (d if isinstance(d, tuple) else (d,)))
        return self._per_state(dh0, total)

    def _per_state(self, states, fn):
        """fn applied to each layer's state (each direction's, when bidirectional)."""
        if self.bidirectional:
            return [{d: fn(s[d]) for d in stack.DIRECTIONS} for s in states]
        return [fn(s) for s in states]

    def _check_h0(self, h0, batch):
        """A user's h0: a list with one state per layer (a bare state when n_layers == 1)."""
        if not isinstance(h0, list):
            if self.n_layers != 1:
                raise TypeError(f"h0 must be a list of {self.n_layers} states, one per layer, "
                                f"got {type(h0).__name__}")
            h0 = [h0]
        if len(h0) != self.n_layers:
            raise ValueError(f"h0 must hold one state per layer ({self.n_layers}), got {len(h0)}")
        out = []
        for l, s in enumerate(h0):
            if self.bidirectional:
                if not isinstance(s, dict) or set(s) != set(stack.DIRECTIONS):
                    raise TypeError(f"h0[{l}] must be a dict {{'f': state, 'b': state}} for a "
                                    f"bidirectional model, got {type(s).__name__}")
                out.append({d: self._check_state(s[d], f"h0[{l}][{d!r}]", batch) for d in s})
            else:
                out.append(self._check_state(s, f"h0[{l}]", batch))
        return out

    def _check_state(self, s, name, batch):
        want = (batch, self.n_hidden)
        if self.cell == "lstm":
            if not isinstance(s, tuple) or len(s) != 2:
                raise TypeError(f"{name} must be a tuple (h, c) of arrays {want} for an LSTM, "
                                f"got {type(s).__name__}")
            return tuple(self._check_state_array(v, f"{name}[{i}]", want) for i, v in enumerate(s))
        return self._check_state_array(s, name, want)

    def _check_state_array(self, s, name, want):
        arr = _checks.as_array(s, name, dtype=self.dtype)
        if arr.shape != want:
            raise ValueError(f"{name} must have shape {want} (batch, n_hidden), got {arr.shape}")
        return arr

    def _stream_start(self, h0, X):
        """The state a stateful predict starts from."""
        if self.bidirectional:
            raise ValueError("stateful prediction needs bidirectional=False: the backward pass "
                             "of a bidirectional model must see the whole sequence first")
        if not self.mapping.streams:
            raise ValueError(f"stateful prediction is not available for mapping="
                             f"{self.mapping.name!r}")
        if h0 is not None:
            return h0
        if self._stream is None:
            return None
        batch = np.shape(X)[0]
        first = self._stream[0][0] if self.cell == "lstm" else self._stream[0]
        if first.shape[0] != batch:
            raise ValueError(f"stateful predict carries states for {first.shape[0]} sequences, "
                             f"X has {batch}: keep the batch size or call reset_state()")
        return self._stream


def _dtype(dtype):
    """np.dtype float32 or float64 from a name or a dtype (ValueError for anything else)."""
    try:
        name = np.dtype(dtype).name
    except TypeError:
        name = repr(dtype)
    return np.dtype(_checks.check_choice(name, "dtype", ("float32", "float64")))


class _Spec(RNN):
    """An RNN whose params are the shape tree: a configuration checked, nothing allocated."""

    def _init_params(self, rng):
        return self._shape_tree()


def param_specs(config: dict) -> dict:
    """{"layers.0.W11": (shape, dtype), ...}: every array a model built from `config` (the dict
    get_config returns) has, computed without allocating any. Raises ValueError or TypeError
    for a configuration RNN() would refuse; io checks a file's arrays against this before
    reading them."""
    return {path_str(p): (a.shape, a.dtype) for p, a in leaves(_Spec(**config).params)}


def load(path) -> RNN:
    """Rebuild a model saved with RNN.save (no pickle is ever loaded)."""
    from .checkpoint import load as _load
    return _load(path)
