"""`rnnlab train` (evaluate.py holds eval and predict; formats.py the data files).

A training folder holds one checkpoint, replaced at the end of every epoch:

    DIR/train.json          {"format": "rnnlab-run", "version": 1, ...}: what was asked (task or
                            data, model, optimizer), the epoch reached, the shuffling generator's
                            state, the optimizer's counters, the history, the current checkpoint
                            and "owned": the checkpoint folders this run wrote or is about to write
    DIR/ckpt-NNNNN/         the model (params.npz, config.json) and optimizer.npz at epoch NNNNN

Each checkpoint folder appears whole (rnnlab.io.write_folder); train.json is written after it and
names it, so a crash at any moment leaves a consistent pair. Only folders listed in "owned" are
ever replaced or deleted: a run never touches what it did not write. `--resume DIR` restores
the model, the optimizer state and the generator state, so an interrupted and resumed run ends
with exactly the parameters of an uninterrupted one.
"""
from __future__ import annotations

import json
import os
import re
import sys
import warnings
from pathlib import Path
import argparse
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import io
from .._tree import leaves, path_str
from . import sizes
from . import formats
from .common import (UsageError, count, data_file, empty_or_new_folder, examples, folder,
                     fraction, given, plural, positive_float, text_source)
from .data import check_arrays, infer_model_args
from .interrupt import Interrupts
from .._types import Array, StrPath

if TYPE_CHECKING:
    from ..model import RNN

RUN_FORMAT, RUN_VERSION = "rnnlab-run", 1
RUN_LIMIT = 64 << 20                  # train.json: the history grows by two numbers an epoch
CHECKPOINT = re.compile(r"ckpt-[0-9]{5,}")
EPOCHS = 10                     # --epochs when not given (a resumed run keeps its own)


def add_commands(sub: Any) -> None:
    t = sub.add_parser("train", help="train a model on a built-in task or your own data",
                       description="Train a model on a built-in task or a data file; a checkpoint "
                       "is written to --out after every epoch.", epilog=examples(
                           "rnnlab train --task parity --epochs 5 --out runs/parity",
                           "rnnlab train --data data.npz --out runs/mine",
                           "rnnlab train --data X.npy --targets Y.npy --out runs/mine",
                           "rnnlab train --data prices.csv --window 24 --target close --out "
                           "runs/prices",
                           "rnnlab train --text book.txt --hidden 64 --out runs/chars",
                           "rnnlab train --config runs/mine/train.json --lr 0.01 --out runs/again",
                           "rnnlab train --resume runs/mine --epochs 20"))
    src = t.add_mutually_exclusive_group()
    src.add_argument("--task", help="a built-in task: parity, addition, adding, copy, sine")
    src.add_argument("--data", type=data_file, metavar="FILE", help="a data file: .npz with arrays X, Y (and "
                     "mask); a .npy of X (with --targets); a CSV series (with --window, --target)")
    src.add_argument("--text", type=text_source, metavar="FILE_OR_FOLDER",
                     help="text (a file, or a folder of .txt files): a character language model")
    src.add_argument("--resume", type=folder, metavar="DIR", help="continue the run saved in DIR")
    t.add_argument("--config", type=Path, metavar="FILE.json", help="replay a run's train.json "
                     "(or a JSON object of the same keys); options given here win")
    data_options(t, train=True)
    t.add_argument("--out", type=Path, help="training folder (checkpoints, train.json)")
    t.add_argument("--cell", choices=("elman", "lstm", "gru"), default="elman", help="cell")
    t.add_argument("--hidden", type=count(1), default=32, help="hidden units per layer")
    t.add_argument("--layers", type=count(1), default=1, help="stacked layers")
    t.add_argument("--bidirectional", action="store_true", help="a bidirectional model")
    t.add_argument("--output", choices=("identity", "sigmoid", "softmax"),
                   help="output activation (--data only; a task or --text sets its own; "
                   "default: identity)")
    t.add_argument("--mapping", choices=("many-to-many", "many-to-one"),
                   help="(--data only) default: from the shape of Y")
    t.add_argument("--epochs", type=count(0), default=None,
                   help=f"total epochs (default {EPOCHS}; with --resume: the run's own)")
    t.add_argument("--batch-size", type=count(1), default=32, help="sequences per update")
    t.add_argument("--optimizer", choices=("adam", "sgd", "rmsprop"), default="adam",
                   help="optimizer")
    t.add_argument("--lr", type=positive_float, default=None,
                   help="learning rate (default: the optimizer's own)")
    t.add_argument("--clip", type=positive_float, default=None,
                   help="clip the gradient norm (default: no clipping)")
    t.add_argument("--samples", type=count(1), default=None,
                   help="task: number of sequences (default: the task's own)")
    t.add_argument("--length", type=count(1), default=None,
                   help="task: bits or steps (default: the task's own)")
    t.add_argument("--val", type=fraction, default=0.1, help="fraction held out, in [0, 1) "
                   "(the last sequences: for a series, the latest windows)")
    t.add_argument("--seed", type=count(0), default=0, help="seed of the model and shuffling")
    script_options(t)
    t.set_defaults(func=cmd_train, parser=t)


