"""Weight layouts of rnnlab, PyTorch and ONNX, and the (NumPy-only) conversions between them.

One layer, one direction; H hidden units, D inputs (num_directions * H above the first layer),
G gates (Elman 1, LSTM 4, GRU 3); rows are stacked gate by gate, each block H rows:

    rnnlab (nn/)              PyTorch nn.RNN/LSTM/GRU            ONNX RNN/LSTM/GRU operators
    W0  (G H, D)              weight_ih_l{k}[_reverse] (G H, D)  W [dirs, G H, D]
    W11 (G H, H)              weight_hh_l{k}[_reverse] (G H, H)  R [dirs, G H, H]
    b0  (G H,)                bias_ih + bias_hh (two (G H,))     B [dirs, 2 G H] = [Wb, Rb]
    GRU b_hn (H,)             bias_hh's n block                  Rb's h block
    gate order: LSTM i f g o  i f g o                            i o f c
                GRU  r z n    r z n                              z r h (linear_before_reset=1)
    W1 (K, H), b1 (K,)        nn.Linear(dirs H, K):              MatMul by W1^T, Add b1
    bidirectional: W1_f, b1_f, W1_b, b1_b                        weight [W1_f | W1_b], bias b1_f + b1_b

PyTorch keeps two biases where rnnlab keeps their sum b0, except the GRU's n gate, whose hidden
bias sits inside r * (W_hn h + b_hn) and stays separate (rnnlab's b_hn). Going to PyTorch, b0
goes to bias_ih and bias_hh is zero (the GRU's n block of bias_hh is b_hn); coming back,
b0 = bias_ih + bias_hh (n block of the GRU: bias_ih's alone), so a round trip is exact.
The bidirectional output layer is the lecture's fusion W1_f h_f + b1_f + W1_b h_b + b1_b written
as one Linear on the concatenated states [h_f; h_b]; its bias is the sum b1_f + b1_b.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .._types import Array, Params

if TYPE_CHECKING:
    from ..model import RNN

GATES = {"elman": 1, "lstm": 4, "gru": 3}
# rows of ONNX's gate blocks, as indices of rnnlab's (= PyTorch's) blocks
ONNX_ORDER = {"elman": (0,), "lstm": (0, 3, 1, 2), "gru": (1, 0, 2)}
TORCH_KEY = re.compile(r"^(?P<prefix>.*?)(?P<kind>weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)"
                       r"_l(?P<layer>\d+)(?P<reverse>_reverse)?$")


def directions(bidirectional: bool) -> tuple[tuple[str | None, str], ...]:
    """The direction keys of rnnlab's tree with PyTorch's key suffixes: (None, "") or f and b.

    Parameters
    ----------
    bidirectional : bool
        Whether layers run both ways.

    Returns
    -------
    tuple of (str or None, str)

    Examples
    --------
    >>> directions(True), directions(False)
    ((('f', ''), ('b', '_reverse')), ((None, ''),))
    """
    return (("f", ""), ("b", "_reverse")) if bidirectional else ((None, ""),)


def layer_params(layers: list[Any], l: int, d: str | None) -> Params:
    """rnnlab's parameter dict of layer l, direction d (None: unidirectional).

    Parameters
    ----------
    layers : list
        ``model.params["layers"]``.
    l : int
        The layer.
    d : str or None
        The direction.

    Returns
    -------
    dict
    """
    return layers[l] if d is None else layers[l][d]


def torch_keys(n_layers: int, bidirectional: bool,
               bias: bool = True) -> list[tuple[int, str | None, dict[str, str]]]:
    """PyTorch's parameter names, in its order: [(l, d, {"weight_ih": key, ...}), ...].

    Parameters
    ----------
    n_layers : int
        The number of layers.
    bidirectional : bool
        Whether layers run both ways.
    bias : bool
        Whether the module has biases.

    Returns
    -------
    list
    """
    out = []
    for l in range(n_layers):
        for d, sfx in directions(bidirectional):
            kinds = ("weight_ih", "weight_hh") + (("bias_ih", "bias_hh") if bias else ())
            out.append((l, d, {k: f"{k}_l{l}{sfx}" for k in kinds}))
    return out


def to_torch_layer(cell: str, p: Params) -> dict[str, Array]:
    """One layer and direction in PyTorch's four arrays (bias_hh zero but the GRU's n block).

    Parameters
    ----------
    cell : str
        "elman", "lstm" or "gru".
    p : dict
        rnnlab's parameters of the layer and direction.

    Returns
    -------
    dict of str to ndarray
    """
    bias_hh = np.zeros_like(p["b0"])
    if cell == "gru":
        H = p["b_hn"].shape[0]
        bias_hh[2 * H:] = p["b_hn"]
    return {"weight_ih": p["W0"], "weight_hh": p["W11"], "bias_ih": p["b0"], "bias_hh": bias_hh}


def from_torch_layer(cell: str, arrays: Mapping[str, Array], dtype: DTypeLike) -> dict[str, Any]:
    """rnnlab's parameters of one layer and direction from PyTorch's arrays ({"weight_ih",
    "weight_hh", "bias_ih", "bias_hh"}; the biases may be missing: bias=False).

    Parameters
    ----------
    cell : str
        "elman", "lstm" or "gru".
    arrays : dict of str to ndarray
        PyTorch's arrays.
    dtype : numpy dtype
        The result's dtype.

    Returns
    -------
    dict
    """
    W0 = np.array(arrays["weight_ih"], dtype=dtype)
    W11 = np.array(arrays["weight_hh"], dtype=dtype)
    H = W11.shape[1]
    b_ih = np.asarray(arrays.get("bias_ih", np.zeros(W0.shape[0])), dtype=dtype)
    b_hh = np.asarray(arrays.get("bias_hh", np.zeros(W0.shape[0])), dtype=dtype)
    p = {"W0": W0, "W11": W11}
    if cell == "gru":                    # b0 = b_ih + b_hh on r, z; b_ih alone on n; b_hn apart
        b0 = np.array(b_ih, dtype=dtype)
        b0[:2 * H] += b_hh[:2 * H]
        p.update(b0=b0, b_hn=np.array(b_hh[2 * H:], dtype=dtype))
    else:
        p["b0"] = np.asarray(b_ih + b_hh, dtype=dtype)
    return p


def fused_output(output: dict[str, Any], bidirectional: bool) -> tuple[Array, Array]:
    """(W (K, dirs H), b (K,)) of the one Linear that computes the output layer's a(t).

    Parameters
    ----------
    output : dict
        ``model.params["output"]``.
    bidirectional : bool
        Whether it reads both directions.

    Returns
    -------
    W : ndarray, (K, dirs H)
    b : ndarray, (K,)
    """
    if not bidirectional:
        return output["W1"], output["b1"]
    return (np.concatenate([output["f"]["W1"], output["b"]["W1"]], axis=1),
            output["f"]["b1"] + output["b"]["b1"])


def split_output(W: Array, b: Array, n_hidden: int, bidirectional: bool, dtype: DTypeLike,
                 keep: Sequence[ArrayLike] | None = None) -> dict[str, Any]:
    """rnnlab's output layer from a fused (W, b). keep: a bidirectional split (b1_f, b1_b) to
    reuse when it sums exactly to b (so a round trip returns the same arrays); otherwise
    b1_f = b and b1_b = 0, which computes the same a(t).

    Parameters
    ----------
    W : ndarray, (K, dirs H)
        The fused weight.
    b : ndarray, (K,)
        The fused bias.
    n_hidden : int
        H.
    bidirectional : bool
        Whether it reads both directions.
    dtype : numpy dtype
        The result's dtype.
    keep : tuple, optional
        See above.

    Returns
    -------
    dict
        rnnlab's output layer.
    """
    W, b = np.asarray(W, dtype=dtype), np.asarray(b, dtype=dtype)
    if not bidirectional:
        return {"W1": np.array(W), "b1": np.array(b)}
    bf, bb = np.array(b), np.zeros_like(b)
    if keep is not None:
        kf, kb = (np.asarray(k, dtype=dtype) for k in keep)
        if kf.shape == b.shape and kb.shape == b.shape and np.array_equal(kf + kb, b):
            bf, bb = np.array(kf), np.array(kb)
    return {"f": {"W1": np.array(W[:, :n_hidden]), "b1": bf},
            "b": {"W1": np.array(W[:, n_hidden:]), "b1": bb}}


def to_onnx_layer(cell: str, ps: Sequence[Params]) -> tuple[Array, ...]:
    """ONNX's W (dirs, G H, D), R (dirs, G H, H), B (dirs, 2 G H) from rnnlab's parameter dicts
    of one layer, one per direction (forward first), in float32.

    Parameters
    ----------
    cell : str
        "elman", "lstm" or "gru".
    ps : list of dict
        The parameter dicts, one per direction.

    Returns
    -------
    W, R, B : ndarray of float32
    """
    order = ONNX_ORDER[cell]

    def rows(a):                                           # rnnlab's gate blocks in ONNX's order
        H = a.shape[0] // len(order)
        return np.concatenate([a[g * H:(g + 1) * H] for g in order])
    W = np.stack([rows(p["W0"]) for p in ps])
    R = np.stack([rows(p["W11"]) for p in ps])
    B = np.stack([np.concatenate([rows(t["bias_ih"]), rows(t["bias_hh"])])
                  for t in (to_torch_layer(cell, p) for p in ps)])
    return tuple(np.ascontiguousarray(a, dtype=np.float32) for a in (W, R, B))


def check_model(model: RNN, target: str, mappings: Iterable[str]) -> None:
    """ValueError unless `target` ("PyTorch" or "ONNX") can compute this model: a mapping among
    `mappings`, an Elman activation it has, no learned initial state.

    Parameters
    ----------
    model : RNN
        The model.
    target : str
        "PyTorch" or "ONNX".
    mappings : tuple of str
        The mappings it can compute.

    Raises
    ------
    ValueError
        Naming what cannot be computed.
    """
    name = model.mapping.name
    if name not in mappings:
        raise ValueError(f"mapping={name!r} cannot be exported to {target}: supported mappings are "
                         f"{', '.join(map(repr, mappings))}")
    if model.cell == "elman" and model.activation not in ("tanh", "relu"):
        raise ValueError(f"activation={model.activation!r} cannot be exported to {target}: "
                         f"its Elman layers compute tanh or relu only")
    if model.learn_h0:
        raise ValueError(f"learn_h0=True cannot be exported to {target}: its recurrent layers "
                         f"start from zero states (set the learned states to zero and rebuild "
                         f"the model with learn_h0=False)")
