"""`rnnlab export` and `rnnlab import`: models in and out (rnnlab.interop).

    rnnlab export RUN_OR_MODEL --to onnx|torch --out FILE [--lengths]
        a training folder (its current checkpoint) or a saved model folder -> an ONNX file, or a
        PyTorch state dict (torch.save of rnnlab.interop.torch_state_dict: load it with
        torch.load(FILE, weights_only=True) into rnnlab.interop.to_torch(model))
    rnnlab import FILE.pt --cell lstm [--hidden H --layers L --bidirectional ...] --out MODEL
        a PyTorch state dict (nn.RNN/LSTM/GRU keys under any prefix, an optional nn.Linear head)
        -> a saved model folder; sizes not stated are read from the shapes

Bad input (unknown format, missing extra, shapes that do not match the stated architecture)
ends with exit status 2 and one line, as every rnnlab command.
"""
from __future__ import annotations

from pathlib import Path
import argparse
from typing import Any

from .common import UsageError, count, examples

FORMATS = ("onnx", "torch")


def add_commands(sub: Any) -> None:
    e = sub.add_parser("export", help="a trained model as an ONNX file or a PyTorch state dict",
                       epilog=examples("rnnlab export runs/mine --to onnx --out model.onnx",
                                       "rnnlab export runs/mine --to torch --out model.pt"))
    e.add_argument("model", type=Path, metavar="RUN_OR_MODEL",
                   help="a training folder (rnnlab train --out) or a saved model folder")
    e.add_argument("--to", required=True, metavar="FORMAT",
                   help="onnx (needs rnnlab[onnx]) or torch (needs rnnlab[torch])")
    e.add_argument("--out", type=Path, required=True, help="the file to write")
    e.add_argument("--force", action="store_true", help="replace an existing --out file")
    e.add_argument("--lengths", action="store_true",
                   help="onnx: add the int64 input 'lengths' (B,) for right-padded batches")
    e.set_defaults(func=cmd_export)

    i = sub.add_parser("import", help="a PyTorch state dict (.pt) as a saved rnnlab model",
                       epilog=examples("rnnlab import lstm.pt --cell lstm --out models/lstm",
                                       "rnnlab import rnn.pt --cell elman --output softmax "
                                       "--mapping many-to-one --out models/clf"))
    i.add_argument("file", type=Path, metavar="FILE.pt", help="a state dict saved by torch.save")
    i.add_argument("--cell", choices=("elman", "lstm", "gru"), required=True, help="the cell")
    i.add_argument("--out", type=Path, required=True, help="the model folder to write")
    i.add_argument("--force", action="store_true", help="replace a model saved in --out")
    i.add_argument("--hidden", type=count(1), help="default: from the shapes")
    i.add_argument("--layers", type=count(1), help="default: from the keys")
    i.add_argument("--bidirectional", choices=("yes", "no"), help="default: from the keys")
    i.add_argument("--inputs", type=count(1), help="n_in (default: from the shapes)")
    i.add_argument("--outputs", type=count(1), help="n_out (default: the head's, else dirs x H)")
    i.add_argument("--activation", choices=("tanh", "relu"), default="tanh", help="Elman only")
    i.add_argument("--output", choices=("identity", "sigmoid", "softmax"), default="identity",
                   help="output activation")
    i.add_argument("--mapping", default="many-to-many",
                   choices=("one-to-one", "one-to-many", "many-to-one", "many-to-many",
                            "many-to-many-delayed"), help="which steps read input and answer")
    i.add_argument("--delay", type=count(0), default=0, help="many-to-many-delayed: the delay")
    i.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                   help="the model's dtype")
    i.set_defaults(func=cmd_import)