def data_options(p: argparse.ArgumentParser, train: bool = False, targets: bool = True) -> None:
    """The options of the data formats (formats.py); eval and predict default to the run's."""
    run = "" if train else " (default: the run's own)"
    if targets:
        p.add_argument("--targets", type=data_file, metavar="Y.npy",
                       help="with --data X.npy: the targets")
    p.add_argument("--window", type=count(1), default=None,
                   help=f"CSV: input steps per window; --text: characters per sequence "
                   f"(default {formats.TEXT_WINDOW})" + run)
    p.add_argument("--horizon", type=count(1), default=None,
                   help="CSV: how many steps after a window its target lies (default 1)" + run)
    p.add_argument("--target", type=formats.column_list, metavar="COLUMN[,COLUMN]",
                   help="CSV: the column(s) to forecast, by header name or 0-based index" + run)
    p.add_argument("--columns", type=formats.column_list, metavar="COLUMN[,COLUMN]",
                   help="CSV: the input columns (the targets are added; default: all)" + run)


def script_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object with the results on stdout (and nothing else)")


# -- data ------------------------------------------------------------------------------------------
def load_data(path: Path, need: Sequence[str] = ("X", "Y")) -> dict:
    """The arrays of an .npz file, with the named ones present (UsageError otherwise)."""
    return formats.load_npz(path, need)


def task_data(name: str, samples: int, length: int, seed: int,
              command: str = "train") -> tuple[Array, Array, Any]:
    """(X, Y, spec) for a built-in task, refused before generation when it cannot fit."""
    from ..tasks import catalog
    try:
        spec = catalog.get(name)
    except ValueError as err:
        raise UsageError(f"rnnlab {command}: error: {err}") from None
    n = spec.samples if samples is None else samples
    length = spec.length if length is None else length
    shapes = sizes.task_shapes(spec, n, length)
    sizes.check(sizes.data_bytes(shapes), f"task {name} with --samples {n} --length {length} "
                f"({sizes.shape_text(shapes)})", command)
    try:
        X, Y = spec.make(n, length, seed)
    except ValueError as err:                          # e.g. a length the task cannot have
        raise UsageError(f"rnnlab {command}: error: task {name} with --length {length}: "
                         f"{err}") from None
    return X, Y, spec


# -- train -----------------------------------------------------------------------------------------
DATA_KEYS = ("data", "targets", "text")                  # paths, stored resolved
SPEC_KEYS = ("task", "cell", "hidden", "layers", "bidirectional", "output", "mapping", "epochs",
             "batch_size", "optimizer", "lr", "clip", "samples", "length", "val", "seed",
             "window", "horizon", "target", "columns")


