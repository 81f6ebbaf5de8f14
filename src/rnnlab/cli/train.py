"""`rnnlab train`, `rnnlab eval` and `rnnlab predict`.

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

import os
import re
import sys
import warnings
from pathlib import Path

import numpy as np

from .. import io
from .._tree import leaves, path_str
from . import sizes
from .common import (UsageError, count, empty_or_new_folder, folder, fraction, given, npz_file,
                     plural, positive_float)
from .data import check_arrays, infer_model_args
from .interrupt import Interrupts

RUN_FORMAT, RUN_VERSION = "rnnlab-run", 1
RUN_LIMIT = 64 << 20                  # train.json: the history grows by two numbers an epoch
CHECKPOINT = re.compile(r"ckpt-[0-9]{5,}")
EPOCHS = 10                     # --epochs when not given (a resumed run keeps its own)
EVAL_SAMPLES = 500              # eval --task: fresh sequences when --samples is not given


def add_commands(sub):
    t = sub.add_parser("train", help="train a model on a built-in task or an .npz file")
    src = t.add_mutually_exclusive_group()
    src.add_argument("--task", help="a built-in task: parity, addition, adding, copy, sine")
    src.add_argument("--data", type=npz_file, help="an .npz file with arrays X, Y (and mask)")
    src.add_argument("--resume", type=folder, metavar="DIR", help="continue the run saved in DIR")
    t.add_argument("--out", type=Path, help="training folder (checkpoints, train.json)")
    t.add_argument("--cell", choices=("elman", "lstm", "gru"), default="elman")
    t.add_argument("--hidden", type=count(1), default=32)
    t.add_argument("--layers", type=count(1), default=1)
    t.add_argument("--bidirectional", action="store_true")
    t.add_argument("--output", choices=("identity", "sigmoid", "softmax"),
                   help="output activation (--data only; a task sets its own)")
    t.add_argument("--mapping", choices=("many-to-many", "many-to-one"),
                   help="(--data only) default: from the shape of Y")
    t.add_argument("--epochs", type=count(0), default=None,
                   help=f"total epochs (default {EPOCHS}; with --resume: the run's own)")
    t.add_argument("--batch-size", type=count(1), default=32)
    t.add_argument("--optimizer", choices=("adam", "sgd", "rmsprop"), default="adam")
    t.add_argument("--lr", type=positive_float, default=None)
    t.add_argument("--clip", type=positive_float, default=None, help="clip the gradient norm")
    t.add_argument("--samples", type=count(1), default=None, help="task: number of sequences")
    t.add_argument("--length", type=count(1), default=None, help="task: bits or steps")
    t.add_argument("--val", type=fraction, default=0.1, help="fraction held out, in [0, 1)")
    t.add_argument("--seed", type=count(0), default=0)
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("eval", help="loss and accuracy of a saved model on a task or data")
    e.add_argument("--model", type=folder, required=True, help="a model or training folder")
    src = e.add_mutually_exclusive_group(required=True)
    src.add_argument("--task")
    src.add_argument("--data", type=npz_file)
    e.add_argument("--samples", type=count(1), default=None,
                   help=f"task: number of sequences (default {EVAL_SAMPLES})")
    e.add_argument("--length", type=count(1), default=None)
    e.add_argument("--seed", type=count(0), default=12345, help="task data seed (fresh data)")
    e.set_defaults(func=cmd_eval)

    p = sub.add_parser("predict", help="outputs of a saved model for the X of an .npz file")
    p.add_argument("--model", type=folder, required=True)
    p.add_argument("--data", type=npz_file, required=True)
    p.add_argument("--out", type=Path, required=True, help="an .npz file to write (array Y)")
    p.add_argument("--steps", type=count(1), default=None,
                   help="output steps (one-to-many, seq2seq)")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.set_defaults(func=cmd_predict)


# -- data ------------------------------------------------------------------------------------------
def load_data(path: Path, need=("X", "Y")) -> dict:
    """The arrays of an .npz file, with the named ones present (UsageError otherwise)."""
    if not os.path.lexists(path):
        raise UsageError(f"rnnlab: error: data file {path} does not exist")
    try:
        arrays = io.read_npz(path)
    except io.CheckpointError as err:
        raise UsageError(f"rnnlab: error: {err}") from None
    missing = [k for k in need if k not in arrays]
    if missing:
        raise UsageError(f"rnnlab: error: {path} must hold arrays {', '.join(need)}; missing "
                         f"{', '.join(missing)} (found: {', '.join(arrays) or 'none'})")
    return arrays


def task_data(name, samples, length, seed, command="train"):
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
def cmd_train(args) -> int:
    if args.resume is not None:
        return _resume(args)
    if args.task is None and args.data is None:
        raise UsageError("rnnlab train: error: give --task TASK or --data FILE.npz (or --resume DIR)")
    if args.out is None:
        raise UsageError("rnnlab train: error: --out DIR is required (the training folder)")
    _refuse_ignored(args, "train", ("samples", "length") if args.data is not None
                    else ("output", "mapping"))
    if os.path.lexists(args.out / "train.json"):
        raise UsageError(f"rnnlab train: error: {args.out} already holds a run; continue it with "
                         f"--resume {args.out} or choose a new --out")
    empty_or_new_folder(args.out, what=" and is not a training run", create=False)
    spec = {k: getattr(args, k) for k in ("task", "cell", "hidden", "layers", "bidirectional",
                                          "output", "mapping", "epochs", "batch_size", "optimizer",
                                          "lr", "clip", "samples", "length", "val", "seed")}
    spec["epochs"] = EPOCHS if args.epochs is None else args.epochs
    spec["data"] = None if args.data is None else str(args.data.resolve())
    X, Y, mask, model_args = _dataset(spec)
    model = _model(spec, model_args, X)
    from .. import optim
    opt = optim.get(args.optimizer, **({} if args.lr is None else {"lr": args.lr}))
    _check_data(model, X, Y, mask, spec)                 # before anything is written
    rng = np.random.default_rng(args.seed)
    out = empty_or_new_folder(args.out, what=" and is not a training run")
    state = {"format": RUN_FORMAT, "version": RUN_VERSION, "spec": spec, "epoch": 0,
             "history": {"loss": [], "val_loss": []}, "owned": []}
    print(f"training {model!r}\n  on {spec['task'] or spec['data']}: X {X.shape}, Y {Y.shape}; "
          f"folder {out}", file=sys.stderr)
    return _fit(out, model, opt, rng, state, X, Y, mask, args, first_checkpoint=True)


def _refuse_ignored(args, command, dests):
    """A UsageError for an option that was given but does not apply (it would be ignored)."""
    wrong = [given(args)[d] for d in dests if d in given(args)]
    if wrong:
        source = "--task" if args.task is not None else "--data"
        other = "--data" if source == "--task" else "--task"
        verb = "applies" if len(wrong) == 1 else "apply"
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


def _dataset(spec):
    """(X, Y, mask, (n_in, n_out, output, mapping)) from a run's spec."""
    if spec["task"] is not None:
        X, Y, task = task_data(spec["task"], spec["samples"], spec["length"], spec["seed"])
        return X, Y, None, (task.n_in, task.n_out, task.output, task.mapping)
    arrays = load_data(Path(spec["data"]))
    check_arrays(arrays, spec["data"], "train")
    X, Y = arrays["X"], arrays["Y"]
    model_args = infer_model_args(X, Y, spec["output"], spec["mapping"], spec["data"])
    if Y.dtype == bool and model_args[2] == "softmax":
        Y = Y.astype(np.int64)                         # class labels 0 and 1
    return X, Y, arrays.get("mask"), model_args


