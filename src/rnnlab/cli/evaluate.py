"""`rnnlab eval` and `rnnlab predict`: a saved model (or a run's current checkpoint) on a
built-in task or a data file in any of the formats train reads (formats.py); a CSV's or a
text's options default to those its run was trained with.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any


from .. import io
from . import formats, sizes, train
from .common import UsageError, count, data_file, examples, folder, plural, text_source
from .data import check_arrays
from .._types import Array

if TYPE_CHECKING:
    from ..model import RNN

EVAL_SAMPLES = 500              # eval --task: fresh sequences when --samples is not given


def add_commands(sub: Any) -> None:
    e = sub.add_parser("eval", help="loss and accuracy of a saved model on a task or data",
                       epilog=examples("rnnlab eval --model runs/parity --task parity",
                                       "rnnlab eval --model runs/mine --data test.npz --json",
                                       "rnnlab eval --model runs/prices --data prices.csv",
                                       "rnnlab eval --model runs/chars --text other.txt"))
    e.add_argument("--model", type=folder, required=True, help="a model or training folder")
    src = e.add_mutually_exclusive_group(required=True)
    src.add_argument("--task", help="a built-in task")
    src.add_argument("--data", type=data_file, metavar="FILE",
                     help="a data file (.npz, .npy, CSV) as for train")
    src.add_argument("--text", type=text_source, metavar="FILE_OR_FOLDER",
                     help="text, for a character model (its run's vocabulary)")
    train.data_options(e)
    e.add_argument("--samples", type=count(1), default=None,
                   help=f"task: number of sequences (default {EVAL_SAMPLES})")
    e.add_argument("--length", type=count(1), default=None, help="task: bits or steps")
    e.add_argument("--seed", type=count(0), default=12345, help="task data seed (fresh data)")
    train.script_options(e)
    e.set_defaults(func=cmd_eval)

    p = sub.add_parser("predict", help="outputs of a saved model for the inputs of a data file",
                       epilog=examples(
                           "rnnlab predict --model runs/mine --data X.npz --out Y.npz",
                           "rnnlab predict --model runs/mine --data X.npy --out Y.npz",
                           "rnnlab predict --model runs/prices --data prices.csv --out "
                           "forecast.csv"))
    p.add_argument("--model", type=folder, required=True, help="a model or training folder")
    p.add_argument("--data", type=data_file, required=True, metavar="FILE",
                   help="an .npz (array X), a .npy of X, or a CSV series")
    train.data_options(p, targets=False)
    p.add_argument("--out", type=Path, required=True, help="an .npz file to write (array Y); "
                   "for a CSV series a .csv name writes the forecasts as a table")
    p.add_argument("--steps", type=count(1), default=None,
                   help="output steps (one-to-many, seq2seq)")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    train.script_options(p)
    p.set_defaults(func=cmd_predict)


def metrics(model: RNN, X: Array, Y: Array, mask: Array | None = None) -> dict:
    """Loss per answering step and per sequence (as fit's History), and accuracy (per real
    step and per sequence) or mean squared error."""
    from .. import metrics as m
    out = {"loss": model.evaluate(X, Y, mask, per="step"),
           "loss_per_sequence": model.evaluate(X, Y, mask)}
    n_steps = model.mapping.n_steps(Y) if model.mapping.takes_n_steps else None
    y = model.predict(X, mask=mask, n_steps=n_steps)      # one-to-many, seq2seq: T from Y
    names = ("mse",) if model.output == "identity" else ("accuracy", "sequence_accuracy")
    for name in names:
        out[name] = getattr(m, name)(y, Y, mask, model.output)
    return out


def cmd_eval(args: argparse.Namespace) -> int:
    model = train.load_model(args.model)
    if args.task is not None:
        formats.check_options({k: getattr(args, k) for k in formats.SERIES_KEYS + ("targets",)},
                              "eval")
        X, Y, _ = train.task_data(args.task, EVAL_SAMPLES if args.samples is None else args.samples,
                            args.length, args.seed, command="eval")
        mask, source = None, f"task {args.task}"
        if X.shape[-1] != model.n_in:
            raise UsageError(f"rnnlab eval: error: task {args.task} has "
                             f"{plural(X.shape[-1], 'input feature')}, the model takes "
                             f"{model.n_in}")
    else:
        train.refuse_ignored(args, "eval", ("samples", "length", "seed"))
        arrays, source = _read_for(args, "eval", need_y=True)
        X, Y, mask = arrays["X"], arrays["Y"], arrays.get("mask")
    try:
        model.check_data(X, Y, mask)
    except (ValueError, TypeError) as err:
        raise UsageError(f"rnnlab eval: error: {source} does not fit the model: {err}") from None
    sizes.check(2 * sizes.float_array(_output_shape(model, X, Y)),
                f"the outputs of the model for {source}", "eval")
    results = metrics(model, X, Y, mask)
    if args.json:
        print(json.dumps(results))
        return 0
    for k, v in results.items():
        print(f"{k:<18} {v:.6g}")
    return 0


def _read_for(args, command, need_y):
    """({"X", "Y", "mask"} checked, source) of eval's or predict's data options; a CSV's or a
    text's options default to those the model's run was trained with."""
    run = {}
    if os.path.lexists(args.model / "train.json"):
        run = train.read_run(args.model)["spec"]
    spec = {"data": args.data, "text": getattr(args, "text", None),
            "targets": getattr(args, "targets", None)}
    fmt = "text" if spec["text"] is not None else formats.kind(spec["data"])
    inherit = {"csv": formats.SERIES_KEYS, "text": ("window",)}.get(fmt, ())
    for key in formats.SERIES_KEYS:
        value = getattr(args, key)
        spec[key] = run.get(key) if value is None and key in inherit else value
    vocab = formats.read_vocab(args.model, command) if fmt == "text" else None
    ds = formats.read(spec, command, need_y=need_y, vocab=vocab)
    arrays = {k: ds[k] for k in ("X", "Y", "mask") if ds[k] is not None}
    check_arrays(arrays, ds["source"], command)
    return dict(arrays, csv=ds if fmt == "csv" else None), ds["source"]


def _output_shape(model: RNN, X: Array, Y: Array | None = None,
                  n_steps: int | None = None) -> tuple:
    """The shape predict returns for X (Python integers; nothing allocated)."""
    if model.mapping.name == "many-to-one":
        return (len(X), model.n_out)
    if model.mapping.takes_n_steps:
        steps = model.mapping.n_steps(Y) if Y is not None else n_steps
        return (len(X), steps or 0, model.n_out)
    return (len(X), X.shape[1] if X.ndim > 1 else 0, model.n_out)


def cmd_predict(args: argparse.Namespace) -> int:
    try:                                                   # before any work: never write an input
        io.check_distinct(args.out, [args.data], what="--out file")
    except ValueError as err:
        raise UsageError(f"rnnlab predict: error: {err}") from None
    if os.path.realpath(args.out).startswith(os.path.realpath(args.model) + os.sep):
        raise UsageError(f"rnnlab predict: error: --out {args.out} lies inside the model folder "
                         f"{args.model}; choose a file outside it")
    if os.path.lexists(args.out) and not args.force:
        raise UsageError(f"rnnlab predict: error: {args.out} exists; pass --force to replace it")
    if not args.out.parent.is_dir():
        raise UsageError(f"rnnlab predict: error: folder {args.out.parent} does not exist")
    model = train.load_model(args.model)
    arrays, source = _read_for(args, "predict", need_y=False)
    if model.mapping.takes_n_steps and args.steps is None:
        raise UsageError(f"rnnlab predict: error: the model ({model.mapping.name}) needs --steps "
                         f"N, the number of output steps to produce")
    if args.steps is not None and not model.mapping.takes_n_steps:
        raise UsageError(f"rnnlab predict: error: --steps applies to one-to-many and seq2seq "
                         f"models; this one ({model.mapping.name}) takes its length from X")
    shape = _output_shape(model, arrays["X"], n_steps=args.steps)
    sizes.check(sizes.float_array(shape), f"the outputs of the model for {source} "
                f"(Y {shape})", "predict")
    try:
        Y = model.predict(arrays["X"], mask=arrays.get("mask"), n_steps=args.steps)
    except (ValueError, TypeError) as err:
        raise UsageError(f"rnnlab predict: error: {source} does not fit the model: "
                         f"{err}") from None
    table = arrays["csv"] is not None and args.out.suffix.lower() == ".csv"
    try:
        if table:
            io.write_text(args.out, _forecast_table(arrays["csv"], Y), overwrite=args.force)
        else:
            io.write_npz(args.out, {"Y": Y}, overwrite=args.force, flag="--force")
    except OSError as err:
        raise UsageError(f"rnnlab predict: error: {err}") from None
    if args.json:
        print(json.dumps({"out": str(args.out), "shape": list(Y.shape)}))
    elif not args.quiet:
        print(f"wrote {'forecasts' if table else 'Y'} {Y.shape} to {args.out}")
    return 0


def _forecast_table(ds: Mapping[str, Any], Y: Array) -> str:
    """CSV text: the 0-based row of the series each forecast is for, then the forecasts under
    the target columns' names (window i forecasts row i + window - 1 + horizon)."""
    first = ds["window"] - 1 + ds["horizon"]
    names = ds["target_names"] if len(ds["target_names"]) == Y.shape[-1] else \
        [f"y{k}" for k in range(Y.shape[-1])]
    lines = [",".join(["row", *names])]
    lines += [",".join([str(first + i), *(repr(float(v)) for v in row)])
              for i, row in enumerate(Y.reshape(len(Y), -1))]
    return "\n".join(lines) + "\n"
