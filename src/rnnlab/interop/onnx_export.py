"""ONNX export: an rnnlab model as an ONNX graph of ONNX's own RNN, LSTM and GRU operators.

    export_onnx(model, path, *, lengths=False) -> path

The graph reads "X", batch-first (B, T, D) float32 ((B, D) for one-to-one), and with
lengths=True also "lengths" (B,) int64 for right-padded batches (steps t >= lengths[b] are
padding, as rnnlab's mask arange(T) < lengths); it writes "Y", what model.predict returns
(after the output function). Batch and time axes are dynamic. Inside, the graph is time-major
(onnxruntime's CPU kernels refuse the layout=1 batch-first attribute), one operator per layer:

    X (B, T, D) -Transpose-> x (T, B, D) -RNN/LSTM/GRU-> Y (T, dirs, B, H) -Transpose, Reshape->
    (T, B, dirs H) -> next layer ... -> MatMul W1^T, Add b1 -> Transpose -> output function -> Y

Weights are reordered to ONNX's gate order (LSTM i o f c, GRU z r h with linear_before_reset=1,
which is PyTorch's and rnnlab's GRU) as rnnlab.interop.layouts tables; biases B = [Wb, Rb].
Many-to-one reads the operators' Y_h (h_f(T), h_b(1); each sequence's own last step with
lengths). With lengths the forward direction's outputs at padded steps repeat its last real
state, as rnnlab's masked steps carry the state (the operator writes zeros there).
onnxruntime's recurrent kernels compute in float32: a float64 model is exported in float32.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pathlib import Path

import numpy as np

try:
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError as err:                                     # pragma: no cover (the extra)
    raise ImportError("rnnlab.interop.export_onnx needs onnx: pip install 'rnnlab[onnx]'") from err

from . import layouts
from .._types import StrPath

if TYPE_CHECKING:
    from ..model import RNN

MAPPINGS = ("one-to-one", "many-to-one", "many-to-many", "many-to-many-delayed")
OPS = {"elman": "RNN", "lstm": "LSTM", "gru": "GRU"}
OPSET = 17

__all__ = ["export_onnx"]


class _Graph:
    """Nodes and initializers with fresh names."""

    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, base):
        self.count += 1
        return f"{base}_{self.count}"

    def const(self, value, base="c"):
        name = self.name(base)
        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def op(self, op_type, inputs, n_out=1, **attrs):
        outs = [self.name(op_type.lower()) for _ in range(n_out)]
        self.nodes.append(helper.make_node(op_type, list(inputs), outs, **attrs))
        return outs[0] if n_out == 1 else outs

    def ints(self, *values):
        return self.const(np.array(values, dtype=np.int64), "ints")


def export_onnx(model: RNN, path: StrPath, *, lengths: bool = False,
                overwrite: bool = False) -> Path:
    """Write `model` as an ONNX file at `path` (checked with onnx.checker); returns the Path.

    lengths: add the int64 input "lengths" (B,) for right-padded batches. Supported mappings:
    one-to-one, many-to-one, many-to-many, many-to-many-delayed (one-to-many and seq2seq are
    refused, as are learn_h0=True and the Elman activation 'identity'). The file is written
    atomically (rnnlab.io) and an existing one is replaced only with overwrite=True. Run it with
    onnxruntime.InferenceSession(path).run(None, {"X": X.astype(np.float32)}).

    Parameters
    ----------
    model : RNN
        The model.
    path : str or Path
        The .onnx file.
    lengths : bool
        Add the int64 input "lengths" (B,) for right-padded batches.
    overwrite : bool
        Whether an existing file is replaced.

    Returns
    -------
    Path
        The file.

    Examples
    --------
    >>> import os, tempfile, onnxruntime                # needs rnnlab[onnx]
    >>> model = rl.RNN(n_in=2, n_hidden=4, n_out=1, cell="gru")
    >>> X = np.random.default_rng(0).normal(size=(3, 6, 2)).astype(np.float32)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = export_onnx(model, os.path.join(tmp, "m.onnx"))
    ...     y, = onnxruntime.InferenceSession(str(path)).run(None, {"X": X})
    >>> print(np.allclose(y, model.predict(X), atol=1e-5))
    True
    """

    layouts.check_model(model, "ONNX", MAPPINGS)
    name = model.mapping.name
    if lengths and name == "one-to-one":
        raise ValueError("lengths=True applies to sequence inputs; mapping='one-to-one' reads "
                         "one vector per sample")
    g = _Graph()
    x, lens = _inputs(g, model, name, bool(lengths))
    seq = "" if lens is None else g.op("Cast", [lens], to=TensorProto.INT32)
    to_one = name in ("one-to-one", "many-to-one")
    for l in range(model.n_layers):
        top = l == model.n_layers - 1
        Y, Y_h = _layer(g, model, l, x, seq)
        if top and to_one:                                  # (dirs, B, H) -> (B, dirs H)
            x = g.op("Reshape", [g.op("Transpose", [Y_h], perm=[1, 0, 2]), g.ints(0, -1)])
            break
        Yt = g.op("Transpose", [Y], perm=[0, 2, 1, 3])     # (T, B, dirs, H)
        if top and lens is not None:
            Yt = _carry(g, Yt, lens, model.bidirectional)
        x = g.op("Reshape", [Yt, g.ints(0, 0, -1)])         # (T, B, dirs H)
    if name == "many-to-many-delayed":
        x = g.op("Slice", [x, g.ints(model.delay), g.ints(np.iinfo(np.int64).max), g.ints(0)])
    W, b = layouts.fused_output(model.params["output"], model.bidirectional)
    a = g.op("Add", [g.op("MatMul", [x, g.const(np.ascontiguousarray(W.T, np.float32), "W1")]),
                     g.const(b.astype(np.float32), "b1")])
    if not to_one:
        a = g.op("Transpose", [a], perm=[1, 0, 2])          # (B, T, K)
    act = {"identity": "Identity", "sigmoid": "Sigmoid", "softmax": "Softmax"}[model.output]
    g.nodes.append(helper.make_node(act, [a], ["Y"], **({"axis": -1} if act == "Softmax" else {})))
    graph = helper.make_graph(g.nodes, f"rnnlab_{model.cell}", _graph_inputs(model, name, lens),
                              [helper.make_tensor_value_info(
                                  "Y", TensorProto.FLOAT,
                                  ["batch", model.n_out] if to_one else
                                  ["batch", "time", model.n_out])], g.inits)
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                   producer_name="rnnlab")
    onnx_model.ir_version = 8                               # what opset 17 needs, widely read
    onnx.checker.check_model(onnx_model, full_check=True)
    from .. import io
    return io.write_bytes(Path(path), onnx_model.SerializeToString(), overwrite=overwrite)


def _graph_inputs(model, name, lens):
    D = model.n_in
    shape = ["batch", D] if name == "one-to-one" else ["batch", "time", D]
    out = [helper.make_tensor_value_info("X", TensorProto.FLOAT, shape)]
    if lens is not None:
        out.append(helper.make_tensor_value_info("lengths", TensorProto.INT64, ["batch"]))
    return out


def _inputs(g, model, name, lengths):
    """(time-major x (T, B, D), the sequence lengths the operators see (int64) or None)."""
    if name == "one-to-one":
        return g.op("Unsqueeze", ["X", g.ints(0)]), None               # (1, B, D)
    x = g.op("Transpose", ["X"], perm=[1, 0, 2])                         # (T, B, D)
    lens = "lengths" if lengths else None
    if name != "many-to-many-delayed":
        return x, lens
    d = model.delay
    if lens is not None:                                                 # zeros after each end
        real = g.op("Less", [g.op("Unsqueeze", [_steps(g, x), g.ints(1)]),
                             g.op("Unsqueeze", [lens, g.ints(0)])])     # (T, B)
        x = g.op("Mul", [x, g.op("Unsqueeze", [g.op("Cast", [real], to=TensorProto.FLOAT),
                                               g.ints(2)])])
        lens = g.op("Add", [lens, g.const(np.array(d, np.int64))])
    return g.op("Pad", [x, g.ints(0, 0, 0, d, 0, 0)]), lens            # (T + d, B, D)


def _steps(g, x):
    """0, 1, ..., T - 1 (int64) for a time-major x."""
    T = g.op("Squeeze", [g.op("Shape", [x], start=0, end=1), g.ints(0)])
    return g.op("Range", [g.const(np.array(0, np.int64)), T, g.const(np.array(1, np.int64))])


def _layer(g, model, l, x, seq):
    """One ONNX RNN/LSTM/GRU node for layer l (both directions): (Y, Y_h)."""
    dirs = ("f", "b") if model.bidirectional else (None,)
    ps = [layouts.layer_params(model.params["layers"], l, d) for d in dirs]
    W, R, B = layouts.to_onnx_layer(model.cell, ps)
    attrs = {"hidden_size": model.n_hidden,
             "direction": "bidirectional" if model.bidirectional else "forward"}
    if model.cell == "elman":
        attrs["activations"] = [model.activation.capitalize()] * len(dirs)
    if model.cell == "gru":
        attrs["linear_before_reset"] = 1
    inputs = [x, g.const(W, f"W_l{l}"), g.const(R, f"R_l{l}"), g.const(B, f"B_l{l}")]
    if seq:
        inputs.append(seq)
    return g.op(OPS[model.cell], inputs, n_out=2, **attrs)


def _carry(g, Yt, lens, bidirectional):
    """Yt (T, B, dirs, H) with the forward direction's padded steps holding its last real
    state: index min(t, length - 1) along time (rnnlab's masked steps carry the state)."""
    last = g.op("Sub", [lens, g.const(np.array(1, np.int64))])
    idx = g.op("Min", [g.op("Unsqueeze", [_steps(g, Yt), g.ints(1)]),
                       g.op("Unsqueeze", [last, g.ints(0)])])           # (T, B)
    fwd = g.op("Slice", [Yt, g.ints(0), g.ints(1), g.ints(2)])           # (T, B, 1, H)
    idx = g.op("Expand", [g.op("Unsqueeze", [idx, g.ints(2, 3)]), g.op("Shape", [fwd])])
    fwd = g.op("GatherElements", [fwd, idx], axis=0)
    if not bidirectional:
        return fwd
    return g.op("Concat", [fwd, g.op("Slice", [Yt, g.ints(1), g.ints(2), g.ints(2)])], axis=2)
