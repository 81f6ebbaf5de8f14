"""Training control: callbacks with hooks around training, epochs and batches, and learning-rate
schedules with PyTorch's exact formulas.

A callback subclasses `Callback` and overrides any of

    on_train_begin(run)          on_train_end(run)
    on_epoch_begin(run)          on_epoch_end(run)        run.logs: {"loss", "val_loss", "lr", ...}
    on_batch_begin(run)          on_batch_end(run)        run.batch, run.batch_loss

where `run` (a `RunState`) holds the model, the optimizer, the History, the epoch and batch
numbers (from 0) and the latest logs. Setting `run.stop = "why"` ends training after the current
epoch. Callbacks are called in the order given, every hook of one callback before the next.

Schedules are functions of the epoch (from 0) and the base rate:

    StepDecay(step_size, gamma)          lr = base * gamma ** (epoch // step_size)   (StepLR)
    ExponentialDecay(gamma)              lr = base * gamma ** epoch                   (ExponentialLR)
    CosineDecay(total, warmup=0, min_lr=0)
        epoch < warmup:   lr = base * (epoch + 1) / warmup                  (linear warm-up)
        then:             lr = min_lr + (base - min_lr) (1 + cos(pi e / (total - warmup))) / 2,
                          e = epoch - warmup                                (CosineAnnealingLR)

`LearningRateScheduler(schedule)` sets the optimizer's rate at the start of every epoch;
`ReduceLROnPlateau` follows torch.optim.lr_scheduler.ReduceLROnPlateau (mode "min", relative
threshold).
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from collections.abc import Iterable

import numpy as np

from . import _checks
from ._tree import leaves
from .io import write_bytes
from ._types import Array, StrPath


@dataclass
class RunState:
    """What a callback sees of the training run (and may change: `stop`, the optimizer's lr).

    Parameters
    ----------
    model : RNN
        The model being trained.
    optimizer : rnnlab.optim.Optimizer
        Its optimizer; a callback may set ``optimizer.lr``.
    history : History
        The History fit returns, filled epoch by epoch.
    epochs : int
        The number of epochs asked for.
    epoch, batch : int
        The current epoch and batch, from 0.
    batch_loss : float
        The loss of the latest batch.
    logs : dict
        The latest epoch's logs: "loss", "val_loss", "lr", the metrics.
    stop : str or None
        Set it to a reason to end training after the current epoch.
    """
    model: Any
    optimizer: Any
    history: Any
    epochs: int
    epoch: int = 0
    batch: int = 0
    batch_loss: float = math.nan
    logs: dict = field(default_factory=dict)
    stop: str | None = None


class Callback:
    """Base class: every hook does nothing; a callback overrides the hooks it needs.

    Every hook takes the `RunState` of the run and returns nothing.

    Examples
    --------
    >>> class Stop(Callback):
    ...     def on_epoch_end(self, run):
    ...         if run.epoch == 1:
    ...             run.stop = "two epochs are enough"
    >>> model = rl.RNN(n_in=1, n_hidden=4, n_out=1)
    >>> X = np.zeros((8, 5, 1))
    >>> history = model.fit(X, X, epochs=10, callbacks=[Stop()], progress=False)
    >>> len(history.loss)
    2
    """

    def on_train_begin(self, run: RunState) -> None:
        """Before the first epoch."""

    def on_train_end(self, run: RunState) -> None:
        """After the last epoch (also after a stop)."""

    def on_epoch_begin(self, run: RunState) -> None:
        """Before each epoch's first batch."""

    def on_epoch_end(self, run: RunState) -> None:
        """After each epoch, with its logs in ``run.logs``."""

    def on_batch_begin(self, run: RunState) -> None:
        """Before each batch's update."""

    def on_batch_end(self, run: RunState) -> None:
        """After each batch's update, with its loss in ``run.batch_loss``."""


HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_batch_begin",
         "on_batch_end")


