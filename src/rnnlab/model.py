"""rnnlab.RNN: layers composed into one network, batch-first at the boundary.

    h^{l,t} = f(W0^l h^{l-1,t} + W11^l h^{l,t-1} + b0^l)      recurrent layers, h^{0,t} = x(t)
    y(t)    = f_out(W1 h^{L,t} + b1)                          the output layer

The loss is the lecture's decomposable L = sum_t L(y(t), target(t)), summed over the answering
steps of each sequence (masked steps excluded) and averaged over the sequences of the batch:

    L = (1/B) sum_b sum_t m_b(t) l(y_b(t), target_b(t))

with l = 1/2 ||y - t||^2 (squared error), binary or categorical cross-entropy. Every gradient that
loss_and_grads returns is the exact derivative of this L. A callable loss(Y_pred, Y, mask) ->
(value, dL/dY_pred) replaces it for non-decomposable losses; its value is used as it is.
What fit reports (History.loss) is L divided by the answering steps per sequence: L * B /
sum_b sum_t m_b(t), the loss per answering step (answering_steps; evaluate(per="step")).

Arrays are batch-first here, X (B, T, D), and time-major inside nn/: the model transposes once.
Which steps read input and which answer is the mapping's business (rnnlab.mappings).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from . import _checks, _memory, _state, mappings, nn
from ._tree import leaves, map_tree, path_str
from .nn import activations, dense, losses, stack
from .nn import init as _init
from ._types import Array, Batches, MetricSpec, Seed, StrPath

if TYPE_CHECKING:
    from .callbacks import Callback
    from .optim import Optimizer
    from .train import History

CELLS = tuple(nn.CELLS)


class RNN:
    """A recurrent network: `n_layers` recurrent layers (optionally bidirectional) and an output layer.

    Parameters
    ----------
    n_in, n_hidden, n_out : int
        The sizes D (inputs per step), H (hidden units per layer and direction) and K
        (outputs).
    cell : {"elman", "lstm", "gru"}
        The recurrent cell.
    n_layers : int
        The number of stacked recurrent layers.
    bidirectional : bool
        Whether every layer also runs backwards in time (the lecture's fusion of the two).
    activation : {"tanh", "relu", "identity"}
        The Elman cell's f in h(t) = f(W0 x(t) + W11 h(t-1) + b0).
    output : {"identity", "sigmoid", "softmax"}
        The output function of y(t) = f_out(W1 h(t) + b1).
    mapping : str
        Which steps read input and which answer: "many-to-many", "many-to-one", "one-to-one",
        "one-to-many", "many-to-many-delayed" or "seq2seq" (see :mod:`rnnlab.mappings`).
    delay : int
        The answer's delay for "many-to-many-delayed".
    feed : str
        How "one-to-many" feeds its input (see :mod:`rnnlab.mappings`).
    decoder_input : str
        What a "seq2seq" decoder reads at each step.
    teacher_forcing : bool
        Whether a "seq2seq" decoder reads the targets while training.
    dtype : {"float32", "float64"}
        The parameters' dtype; inputs are cast to it once.
    seed : int
        The generator of the initial weights.
    loss : {"auto", "mse", "bce", "ce"} or callable
        "auto" follows `output`; a callable ``f(y, Y, mask) -> (value, dL/dy)``.
    init : {"uniform", "xavier", "orthogonal", "identity"}
        The initialisation scheme of W11.
    radius : float, optional
        Rescale W11 to this spectral radius.
    learn_h0 : bool
        The initial states are parameters (``params["h0"]``), learned with their gradient.
    forget_bias : float or None
        The LSTM forget gate's initial bias (None: PyTorch's uniform init).

    Attributes
    ----------
    params : dict
        The live parameter arrays: ``params["layers"][l]`` holds W0, W11, b0 of layer l
        (``{"f": ..., "b": ...}`` when bidirectional), ``params["output"]`` holds W1, b1.
        Changing an entry in place changes the next prediction and gradient.

    Examples
    --------
    >>> model = rl.RNN(n_in=1, n_hidden=8, n_out=1, seed=0)
    >>> model.params["layers"][0]["W11"].shape, model.params["output"]["W1"].shape
    ((8, 8), (1, 8))
    >>> model.n_params                 # 8 + 64 + 8 (layer) + 8 + 1 (output)
    89
    >>> X = np.random.default_rng(0).normal(size=(64, 10, 1))
    >>> Y = np.cumsum(X, axis=1) / 3                       # a running sum: needs the recurrence
    >>> model.predict(X).shape
    (64, 10, 1)
    >>> history = model.fit(X, Y, epochs=5, progress=False)
    >>> print(len(history.loss), history.loss[-1] < history.loss[0])
    5 True
    """


    def __init__(self, n_in: int, n_hidden: int, n_out: int, *, cell: str = "elman",
                 n_layers: int = 1, bidirectional: bool = False, activation: str = "tanh",
                 output: str = "identity", mapping: str = "many-to-many", delay: int = 0,
                 feed: str = "first", decoder_input: str = "zeros", teacher_forcing: bool = False,
                 dtype: DTypeLike = "float32", seed: Seed = 0,
                 loss: str | Callable[..., Any] = "auto", init: str = "uniform",
                 radius: float | None = None, learn_h0: bool = False,
                 forget_bias: float = 1.0) -> None:
        self.n_in = _checks.check_int(n_in, "n_in", minimum=1)
        self.n_hidden = _checks.check_int(n_hidden, "n_hidden", minimum=1)
        self.n_out = _checks.check_int(n_out, "n_out", minimum=1)
        self.cell = _checks.check_choice(cell, "cell", CELLS)
        self.n_layers = _checks.check_int(n_layers, "n_layers", minimum=1)
        self.bidirectional = _checks.check_bool(bidirectional, "bidirectional")
        self.activation = _checks.check_choice(activation, "activation", activations.HIDDEN)
        self.output = _checks.check_choice(output, "output", activations.OUTPUT)
        self.mapping = mappings.get(mapping, delay=delay, feed=feed, decoder_input=decoder_input,
                                    teacher_forcing=teacher_forcing)
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
            losses.DEFAULT_FOR_OUTPUT[self.output] if isinstance(loss, str) and loss == "auto"
            else losses.resolve(loss))
        need = losses.NEEDS_OUTPUT.get(self.loss) if isinstance(self.loss, str) else None
        if need is not None and self.output != need:
            raise ValueError(f"loss={self.loss!r} needs output={need!r} (it takes probabilities), "
                             f"got output={self.output!r}")
        if self.activation not in nn.CELLS[self.cell].ACTIVATIONS:
            raise ValueError(f"activation={self.activation!r} applies to the Elman cell only; "
                             f"cell={self.cell!r} uses its own gate nonlinearities")
        self._cell = nn.CELLS[self.cell]
        self._stream: Any = None                   # final states of the last stateful predict
        self.params = self._init_params(np.random.default_rng(seed))

    @property
    def net(self) -> mappings.Net:
        """The explicit value the mappings (and analysis code) compute with: the cell module, the
        live parameters, sizes and options. Built anew at each access; it shares params."""
        return mappings.Net(self._cell, self.params, self.n_in, self.n_hidden, self.n_out,
                            self.n_layers, self.bidirectional, self.activation, self.output,
                            self.loss, self.dtype)

    def _shape_tree(self):
        """A tree shaped like params whose leaves are read-only views that own no memory (shape
        and dtype only): what the parameters will be, before any is allocated."""
        H, bi = self.n_hidden, self.bidirectional

        def spec(shapes):
            return {k: np.broadcast_to(np.zeros((), self.dtype), s) for k, s in shapes.items()}
        tree: dict[str, Any] = {"layers": [spec(p) if not bi else {d: spec(p[d]) for d in p}
                           for p in stack.param_shapes(self._cell, self.n_in, H, self.n_layers,
                                                       bidirectional=bi)]}
        if self.mapping.name == "seq2seq":
            tree["decoder"] = [spec(p) for p in stack.param_shapes(
                self._cell, self.n_out, H, self.n_layers, bidirectional=False)]
        out = spec(dense.param_shapes(H, self.n_out))
        tree["output"] = {d: dict(out) for d in stack.DIRECTIONS} if bi else out
        if self.learn_h0:
            state = tuple(np.broadcast_to(np.zeros((), self.dtype), (H,))
                          for _ in range(len(self._cell.STATE)))
            tree["h0"] = [{d: state for d in stack.DIRECTIONS} if bi else state
                          for _ in range(self.n_layers)]
        return tree

    # -- construction -------------------------------------------------------------------------
    def _init_params(self, rng):
        nbytes = sum(a.size for _, a in leaves(self._shape_tree())) * self.dtype.itemsize
        _memory.check_fits(nbytes, f"a model with n_hidden={self.n_hidden}, "
                                   f"n_layers={self.n_layers} ({self.dtype.name} parameters)")
        opts = {"init": self.init, "radius": self.radius,
                **{k: getattr(self, k) for k in self._cell.INIT_OPTIONS}}
        H, bi = self.n_hidden, self.bidirectional
        params: dict[str, Any]
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
                return tuple(np.zeros(H, self.dtype) for _ in range(len(self._cell.STATE)))
            params["h0"] = [({d: zero() for d in stack.DIRECTIONS} if bi else zero())
                            for _ in range(self.n_layers)]
        return params

    def get_config(self) -> dict:
        """The constructor arguments that rebuild this model (JSON-ready; a callable loss is not).

        Returns
        -------
        dict
            ``RNN(**config)`` builds the same architecture (with fresh weights).
        """
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

    def astype(self, dtype: DTypeLike) -> "RNN":
        """A copy of this model whose parameters have the given dtype.

        Parameters
        ----------
        dtype : str or numpy dtype
            float32 or float64.

        Returns
        -------
        RNN
            A new model with the same configuration and the parameters cast.
        """
        new = type(self)(**dict(self.get_config(), dtype=str(np.dtype(dtype)), loss=self.loss))
        new.params = map_tree(lambda a: a.astype(new.dtype), self.params)
        return new

    # -- one pass -----------------------------------------------------------------------------
    def _prepare(self, X, Y=None, mask=None, h0=None, n_steps=None):
        """Validate and lay out: (net, x, mask, target, loss_mask, h0), time-major."""
        net, mp = self.net, self.mapping
        if Y is not None:
            n_steps = mp.n_steps(Y, free_shape=callable(self.loss))
        x, m = mp.inputs(net, X, mask, n_steps)
        target = loss_mask = None
        if Y is not None:
            target, loss_mask = mp.targets(net, Y, m, x.shape, n_steps)
        return net, x, m, target, loss_mask, self._initial_state(h0, x.shape[1]), n_steps

    def _loss(self, a, target, loss_mask, batch):
        """(value, dL/da) of the model's loss at the answering steps (time-major)."""
        mp = self.mapping
        if callable(self.loss):
            y = activations.output(a, self.output)
            out = self.loss(mp.to_user(y), target,
                            None if loss_mask is None else mp.to_user(loss_mask))
            value, dy = _custom_loss_result(out, mp.to_user(y).shape, self.dtype)
            return value, activations.output_backward(y, mp.from_user(dy), self.output)
        on_y, fuses_with, fused = losses.LOSSES[self.loss]
        if fuses_with == self.output:                            # stable fused form on logits
            value, da = fused(a, target, loss_mask)
        else:
            y = activations.output(a, self.output)
            value, dy = on_y(y, target, loss_mask)
            da = activations.output_backward(y, dy, self.output)
        return value / batch, da * np.asarray(1 / batch, dtype=da.dtype)

    # -- the public methods -------------------------------------------------------------------
    @overload
    def predict(self, X: ArrayLike, mask: ArrayLike | None = ..., h0: Any = ..., *,
                n_steps: int | None = ..., return_state: Literal[False] = ...,
                stateful: bool = ...) -> Array: ...
    @overload
    def predict(self, X: ArrayLike, mask: ArrayLike | None = ..., h0: Any = ..., *,
                n_steps: int | None = ..., return_state: Literal[True],
                stateful: bool = ...) -> tuple[Array, Any]: ...
    @overload
    def predict(self, X: ArrayLike, mask: ArrayLike | None = ..., h0: Any = ..., *,
                n_steps: int | None = ..., return_state: bool,
                stateful: bool = ...) -> Array | tuple[Array, Any]: ...

    def predict(self, X: ArrayLike, mask: ArrayLike | None = None, h0: Any = None, *,
                n_steps: int | None = None, return_state: bool = False,
                stateful: bool = False) -> Array | tuple[Array, Any]:
        """Outputs y = f_out(W1 h + b1), batch-first: (B, T, K), or (B, K) for many-to-one.

        n_steps: output length for one-to-many and seq2seq. return_state: also return the final
        states (the layout h0 takes; bidirectional: h_f(T) and h_b(1), PyTorch's h_n), to continue
        the sequences later (unidirectional models). stateful: start from the states the previous
        stateful call ended in (zeros the first time; reset_state() forgets).
        Prediction keeps no buffer that only training needs: memory is the outputs plus a block
        of steps per layer, whatever the length of the sequences (unidirectional models).

        Parameters
        ----------
        X : array_like, (B, T, D)
            The input sequences (for one-to-many, (B, D)).
        mask : array_like of bool, optional
            (B, T): the real steps of padded sequences.
        h0 : state, optional
            The initial states (the layout ``return_state`` gives); default zeros.
        n_steps : int, optional
            Output length for one-to-many and seq2seq.
        return_state : bool
            Also return the final states (bidirectional: h_f(T) and h_b(1), PyTorch's h_n), to
            continue the sequences later.
        stateful : bool
            Start from the states the previous stateful call ended in (zeros the first time;
            ``reset_state()`` forgets).

        Returns
        -------
        y : ndarray, (B, T, K) or (B, K)
            The outputs, batch-first; (B, K) for many-to-one.
        state : state
            Only with ``return_state=True``: the final states.

        Examples
        --------
        >>> model = rl.RNN(n_in=2, n_hidden=4, n_out=3, output="softmax")
        >>> y = model.predict(np.ones((5, 7, 2)))
        >>> print(y.shape, np.allclose(y.sum(axis=-1), 1.0, atol=1e-6))
        (5, 7, 3) True
        """
        return_state = _checks.check_bool(return_state, "return_state")
        stateful = _checks.check_bool(stateful, "stateful")
        if n_steps is not None and not self.mapping.takes_n_steps:
            raise ValueError(f"n_steps applies to mappings 'one-to-many' and 'seq2seq'; "
                             f"mapping={self.mapping.name!r} takes its length from X")
        if return_state and not self.mapping.returns_state:
            raise ValueError(f"return_state is not available for mapping={self.mapping.name!r}: "
                             f"its final state cannot continue a sequence")
        if stateful:
            h0 = self._stream_start(h0, X)
        net, x, m, _, _, h0, n_steps = self._prepare(X, mask=mask, h0=h0, n_steps=n_steps)
        with np.errstate(over="ignore", invalid="ignore"):       # checked just below
            a, finals = self.mapping.infer(net, x, m, h0, n_steps)
            y = np.ascontiguousarray(self.mapping.to_user(activations.output(a, self.output)))
        _checks.check_finite_result(y, "predict's outputs", self._overflow_hint(x))
        if stateful:
            self._stream = finals
        if return_state:
            return y, _state.to_user(finals, self.bidirectional)
        return y

    def states(self, X: ArrayLike, mask: ArrayLike | None = None, h0: Any = None, *,
               n_steps: int | None = None) -> list[Any]:
        """The hidden states of every layer, batch-first: a list with one (B, T, H) array per
        layer ({"f": ..., "b": ...} when bidirectional), over the steps the stack runs (for
        seq2seq, the encoder's: n_steps does not apply). For LSTM, the h states.

        Parameters
        ----------
        X : array_like, (B, T, D)
            The input sequences.
        mask : array_like of bool, optional
            (B, T): the real steps.
        h0 : state, optional
            The initial states; default zeros.
        n_steps : int, optional
            The number of steps for mapping='one-to-many' (required there, refused for the
            mappings whose stack runs over the steps of X).

        Returns
        -------
        list
            One (B, T, H) array per layer, or ``{"f": ..., "b": ...}`` per layer when
            bidirectional.
        """
        if n_steps is not None and not self.mapping.states_take_n_steps:
            raise ValueError(f"n_steps does not apply to states() for mapping="
                             f"{self.mapping.name!r}: the states are those of the stack reading "
                             f"X{' (the encoder)' if self.mapping.name == 'seq2seq' else ''}")
        net, x, m, _, _, h0, _ = self._prepare(X, mask=mask, h0=h0, n_steps=n_steps)
        T, B = x.shape[:2]
        bi = self.bidirectional

        def buffer():
            return np.empty((B, T, self.n_hidden), self.dtype)          # (B, T, H)
        kept: list[Any] = [{d: buffer() for d in stack.DIRECTIONS} if bi else buffer()
                for _ in range(self.n_layers)]

        def emit(t0, outs):
            for l, out in enumerate(outs):
                if bi:
                    for i, d in enumerate(stack.DIRECTIONS):
                        kept[l][d][:, t0:t0 + len(out[i])] = out[i].swapaxes(0, 1)
                else:
                    kept[l][:, t0:t0 + len(out)] = out.swapaxes(0, 1)
        with np.errstate(over="ignore", invalid="ignore"):       # checked just below
            stack.infer(net.cell, net.params["layers"], x, h0, mask=m, bidirectional=bi,
                        keep="all", emit=emit, activation=self.activation)
        for layer in kept:
            for h in (layer.values() if bi else (layer,)):
                _checks.check_finite_result(h, "the states", self._overflow_hint(x))
        return kept

    def reset_state(self) -> None:
        """Forget the states carried by stateful predict calls."""
        self._stream = None

    def loss_and_grads(self, X: ArrayLike, Y: ArrayLike, mask: ArrayLike | None = None,
                       h0: Any = None, *, input_grads: bool = False,
                       return_state: bool = False) -> tuple[Any, ...]:
        """(loss, grads): the batch's loss and its exact gradient, mirroring `params`.

        Parameters
        ----------
        X : array_like, (B, T, D)
            The inputs.
        Y : array_like
            The targets, (B, T, K) or class indices (B, T) for softmax; (B, K) for many-to-one.
        mask : array_like of bool, optional
            (B, T): the steps that count.
        h0 : state, optional
            The initial states; default zeros.
        input_grads : bool
            Also return ``{"X": dL/dX, "h0": dL/dh0 per layer}``.
        return_state : bool
            Also return the final states (for truncated BPTT: the next chunk starts from them).

        Returns
        -------
        loss : float
            The mean loss over the steps that count.
        grads : dict
            dL/dp for every parameter, at the same path as in ``params``.
        inputs : dict
            Only with ``input_grads=True``.
        state : state
            Only with ``return_state=True``.

        Examples
        --------
        >>> model = rl.RNN(n_in=1, n_hidden=3, n_out=1, dtype="float64")
        >>> X, Y = np.ones((2, 4, 1)), np.zeros((2, 4, 1))
        >>> loss, grads = model.loss_and_grads(X, Y)
        >>> print(sorted(grads) == sorted(model.params), np.isclose(loss, model.evaluate(X, Y)))
        True True
        """
        input_grads = _checks.check_bool(input_grads, "input_grads")
        return_state = _checks.check_bool(return_state, "return_state")
        if return_state and not self.mapping.returns_state:
            raise ValueError(f"return_state is not available for mapping={self.mapping.name!r}")
        net, x, m, target, loss_mask, h0_cells, n_steps = self._prepare(X, Y, mask, h0)
        a, ctx = self.mapping.forward(net, x, m, h0_cells, n_steps,
                                      target if self.teacher_forcing else None)
        value, da = self._loss(a, target, loss_mask, x.shape[1])
        grads, dx, dh0 = self.mapping.backward(net, ctx, da)
        if self.learn_h0:
            grads["h0"] = self._learned_h0_grad(h0, dh0)
        out: tuple[Any, ...] = (value, grads)
        if input_grads:
            out += ({"X": self.mapping.input_grad(dx, np.shape(X), mask),
                     "h0": _state.to_user(dh0, self.bidirectional)},)
        if return_state:
            out += (_state.to_user(self.mapping.final_states(net, ctx), self.bidirectional),)
        return out

    def state_grads(self, X: ArrayLike, Y: ArrayLike, mask: ArrayLike | None = None,
                    h0: Any = None) -> Array | dict[str, Array]:
        """dL/dh(t) of the top layer at every step the stack runs, batch-first (B, T, H)
        ({"f": ..., "b": ...} when bidirectional): the total gradient reaching each state in the
        model's own BPTT, from the output at t and through the recurrence from t+1.

        Parameters
        ----------
        X, Y : array_like
            Inputs and targets, as for ``loss_and_grads``.
        mask : array_like of bool, optional
            (B, T): the steps that count.
        h0 : state, optional
            The initial states; default zeros.

        Returns
        -------
        ndarray or dict
            (B, T, H), or ``{"f": ..., "b": ...}`` when bidirectional.
        """
        net, x, m, target, loss_mask, h0, n_steps = self._prepare(X, Y, mask, h0)
        a, ctx = self.mapping.forward(net, x, m, h0, n_steps,
                                      target if self.teacher_forcing else None)
        _, da = self._loss(a, target, loss_mask, x.shape[1])
        g: Any = self.mapping.top_state_grads(net, ctx, da)
        if self.bidirectional:
            return {d: np.ascontiguousarray(gd.swapaxes(0, 1)) for d, gd in zip(stack.DIRECTIONS, g)}
        return np.ascontiguousarray(g.swapaxes(0, 1))

    def check_data(self, X: ArrayLike, Y: ArrayLike, mask: ArrayLike | None = None) -> None:
        """Check a whole data set as loss_and_grads would (shapes, values), without running it:
        fit calls this once, so that errors name the data's own shapes.

        Parameters
        ----------
        X, Y : array_like
            Inputs and targets, as for ``loss_and_grads``.
        mask : array_like of bool, optional
            (B, T): the steps that count.

        Raises
        ------
        ValueError, TypeError
            Naming the argument, the expected and the actual shape or value.
        """
        self._prepare(X, Y, mask)

    def evaluate(self, X: ArrayLike, Y: ArrayLike, mask: ArrayLike | None = None,
                 h0: Any = None, *, per: str = "sequence") -> float:
        """The loss on (X, Y), without the backward's buffers.

        Parameters
        ----------
        X, Y : array_like
            Inputs and targets, as for ``loss_and_grads``.
        mask : array_like of bool, optional
            (B, T): the steps that count.
        h0 : state, optional
            The initial states; default zeros.
        per : {"sequence", "step"}, default "sequence"
            "sequence": as ``loss_and_grads`` computes it, the loss summed over the answering
            steps of each sequence and averaged over the sequences (what training minimises).
            "step": the same sum divided by the number of answering steps instead
            (``answering_steps``), the unit ``History.loss`` and ``val_loss`` report.

        Returns
        -------
        float
            The loss, in the unit `per` chooses.

        Examples
        --------
        >>> model = rl.RNN(n_in=1, n_hidden=3, n_out=1)
        >>> model.evaluate(np.ones((2, 4, 1)), np.ones((2, 4, 1))) >= 0
        True
        """
        per = _checks.check_choice(per, "per", ("sequence", "step"))
        net, x, m, target, loss_mask, h0, n_steps = self._prepare(X, Y, mask, h0)
        if self.teacher_forcing:                   # the decoder reads the targets, as in training
            a, _ = self.mapping.forward(net, x, m, h0, n_steps, target)
        else:
            a, _ = self.mapping.infer(net, x, m, h0, n_steps)
        value = self._loss(a, target, loss_mask, x.shape[1])[0]
        if per == "step":
            value = value * x.shape[1] / max(int(self._answers(x, loss_mask, n_steps).sum()), 1)
        return value

    def answering_steps(self, X: ArrayLike, Y: ArrayLike, mask: ArrayLike | None = None) -> Array:
        """How many steps of each sequence answer, i.e. enter the loss.

        The mapping decides: 1 for many-to-one and one-to-one, T (or the steps the mask keeps)
        for many-to-many, T for many-to-many-delayed (its d read-ahead steps do not answer), the
        output length for one-to-many and seq2seq. The loss per answering step is the summed
        loss divided by the total of these counts.

        Parameters
        ----------
        X : array_like, (B, T, D)
            The inputs.
        Y : array_like
            The targets, (B, T, K) or class indices (B, T) for softmax; (B, K) for many-to-one.
        mask : array_like of bool, optional
            (B, T): the steps that count.

        Returns
        -------
        ndarray of int, (B,)
            The number of answering steps of each sequence.
        """
        _, x, _, _, loss_mask, _, n_steps = self._prepare(X, Y, mask)
        return self._answers(x, loss_mask, n_steps)

    def _answers(self, x, loss_mask, n_steps):
        """(B,) answering steps per sequence, from the time-major inputs and loss mask."""
        if loss_mask is not None:                  # (T_out, B): the steps the mask keeps
            return np.asarray(loss_mask, bool).sum(axis=0).astype(np.int64)
        return np.full(x.shape[1], self.mapping.answer_steps(x.shape[0], n_steps), np.int64)

    def fit(self, X: ArrayLike | Batches, Y: ArrayLike | None = None, *,
            optimizer: str | Optimizer = "adam", lr: float | None = None, epochs: int = 10,
            batch_size: int = 32, mask: ArrayLike | None = None, clip_norm: float | None = None,
            bptt: int | None = None, validation_data: tuple[Any, ...] | Batches | None = None,
            validation_split: float | None = None, seed: Seed = None, shuffle: bool = True,
            patience: int | None = None, verbose: int | str | None = "auto",
            progress: bool | None = None,
            callback: Callable[[Any, History], object] | None = None,
            callbacks: Callback | Iterable[Callback] | None = None,
            metrics: MetricSpec = None) -> History:
        """Train in place with minibatches and return a History (rnnlab.train.fit).

        Training minimises the lecture's summed loss (summed over the answering steps of each
        sequence, averaged over the sequences). History.loss and val_loss report it per
        answering step, History.loss_per_sequence and val_loss_per_sequence as summed.
        Every argument is checked before the first update changes the model.

        Parameters
        ----------
        X : array (B, T, D), (B, D) for one-to-one and one-to-many, or a batch source
            The inputs, one row per sequence. Or, for data larger than memory, a batch source
            with Y=None: a callable returning a fresh iterable of batches (X_b, Y_b) or
            (X_b, Y_b, mask_b) at every epoch, or a re-iterable object (a list of batches).
        Y : array, or None with a batch source
            The targets, shaped as the mapping answers ((B, T, K) or (B, K); class indices for
            cross-entropy).
        optimizer : str or rnnlab.optim.Optimizer, default "adam"
            An optimizer object, or a name ("adam", "sgd", "rmsprop") built anew at every
            call; pass an object to keep its state across calls.
        lr : float, optional
            The learning rate of a named optimizer.
        epochs : int, default 10
            Passes over the data.
        batch_size : int, default 32
            Sequences per optimizer step.
        mask : bool array (B, T), optional
            True at the real steps, False at padding.
        clip_norm : float, optional
            Clip the global gradient norm to this value before each step.
        bptt : int, optional
            Truncated BPTT in chunks of this many steps (many-to-many, unidirectional).
        validation_data : tuple (X, Y) or (X, Y, mask), or a batch source, optional
            Evaluated after every epoch into History.val_loss.
        validation_split : float in (0, 1), optional
            Hold out the last rows (before shuffling) as validation data.
        seed : int or numpy.random.Generator, optional
            The shuffling generator (default: seeded by the model's seed).
        shuffle : bool, default True
            Shuffle the rows at every epoch (array data).
        patience : int, optional
            Early stopping on val_loss (loss without validation data), restoring the best
            parameters.
        verbose : {"auto", 0, 1, 2}, default "auto"
            0: silent. 1: a live display (Jupyter: a tqdm bar, or a line updated in place;
            a terminal: a one-line bar on stderr). 2: one line per epoch (epoch, loss,
            val_loss, metrics, time). "auto": 1 on a terminal or in Jupyter, 2 elsewhere.
        progress : bool, optional
            The older name of verbose: True is verbose=1, False verbose=0.
        callback : callable, optional
            callback(model, history) after every epoch; returning True stops training.
        callbacks : rnnlab.callbacks.Callback or list of them, optional
            Hooks at train, epoch and batch begin and end (schedules, checkpoints, logs).
        metrics : str, callable or list of them, optional
            "accuracy", "sequence_accuracy" (exact match per sequence), "mse", "mae" or a
            callable f(y_pred, Y, mask, output) -> float, computed after every epoch on the
            validation data ("val_accuracy") or else the training data.

        Returns
        -------
        History
            loss, val_loss (per answering step), loss_per_sequence, val_loss_per_sequence,
            metrics, grad_norm, epoch_time per epoch; steps, stopped; History.plot().

        Raises
        ------
        TypeError, ValueError
            A bad argument or data, named, before any update.

        Examples
        --------
        >>> import numpy as np, rnnlab as rl
        >>> X = np.random.default_rng(0).uniform(-1, 1, (64, 12, 1))
        >>> Y = np.cumsum(X, axis=1) / 4
        >>> hist = rl.RNN(1, 8, 1).fit(X, Y, epochs=5, lr=0.02, verbose=0)
        >>> len(hist.loss), hist.loss[-1] < hist.loss[0]
        (5, True)
        """
        from .train import fit
        return fit(self, X, Y, optimizer=optimizer, lr=lr, epochs=epochs, batch_size=batch_size,
                   mask=mask, clip_norm=clip_norm, bptt=bptt, validation_data=validation_data,
                   validation_split=validation_split, seed=seed, shuffle=shuffle,
                   patience=patience, verbose=verbose, progress=progress, callback=callback,
                   callbacks=callbacks, metrics=metrics)

    def save(self, path: StrPath, *, overwrite: bool = False) -> None:
        """Write the model into the folder `path` (params.npz and config.json), atomically: the
        folder appears whole or not at all, and a folder being replaced stays whole until the new
        one is complete (rnnlab.io). An existing model folder is replaced only with
        overwrite=True. A folder holding anything rnnlab did not write is never replaced.

        Parameters
        ----------
        path : str or Path
            The model's folder.
        overwrite : bool
            Whether an existing model folder is replaced.

        Raises
        ------
        FileExistsError
            If `path` holds a model and `overwrite` is False, or holds anything rnnlab did not
            write.

        Examples
        --------
        >>> import tempfile, os
        >>> model = rl.RNN(n_in=1, n_hidden=4, n_out=1, seed=3)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     model.save(os.path.join(tmp, "m"))
        ...     same = rl.load(os.path.join(tmp, "m"))
        >>> X = np.ones((1, 6, 1))
        >>> print(np.array_equal(same.predict(X), model.predict(X)), same.get_config() == model.get_config())
        True True
        """
        from .io import write_model
        cfg = self.get_config()
        if cfg["loss"] == "custom":
            raise ValueError("a model with a callable loss cannot be saved: its loss is code, not "
                             "configuration; set loss to a name before saving")
        write_model(path, cfg, {path_str(p): a for p, a in leaves(self.params)},
                    overwrite=overwrite)

    # -- initial states -----------------------------------------------------------------------
    def _initial_state(self, h0, batch):
        """h0 in the cells' layout (a tuple per layer and direction) and the model's dtype;
        the learned states broadcast to the batch; or None."""
        if h0 is not None:
            return _state.from_user(h0, n_layers=self.n_layers, bidirectional=self.bidirectional,
                                    n_states=len(self._cell.STATE), batch=batch,
                                    n_hidden=self.n_hidden, dtype=self.dtype)
        if not self.learn_h0:
            return None
        return _state.per_state(self.params["h0"], lambda s: tuple(
            np.broadcast_to(v, (batch, self.n_hidden)) for v in s), self.bidirectional)

    def _learned_h0_grad(self, h0_given, dh0):
        """dL/d(learned h0) = the batch sum of dL/dh0 (zero when an explicit h0 replaced it)."""
        if h0_given is not None:
            return map_tree(np.zeros_like, self.params["h0"])
        return _state.per_state(dh0, lambda d: tuple(v.sum(axis=0) for v in d),
                                self.bidirectional)

    def _overflow_hint(self, x):
        """Why finite inputs gave non-finite outputs: the sizes of X and of the parameters."""
        big = max((float(np.abs(a).max()) for _, a in leaves(self.params) if a.size), default=0)
        return (f"the network overflows {self.dtype.name} (largest |X| "
                f"{float(np.abs(x).max()):.3g}, largest |parameter| {big:.3g}): scale X, or "
                f"use dtype='float64'")

    def _stream_start(self, h0, X):
        """The state a stateful predict starts from (the user's layout, or the carried one)."""
        if self.bidirectional:
            raise ValueError("stateful prediction needs bidirectional=False: the backward pass "
                             "of a bidirectional model must see the whole sequence first")
        if not self.mapping.streams:
            raise ValueError(f"stateful prediction is not available for mapping="
                             f"{self.mapping.name!r}")
        if h0 is not None or self._stream is None:
            return h0
        X = _checks.as_array(X, "X")
        carried, batch = _state.batch_of(self._stream), X.shape[0] if X.ndim else None
        if carried != batch:
            raise ValueError(f"stateful predict carries states for {carried} sequences, "
                             f"X has {batch}: keep the batch size or call reset_state()")
        return _state.to_user(self._stream, False)