def _fit(out, model, opt, rng, state, X, Y, mask, args, first_checkpoint=False) -> int:
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
            state["history"]["loss"].append(hist.loss[-1])
            if hist.val_loss:
                state["history"]["val_loss"].append(hist.val_loss[-1])
            _checkpoint(out, model, opt, rng, state)
            saved["epoch"] = state["epoch"]
        if not tty:
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
                print(f"{out}: epoch {state['epoch']} of {spec['epochs']} reached, nothing to "
                      f"do (ask for more with --epochs)")
                return 0
            with warnings.catch_warnings():              # fit's non-finite warning: printed
                warnings.filterwarnings("ignore", "training stopped", RuntimeWarning)  # below
                hist = model.fit(X[:cut], Y[:cut], mask=None if mask is None else mask[:cut],
                                 optimizer=opt, epochs=remaining, batch_size=spec["batch_size"],
                                 clip_norm=spec["clip"], validation_data=val, seed=rng,
                                 progress=None, callback=on_epoch)
        except KeyboardInterrupt:
            if saved["epoch"] is None:
                print(f"\ninterrupted before the first checkpoint; nothing to resume in {out}",
                      file=sys.stderr)
            else:
                print(f"\ninterrupted: the checkpoint of epoch {saved['epoch']} is in {out}; "
                      f"continue with: rnnlab train --resume {out}", file=sys.stderr)
            return 130
    if hist.stopped:
        print(f"stopped: {hist.stopped}", file=sys.stderr)
    loss = state["history"]["loss"]
    print(f"done: {plural(state['epoch'], 'epoch')}, final loss {loss[-1]:.5g}" if loss else "done")
    print(f"checkpoint: {out / state['checkpoint']} (use --model {out} with eval and predict)")
    return 0


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