def check_callbacks(callbacks: Callback | Iterable[Callback] | None) -> list:
    """A list of callbacks from None, one callback or a list.

    Parameters
    ----------
    callbacks : None, Callback or list of Callback
        What fit's `callbacks` argument holds.

    Returns
    -------
    list of Callback

    Raises
    ------
    TypeError
        Naming a bad entry.
    """
    if callbacks is None:
        return []
    items = [callbacks] if isinstance(callbacks, Callback) else callbacks
    if not isinstance(items, (list, tuple)):
        raise TypeError(f"callbacks must be a Callback or a list of them, got "
                        f"{type(callbacks).__name__}")
    for i, cb in enumerate(items):
        if not isinstance(cb, Callback):
            raise TypeError(f"callbacks[{i}] must be an rnnlab.callbacks.Callback, got "
                            f"{type(cb).__name__}")
    return list(items)


def call(callbacks: Iterable[Callback], hook: str, run: RunState) -> None:
    """Call `hook` of every callback, in order.

    Parameters
    ----------
    callbacks : list of Callback
        The callbacks.
    hook : str
        The hook's name ("on_epoch_end", ...).
    run : RunState
        The run's state, passed to every hook.
    """
    for cb in callbacks:
        getattr(cb, hook)(run)


# -- schedules ----------------------------------------------------------------------------------
class StepDecay:
    """lr = base * gamma ** (epoch // step_size), as torch.optim.lr_scheduler.StepLR.

    Parameters
    ----------
    step_size : int
        The number of epochs between two decays.
    gamma : float
        The factor of each decay.

    Examples
    --------
    >>> [StepDecay(2, gamma=0.5)(epoch, 1.0) for epoch in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = _checks.check_int(step_size, "step_size", minimum=1)
        self.gamma = _checks.check_float(gamma, "gamma", positive=True)

    def __call__(self, epoch: int, base: float) -> float:
        return base * self.gamma ** (epoch // self.step_size)


class ExponentialDecay:
    """lr = base * gamma ** epoch, as torch.optim.lr_scheduler.ExponentialLR.

    Parameters
    ----------
    gamma : float
        The factor per epoch.

    Examples
    --------
    >>> [ExponentialDecay(0.5)(epoch, 1.0) for epoch in range(3)]
    [1.0, 0.5, 0.25]
    """

    def __init__(self, gamma: float) -> None:
        self.gamma = _checks.check_float(gamma, "gamma", positive=True)

    def __call__(self, epoch: int, base: float) -> float:
        return base * self.gamma ** epoch


class CosineDecay:
    """Linear warm-up over `warmup` epochs, then cosine annealing to min_lr over the remaining
    total - warmup epochs (torch's CosineAnnealingLR with T_max = total - warmup).

    Parameters
    ----------
    total : int
        The number of epochs of the whole schedule.
    warmup : int
        The number of warm-up epochs.
    min_lr : float
        The rate at the end.

    Examples
    --------
    >>> schedule = CosineDecay(total=5, warmup=1)
    >>> [round(schedule(epoch, 1.0), 4) for epoch in range(5)]
    [1.0, 1.0, 0.8536, 0.5, 0.1464]
    """

    def __init__(self, total: int, warmup: int = 0, min_lr: float = 0.0) -> None:
        self.total = _checks.check_int(total, "total", minimum=1)
        self.warmup = _checks.check_int(warmup, "warmup", minimum=0)
        if self.warmup >= self.total:
            raise ValueError(f"warmup must be less than total, got warmup={warmup}, "
                             f"total={total}")
        self.min_lr = _checks.check_float(min_lr, "min_lr", minimum=0)

    def __call__(self, epoch: int, base: float) -> float:
        if epoch < self.warmup:
            return base * (epoch + 1) / self.warmup
        e = min(epoch - self.warmup, self.total - self.warmup)
        return self.min_lr + (base - self.min_lr) * (1 + math.cos(math.pi * e / (
            self.total - self.warmup))) / 2


class LearningRateScheduler(Callback):
    """Set the optimizer's rate to schedule(epoch, base) at the start of every epoch; base is the
    rate the optimizer had when training began.

    Parameters
    ----------
    schedule : callable
        ``schedule(epoch, base) -> lr``, e.g. a `StepDecay`, `ExponentialDecay` or
        `CosineDecay`.

    Examples
    --------
    >>> model = rl.RNN(n_in=1, n_hidden=4, n_out=1)
    >>> X = np.zeros((8, 5, 1))
    >>> rates = []
    >>> class Record(Callback):
    ...     def on_epoch_end(self, run):
    ...         rates.append(round(run.logs["lr"], 3))
    >>> h = model.fit(X, X, epochs=3, lr=0.1, progress=False,
    ...               callbacks=[LearningRateScheduler(StepDecay(1, gamma=0.5)), Record()])
    >>> rates
    [0.1, 0.05, 0.025]
    """

    base: Any                                      # the optimizer's rate, from on_train_begin

    def __init__(self, schedule: Callable[[int, float], float]) -> None:
        if not callable(schedule):
            raise TypeError(f"schedule must be callable (epoch, base) -> lr, got "
                            f"{type(schedule).__name__}")
        self.schedule = schedule
        self.base = None

    def on_train_begin(self, run: RunState) -> None:
        self.base = run.optimizer.lr

    def on_epoch_begin(self, run: RunState) -> None:
        lr = self.schedule(run.epoch, self.base)
        if not (isinstance(lr, (int, float, np.floating)) and math.isfinite(lr) and lr > 0):
            raise ValueError(f"the schedule gave lr={lr!r} at epoch {run.epoch}; it must be a "
                             f"finite number > 0")
        run.optimizer.lr = float(lr)


class ReduceLROnPlateau(Callback):
    """Multiply the rate by `factor` when `monitor` has not improved (by a relative `threshold`)
    for more than `patience` epochs; then wait `cooldown` epochs; never below min_lr.

    Parameters
    ----------
    monitor : str
        The logged value watched ("val_loss", "loss" or a metric).
    factor : float
        The rate's factor at each reduction.
    patience : int
        The number of epochs without improvement that are tolerated.
    threshold : float
        The relative improvement that counts.
    cooldown : int
        The number of epochs to wait after a reduction.
    min_lr : float
        The lowest rate.
    mode : {"min", "max"}
        Whether `monitor` improves by going down or up.
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0,
                 mode: str = "min") -> None:
        self.monitor, self.mode = monitor, mode
        _mode(mode)
        self.factor = _checks.check_float(factor, "factor", positive=True)
        if self.factor >= 1:
            raise ValueError(f"factor must be < 1, got {factor}")
        self.patience = _checks.check_int(patience, "patience", minimum=0)
        self.threshold = _checks.check_float(threshold, "threshold", minimum=0)
        self.cooldown = _checks.check_int(cooldown, "cooldown", minimum=0)
        self.min_lr = _checks.check_float(min_lr, "min_lr", minimum=0)

    def on_train_begin(self, run: RunState) -> None:
        self.best = math.inf if self.mode == "min" else -math.inf
        self.bad, self.cooling = 0, 0

    def on_epoch_end(self, run: RunState) -> None:
        value = _monitored(run, self.monitor)
        better = (value < self.best * (1 - self.threshold) if self.mode == "min"
                  else value > self.best * (1 + self.threshold))
        if better:
            self.best, self.bad = value, 0
        else:
            self.bad += 1
        if self.cooling > 0:
            self.cooling -= 1
            self.bad = 0
        if self.bad > self.patience:
            old = run.optimizer.lr
            new = max(old * self.factor, self.min_lr)
            if old - new > 1e-8:
                run.optimizer.lr = new
            self.cooling, self.bad = self.cooldown, 0