def cmd_train(args: argparse.Namespace) -> int:
    if args.config is not None:
        args = _with_config(args)
    if args.resume is not None:
        return _resume(args)
    if args.task is None and args.data is None and args.text is None:
        raise UsageError("rnnlab train: error: give --task TASK, --data FILE or --text FILE (or "
                         "--resume DIR, or --config FILE.json)")
    if args.out is None:
        raise UsageError("rnnlab train: error: --out DIR is required (the training folder)")
    refuse_ignored(args, "train", ("samples", "length") if args.task is None
                    else ("output", "mapping"))
    if args.text is not None:
        refuse_ignored(args, "train", ("output", "mapping"))
    if os.path.lexists(args.out / "train.json"):
        raise UsageError(f"rnnlab train: error: {args.out} already holds a run; continue it with "
                         f"--resume {args.out} or choose a new --out")
    empty_or_new_folder(args.out, what=" and is not a training run", create=False)
    spec = {k: getattr(args, k) for k in SPEC_KEYS}
    spec["epochs"] = EPOCHS if args.epochs is None else args.epochs
    for key in DATA_KEYS:
        value = getattr(args, key)
        spec[key] = None if value is None else str(value.resolve())
    formats.check_options(spec, "train")
    if args.text is not None:
        spec["output"], spec["mapping"] = "softmax", "many-to-many"
        spec["window"] = spec["window"] or formats.TEXT_WINDOW
    X, Y, mask, model_args, vocab = _dataset(spec)
    model = _model(spec, model_args, X)
    from .. import optim
    opt = optim.get(args.optimizer, **({} if args.lr is None else {"lr": args.lr}))
    _check_data(model, X, Y, mask, spec)                 # before anything is written
    rng = np.random.default_rng(args.seed)
    out = empty_or_new_folder(args.out, what=" and is not a training run")
    if vocab is not None:
        formats.write_vocab(out, vocab)
    state = {"format": RUN_FORMAT, "version": RUN_VERSION, "spec": spec, "epoch": 0,
             "history": {"loss": [], "val_loss": [], "loss_per_sequence": [],
                         "val_loss_per_sequence": []}, "owned": []}
    if not (args.quiet or args.json):
        print(f"training {model!r}\n  on {_source(spec)}: X {X.shape}, Y {Y.shape}; "
              f"folder {out}", file=sys.stderr)
    return _fit(out, model, opt, rng, state, X, Y, mask, args, first_checkpoint=True)


def _source(spec: Mapping[str, Any]) -> str:
    return (f"task {spec['task']}" if spec["task"] else spec.get("text") or
            spec["data"] + (f" and {spec['targets']}" if spec.get("targets") else ""))


def _with_config(args):
    """The arguments of a run's spec (train.json, or a JSON object of the same keys), parsed
    as if given on the command line, then the options given on this command line on top."""
    try:
        doc = io.read_json(args.config, limit=RUN_LIMIT, follow=True)
    except (io.CheckpointError, OSError, ValueError) as err:
        raise UsageError(f"rnnlab train: error: --config {args.config}: {err}") from None
    if isinstance(doc, dict) and doc.get("format") == RUN_FORMAT:
        doc = doc.get("spec")
    if not isinstance(doc, dict):
        raise UsageError(f"rnnlab train: error: --config {args.config} must hold a JSON object "
                         f"of train options (or a run's train.json)")
    argv = []
    for key, value in doc.items():
        if key not in SPEC_KEYS + DATA_KEYS:
            raise UsageError(f"rnnlab train: error: --config {args.config}: {key!r} is not a "
                             f"train option that a config can set")
        if value is None or value is False or (doc.get("text") and key in ("output",
                                                                          "mapping")):
            continue                                  # --text sets its own output
        option = "--" + key.replace("_", "-")
        if value is True:
            argv.append(option)
        else:
            argv += [option, ",".join(map(str, value)) if isinstance(value, list) else str(value)]
    try:
        merged = args.parser.parse_args(argv)
    except UsageError as err:
        raise UsageError(f"rnnlab train: error: --config {args.config}: "
                         f"{str(err).split('error: ', 1)[-1]}") from None
    mine = given(args)
    if any(k in mine for k in ("task",) + DATA_KEYS):  # a new source replaces the config's
        for key in ("task",) + DATA_KEYS:
            setattr(merged, key, None)
    marks = {k: v for k, v in given(merged).items() if getattr(merged, k) is not None}
    for key in mine:
        setattr(merged, key, getattr(args, key))
    marks.update(mine)
    marks.pop("config", None)
    merged.config, merged.argv, merged.owns_process = None, args.argv, args.owns_process
    setattr(merged, "given_options", marks)
    return merged