def _custom_loss_result(out, shape, dtype):
    """(value, dL/dY) from what a loss callable returned, checked: a pair, a finite-or-not real
    scalar value and an array of the outputs' shape."""
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError(f"the loss callable must return a pair (loss value, dL/dY of shape "
                        f"{shape}), got {type(out).__name__}"
                        f"{f' of length {len(out)}' if isinstance(out, (tuple, list)) else ''}")
    value, dy = out
    v = np.asarray(value) if not isinstance(value, (str, bytes)) else None
    if v is None or v.size != 1 or v.dtype.kind not in "biuf":
        raise TypeError(f"the loss callable's value must be a real number, got "
                        f"{type(value).__name__} {value!r:.60}")
    dy = _checks.as_array(dy, "the loss callable's dL/dY", dtype=dtype)
    if dy.shape != shape:
        raise ValueError(f"the loss callable must return dL/dY of shape {shape}, got {dy.shape}")
    return float(v.reshape(())), dy


def _dtype(dtype):
    """np.dtype float32 or float64 from a name or a dtype (ValueError for anything else)."""
    if dtype is None or isinstance(dtype, bool):          # np.dtype(None) would be float64
        raise TypeError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
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
    reading them.

    Parameters
    ----------
    config : dict
        What ``RNN.get_config`` returns.

    Returns
    -------
    dict
        ``{path: (shape, dtype)}``.

    Raises
    ------
    ValueError, TypeError
        For a configuration RNN() would refuse.

    Examples
    --------
    >>> param_specs(rl.RNN(2, 3, 1).get_config())["layers.0.W11"]
    ((3, 3), dtype('float32'))
    """
    return {path_str(p): (a.shape, a.dtype) for p, a in leaves(_Spec(**config).params)}


def load(path: StrPath) -> RNN:
    """Rebuild a model saved with RNN.save. Before anything is allocated, the configuration's
    parameter shapes (param_specs) are checked against the .npy headers of params.npz; no
    pickle is ever loaded.

    Parameters
    ----------
    path : str or Path
        A folder written by ``RNN.save``.

    Returns
    -------
    RNN
        The model, with the saved configuration and parameters.

    Raises
    ------
    CheckpointError
        For any problem, naming the file.

    Examples
    --------
    See ``RNN.save``.
    """

    from .io import read_model

    def build(config):
        model = RNN(**config)
        return model, {path_str(p): a for p, a in leaves(model.params)}
    return read_model(path, param_specs, build)
