"""rnnlab.RNN: layers composed into one network, batch-first at the boundary.

    h^{l,t} = f(W0^l h^{l-1,t} + W11^l h^{l,t-1} + b0^l)      recurrent layers, h^{0,t} = x(t)
    y(t)    = f_out(W1 h^{L,t} + b1)                          the output layer, at every step

The loss is the lecture's decomposable L = sum_t L(y(t), target(t)), summed over the steps of each
sequence (masked steps excluded) and averaged over the sequences of the batch:

    L = (1/B) sum_b sum_t m_b(t) l(y_b(t), target_b(t))

with l = 1/2 ||y - t||^2 (squared error), binary or categorical cross-entropy. Every gradient that
loss_and_grads returns is the exact derivative of this L. A callable loss(Y_pred, Y, mask) ->
(value, dL/dY_pred) replaces it for non-decomposable losses; its value is used as it is.

Arrays are batch-first here, X (B, T, D), and time-major inside nn/: the model transposes once.
"""
from __future__ import annotations

import numpy as np

from . import _checks, mappings
from ._tree import leaves
from .nn import activations, dense, losses, stack
from .nn import init as _init

CELLS = ("elman", "lstm", "gru")


def _cell_module(name):
    """The nn module that implements a cell."""
    from importlib import import_module
    try:
        return import_module(f"rnnlab.nn.{name}")
    except ModuleNotFoundError:
        raise NotImplementedError(f"cell={name!r} has not landed yet; use cell='elman'") from None