def refuse_ignored(args: argparse.Namespace, command: str, dests: Sequence[str]) -> None:
    """A UsageError for an option that was given but does not apply (it would be ignored)."""
    wrong = [given(args)[d] for d in dests if d in given(args)]
    if wrong:
        source = ("--task" if args.task is not None else
                  "--text" if getattr(args, "text", None) is not None else "--data")
        verb = "applies" if len(wrong) == 1 else "apply"
        other = "--data" if dests[0] in ("output", "mapping") else "--task"
        raise UsageError(f"rnnlab {command}: error: {' and '.join(wrong)} {verb} to {other} "
                         f"only, not to {source}")


def _model(spec, model_args, X):
    """The RNN a run's spec asks for, refused before it is built when training it cannot fit."""
    from .. import RNN
    config = dict(n_in=model_args[0], n_hidden=spec["hidden"], n_out=model_args[1],
                  cell=spec["cell"], n_layers=spec["layers"], bidirectional=spec["bidirectional"],
                  output=model_args[2], mapping=model_args[3])
    n_train = max(1, len(X) - int(round(len(X) * spec["val"])))
    batch, steps = min(spec["batch_size"], n_train), X.shape[1]
    try:
        need = sizes.training_bytes(config, batch, steps)
    except (ValueError, TypeError) as err:
        raise UsageError(f"rnnlab train: error: {err}") from None
    options = (f"--cell {spec['cell']} --hidden {spec['hidden']} --layers {spec['layers']}"
               + (" --bidirectional" if spec["bidirectional"] else ""))
    sizes.check(need, f"training with {options} ({plural(model_args[0], 'input')}, "
                      f"{plural(model_args[1], 'output')}) on batches of "
                      f"{plural(batch, 'sequence')} of {plural(steps, 'step')}", "train")
    try:
        return RNN(**config, seed=spec["seed"])
    except (ValueError, TypeError) as err:
        raise UsageError(f"rnnlab train: error: {err}") from None


def _check_data(model, X, Y, mask, spec):
    """The data fit the model (shapes, values), as a UsageError naming the source otherwise."""
    source = spec["task"] and f"task {spec['task']}" or spec["data"]
    if len(X) != len(Y) or (mask is not None and len(mask) != len(X)):
        counts = f"X {len(X)}, Y {len(Y)}" + ("" if mask is None else f", mask {len(mask)}")
        raise UsageError(f"rnnlab train: error: {source}: X, Y (and mask) must hold the same "
                         f"number of sequences, got {counts}")
    if len(X) - int(round(len(X) * spec["val"])) < 1:
        raise UsageError(f"rnnlab train: error: --val {spec['val']} leaves no training sequence "
                         f"out of {len(X)}")
    try:
        model.check_data(X, Y, mask)
    except (ValueError, TypeError) as err:
        raise UsageError(f"rnnlab train: error: {source} does not fit the model: {err}") from None


def _dataset(spec, vocab=None):
    """(X, Y, mask, (n_in, n_out, output, mapping), vocabulary or None) from a run's spec."""
    if spec["task"] is not None:
        X, Y, task = task_data(spec["task"], spec["samples"], spec["length"], spec["seed"])
        return X, Y, None, (task.n_in, task.n_out, task.output, task.mapping), None
    ds = formats.read(spec, "train", vocab=vocab)
    arrays = {k: ds[k] for k in ("X", "Y", "mask") if ds[k] is not None}
    check_arrays(arrays, ds["source"], "train")
    X, Y = arrays["X"], arrays["Y"]
    model_args = infer_model_args(X, Y, spec["output"], spec["mapping"], ds["source"])
    if ds["vocab"] is not None:                        # every symbol, seen in the text or not
        model_args = (model_args[0], len(ds["vocab"]), "softmax", "many-to-many")
    if Y.dtype == bool and model_args[2] == "softmax":
        Y = Y.astype(np.int64)                         # class labels 0 and 1
    return X, Y, arrays.get("mask"), model_args, ds["vocab"]