def cmd_export(args: argparse.Namespace) -> int:
    from .train import load_model
    if args.to not in FORMATS:
        raise UsageError(f"rnnlab export: error: unknown format --to {args.to!r}; choose "
                         f"{' or '.join(FORMATS)}")
    model = load_model(args.model)
    if args.to == "onnx":
        from ..interop import onnx_export
        onnx_export.export_onnx(model, args.out, lengths=args.lengths, overwrite=args.force)
        print(f"wrote {args.out}: ONNX, input X (batch, time, {model.n_in})"
              f"{', lengths (batch,)' if args.lengths else ''}, output Y")
        return 0
    if args.lengths:
        raise UsageError("rnnlab export: error: --lengths applies to --to onnx")
    import io as _bytes

    from .. import io
    from ..interop import pytorch                     # an ImportError naming rnnlab[torch]
    import torch
    state = pytorch.torch_state_dict(model)
    buf = _bytes.BytesIO()
    torch.save(state, buf)
    io.write_bytes(args.out, buf.getvalue(), overwrite=args.force, flag="--force")
    print(f"wrote {args.out}: a PyTorch state dict ({len(state)} tensors; "
          f"rnnlab.interop.to_torch(model).load_state_dict(torch.load(FILE, weights_only=True)))")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    import numpy as np

    from ..interop import layouts, pytorch            # an ImportError naming rnnlab[torch]
    import torch
    from ..model import RNN
    import io as _bytes

    from .. import io
    from .._memory import available_bytes
    data = io.read_bytes(args.file, limit=(available_bytes() or 8 << 30) // 2, follow=True)
    try:
        state = torch.load(_bytes.BytesIO(data), weights_only=True, map_location="cpu")
    except Exception as err:                          # a file torch cannot read as weights
        raise UsageError(f"rnnlab import: error: {args.file} is not a PyTorch state dict: "
                         f"{err}") from None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise UsageError(f"rnnlab import: error: {args.file} must hold a state dict (names -> "
                         f"tensors), as torch.save(module.state_dict()) writes")
    sizes = _sizes(state, args.cell, layouts)
    bi = sizes["bidirectional"] if args.bidirectional is None else args.bidirectional == "yes"
    H = args.hidden or sizes["n_hidden"]
    model = RNN(args.inputs or sizes["n_in"], H, args.outputs or sizes["n_out"] or
                (2 if bi else 1) * H, cell=args.cell, n_layers=args.layers or sizes["n_layers"],
                bidirectional=bi, activation=args.activation if args.cell == "elman" else "tanh",
                output=args.output, mapping=args.mapping, delay=args.delay, dtype=args.dtype)
    if sizes["n_out"] is None:                        # no head: the outputs are the states
        state = dict(state, **{"head.weight": torch.from_numpy(
            np.eye(model.n_out, (2 if bi else 1) * H))})
    pytorch.load_torch_state_dict(model, state, rnn_prefix=sizes["prefix"])
    model.save(args.out, overwrite=args.force)
    print(f"wrote {args.out}: {model!r}")
    return 0


def _sizes(state, cell, layouts):
    """What the state dict's keys and shapes say: prefix, n_in, n_hidden, n_layers,
    bidirectional, n_out (None without a head)."""
    keys = {k: layouts.TORCH_KEY.match(k) for k in state}
    prefixes = sorted({m["prefix"] for m in keys.values() if m})
    if len(prefixes) != 1:
        raise UsageError(f"rnnlab import: error: the file must hold one nn.RNN/LSTM/GRU's weights "
                         f"(keys like 'weight_ih_l0'), found prefixes {prefixes or 'none'}")
    p = prefixes[0]
    w_ih, w_hh = state.get(p + "weight_ih_l0"), state.get(p + "weight_hh_l0")
    if w_ih is None or w_hh is None or w_ih.ndim != 2 or w_hh.ndim != 2:
        raise UsageError(f"rnnlab import: error: {p}weight_ih_l0 and {p}weight_hh_l0 must be "
                         f"matrices")
    H = w_hh.shape[1]
    if w_hh.shape[0] != layouts.GATES[cell] * H:
        raise UsageError(f"rnnlab import: error: {p}weight_hh_l0 has shape {tuple(w_hh.shape)}, "
                         f"not ({layouts.GATES[cell]} x H, H) as the {cell} cell needs")
    heads = [k for k in state if k.endswith("weight") and not keys[k] and state[k].ndim == 2]
    return {"prefix": p, "n_in": w_ih.shape[1], "n_hidden": H,
            "n_layers": 1 + max(int(m["layer"]) for m in keys.values() if m),
            "bidirectional": any(m and m["reverse"] for m in keys.values()),
            "n_out": state[heads[0]].shape[0] if len(heads) == 1 else None}
