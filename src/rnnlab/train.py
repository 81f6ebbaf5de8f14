"""The training loop: minibatches, clipping, validation, early stopping, a non-finite guard.

One step = model.loss_and_grads on a batch, then (optionally) clip_grad_norm, then
optimizer.step. The loss reported for an epoch is the mean over its sequences of the model's
per-sequence loss (the batch losses weighted by batch size), so epochs of different batch sizes
compare directly.
"""
from __future__ import annotations

import math
import sys
import time
import warnings
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np
from numpy.typing import ArrayLike

from . import _checks, optim
from . import callbacks as _callbacks
from . import metrics as _metrics
from ._tree import global_norm, leaves, map_tree
from ._types import Batches, MetricSpec, Seed

if TYPE_CHECKING:
    from .callbacks import Callback
    from .optim import Optimizer


@dataclass
class History:
    """What fit() records: one entry per finished epoch."""
    loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)     # mean gradient norm (before clipping)
    epoch_time: list = field(default_factory=list)    # seconds
    metrics: dict = field(default_factory=dict)       # name -> one value per epoch
    steps: int = 0                                    # optimizer steps taken
    stopped: str | None = None                        # why training ended early, if it did

    def as_dict(self) -> dict:
        return {"loss": self.loss, "val_loss": self.val_loss, "metrics": self.metrics,
                "grad_norm": self.grad_norm,
                "epoch_time": self.epoch_time, "steps": self.steps, "stopped": self.stopped}


class Progress:
    """A one-line progress bar on a terminal: epoch, batches, loss, steps per second, ETA."""

    def __init__(self, total: int | None, stream: TextIO | None = None, enabled: bool | None = None,
                 label: str = "epoch") -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else bool(enabled)
        self.total, self.label = total, label
        self.start = time.perf_counter()
        self.last = 0.0

    def update(self, done: int, loss: float, prefix: str = "", force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self.last < 0.1 and (self.total is None or done < self.total):
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        if self.total is None:                              # a batch source: no total known
            self.stream.write(f"\r{prefix}{done} batches loss {loss:.4g} {rate:.1f} steps/s   ")
            self.stream.flush()
            return
        eta = (self.total - done) / rate if rate > 0 else float("inf")
        width = 24
        filled = int(width * done / max(self.total, 1))
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r{prefix}[{bar}] {done}/{self.total} loss {loss:.4g} "
                          f"{rate:.1f} steps/s ETA {eta:.0f}s   ")
        self.stream.flush()

    def close(self, message: str = "") -> None:
        if self.enabled:
            self.stream.write(f"\r{message}\n" if message else "\n")
            self.stream.flush()


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
        patience: int | None = None, progress: bool | None = None,
        callback: Callable[[Any, History], object] | None = None,
        callbacks: Callback | Iterable[Callback] | None = None,
        metrics: MetricSpec = None) -> History:
    """Train `model` in place on (X, Y) and return its History.

    X, Y (and mask): arrays with one row per sequence. Or, for data larger than memory, a batch
      SOURCE as X with Y=None: a callable that returns a fresh iterable of batches (X_b, Y_b) or
      (X_b, Y_b, mask_b) at every epoch (e.g. reading slices of an np.memmap), or a re-iterable
      object (a list of batches); a one-shot iterator serves epochs=1 only. Memory is then
      bounded by a batch; the source decides the order (shuffle and batch_size do not apply),
      and each batch is checked just before it is used.

    optimizer: an rnnlab.optim object or a name ("adam", "sgd", "rmsprop"); lr sets the rate of a
      named optimizer. A name builds a new optimizer at every call; pass an object to keep its
      state (moments, step count) across calls. clip_norm: clip the global gradient norm.
    bptt: truncated BPTT (many-to-many, unidirectional): each batch is cut into chunks of this
      many steps; the hidden state is carried from chunk to chunk, the gradient stops at chunk
      boundaries, and the optimizer steps after every chunk. The gradient is exact when
      bptt >= T (one chunk); otherwise it drops every path that crosses a boundary.
    validation_data: (X, Y) or (X, Y, mask), evaluated after each epoch; or a batch source (a
      callable returning an iterable of batches), evaluated batch by batch.
    validation_split: a fraction in (0, 1): the LAST rows of X, Y (and mask), taken before any
      shuffling, are held out as validation data (as Keras does); not with validation_data.
    seed: int or numpy Generator for the shuffling (default: the model's seed).
    patience: stop after this many epochs without improvement of the validation loss (the
      training loss without validation data) and restore the best parameters: a shorthand for
      callbacks=[rl.callbacks.EarlyStopping(monitor, patience)].
    progress: a progress bar on stderr (default: only when stderr is a terminal).
    callback(model, history): called after every epoch; returning True stops training.
    metrics: names ("mse", "mae", "accuracy", "sequence_accuracy") or callables
      f(y_pred, Y, mask, output) -> float (rnnlab.metrics), computed after every epoch on the
      validation data ("val_NAME") or, without validation data, on the training data ("NAME"),
      with the epoch's final parameters; in History.metrics and in the callbacks' logs.
    callbacks: rl.callbacks.Callback objects (or one), called at train, epoch and batch begin
      and end, in the order given (see rnnlab.callbacks): schedules, checkpoints, CSV logs.
      When the non-finite guard stops training, on_train_end is not called: the parameters
      stay those before the failed step, as the warning says.
    """
    # every argument is checked here, before the first update can change the model
    epochs, batch_size, clip_norm, bptt, patience, shuffle = _check_options(
        model, epochs, batch_size, clip_norm, bptt, patience, shuffle)
    progress = _checks.check_optional_bool(progress, "progress")
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
    state = _callbacks.RunState(model=model, optimizer=opt, history=hist, epochs=epochs)
    run.callbacks, run.state = cbs, state
    _callbacks.call(cbs, "on_train_begin", state)
    for epoch in range(epochs):
        state.epoch = epoch
        _callbacks.call(cbs, "on_epoch_begin", state)
        if source is None:
            order = rng.permutation(len(X)) if shuffle else np.arange(len(X))  # type: ignore[arg-type]  # arrays here
            batches, n_batches = run.array_batches(order), math.ceil(len(X) / batch_size)  # type: ignore[arg-type]
        else:
            batches, n_batches = _stream(model, source(), "X"), None
        if not run.epoch(batches, n_batches, epoch, epochs, hist, progress):
            return hist          # the guard stopped it, parameters as before the failed step
        if val is not None:
            hist.val_loss.append(_evaluate(model, val))
        run.bar.close(_summary(epoch, epochs, hist))
        state.logs = {"loss": hist.loss[-1], "val_loss": hist.val_loss[-1] if val else None,
                      "grad_norm": hist.grad_norm[-1], "lr": opt.lr}
        if metric_fns:
            data = val if val is not None else (source if source is not None else (X, Y, mask))
            prefix = "val_" if val is not None else ""
            for name, value in _metric_values(model, data, metric_fns).items():
                hist.metrics.setdefault(prefix + name, []).append(value)
                state.logs[prefix + name] = value
        _callbacks.call(cbs, "on_epoch_end", state)
        if state.stop:
            hist.stopped = state.stop
            break
        if callback is not None and callback(model, hist):
            hist.stopped = hist.stopped or f"stopped by callback after epoch {epoch + 1}"
            break
    _callbacks.call(cbs, "on_train_end", state)
    return hist


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