def _fit(out: Path, model: RNN, opt: Any, rng: np.random.Generator, state: dict[str, Any],
         X: Array, Y: Array, mask: Array | None, args: argparse.Namespace,
         first_checkpoint: bool = False) -> int:
    """Train from state["epoch"] to the spec's epochs, with a checkpoint after every epoch.
    Ctrl-C: see interrupt.py (the checkpoint named in train.json stays complete)."""
    spec = state["spec"]
    n_val = int(round(len(X) * spec["val"])) if len(X) > 1 else 0
    cut = len(X) - n_val
    val = None if n_val == 0 else (X[cut:], Y[cut:]) + (() if mask is None else (mask[cut:],))
    tty = sys.stderr.isatty()
    saved = {"epoch": None if first_checkpoint else state["epoch"]}   # what train.json names

    def on_epoch(model, hist):
        with guard.checkpoint():
            state["epoch"] += 1
            kept = state["history"]                # per answering step, and per sequence
            kept["loss"].append(hist.loss[-1])
            kept.setdefault("loss_per_sequence", []).append(hist.loss_per_sequence[-1])
            if hist.val_loss:
                kept["val_loss"].append(hist.val_loss[-1])
                kept.setdefault("val_loss_per_sequence", []).append(
                    hist.val_loss_per_sequence[-1])
            _checkpoint(out, model, opt, rng, state)
            saved["epoch"] = state["epoch"]
        if not (tty or args.quiet or args.json):
            v = f" val_loss {hist.val_loss[-1]:.5g}" if hist.val_loss else ""
            print(f"epoch {state['epoch']}/{spec['epochs']} loss {hist.loss[-1]:.5g}{v} "
                  f"({hist.epoch_time[-1]:.2f} s)", file=sys.stderr)
        return False

    with Interrupts(owns_process=args.owns_process) as guard:
        try:
            if first_checkpoint:
                with guard.checkpoint():
                    _checkpoint(out, model, opt, rng, state)
                    saved["epoch"] = state["epoch"]
            remaining = spec["epochs"] - state["epoch"]
            if remaining <= 0:
                if args.json:
                    print(json.dumps(_results(out, state)))
                    return 0
                print(f"{out}: epoch {state['epoch']} of {spec['epochs']} reached, nothing to "
                      f"do (ask for more with --epochs)")
                return 0
            with warnings.catch_warnings():              # fit's non-finite warning: printed
                warnings.filterwarnings("ignore", "training stopped", RuntimeWarning)  # below
                hist = model.fit(X[:cut], Y[:cut], mask=None if mask is None else mask[:cut],
                                 optimizer=opt, epochs=remaining, batch_size=spec["batch_size"],
                                 clip_norm=spec["clip"], validation_data=val, seed=rng,
                                 verbose=1 if tty else 0, callback=on_epoch)
        except KeyboardInterrupt:
            if saved["epoch"] is None:
                print(f"\ninterrupted before the first checkpoint; nothing to resume in {out}",
                      file=sys.stderr)
            else:
                print(f"\ninterrupted: the checkpoint of epoch {saved['epoch']} is in {out}; "
                      f"continue with: rnnlab train --resume {out}", file=sys.stderr)
            return 130
    if hist.stopped and not args.json:
        print(f"stopped: {hist.stopped}", file=sys.stderr)
    if args.json:
        print(json.dumps(dict(_results(out, state), stopped=hist.stopped or None)))
        return 0
    loss = state["history"]["loss"]
    print(f"done: {plural(state['epoch'], 'epoch')}, final loss {loss[-1]:.5g}" if loss else "done")
    print(f"checkpoint: {out / state['checkpoint']} (use --model {out} with eval and predict)")
    return 0


def _results(out: Path, state: dict[str, Any]) -> dict:
    """What --json prints after training."""
    hist = state["history"]
    return {"run": str(out), "checkpoint": str(out / state["checkpoint"]),
            "epochs": state["epoch"], "loss": hist["loss"][-1] if hist["loss"] else None,
            "val_loss": hist["val_loss"][-1] if hist["val_loss"] else None,
            "history": hist}