class RNN:
    """A recurrent network: `n_layers` recurrent layers (optionally bidirectional) and an output layer.

    n_in, n_hidden, n_out: D, H, K. cell: "elman" (LSTM and GRU share the interface).
    activation: the hidden f, "tanh" | "relu" | "identity". output: "identity" | "sigmoid" | "softmax".
    mapping: see rnnlab.mappings. loss: "auto" (follows output), "mse", "bce", "ce" or a callable.
    init: W11 scheme ("uniform", "xavier", "orthogonal", "identity"); radius: rescale W11 to it.
    dtype: "float32" (default) or "float64". seed: the generator for the initial weights.
    """

    def __init__(self, n_in, n_hidden, n_out, *, cell="elman", n_layers=1, bidirectional=False,
                 activation="tanh", output="identity", mapping="many-to-many", delay=0,
                 dtype="float32", seed=0, loss="auto", init="uniform", radius=None):
        self.n_in = _checks.check_int(n_in, "n_in", minimum=1)
        self.n_hidden = _checks.check_int(n_hidden, "n_hidden", minimum=1)
        self.n_out = _checks.check_int(n_out, "n_out", minimum=1)
        self.cell = _checks.check_choice(cell, "cell", CELLS)
        self.n_layers = _checks.check_int(n_layers, "n_layers", minimum=1)
        if not isinstance(bidirectional, bool):
            raise TypeError(f"bidirectional must be True or False, got {bidirectional!r}")
        self.bidirectional = bidirectional
        self.activation = _checks.check_choice(activation, "activation", activations.HIDDEN)
        self.output = _checks.check_choice(output, "output", activations.OUTPUT)
        self.mapping = mappings.get(mapping, delay=delay)
        self.delay = _checks.check_int(delay, "delay", minimum=0)
        if str(dtype) not in ("float32", "float64"):
            raise ValueError(f"dtype must be 'float32' or 'float64'; got {dtype!r}")
        self.dtype = np.dtype(str(dtype))
        self.seed = seed
        self.init = _checks.check_choice(init, "init", _init.SCHEMES)
        self.radius = None if radius is None else _checks.check_float(radius, "radius", minimum=0)
        if callable(loss):
            self.loss = loss
        elif loss == "auto":
            self.loss = losses.DEFAULT_FOR_OUTPUT[self.output]
        else:
            self.loss = losses.resolve(loss)
        self._cell = _cell_module(self.cell)
        if self.cell != "elman" and self.activation != "tanh":
            raise ValueError(f"activation={self.activation!r} applies to the Elman cell only; "
                             f"cell={self.cell!r} uses its own gate nonlinearities")
        self.params = self._init_params(np.random.default_rng(seed))

    # -- construction -------------------------------------------------------------------------
    def _init_params(self, rng):
        opts = {"init": self.init, "radius": self.radius}
        layers = stack.init(self._cell, self.n_in, self.n_hidden, self.n_layers,
                            bidirectional=self.bidirectional, rng=rng, dtype=self.dtype, **opts)
        if self.bidirectional:
            out = {d: dense.init(self.n_hidden, self.n_out, rng=rng, dtype=self.dtype)
                   for d in stack.DIRECTIONS}
        else:
            out = dense.init(self.n_hidden, self.n_out, rng=rng, dtype=self.dtype)
        return {"layers": layers, "output": out}

    def get_config(self) -> dict:
        """The constructor arguments that rebuild this model (JSON-ready; a callable loss is not)."""
        return {"n_in": self.n_in, "n_hidden": self.n_hidden, "n_out": self.n_out,
                "cell": self.cell, "n_layers": self.n_layers, "bidirectional": self.bidirectional,
                "activation": self.activation, "output": self.output,
                "mapping": self.mapping.name, "delay": self.delay, "dtype": self.dtype.name,
                "seed": self.seed, "loss": self.loss if isinstance(self.loss, str) else "custom",
                "init": self.init, "radius": self.radius}

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
        cfg = dict(self.get_config(), dtype=str(np.dtype(dtype)))
        cfg["loss"] = self.loss
        new = RNN(**cfg)
        from ._tree import map_tree
        new.params = map_tree(lambda a: a.astype(new.dtype), self.params)
        return new

    # -- forward and backward -----------------------------------------------------------------
    def _forward(self, x, mask, h0):
        """Stack and output layer on time-major x. Returns (a, ctx): pre-activations at output steps."""
        top, caches = stack.forward(self._cell, self.params["layers"], x, h0, mask=mask,
                                    bidirectional=self.bidirectional, activation=self.activation)
        hsel = self.mapping.select(top, self.bidirectional)      # states the output layer reads
        out = self.params["output"]
        if self.bidirectional:                                   # a = W1_f h_f + b1_f + W1_b h_b + b1_b
            a = dense.linear(out["f"], hsel[0]) + dense.linear(out["b"], hsel[1])
        else:
            a = dense.linear(out, hsel)
        return a, {"top": top, "hsel": hsel, "caches": caches}

    def _backward(self, ctx, da):
        """(grads, dx, dh0) from dL/da at the output steps."""
        out, hsel = self.params["output"], ctx["hsel"]
        if self.bidirectional:
            gf, dhf = dense.linear_backward(out["f"], hsel[0], da)
            gb, dhb = dense.linear_backward(out["b"], hsel[1], da)
            g_out, dsel = {"f": gf, "b": gb}, (dhf, dhb)
        else:
            g_out, dsel = dense.linear_backward(out, hsel, da)
        dtop, dfinal = self.mapping.select_backward(dsel, ctx["top"], self.bidirectional,
                                                    self.n_layers)
        g_layers, dx, dh0 = stack.backward(self._cell, self.params["layers"], ctx["caches"],
                                           dtop, dfinal, bidirectional=self.bidirectional)
        return {"layers": g_layers, "output": g_out}, dx, dh0

    def _loss(self, a, target, loss_mask, batch):
        """(value, dL/da) of the model's loss at the output steps (time-major)."""
        if callable(self.loss):
            y = activations.output(a, self.output)
            value, dy = self.loss(self.mapping.to_user(y), target,
                                  None if loss_mask is None else self.mapping.to_user(loss_mask))
            dy = self.mapping.from_user(_checks.as_array(dy, "the loss callable's dL/dY",
                                                         dtype=self.dtype))
            if dy.shape != y.shape:
                raise ValueError(f"the loss callable must return dL/dY of shape "
                                 f"{self.mapping.to_user(y).shape}, got {dy.shape}")
            return float(value), activations.output_backward(y, dy, self.output)
        on_y, fuses_with, fused = losses.LOSSES[self.loss]
        if fuses_with == self.output:                            # stable fused form on logits
            value, da = fused(a, target, loss_mask)
        else:
            y = activations.output(a, self.output)
            value, dy = on_y(y, target, loss_mask)
            da = activations.output_backward(y, dy, self.output)
        return value / batch, da * np.asarray(1 / batch, dtype=da.dtype)

    # -- the public methods -------------------------------------------------------------------
    def predict(self, X, mask=None, h0=None):
        """Outputs y = f_out(W1 h + b1): (B, T, K) for many-to-many, (B, K) for many-to-one."""
        x, m = self.mapping.inputs(self, X, mask)
        h0 = self._check_h0(h0, x.shape[1])
        a, _ = self._forward(x, m, h0)
        return np.ascontiguousarray(self.mapping.to_user(activations.output(a, self.output)))

    def loss_and_grads(self, X, Y, mask=None, h0=None, *, input_grads=False):
        """(loss, grads): the loss of the batch and its exact gradient, mirroring `params`.

        With input_grads=True also returns {"X": dL/dX (B, T, D), "h0": dL/dh0 per layer}.
        """
        x, m = self.mapping.inputs(self, X, mask)
        target, loss_mask = self.mapping.targets(self, Y, m, x.shape)
        h0 = self._check_h0(h0, x.shape[1])
        a, ctx = self._forward(x, m, h0)
        value, da = self._loss(a, target, loss_mask, x.shape[1])
        grads, dx, dh0 = self._backward(ctx, da)
        if input_grads:
            return value, grads, {"X": np.ascontiguousarray(dx.transpose(1, 0, 2)), "h0": dh0}
        return value, grads

    def evaluate(self, X, Y, mask=None, h0=None) -> float:
        """The loss on (X, Y), as loss_and_grads computes it, without the backward pass."""
        x, m = self.mapping.inputs(self, X, mask)
        target, loss_mask = self.mapping.targets(self, Y, m, x.shape)
        a, _ = self._forward(x, m, self._check_h0(h0, x.shape[1]))
        return self._loss(a, target, loss_mask, x.shape[1])[0]

    def fit(self, X, Y, **kwargs):
        """Train with minibatches; see rnnlab.train.fit for the options. Returns a History."""
        from .train import fit
        return fit(self, X, Y, **kwargs)

    def save(self, path):
        """Write params.npz and config.json into the folder `path` (created if needed)."""
        from .checkpoint import save
        save(self, path)

    # -- checks -------------------------------------------------------------------------------
    def _check_h0(self, h0, batch):
        """h0 as one (B, H) state per layer (and direction), cast to the model's dtype."""
        if h0 is None:
            return None
        if self.cell == "lstm":
            raise NotImplementedError("h0 for LSTM (h0, c0) pairs is not supported yet")
        want = (batch, self.n_hidden)
        if not isinstance(h0, (list, tuple)):
            h0 = [h0]
        if len(h0) != self.n_layers:
            raise ValueError(f"h0 must hold one state per layer ({self.n_layers}), got {len(h0)}")
        out = []
        for l, s in enumerate(h0):
            if self.bidirectional:
                if not isinstance(s, dict) or set(s) != {"f", "b"}:
                    raise TypeError(f"h0[{l}] must be a dict {{'f': state, 'b': state}} for a "
                                    f"bidirectional model, got {type(s).__name__}")
                out.append({d: self._check_state(s[d], f"h0[{l}][{d!r}]", want) for d in s})
            else:
                out.append(self._check_state(s, f"h0[{l}]", want))
        return out

    def _check_state(self, s, name, want):
        arr = _checks.as_array(s, name, dtype=self.dtype)
        if arr.shape != want:
            raise ValueError(f"{name} must have shape {want} (batch, n_hidden), got {arr.shape}")
        return arr


def load(path) -> RNN:
    """Rebuild a model saved with RNN.save (no pickle is ever loaded)."""
    from .checkpoint import load as _load
    return _load(path)
