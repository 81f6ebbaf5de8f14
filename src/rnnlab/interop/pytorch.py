"""PyTorch, both ways: an rnnlab model as a torch.nn.Module, a torch RNN as an rnnlab model, and
state dicts in PyTorch's own key names. Weight layouts: rnnlab.interop.layouts.

    to_torch(model) -> RNNModule          nn.RNN/LSTM/GRU + nn.Linear, forward(X, lengths=None)
    from_torch(rnn, linear=None, ...)     an rl.RNN computing what rnn (+ linear) computes
    torch_state_dict(model)               {"rnn.weight_ih_l0": tensor, ..., "head.weight", "head.bias"}
    load_torch_state_dict(model, sd)      PyTorch's keys (any prefix) into the model's live params

The mappings one-to-one, one-to-many, many-to-one, many-to-many and many-to-many-delayed are
supported; seq2seq, learned initial states and the Elman activation "identity" are refused.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

try:
    import torch
except ImportError as err:                                     # pragma: no cover (the extra)
    raise ImportError("rnnlab.interop's PyTorch functions need PyTorch: "
                      "pip install 'rnnlab[torch]'") from err

from .. import _checks
from ..model import RNN
from . import layouts

MAPPINGS = ("one-to-one", "one-to-many", "many-to-one", "many-to-many", "many-to-many-delayed")
MODULES = {"elman": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}

__all__ = ["RNNModule", "to_torch", "from_torch", "torch_state_dict", "load_torch_state_dict"]


class RNNModule(torch.nn.Module):
    """An rnnlab model in PyTorch: `rnn` (nn.RNN, LSTM or GRU, batch_first) and `head` (nn.Linear
    on the top layer's states, [h_f; h_b] when bidirectional), wired by an rnnlab mapping.

    forward(X, lengths=None, n_steps=None): X (B, T, D) batch-first ((B, D) for one-to-one and
    one-to-many), lengths (B,) for right-padded batches (the steps t >= lengths[b] are padding,
    as rnnlab's mask arange(T) < lengths), n_steps: the output length of one-to-many. Returns
    what model.predict returns: (B, T, K), or (B, K) for many-to-one and one-to-one.

    Parameters
    ----------
    rnn : torch.nn.RNN, torch.nn.LSTM or torch.nn.GRU
        The recurrent layers, batch_first.
    head : torch.nn.Linear
        The output layer on the top layer's states.
    mapping : str
        The rnnlab mapping that wires them.
    delay : int
        The delay of "many-to-many-delayed".
    feed : str
        How "one-to-many" feeds its input.
    output : {"identity", "sigmoid", "softmax"}
        The output function.
    config : dict, optional
        The rnnlab model's configuration, kept for from_torch.
    """

    def __init__(self, rnn: torch.nn.RNNBase, head: torch.nn.Linear, *,
                 mapping: str = "many-to-many", delay: int = 0, feed: str = "first",
                 output: str = "identity", config: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.rnn, self.head = rnn, head
        self.mapping, self.delay, self.feed, self.output = mapping, int(delay), feed, output
        self.config = dict(config or {})              # the rnnlab configuration it came from
        # the bidirectional output biases (b1_f, b1_b) whose sum head.bias is: from_torch
        # restores them while head.bias still equals their sum (not part of the state dict)
        self.register_buffer("output_bias_split", None, persistent=False)

    def forward(self, X: torch.Tensor | ArrayLike, lengths: torch.Tensor | ArrayLike | None = None,
                n_steps: int | None = None) -> torch.Tensor:
        """What ``model.predict`` computes, in PyTorch (see the class docstring).

        Parameters
        ----------
        X : torch.Tensor
            (B, T, D) batch-first; (B, D) for one-to-one and one-to-many.
        lengths : torch.Tensor, optional
            (B,) real lengths of right-padded sequences.
        n_steps : int, optional
            The output length of one-to-many.

        Returns
        -------
        torch.Tensor
            (B, T, K), or (B, K) for many-to-one and one-to-one.
        """
        x, lengths = self._inputs(X, lengths, n_steps)              # (B, T, D)
        if lengths is None:
            out, h_n = self.rnn(x)
        else:
            packed = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True,
                                                             enforce_sorted=False)
            out, h_n = self.rnn(packed)
            out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=True,
                                                            total_length=x.shape[1])
        if isinstance(h_n, tuple):                                  # LSTM: (h_n, c_n)
            h_n = h_n[0]
        dirs = 2 if self.rnn.bidirectional else 1
        if self.mapping in ("many-to-one", "one-to-one"):           # h_f(T) and h_b(1)
            feats = torch.cat(list(h_n[-dirs:]), dim=-1)            # (B, dirs H)
        else:
            feats = out if lengths is None else self._carry(out, lengths)
            if self.mapping == "many-to-many-delayed":
                feats = feats[:, self.delay:]
        a = self.head(feats)
        if self.output == "sigmoid":
            return torch.sigmoid(a)
        if self.output == "softmax":
            return torch.softmax(a, dim=-1)
        return a

    def _inputs(self, X, lengths, n_steps):
        """(x (B, T, D) in the weights' dtype, lengths as a CPU int64 tensor or None)."""
        w = self.head.weight
        X = torch.as_tensor(X, dtype=w.dtype, device=w.device)
        vector = self.mapping in ("one-to-one", "one-to-many")
        if X.ndim != (2 if vector else 3):
            want = "(batch, n_in)" if vector else "(batch, steps, n_in)"
            raise ValueError(f"X must have shape {want} for mapping={self.mapping!r}, "
                             f"got {tuple(X.shape)}")
        if vector and lengths is not None:
            raise ValueError(f"lengths apply to sequence inputs; mapping={self.mapping!r} reads "
                             f"one vector per sample")
        if (n_steps is not None) != (self.mapping == "one-to-many"):
            raise ValueError("n_steps (the output length) is needed by mapping='one-to-many' "
                             f"and taken by no other; mapping={self.mapping!r}, "
                             f"n_steps={n_steps!r}")
        if self.mapping == "one-to-one":
            return X[:, None], None
        if self.mapping == "one-to-many":
            n = _checks.check_int(n_steps, "n_steps", minimum=1)
            if self.feed == "every":
                return X[:, None].expand(-1, n, -1), None
            return torch.cat([X[:, None], X.new_zeros((X.shape[0], n - 1, X.shape[1]))], 1), None
        B, T = X.shape[:2]
        if lengths is not None:
            lengths = torch.as_tensor(lengths).cpu()
            if (lengths.shape != (B,) or lengths.dtype.is_floating_point
                    or bool((lengths < 1).any()) or bool((lengths > T).any())):
                raise ValueError(f"lengths must be {B} integers in 1..{T} (one per sequence of X "
                                 f"{tuple(X.shape)}), got {lengths.tolist()}")
            lengths = lengths.to(torch.int64)
        if self.mapping != "many-to-many-delayed":
            return X, lengths
        d = self.delay
        if d > T:
            raise ValueError(f"delay={d} is longer than the sequences (T={T}) for mapping="
                             f"'many-to-many-delayed'")
        if lengths is not None:                          # zeros after each sequence's end
            real = torch.arange(T)[None, :] < lengths[:, None]
            X = X * real[..., None].to(X.device, X.dtype)
            lengths = lengths + d
        return torch.cat([X, X.new_zeros((B, d, X.shape[2]))], dim=1), lengths

    def _carry(self, out, lengths):
        """rnnlab's padded steps carry the state: the forward direction's h at t >= length is
        h(length - 1) (PyTorch's padded outputs are zeros; the backward direction's are zeros
        in both: it starts from h0 = 0 after the padding)."""
        B, T, _ = out.shape
        H = self.rnn.hidden_size
        last = torch.minimum(torch.arange(T)[None, :], (lengths - 1)[:, None])   # (B, T)
        last = last.to(out.device)[..., None].expand(B, T, H)
        return torch.cat([out[..., :H].gather(1, last), out[..., H:]], dim=-1)


def _torch_dtype(dtype):
    return torch.float64 if np.dtype(dtype) == np.float64 else torch.float32


def to_torch(model: RNN) -> RNNModule:
    """A torch.nn.Module computing what model.predict computes (same dtype, CPU), built from
    nn.RNN/LSTM/GRU (batch_first=True) and nn.Linear; it can be trained further in PyTorch.

    The bidirectional output layer W1_f h_f + b1_f + W1_b h_b + b1_b becomes one Linear on
    [h_f; h_b] with weight [W1_f | W1_b] and bias b1_f + b1_b. ValueError for what PyTorch's
    modules cannot compute: mapping seq2seq, learn_h0=True, Elman activation 'identity'.

    Parameters
    ----------
    model : RNN
        The model.

    Returns
    -------
    RNNModule

    Examples
    --------
    >>> import torch                                   # needs rnnlab[torch]
    >>> model = rl.RNN(n_in=2, n_hidden=5, n_out=1, cell="lstm", dtype="float64")
    >>> X = np.random.default_rng(0).normal(size=(3, 7, 2))
    >>> with torch.no_grad():
    ...     y = to_torch(model)(torch.from_numpy(X)).numpy()
    >>> print(np.allclose(y, model.predict(X), atol=1e-12))
    True
    """
    layouts.check_model(model, "PyTorch", MAPPINGS)
    extra = {"nonlinearity": model.activation} if model.cell == "elman" else {}
    dirs = 2 if model.bidirectional else 1
    rnn = MODULES[model.cell](model.n_in, model.n_hidden, num_layers=model.n_layers,
                              batch_first=True, bidirectional=model.bidirectional, **extra)
    head = torch.nn.Linear(dirs * model.n_hidden, model.n_out)
    module = RNNModule(rnn, head, mapping=model.mapping.name, delay=model.delay, feed=model.feed,
                       output=model.output, config=model.get_config()).to(_torch_dtype(model.dtype))
    module.load_state_dict(torch_state_dict(model))
    if model.bidirectional:
        out = model.params["output"]
        module.output_bias_split = torch.from_numpy(np.stack([out["f"]["b1"], out["b"]["b1"]]))
    return module.eval()


def torch_state_dict(model: RNN) -> OrderedDict:
    """The model's weights in PyTorch's key names, as to_torch(model).state_dict() holds them:
    "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0" (and "_reverse",
    "_l1", ...), "head.weight", "head.bias". Tensors are copies (the model's arrays are not shared).

    Parameters
    ----------
    model : RNN
        The model.

    Returns
    -------
    OrderedDict of str to torch.Tensor
    """
    layouts.check_model(model, "PyTorch", MAPPINGS)
    sd = OrderedDict()
    for l, d, keys in layouts.torch_keys(model.n_layers, model.bidirectional):
        p = layouts.layer_params(model.params["layers"], l, d)
        arrays = layouts.to_torch_layer(model.cell, p)
        for kind, key in keys.items():
            sd["rnn." + key] = torch.from_numpy(np.array(arrays[kind]))
    W, b = layouts.fused_output(model.params["output"], model.bidirectional)
    sd["head.weight"], sd["head.bias"] = torch.from_numpy(np.array(W)), torch.from_numpy(np.array(b))
    return sd


def _numpy(value, key):
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu()
        if not value.is_floating_point():
            raise TypeError(f"state_dict[{key!r}] must hold floats, got {value.dtype}")
        return value.to(torch.float64).numpy() if value.dtype == torch.bfloat16 else value.numpy()
    return _checks.as_array(value, f"state_dict[{key!r}]")


def load_torch_state_dict(model: RNN, state_dict: Mapping[str, Any], *,
                          rnn_prefix: str | None = None, head_prefix: str | None = None,
                          split: Sequence[ArrayLike] | Literal[False] | None = None) -> RNN:
    """Copy a PyTorch state dict into the model's live parameters (in place, cast to its dtype).

    Keys: PyTorch's names (weight_ih_l0, bias_hh_l1_reverse, ...) under one prefix (found when
    rnn_prefix is None: "" for a bare nn.LSTM's state dict, "rnn." for to_torch's, "lstm." for a
    user module's), and optionally an nn.Linear head (head_prefix + "weight", + "bias"; found
    when exactly one other "...weight" key is present). Without a head the output layer keeps
    its weights. bias=False modules (no bias keys) load as zero biases. Every key and shape is
    checked before anything is copied: errors name the key, the expected and the given shape.
    split: the bidirectional output biases (b1_f, b1_b) to keep when they sum exactly to the
    head's bias (None: the model's own; False: none); otherwise b1_f = bias, b1_b = 0 (the same
    outputs).

    Parameters
    ----------
    model : RNN
        The model whose parameters are overwritten.
    state_dict : dict of str to torch.Tensor
        PyTorch's weights.
    rnn_prefix : str, optional
        The prefix of the recurrent weights' keys; found when None.
    head_prefix : str, optional
        The prefix of the output layer's keys; found when None.
    split : None, False or (array, array)
        The bidirectional output biases to keep (see above).

    Returns
    -------
    RNN
        The model.

    Examples
    --------
    >>> import torch                                   # needs rnnlab[torch]
    >>> lstm = torch.nn.LSTM(2, 3)
    >>> model = load_torch_state_dict(rl.RNN(2, 3, 3, cell="lstm"), lstm.state_dict())
    >>> print(np.allclose(model.params["layers"][0]["W11"], lstm.weight_hh_l0.detach().numpy()))
    True
    """

    if model.mapping.name not in MAPPINGS or model.learn_h0:
        raise ValueError(f"a PyTorch RNN has no decoder and no learned initial state: a model "
                         f"with mapping={model.mapping.name!r}, learn_h0={model.learn_h0} "
                         f"cannot take a PyTorch state dict")
    arrays = {str(k): _numpy(v, k) for k, v in state_dict.items()}
    rnn_prefix = _rnn_prefix(arrays, rnn_prefix)
    has_bias = f"{rnn_prefix}bias_ih_l0" in arrays
    expected = _expected(model, rnn_prefix, has_bias)
    missing = [k for k in expected if k not in arrays]
    if missing:
        raise ValueError(f"state_dict has no key {missing[0]!r}, which the model ({model.cell}, "
                         f"n_layers={model.n_layers}, bidirectional={model.bidirectional}) needs")
    head_prefix = _head_prefix(arrays, [k for k in arrays if k not in expected], head_prefix)
    dirs, K = (2 if model.bidirectional else 1), model.n_out
    if head_prefix is not None:
        expected[head_prefix + "weight"] = (K, dirs * model.n_hidden)
        if head_prefix + "bias" in arrays:
            expected[head_prefix + "bias"] = (K,)
    unexpected = [k for k in arrays if k not in expected]
    if unexpected:
        raise ValueError(f"state_dict has key(s) the model does not have: {unexpected[:5]} "
                         f"(the model: {model.cell}, n_layers={model.n_layers}, bidirectional="
                         f"{model.bidirectional}, recurrent keys under prefix {rnn_prefix!r})")
    for k, shape in expected.items():
        if arrays[k].shape != shape:
            raise ValueError(f"state_dict[{k!r}] must have shape {shape} for this model "
                             f"(n_in={model.n_in}, n_hidden={model.n_hidden}, n_out={K}, "
                             f"cell={model.cell!r}), got {tuple(arrays[k].shape)}")
    _assign(model, arrays, rnn_prefix, has_bias, head_prefix, split)
    return model


def _rnn_prefix(arrays, given):
    """The prefix of the recurrent keys (given, or the one prefix found); projections refused."""
    matches = [m for m in map(layouts.TORCH_KEY.match, arrays) if m]
    for m in matches:
        if m["kind"] == "weight_hr":
            raise ValueError(f"state_dict[{m.string!r}] is an LSTM projection (proj_size > 0), "
                             f"which rnnlab's LSTM does not have")
    if given is not None:
        return given
    prefixes = sorted({m["prefix"] for m in matches})
    if len(prefixes) != 1:
        raise ValueError("state_dict must hold the weights of one nn.RNN/LSTM/GRU (keys like "
                         f"'weight_ih_l0'); found {'none' if not prefixes else prefixes}: "
                         f"pass rnn_prefix=")
    return prefixes[0]


def _head_prefix(arrays, rest, given):
    """The Linear head's prefix: given, or the one matrix "...weight" among the other keys
    (None when there is none)."""
    if given is not None:
        return given
    heads = sorted({k[:-len("weight")] for k in rest if k.endswith("weight")
                    and arrays[k].ndim == 2})
    if len(heads) > 1:
        raise ValueError(f"state_dict holds several weight matrices besides the recurrent "
                         f"ones ({', '.join(h + 'weight' for h in heads)}): pass head_prefix=")
    return heads[0] if heads else None


def _expected(model, prefix, has_bias):
    """{key: shape} of the recurrent weights the model needs, in PyTorch's names."""
    G, H = layouts.GATES[model.cell] * model.n_hidden, model.n_hidden
    dirs = 2 if model.bidirectional else 1
    out = {}
    for l, _, keys in layouts.torch_keys(model.n_layers, model.bidirectional, bias=has_bias):
        shapes = {"weight_ih": (G, model.n_in if l == 0 else dirs * H), "weight_hh": (G, H),
                  "bias_ih": (G,), "bias_hh": (G,)}
        out.update({prefix + key: shapes[kind] for kind, key in keys.items()})
    return out


def _assign(model, arrays, prefix, has_bias, head_prefix, split):
    """Copy checked arrays into the model's parameters, in place."""
    layers = model.params["layers"]
    for l, d, keys in layouts.torch_keys(model.n_layers, model.bidirectional, bias=has_bias):
        new = layouts.from_torch_layer(model.cell, {kind: arrays[prefix + key]
                                                    for kind, key in keys.items()}, model.dtype)
        p = layouts.layer_params(layers, l, d)
        for name, value in new.items():
            np.copyto(p[name], value)
    if head_prefix is None:
        return
    W = arrays[head_prefix + "weight"]
    b = arrays.get(head_prefix + "bias", np.zeros(model.n_out))
    out = model.params["output"]
    if split is None and model.bidirectional:
        split = (out["f"]["b1"], out["b"]["b1"])
    new = layouts.split_output(W, b, model.n_hidden, model.bidirectional, model.dtype,
                               keep=split if split is not False else None)
    for path_out, path_new in ([(out, new)] if not model.bidirectional
                               else [(out["f"], new["f"]), (out["b"], new["b"])]):
        for name, value in path_new.items():
            np.copyto(path_out[name], value)


def from_torch(rnn: torch.nn.RNNBase, linear: torch.nn.Linear | None = None, *,
               output: str | None = None, mapping: str | None = None, delay: int | None = None,
               feed: str | None = None, dtype: DTypeLike | None = None, loss: str = "auto") -> RNN:
    """An rl.RNN with the weights of `rnn` (nn.RNN, nn.LSTM or nn.GRU: batch_first or not, any
    num_layers, bidirectional, nonlinearity, bias=False) and the optional nn.Linear `linear` on
    its output (without one, the model's outputs are the top layer's states [h_f; h_b]: an
    identity output layer). `rnn` may also be a module made by to_torch (its head and settings
    are then used unless given here).

    output, mapping, delay, feed, loss: as for rl.RNN (defaults "identity", "many-to-many").
    dtype: "float32" or "float64" (default: the weights' own). dropout is ignored (it acts in
    training mode only); proj_size > 0 and other features rnnlab lacks are refused.

    Parameters
    ----------
    rnn : torch.nn.RNN, torch.nn.LSTM, torch.nn.GRU or RNNModule
        The recurrent module.
    linear : torch.nn.Linear, optional
        The output layer on its output.
    output, mapping : str, optional
        As for rl.RNN (defaults "identity", "many-to-many").
    delay : int, optional
        As for rl.RNN.
    feed : str, optional
        As for rl.RNN.
    dtype : {"float32", "float64"}, optional
        Default: the weights' own.
    loss : str
        As for rl.RNN.

    Returns
    -------
    RNN

    Examples
    --------
    >>> import torch                                   # needs rnnlab[torch]
    >>> gru = torch.nn.GRU(3, 4, batch_first=True).double()
    >>> model = from_torch(gru, torch.nn.Linear(4, 2).double())
    >>> X = np.random.default_rng(0).normal(size=(2, 5, 3))
    >>> print(model.cell, np.allclose(model.predict(X), to_torch(model)(torch.from_numpy(X)).detach().numpy()))
    gru True
    """
    split, cfg = None, {}
    if isinstance(rnn, RNNModule):
        if linear is not None:
            raise ValueError("linear must be None for a module made by to_torch (it has its head)")
        cfg = {"output": rnn.output, "mapping": rnn.mapping, "delay": rnn.delay, "feed": rnn.feed}
        linear, split, rnn = rnn.head, rnn.output_bias_split, rnn.rnn
    cell = next((c for c, cls in MODULES.items() if type(rnn) is cls), None)
    if cell is None:
        raise TypeError(f"rnn must be a torch.nn.RNN, LSTM or GRU (or a module made by "
                        f"rnnlab.interop.to_torch), got {type(rnn).__name__}")
    if getattr(rnn, "proj_size", 0):
        raise ValueError(f"an LSTM with proj_size={rnn.proj_size} cannot be imported: rnnlab's "
                         f"LSTM has no projection of its hidden state")
    H, dirs = rnn.hidden_size, 2 if rnn.bidirectional else 1
    if linear is not None and not isinstance(linear, torch.nn.Linear):
        raise TypeError(f"linear must be a torch.nn.Linear or None, got {type(linear).__name__}")
    if linear is not None and linear.in_features != dirs * H:
        raise ValueError(f"linear must read the {dirs * H} features of the top layer "
                         f"(hidden_size={H} x {dirs} direction(s)), got in_features="
                         f"{linear.in_features}")
    weight = rnn.weight_ih_l0
    if dtype is None:
        if weight.dtype not in (torch.float32, torch.float64):
            raise ValueError(f"the weights are {weight.dtype}: pass dtype='float32' or 'float64'")
        dtype = "float64" if weight.dtype == torch.float64 else "float32"
    n_out = linear.out_features if linear is not None else dirs * H
    given: dict[str, Any] = {"output": output, "mapping": mapping, "delay": delay, "feed": feed}
    opts = {k: v for k, v in {**cfg, **{k: v for k, v in given.items() if v is not None}}.items()}
    model = RNN(rnn.input_size, H, n_out, cell=cell, n_layers=rnn.num_layers,
                bidirectional=rnn.bidirectional,
                activation=rnn.nonlinearity if cell == "elman" else "tanh", dtype=dtype,
                loss=loss, **opts)
    sd = {"rnn." + k: v for k, v in rnn.state_dict().items()}
    if linear is not None:
        sd["head.weight"] = linear.weight
        if linear.bias is not None:
            sd["head.bias"] = linear.bias
    else:                                                    # y = [h_f; h_b] exactly
        sd["head.weight"] = np.eye(dirs * H)
    keep: tuple[Any, ...] | Literal[False] = (False if split is None
                                              else tuple(split.detach().cpu().numpy()))
    return load_torch_state_dict(model, sd, rnn_prefix="rnn.", head_prefix="head.", split=keep)