def _field(doc: dict, key, types, shown, ok=lambda v: True, what=None):
    """doc[key], which must be one of `types` (a bool is not a number) and pass `ok`."""
    if key not in doc:
        raise io.CheckpointError(f"{shown} has no {key!r}")
    value = doc[key]
    if (not isinstance(value, types) or (isinstance(value, bool) and bool not in types)
            or not ok(value)):
        want = what or " or ".join(t.__name__ for t in types)
        raise io.CheckpointError(f"{shown}: {key!r} must be {want}, got {value!r}")
    return value


def _read_run(out: Path) -> dict:
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
    for key in ("hidden", "layers", "batch_size", "epochs", "seed", "samples", "length"):
        low = 0 if key in ("epochs", "seed") else 1
        _field(spec, key, (int, type(None)) if key in ("samples", "length") else (int,),
               f"{shown}: spec", lambda v: v is None or v >= low, f"an integer >= {low}")
    for key in ("task", "data", "output", "mapping", "cell", "optimizer"):
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


def _resume(args) -> int:
    from .. import load
    out = args.resume
    other = sorted(o for d, o in given(args).items() if d not in ("resume", "epochs"))
    if other:
        raise UsageError(f"rnnlab train: error: --resume continues a run as it was set up; only "
                         f"--epochs may change, not {', '.join(other)}")
    state = _read_run(out)
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
    X, Y, mask, _ = _dataset(state["spec"])
    print(f"resuming {out} at epoch {state['epoch']} of {state['spec']['epochs']}", file=sys.stderr)
    return _fit(out, model, opt, rng, state, X, Y, mask, args)


# -- eval and predict --------------------------------------------------------------------------------
def load_model(path: Path):
    """A model from a model folder or a training folder (its current checkpoint, which must be
    a folder inside it)."""
    from .. import load
    if not os.path.isdir(path):
        raise UsageError(f"rnnlab: error: model folder {path} does not exist")
    if os.path.lexists(path / "train.json"):
        path = path / _read_run(path)["checkpoint"]
    return load(path)