def _mode(mode):
    """+1 for "min" (lower is better: losses, errors), -1 for "max" (accuracies)."""
    return {"min": 1, "max": -1}[_checks.check_choice(mode, "mode", ("min", "max"))]


def _monitored(run, name, sign=1):
    if name not in run.logs or run.logs[name] is None:
        raise ValueError(f"monitor={name!r} is not among this run's logs "
                         f"({', '.join(k for k, v in run.logs.items() if v is not None)}); "
                         f"'val_loss' needs validation data")
    return sign * run.logs[name]


# -- stopping, saving, logging --------------------------------------------------------------------
class EarlyStopping(Callback):
    """Stop when `monitor` has not improved by more than min_delta for `patience` epochs, and
    (restore_best=True) put back the parameters of the best epoch. mode="max" for a metric that
    grows (accuracy).

    Parameters
    ----------
    monitor : str
        The logged value watched ("val_loss", "loss" or a metric).
    patience : int
        The number of epochs without improvement that are tolerated.
    min_delta : float
        The improvement that counts.
    restore_best : bool
        Whether the parameters of the best epoch are put back at the end.
    mode : {"min", "max"}
        Whether `monitor` improves by going down or up.
    """

    best_params: list[Array] | None
    best_epoch: int | None

    def __init__(self, monitor: str = "val_loss", patience: int = 5, min_delta: float = 0.0,
                 restore_best: bool = True, mode: str = "min") -> None:
        self.monitor, self.sign = monitor, _mode(mode)
        self.patience = _checks.check_int(patience, "patience", minimum=1)
        self.min_delta = _checks.check_float(min_delta, "min_delta", minimum=0)
        self.restore_best = _checks.check_bool(restore_best, "restore_best")

    def on_train_begin(self, run: RunState) -> None:
        self.best, self.waited, self.best_params, self.best_epoch = math.inf, 0, None, None

    def on_epoch_end(self, run: RunState) -> None:
        value = _monitored(run, self.monitor, self.sign)
        if value < self.best - self.min_delta:
            self.best, self.waited, self.best_epoch = value, 0, run.epoch
            if self.restore_best:
                self.best_params = [np.copy(a) for _, a in leaves(run.model.params)]
        else:
            self.waited += 1
            if self.waited >= self.patience:
                run.stop = (f"early stop after epoch {run.epoch + 1}: {self.monitor} did not "
                            f"improve in {self.patience} epochs")

    def on_train_end(self, run: RunState) -> None:
        if self.best_params is not None:
            for (_, dst), src in zip(leaves(run.model.params), self.best_params):
                dst[...] = src