def _checkpoint(out, model, opt, rng, state):
    """Write ckpt-NNNNN (model, optimizer slots) whole, then train.json naming it, then delete
    the run's older checkpoints. train.json lists in "owned" every checkpoint folder this run
    wrote or writes next, so a crash anywhere leaves nothing behind that a later run of this
    folder would not recognise and remove; nothing else is ever deleted."""
    tag, owned = f"ckpt-{state['epoch']:05d}", list(state["owned"])
    sd = opt.state_dict()
    io.write_model(out / tag, model.get_config(), {path_str(p): a for p, a in leaves(model.params)},
                   overwrite=tag in owned, extra={"optimizer.npz": io.npz_writer(sd["slots"])})
    older = [name for name in owned if name != tag]
    state.update(checkpoint=tag, rng=rng.bit_generator.state,
                 owned=[tag, f"ckpt-{state['epoch'] + 1:05d}", *older],
                 optimizer={"name": sd["name"], "hyperparams": sd["hyperparams"], "t": sd["t"]})
    io.write_json(out / "train.json", state, overwrite=True)
    if older:                                 # deleted, then forgotten: a folder made later
        for name in older:                    # under one of these names is not the run's
            io.remove_folder(out / name)
        state["owned"] = state["owned"][:2]
        io.write_json(out / "train.json", state, overwrite=True)
    io.clean_temporaries(out)                 # of checkpoints a killed run was writing


def _field(doc: dict, key: str, types: tuple[type, ...], shown: StrPath,
           ok: Callable[[Any], object] = lambda v: True, what: str | None = None) -> Any:
    """doc[key], which must be one of `types` (a bool is not a number) and pass `ok`."""
    if key not in doc:
        raise io.CheckpointError(f"{shown} has no {key!r}")
    value = doc[key]
    if (not isinstance(value, types) or (isinstance(value, bool) and bool not in types)
            or not ok(value)):
        want = what or " or ".join(t.__name__ for t in types)
        raise io.CheckpointError(f"{shown}: {key!r} must be {want}, got {value!r}")
    return value


def read_run(out: Path) -> dict:
    """train.json of the run folder `out`, every field checked (CheckpointError naming it)."""
    shown = out / "train.json"
    with io.Folder(out) as folder:
        if not folder.exists("train.json"):
            raise UsageError(f"rnnlab: error: {out} holds no run to resume (no train.json)")
        doc = folder.read_json("train.json", limit=RUN_LIMIT)
    if not isinstance(doc, dict) or doc.get("format") != RUN_FORMAT:
        raise io.CheckpointError(f"{shown} is not an rnnlab training run (no \"format\": "
                                 f"\"{RUN_FORMAT}\")")
    _field(doc, "version", (int,), shown, lambda v: v == RUN_VERSION, f"{RUN_VERSION}")
    _field(doc, "epoch", (int,), shown, lambda v: v >= 0, "an integer >= 0")
    checkpoint = _field(doc, "checkpoint", (str,), shown, CHECKPOINT.fullmatch,
                        "a checkpoint folder name ckpt-NNNNN inside the run folder")
    _field(doc, "owned", (list,), shown, lambda v: all(
        isinstance(n, str) and CHECKPOINT.fullmatch(n) for n in v), "a list of ckpt-NNNNN names")
    for key in ("spec", "rng", "optimizer", "history"):
        _field(doc, key, (dict,), shown, what="an object")
    spec = doc["spec"]
    for key, value in formats.SPEC_DEFAULTS.items():   # runs written before these options
        spec.setdefault(key, value)
    for key in ("window", "horizon"):
        _field(spec, key, (int, type(None)), f"{shown}: spec", lambda v: v is None or v >= 1,
               "an integer >= 1 or null")
    for key in ("target", "columns"):
        _field(spec, key, (list, type(None)), f"{shown}: spec", lambda v: v is None or all(
            isinstance(c, str) and c for c in v), "a list of column names or null")
    for key in ("hidden", "layers", "batch_size", "epochs", "seed", "samples", "length"):
        low = 0 if key in ("epochs", "seed") else 1
        _field(spec, key, (int, type(None)) if key in ("samples", "length") else (int,),
               f"{shown}: spec", lambda v: v is None or v >= low, f"an integer >= {low}")
    for key in ("task", "data", "targets", "text", "output", "mapping", "cell", "optimizer"):
        _field(spec, key, (str,) if key in ("cell", "optimizer") else (str, type(None)),
               f"{shown}: spec")
    _field(spec, "bidirectional", (bool,), f"{shown}: spec")
    for key in ("lr", "clip"):
        _field(spec, key, (int, float, type(None)), f"{shown}: spec",
               lambda v: v is None or v > 0, "a number > 0 or null")
    _field(spec, "val", (int, float), f"{shown}: spec", lambda v: 0 <= v < 1, "a number in [0, 1)")
    _field(doc["optimizer"], "t", (int,), f"{shown}: optimizer", lambda v: v >= 0,
           "an integer >= 0")
    _field(doc["optimizer"], "hyperparams", (dict,), f"{shown}: optimizer", what="an object")
    for key in ("loss", "val_loss"):
        _field(doc["history"], key, (list,), f"{shown}: history", lambda v: all(
            isinstance(x, (int, float)) and not isinstance(x, bool) for x in v),
            "a list of numbers")
    path = out / checkpoint
    if not os.path.isdir(path) or os.path.islink(path):
        raise io.CheckpointError(f"{shown} names checkpoint {checkpoint}, but {path} is not a "
                                 f"folder inside the run (missing, a link or a file)")
    return doc