def metrics(model, X, Y, mask=None) -> dict:
    """Loss, and accuracy (per real step and per sequence) or mean squared error."""
    out = {"loss": model.evaluate(X, Y, mask)}
    n_steps = model.mapping.n_steps(Y) if model.mapping.takes_n_steps else None
    y = model.predict(X, mask=mask, n_steps=n_steps)      # one-to-many, seq2seq: T from Y
    if model.output == "identity":
        sq = (y - Y) ** 2
        if mask is not None and sq.ndim == 3:               # padded steps do not count
            keep = np.broadcast_to(np.asarray(mask, bool)[:, :, None], sq.shape)
            out["mse"] = float(sq[keep].mean())
        else:
            out["mse"] = float(sq.mean())
        return out
    if model.output == "sigmoid":
        right = (y > 0.5) == (Y > 0.5)
    else:
        labels = Y if Y.dtype.kind in "iub" and Y.ndim == y.ndim - 1 else Y.argmax(-1)
        right = (y.argmax(-1) == labels)[..., None]
    real = np.ones(right.shape, bool)
    if mask is not None and right.ndim == 3:                # padded steps do not count
        real = np.broadcast_to(np.asarray(mask, bool)[:, :, None], right.shape)
    out["accuracy"] = float(right[real].mean())
    out["sequence_accuracy"] = float((right | ~real).reshape(len(right), -1).all(axis=1).mean())
    return out


def cmd_eval(args) -> int:
    model = load_model(args.model)
    if args.task is not None:
        X, Y, _ = task_data(args.task, EVAL_SAMPLES if args.samples is None else args.samples,
                            args.length, args.seed, command="eval")
        mask, source = None, f"task {args.task}"
        if X.shape[-1] != model.n_in:
            raise UsageError(f"rnnlab eval: error: task {args.task} has "
                             f"{plural(X.shape[-1], 'input feature')}, the model takes "
                             f"{model.n_in}")
    else:
        _refuse_ignored(args, "eval", ("samples", "length", "seed"))
        arrays = load_data(args.data)
        check_arrays(arrays, args.data, "eval")
        X, Y, mask, source = arrays["X"], arrays["Y"], arrays.get("mask"), str(args.data)
    try:
        model.check_data(X, Y, mask)
    except (ValueError, TypeError) as err:
        raise UsageError(f"rnnlab eval: error: {source} does not fit the model: {err}") from None
    sizes.check(2 * sizes.float_array(_output_shape(model, X, Y)),
                f"the outputs of the model for {source}", "eval")
    for k, v in metrics(model, X, Y, mask).items():
        print(f"{k:<18} {v:.6g}")
    return 0


def _output_shape(model, X, Y=None, n_steps=None) -> tuple:
    """The shape predict returns for X (Python integers; nothing allocated)."""
    if model.mapping.name == "many-to-one":
        return (len(X), model.n_out)
    if model.mapping.takes_n_steps:
        steps = model.mapping.n_steps(Y) if Y is not None else n_steps
        return (len(X), steps or 0, model.n_out)
    return (len(X), X.shape[1] if X.ndim > 1 else 0, model.n_out)


def cmd_predict(args) -> int:
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
    model = load_model(args.model)
    arrays = load_data(args.data, need=("X",))
    check_arrays(arrays, args.data, "predict")
    if model.mapping.takes_n_steps and args.steps is None:
        raise UsageError(f"rnnlab predict: error: the model ({model.mapping.name}) needs --steps "
                         f"N, the number of output steps to produce")
    if args.steps is not None and not model.mapping.takes_n_steps:
        raise UsageError(f"rnnlab predict: error: --steps applies to one-to-many and seq2seq "
                         f"models; this one ({model.mapping.name}) takes its length from X")
    shape = _output_shape(model, arrays["X"], n_steps=args.steps)
    sizes.check(sizes.float_array(shape), f"the outputs of the model for {args.data} "
                f"(Y {shape})", "predict")
    try:
        Y = model.predict(arrays["X"], mask=arrays.get("mask"), n_steps=args.steps)
    except (ValueError, TypeError) as err:
        raise UsageError(f"rnnlab predict: error: {args.data} does not fit the model: "
                         f"{err}") from None
    try:
        io.write_npz(args.out, {"Y": Y}, overwrite=args.force, flag="--force")
    except OSError as err:
        raise UsageError(f"rnnlab predict: error: {err}") from None
    print(f"wrote Y {Y.shape} to {args.out}")
    return 0
