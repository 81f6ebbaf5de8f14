"""The training loop: minibatches, clipping, validation, early stopping, a non-finite guard.

One step = model.loss_and_grads on a batch, then (optionally) clip_grad_norm, then
optimizer.step: training minimises the lecture's summed loss (summed over the answering steps of
each sequence, averaged over the sequences). What an epoch reports is exact over all its
sequences (the batch losses weighted by their sizes), in two units (rnnlab.history):
History.loss per answering step, History.loss_per_sequence summed over each sequence.
What fit shows while it runs (verbose) is rnnlab.progress's business.
"""
from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from . import _checks, optim
from . import callbacks as _callbacks
from . import metrics as _metrics
from . import progress as _progress
from ._tree import global_norm, leaves, map_tree
from ._types import Batches, MetricSpec, Seed
from .history import History
from .progress import Progress

if TYPE_CHECKING:
    from .callbacks import Callback
    from .optim import Optimizer

__all__ = ["fit", "History", "Progress"]


def _rng(seed, model):
    """The shuffling generator: a Generator as given, else one seeded by seed (or the model's)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng(model.seed)
    return np.random.default_rng(_checks.check_int(seed, "seed", minimum=0))


def _validation(model, validation_data):
    """(X, Y, mask) of the validation data, checked as the training data is (before training)."""
    if validation_data is None:
        return None
    if callable(validation_data):
        return validation_data                      # a batch source, checked batch by batch
    is_seq = isinstance(validation_data, (tuple, list))
    if not is_seq or len(validation_data) not in (2, 3):
        length = f" of length {len(validation_data)}" if is_seq else ""
        raise TypeError(f"validation_data must be a tuple (X, Y) or (X, Y, mask), got "
                        f"{type(validation_data).__name__}{length}")
    vX, vY, vmask = tuple(validation_data) + (None,) * (3 - len(validation_data))
    try:
        return _data(model, vX, vY, vmask)
    except (TypeError, ValueError) as err:
        raise type(err)(f"validation_data: {err}") from None


def _optimizer(optimizer, lr):
    """The optimizer object: lr sets the rate of a named one, never silently of an object."""
    if lr is not None and isinstance(optimizer, optim.Optimizer):
        raise ValueError(f"lr={lr} applies to a named optimizer; give the rate to the object "
                         f"instead, e.g. rl.optim.{type(optimizer).__name__}(lr={lr})")
    return optim.get(optimizer, **({} if lr is None else {"lr": lr}))


def _check_options(model, epochs, batch_size, clip_norm, bptt, patience, shuffle):
    """The scalar options, validated: (epochs, batch_size, clip_norm, bptt, patience, shuffle)."""
    epochs = _checks.check_int(epochs, "epochs", minimum=0)
    batch_size = _checks.check_int(batch_size, "batch_size", minimum=1)
    if clip_norm is not None:
        clip_norm = _checks.check_float(clip_norm, "clip_norm", positive=True)
    if patience is not None:
        patience = _checks.check_int(patience, "patience", minimum=1)
    if bptt is not None:
        bptt = _checks.check_int(bptt, "bptt", minimum=1)
        if model.mapping.name != "many-to-many" or model.bidirectional:
            raise ValueError(f"bptt (truncated BPTT) needs mapping='many-to-many' and "
                             f"bidirectional=False (a backward pass cannot carry its state into "
                             f"the next chunk); the model has mapping={model.mapping.name!r}, "
                             f"bidirectional={model.bidirectional}")
    return epochs, batch_size, clip_norm, bptt, patience, _checks.check_bool(shuffle, "shuffle")


def _data(model, X, Y, mask):
    """X, Y (and mask) as arrays with one row per sequence, checked once on the whole data."""
    X, Y = _checks.as_array(X, "X"), _checks.as_array(Y, "Y")
    if X.ndim == 0 or Y.ndim == 0 or len(X) != len(Y):
        raise ValueError(f"X and Y must hold the same number of sequences, got shapes "
                         f"{X.shape} and {Y.shape}")
    if mask is not None:
        mask = _checks.as_array(mask, "mask")
        if mask.ndim == 0 or len(mask) != len(X):
            raise ValueError(f"mask must have one row per sequence of X ({len(X)}), got shape "
                             f"{mask.shape}")
    model.check_data(X, Y, mask)
    return X, Y, mask


def fit(model: Any, X: ArrayLike | Batches, Y: ArrayLike | None = None, *,
        optimizer: str | Optimizer = "adam", lr: float | None = None, epochs: int = 10,
        batch_size: int = 32, mask: ArrayLike | None = None, clip_norm: float | None = None,
        bptt: int | None = None, validation_data: tuple[Any, ...] | Batches | None = None,
        validation_split: float | None = None, seed: Seed = None, shuffle: bool = True,
        patience: int | None = None, verbose: int | str | None = "auto",
        progress: bool | None = None, callback: Callable[[Any, History], object] | None = None,
        callbacks: Callback | Iterable[Callback] | None = None,
        metrics: MetricSpec = None) -> History:
    """Train `model` in place with minibatches and return its History.

    Training minimises the lecture's summed loss (summed over the answering steps of each
    sequence, averaged over the sequences). History.loss and val_loss report it per answering
    step, History.loss_per_sequence and val_loss_per_sequence as summed (rnnlab.history).
    Every argument is checked before the first update changes the model.

    Parameters
    ----------
    model : rnnlab.RNN
        The model, trained in place.
    X : array (B, T, D), (B, D) for one-to-one and one-to-many, or a batch source
        The inputs, one row per sequence. Or, for data larger than memory, a batch source with
        Y=None: a callable that returns a fresh iterable of batches (X_b, Y_b) or
        (X_b, Y_b, mask_b) at every epoch (e.g. slices of an np.memmap), or a re-iterable
        object (a list of batches); a one-shot iterator serves epochs=1 only. The source sets
        the order (shuffle and batch_size do not apply); each batch is checked before use.
    Y : array, or None with a batch source
        The targets, one row per sequence, shaped as the mapping answers ((B, T, K) or (B, K);
        class indices for cross-entropy).
    optimizer : str or rnnlab.optim.Optimizer, default "adam"
        An optimizer object, or a name ("adam", "sgd", "rmsprop") built anew at every call;
        pass an object to keep its state (moments, step count) across calls.
    lr : float, optional
        The learning rate of a named optimizer (an object carries its own).
    epochs : int, default 10
        Passes over the data.
    batch_size : int, default 32
        Sequences per optimizer step.
    mask : bool array (B, T), optional
        True at the real steps, False at padding (see rnnlab.data.pad_sequences).
    clip_norm : float, optional
        Clip the global gradient norm to this value before each step.
    bptt : int, optional
        Truncated BPTT (many-to-many, unidirectional): each batch is cut into chunks of this
        many steps; the state is carried from chunk to chunk, the gradient stops at chunk
        boundaries and the optimizer steps after every chunk (exact when bptt >= T).
    validation_data : tuple (X, Y) or (X, Y, mask), or a batch source, optional
        Evaluated after every epoch into History.val_loss.
    validation_split : float in (0, 1), optional
        Hold out the LAST rows of X, Y (and mask), taken before any shuffling, as validation
        data (as Keras does); not with validation_data.
    seed : int or numpy.random.Generator, optional
        The shuffling generator (default: one seeded by the model's seed).
    shuffle : bool, default True
        Shuffle the rows at every epoch (array data).
    patience : int, optional
        Stop after this many epochs without improvement of val_loss (of loss without
        validation data) and restore the best parameters: a shorthand for
        callbacks=[rl.callbacks.EarlyStopping(monitor, patience=patience)].
    verbose : {"auto", 0, 1, 2}, default "auto"
        0: silent. 1: a live display (in Jupyter a tqdm bar when tqdm is installed, else one
        line updated in place; elsewhere a one-line bar on stderr). 2: one line per epoch
        (epoch, loss, val_loss, metrics, time). "auto" (or None): 1 on a terminal or in
        Jupyter, 2 anywhere else (a log file, a pipe, CI). See rnnlab.progress.
    progress : bool, optional
        The older name of verbose, kept as an alias: True is verbose=1, False verbose=0.
    callback : callable, optional
        callback(model, history) after every epoch; returning True stops training.
    callbacks : rnnlab.callbacks.Callback or list of them, optional
        Called at train, epoch and batch begin and end, in the order given: schedules,
        checkpoints, CSV logs, early stopping. Their logs hold loss, val_loss (per answering
        step), loss_per_sequence, val_loss_per_sequence, grad_norm, lr and the metrics.
    metrics : str, callable or list of them, optional
        "accuracy" (share of answering steps whose class is right), "sequence_accuracy"
        (share of sequences with every step right: exact match), "mse", "mae", or a callable
        f(y_pred, Y, mask, output) -> float (rnnlab.metrics). Computed after every epoch with
        the epoch's final parameters on the validation data ("val_accuracy") or, without it, on
        the training data ("accuracy"); into History.metrics, the logs and the epoch's line.

    Returns
    -------
    History
        One entry per finished epoch: loss, val_loss (per answering step),
        loss_per_sequence, val_loss_per_sequence, metrics, grad_norm, epoch_time; steps and
        stopped. History.plot() draws the learning curves.

    Raises
    ------
    TypeError, ValueError
        A bad argument or data, named, before any update.
    RuntimeWarning (a warning, not an exception)
        The non-finite guard stopped training: a loss, gradient norm or update was NaN or inf;
        the parameters are those before that step, History.stopped says why, and on_train_end
        is not called.

    Examples
    --------
    >>> import numpy as np, rnnlab as rl
    >>> X = np.random.default_rng(0).uniform(-1, 1, (64, 12, 1))
    >>> Y = np.cumsum(X, axis=1) / 4
    >>> model = rl.RNN(1, 8, 1)
    >>> hist = rl.train.fit(model, X, Y, epochs=5, lr=0.02, validation_split=0.25,
    ...                     metrics=["mse"], verbose=0)
    >>> len(hist.loss), hist.loss[-1] < hist.loss[0]
    (5, True)
    """
    # every argument is checked here, before the first update can change the model
    epochs, batch_size, clip_norm, bptt, patience, shuffle = _check_options(
        model, epochs, batch_size, clip_norm, bptt, patience, shuffle)
    level = _progress.level(verbose, progress)
    callback = _checks.check_callable(callback, "callback")
    cbs = _callbacks.check_callbacks(callbacks)
    metric_fns = _metrics.resolve(metrics)
    opt = _optimizer(optimizer, lr)
    opt.check_params(model.params)                 # bound to this model, or a matching state
    source = _source(X, Y, mask, epochs, "X") if Y is None else None
    if source is None:
        X, Y, mask = _data(model, X, Y, mask)
    val = _validation(model, validation_data)
    if source is not None and validation_split is not None:
        raise ValueError("validation_split needs arrays; with a batch source give "
                         "validation_data (arrays or a batch source)")
    if validation_split is not None:
        if val is not None:
            raise ValueError("give validation_data or validation_split, not both")
        X, Y, mask, val = _split(X, Y, mask, validation_split)
    if patience is not None:
        cbs.insert(0, _callbacks.EarlyStopping("val_loss" if val is not None else "loss",
                                               patience=patience))
    rng = _rng(seed, model)
    hist = History()
    run = _Run(model, opt, X, Y, mask, batch_size, clip_norm, bptt)
    val_answers = None if val is None or callable(val) else int(model.answering_steps(*val).sum())
    state = _callbacks.RunState(model=model, optimizer=opt, history=hist, epochs=epochs)
    run.callbacks, run.state = cbs, state
    shown = _progress.display(level, epochs)
    try:
        _callbacks.call(cbs, "on_train_begin", state)
        for epoch in range(epochs):
            state.epoch = epoch
            _callbacks.call(cbs, "on_epoch_begin", state)
            if source is None:
                order = rng.permutation(len(X)) if shuffle else np.arange(len(X))  # type: ignore[arg-type]  # arrays here
                batches, n_batches = run.array_batches(order), math.ceil(len(X) / batch_size)  # type: ignore[arg-type]
            else:
                batches, n_batches = _counted(model, _stream(model, source(), "X")), None
            shown.begin(epoch, n_batches)
            if not run.epoch(batches, epoch, hist, shown):
                return hist      # the guard stopped it, parameters as before the failed step
            if val is not None:
                per_sequence, per_step = _evaluate(model, val, val_answers)
                hist.val_loss_per_sequence.append(per_sequence)
                hist.val_loss.append(per_step)
            state.logs = _logs(hist, val is not None, opt)
            if metric_fns:
                data = val if val is not None else (source if source is not None else (X, Y, mask))
                prefix = "val_" if val is not None else ""
                for name, value in _metric_values(model, data, metric_fns).items():
                    hist.metrics.setdefault(prefix + name, []).append(value)
                    state.logs[prefix + name] = value
            shown.end(_summary(epoch, epochs, hist, state.logs))
            _callbacks.call(cbs, "on_epoch_end", state)
            if state.stop:
                hist.stopped = state.stop
                break
            if callback is not None and callback(model, hist):
                hist.stopped = hist.stopped or f"stopped by callback after epoch {epoch + 1}"
                break
    finally:
        shown.close()
    _callbacks.call(cbs, "on_train_end", state)
    return hist


def _logs(hist: History, has_val: bool, opt: Optimizer) -> dict:
    """The callbacks' logs of the epoch just finished (losses per step and per sequence)."""
    return {"loss": hist.loss[-1], "val_loss": hist.val_loss[-1] if has_val else None,
            "loss_per_sequence": hist.loss_per_sequence[-1],
            "val_loss_per_sequence": hist.val_loss_per_sequence[-1] if has_val else None,
            "grad_norm": hist.grad_norm[-1], "lr": opt.lr}


def _split(X, Y, mask, fraction):
    """(X, Y, mask) of training and the held-out validation triple: the last rows."""
    fraction = _checks.check_float(fraction, "validation_split")
    n_val = int(round(len(X) * fraction))
    if not 0 < fraction < 1 or n_val < 1 or n_val >= len(X):
        raise ValueError(f"validation_split must lie in (0, 1) and leave at least one sequence "
                         f"on each side; {fraction} of {len(X)} sequences leaves {n_val} for "
                         f"validation")
    k = len(X) - n_val
    cut = (lambda a: (None, None) if a is None else (a[:k], a[k:]))
    (Xt, Xv), (Yt, Yv), (mt, mv) = cut(X), cut(Y), cut(mask)
    return Xt, Yt, mt, (Xv, Yv, mv)


def _source(X, Y, mask, epochs, name):
    """A callable giving each epoch's iterable of batches, from X given without Y; None when X
    is an array (then Y is missing: a TypeError)."""
    if isinstance(X, np.ndarray) or (isinstance(X, (list, tuple)) and X and not
                                      isinstance(X[0], (tuple, list))):
        raise TypeError(f"Y is required unless {name} is a batch source (a callable returning "
                        f"batches (X, Y[, mask]), or a list of such batches)")
    if mask is not None:
        raise TypeError("mask goes inside each batch (X_b, Y_b, mask_b) of a batch source")
    if callable(X):
        return X
    try:
        it = iter(X)
    except TypeError:
        raise TypeError(f"{name} must be an array or a batch source, got "
                        f"{type(X).__name__}") from None
    if it is X:                                         # a one-shot iterator (a generator)
        if epochs > 1:
            raise ValueError(f"{name} is an iterator, which is used up after one epoch; for "
                             f"epochs={epochs} pass a callable that returns a fresh iterator")
        return lambda: X
    return lambda: X


def _stream(model, batches, name):
    """The batches of a source, each checked (and cast) as array data is, just before use."""
    for i, batch in enumerate(batches):
        if not isinstance(batch, (tuple, list)) or len(batch) not in (2, 3):
            raise TypeError(f"batch {i} of {name} must be a tuple (X, Y) or (X, Y, mask), got "
                            f"{type(batch).__name__}")
        xb, yb, mb = tuple(batch) + (None,) * (3 - len(batch))
        try:
            checked = _data(model, xb, yb, mb)
        except (TypeError, ValueError) as err:
            raise type(err)(f"batch {i} of {name}: {err}") from None
        yield checked


def _metric_values(model: Any, data: tuple[Any, ...], fns: list[Any]) -> dict:
    """{name: value} of the metrics on arrays (X, Y, mask) or, for a batch source, the
    sequence-weighted mean over its batches."""
    batches = _stream(model, data(), "validation_data") if callable(data) else [data]
    totals, n = dict.fromkeys((name for name, _ in fns), 0.0), 0
    for xb, yb, mb in batches:
        n_steps = model.mapping.n_steps(yb) if model.mapping.takes_n_steps else None
        y = model.predict(xb, mask=mb, n_steps=n_steps)
        for name, fn in fns:
            totals[name] += float(fn(y, yb, mb, model.output)) * len(xb)
        n += len(xb)
    return {name: total / max(n, 1) for name, total in totals.items()}


def _evaluate(model, val, answers=None):
    """(loss per sequence, loss per answering step) on the validation data: of arrays (whose
    answering steps `answers` fit counted once), or exact over a source's batches."""
    if not callable(val):
        per_sequence = model.evaluate(*val)
        return per_sequence, per_sequence * len(val[0]) / max(answers, 1)
    total, n, n_answers = 0.0, 0, 0
    for xb, yb, mb, nb in _counted(model, _stream(model, val(), "validation_data")):
        total += model.evaluate(xb, yb, mb) * len(xb)
        n += len(xb)
        n_answers += nb
    if n == 0:
        raise ValueError("validation_data gave no batches")
    return total / n, total / max(n_answers, 1)


def _counted(model, batches):
    """The checked batches of a source, each with its number of answering steps."""
    for xb, yb, mb in batches:
        yield xb, yb, mb, int(model.answering_steps(xb, yb, mb).sum())


class _Run:
    """One fit call's data and working state: the last good parameters and gradient norm."""
    bar: Any
    state: Any

    def __init__(self, model, opt, X, Y, mask, batch_size, clip_norm, bptt):
        self.model, self.opt, self.X, self.Y, self.mask = model, opt, X, Y, mask
        self.batch_size, self.clip_norm, self.bptt = batch_size, clip_norm, bptt
        self.backup = map_tree(np.copy, model.params)     # the parameters before each step
        self.last_norm = None                             # the last finite gradient norm
        self.callbacks, self.state = [], None             # set by fit
        # answering steps of each row (array data): counted once, summed per batch
        self.answers = None if Y is None else model.answering_steps(X, Y, mask)

    def array_batches(self, order):
        """(X_b, Y_b, mask_b, answering steps) of the rows in `order`, batch_size at a time."""
        bs = self.batch_size
        for i in range(0, len(order), bs):
            idx = order[i:i + bs]
            yield (self.X[idx], self.Y[idx], None if self.mask is None else self.mask[idx],
                   int(self.answers[idx].sum()))  # type: ignore[index]  # arrays: Y given

    def epoch(self, batches: Iterable[Any], epoch: int, hist: History, shown: Any) -> bool:
        """One pass over `batches`; False when the non-finite guard stopped it."""
        t0 = time.perf_counter()
        norms: list[float]
        total, n, n_answers, norms = 0.0, 0, 0, []    # total: the summed loss of every sequence
        for i, (xb, yb, mb, nb) in enumerate(batches):
            if self.callbacks:
                self.state.batch = i
                _callbacks.call(self.callbacks, "on_batch_begin", self.state)
            try:
                with np.errstate(over="ignore", invalid="ignore"):   # the guard reports it
                    loss = _batch(self.model, self.opt, xb, yb, mb, self.clip_norm, self.bptt,
                                  norms, self.backup)
            except _NonFinite as err:
                hist.stopped = _non_finite(epoch, i, *err.args,  # type: ignore[call-arg]
                                           norms[-1] if norms else self.last_norm)
                warnings.warn(hist.stopped, RuntimeWarning, stacklevel=3)
                return False
            hist.steps += 1 if self.bptt is None else math.ceil(xb.shape[1] / self.bptt)
            total += loss * len(xb)
            n += len(xb)
            n_answers += nb
            self.last_norm = norms[-1]
            if self.callbacks:
                self.state.batch_loss = loss
                _callbacks.call(self.callbacks, "on_batch_end", self.state)
            shown.update(i + 1, total / max(n_answers, 1))
        if n == 0:
            raise ValueError(f"epoch {epoch + 1} had no batches: the data or the batch source is "
                             f"empty")
        hist.loss_per_sequence.append(total / n)
        hist.loss.append(total / max(n_answers, 1))
        hist.grad_norm.append(float(np.mean(norms)))
        hist.epoch_time.append(time.perf_counter() - t0)
        return True


class _NonFinite(Exception):
    """A step met NaN or inf: args (loss, gradient norm, what was not finite)."""


def _batch(model, opt, xb, yb, mb, clip_norm, bptt, norms, backup):
    """One batch: one step, or a step per chunk of `bptt` steps. Returns its loss."""
    if bptt is None:                                    # whole sequences, any mapping
        return _step(model, opt, *model.loss_and_grads(xb, yb, mb), clip_norm, norms,  # type: ignore[call-arg]
                     backup)
    state, total = None, 0.0
    for start in range(0, xb.shape[1], bptt):
        sl = slice(start, start + bptt)
        loss, grads, state = model.loss_and_grads(xb[:, sl], yb[:, sl],
                                                  None if mb is None else mb[:, sl], state,
                                                  return_state=True)
        total += _step(model, opt, loss, grads, clip_norm, norms, backup)
    return total


def _step(model, opt, loss, grads, clip_norm, norms, backup):
    """Clip, check, update. Returns the loss. Raises _NonFinite, with the parameters as they were
    before the step, when the loss, the gradient norm or the updated parameters are not finite."""
    norm = optim.clip_grad_norm(grads, clip_norm) if clip_norm else global_norm(grads)
    if not (math.isfinite(loss) and math.isfinite(norm)):
        raise _NonFinite(loss, norm, "loss" if not math.isfinite(loss) else "gradient norm")
    _copy_into(backup, model.params)
    opt.step(model.params, grads)
    if not all(np.isfinite(a).all() for _, a in leaves(model.params)):
        _copy_into(model.params, backup)                # undo the overflowing update
        raise _NonFinite(loss, norm, "updated parameters")
    norms.append(norm)
    return loss


def _summary(epoch, epochs, hist, logs):
    """The epoch's line: losses per answering step, the metrics, the time."""
    s = f"epoch {epoch + 1}/{epochs} loss {hist.loss[-1]:.5g}"
    if hist.val_loss:
        s += f" val_loss {hist.val_loss[-1]:.5g}"
    for name, values in hist.metrics.items():
        if name in logs:
            s += f" {name} {values[-1]:.4g}"
    return s + f" ({hist.epoch_time[-1]:.2f}s)"


_PLURAL = {"updated parameters"}                 # what the guard names, in the plural


def _non_finite(epoch, step, loss, norm, what, last_norm):
    last = "none yet" if last_norm is None else f"{last_norm:.4g}"
    verb = "are" if what in _PLURAL else "is"
    return (f"training stopped at epoch {epoch + 1}, batch {step + 1}: the {what} {verb} not finite "
            f"(loss {loss}, gradient norm {norm}; last finite gradient norm {last}). The parameters "
            f"are those before this step. Try clip_norm=1.0 or a smaller learning rate.")


def _copy_into(dst, src):
    """Copy every leaf of src into the live arrays of dst (keeps the arrays' identity)."""
    if isinstance(dst, dict):
        for k in dst:
            _copy_into(dst[k], src[k])
    elif isinstance(dst, (list, tuple)):            # tuples: learned states (h,) or (h, c)
        for a, b in zip(dst, src):
            _copy_into(a, b)
    else:
        dst[...] = src