def _restore_optimizer(out, state, model):
    """The optimizer of the run, its slots checked against the model's parameters (names,
    shapes, dtypes) before they are read."""
    from .. import optim
    shown = out / "train.json"
    try:
        opt = optim.from_state_dict(dict(state["optimizer"], slots={}))
    except (KeyError, TypeError, ValueError) as err:
        raise io.CheckpointError(f"{shown}: the optimizer cannot be restored: {err}") from None
    params = {path_str(p): a for p, a in leaves(model.params)}
    specs = {} if opt.t == 0 else {f"{k}/{s}": (a.shape, a.dtype)
                                   for k, a in params.items() for s in opt.slots}
    slots = io.read_npz(out / state["checkpoint"] / "optimizer.npz", specs=specs, follow=False)
    try:
        opt.load_state_dict(dict(state["optimizer"], slots=slots))
    except (KeyError, TypeError, ValueError) as err:
        raise io.CheckpointError(f"{out / state['checkpoint'] / 'optimizer.npz'}: {err}") from None
    return opt


def _resume(args: argparse.Namespace) -> int:
    from .. import load
    out = args.resume
    other = sorted(o for d, o in given(args).items()
                   if d not in ("resume", "epochs", "quiet", "json"))
    if other:
        raise UsageError(f"rnnlab train: error: --resume continues a run as it was set up; only "
                         f"--epochs may change, not {', '.join(other)}")
    state = read_run(out)
    model = load(out / state["checkpoint"])
    opt = _restore_optimizer(out, state, model)
    rng = np.random.default_rng()
    try:
        rng.bit_generator.state = state["rng"]
    except (KeyError, TypeError, ValueError) as err:
        raise io.CheckpointError(f"{out / 'train.json'}: 'rng' is not a generator state: "
                                 f"{err}") from None
    if args.epochs is not None:                       # given (--epochs N or --epochs=N)
        state["spec"]["epochs"] = args.epochs
    spec = state["spec"]
    X, Y, mask, _, _ = _dataset(spec, formats.read_vocab(out, "train") if spec["text"] else None)
    if not (args.quiet or args.json):
        print(f"resuming {out} at epoch {state['epoch']} of {spec['epochs']}", file=sys.stderr)
    return _fit(out, model, opt, rng, state, X, Y, mask, args)


# -- model folders --------------------------------------------------------------------------------
def load_model(path: Path) -> RNN:
    """A model from a model folder or a training folder (its current checkpoint, which must be
    a folder inside it)."""
    from .. import load
    if not os.path.isdir(path):
        raise UsageError(f"rnnlab: error: model folder {path} does not exist")
    if os.path.lexists(path / "train.json"):
        path = path / read_run(path)["checkpoint"]
    return load(path)