def _evaluate(model, val):
    """The validation loss: of arrays, or the sequence-weighted mean over a source's batches."""
    if not callable(val):
        return model.evaluate(*val)
    total, n = 0.0, 0
    for xb, yb, mb in _stream(model, val(), "validation_data"):
        total += model.evaluate(xb, yb, mb) * len(xb)
        n += len(xb)
    if n == 0:
        raise ValueError("validation_data gave no batches")
    return total / n


class _Run:
    """One fit call's data and working state: the last good parameters and gradient norm."""
    bar: Any
    state: Any

    def __init__(self, model, opt, X, Y, mask, batch_size, clip_norm, bptt):
        self.model, self.opt, self.X, self.Y, self.mask = model, opt, X, Y, mask
        self.batch_size, self.clip_norm, self.bptt = batch_size, clip_norm, bptt
        self.backup = map_tree(np.copy, model.params)     # the parameters before each step
        self.last_norm = None                             # the last finite gradient norm
        self.bar = None
        self.callbacks, self.state = [], None             # set by fit

    def array_batches(self, order):
        """(X_b, Y_b, mask_b) of the rows in `order`, batch_size at a time."""
        bs = self.batch_size
        for i in range(0, len(order), bs):
            idx = order[i:i + bs]
            yield self.X[idx], self.Y[idx], None if self.mask is None else self.mask[idx]

    def epoch(self, batches: Iterable[Any], n_batches: int | None, epoch: int, epochs: int,
              hist: History, progress: bool | None) -> bool:
        """One pass over `batches`; False when the non-finite guard stopped it."""
        t0 = time.perf_counter()
        self.bar = Progress(n_batches, enabled=progress)
        norms: list[float]
        total, n, norms = 0.0, 0, []
        for i, (xb, yb, mb) in enumerate(batches):
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
                self.bar.close()
                return False
            hist.steps += 1 if self.bptt is None else math.ceil(xb.shape[1] / self.bptt)
            total += loss * len(xb)
            n += len(xb)
            self.last_norm = norms[-1]
            if self.callbacks:
                self.state.batch_loss = loss
                _callbacks.call(self.callbacks, "on_batch_end", self.state)
            self.bar.update(i + 1, total / n, prefix=f"epoch {epoch + 1}/{epochs} ")
        if n == 0:
            raise ValueError(f"epoch {epoch + 1} had no batches: the data or the batch source is "
                             f"empty")
        hist.loss.append(total / n)
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


def _summary(epoch, epochs, hist):
    s = f"epoch {epoch + 1}/{epochs} loss {hist.loss[-1]:.5g}"
    if hist.val_loss:
        s += f" val_loss {hist.val_loss[-1]:.5g}"
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