class ModelCheckpoint(Callback):
    """Save the model into `folder` (model.save: atomic) every `every` epochs, or, with
    best_only=True, whenever `monitor` reaches a new best. Returns nothing; run.logs["saved"]
    says whether this epoch saved.

    Parameters
    ----------
    folder : str or Path
        The model's folder (replaced at each save).
    every : int
        Save every this many epochs.
    best_only : bool
        Save only when `monitor` reaches a new best.
    monitor : str
        The logged value watched with ``best_only=True``.
    mode : {"min", "max"}
        Whether `monitor` improves by going down or up.
    """

    def __init__(self, folder: StrPath, every: int = 1, best_only: bool = False,
                 monitor: str = "val_loss", mode: str = "min") -> None:
        self.folder, self.sign = Path(folder), _mode(mode)
        self.every = _checks.check_int(every, "every", minimum=1)
        self.best_only = _checks.check_bool(best_only, "best_only")
        self.monitor = monitor

    def on_train_begin(self, run: RunState) -> None:
        self.best = math.inf

    def on_epoch_end(self, run: RunState) -> None:
        if self.best_only:
            value = _monitored(run, self.monitor, self.sign)
            due = value < self.best
            self.best = min(self.best, value)
        else:
            due = (run.epoch + 1) % self.every == 0
        if due:
            run.model.save(self.folder, overwrite=True)
        run.logs["saved"] = bool(due)


class CSVLogger(Callback):
    """One row per epoch (epoch, then the logs) in a CSV file, rewritten whole at the end of
    every epoch through a temporary file, so the file is never half-written.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    """


    def __init__(self, path: StrPath) -> None:
        self.path = Path(path)
        self.rows: list = []

    def on_train_begin(self, run: RunState) -> None:
        self.rows = []

    def on_epoch_end(self, run: RunState) -> None:
        self.rows.append({"epoch": run.epoch + 1, **{k: v for k, v in run.logs.items()
                                                      if not isinstance(v, (dict, list))}})
        columns = list(dict.fromkeys(k for r in self.rows for k in r))
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        w.writerows(self.rows)
        write_bytes(self.path, buf.getvalue().encode(), overwrite=True)
