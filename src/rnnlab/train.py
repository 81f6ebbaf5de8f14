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

import numpy as np

from . import _checks, optim
from ._tree import global_norm, leaves, map_tree


@dataclass
class History:
    """What fit() records: one entry per finished epoch."""
    loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)     # mean gradient norm (before clipping)
    epoch_time: list = field(default_factory=list)    # seconds
    steps: int = 0                                    # optimizer steps taken
    stopped: str | None = None                        # why training ended early, if it did

    def as_dict(self) -> dict:
        return {"loss": self.loss, "val_loss": self.val_loss, "grad_norm": self.grad_norm,
                "epoch_time": self.epoch_time, "steps": self.steps, "stopped": self.stopped}


class Progress:
    """A one-line progress bar on a terminal: epoch, batches, loss, steps per second, ETA."""

    def __init__(self, total, stream=None, enabled=None, label="epoch"):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else bool(enabled)
        self.total, self.label = total, label
        self.start = time.perf_counter()
        self.last = 0.0

    def update(self, done, loss, prefix="", force=False):
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self.last < 0.1 and done < self.total:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        eta = (self.total - done) / rate if rate > 0 else float("inf")
        width = 24
        filled = int(width * done / max(self.total, 1))
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r{prefix}[{bar}] {done}/{self.total} loss {loss:.4g} "
                          f"{rate:.1f} steps/s ETA {eta:.0f}s   ")
        self.stream.flush()

    def close(self, message=""):
        if self.enabled:
            self.stream.write(f"\r{message}\n" if message else "\n")
            self.stream.flush()


def _rng(seed, model):
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(model.seed if seed is None else seed)


def _validation(validation_data):
    if validation_data is None:
        return None
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
        raise TypeError("validation_data must be a tuple (X, Y) or (X, Y, mask)")
    return tuple(validation_data) + (None,) * (3 - len(validation_data))


def fit(model, X, Y, *, optimizer="adam", lr=None, epochs=10, batch_size=32, mask=None,
        clip_norm=None, bptt=None, validation_data=None, seed=None, shuffle=True, patience=None,
        progress=None, callback=None) -> History:
    """Train `model` in place on (X, Y) and return its History.

    optimizer: an rnnlab.optim object or a name ("adam", "sgd", "rmsprop"); lr sets the rate of a
      named optimizer. clip_norm: clip the global gradient norm to this value at every step.
    bptt: truncated BPTT (many-to-many only): each batch is cut into chunks of this many steps;
      the hidden state is carried from chunk to chunk, the gradient stops at chunk boundaries, and
      the optimizer steps after every chunk. The gradient is exact when bptt >= T (one chunk);
      otherwise it drops every path that crosses a boundary.
    validation_data: (X, Y) or (X, Y, mask), evaluated after each epoch.
    seed: int or numpy Generator for the shuffling (default: the model's seed).
    patience: stop after this many epochs without improvement of the validation loss (the
      training loss without validation data) and restore the best parameters.
    progress: a progress bar on stderr (default: only when stderr is a terminal).
    callback(model, history): called after every epoch; returning True stops training.
    """
    epochs = _checks.check_int(epochs, "epochs", minimum=0)
    batch_size = _checks.check_int(batch_size, "batch_size", minimum=1)
    if clip_norm is not None:
        clip_norm = _checks.check_float(clip_norm, "clip_norm", positive=True)
    if bptt is not None:
        bptt = _checks.check_int(bptt, "bptt", minimum=1)
        if model.mapping.name != "many-to-many":
            raise ValueError(f"bptt (truncated BPTT) needs mapping='many-to-many', the model has "
                             f"mapping={model.mapping.name!r}")
    opt = optim.get(optimizer, **({} if lr is None else {"lr": lr}))
    val = _validation(validation_data)
    X = _checks.as_array(X, "X")
    Y = _checks.as_array(Y, "Y")
    if len(X) != len(Y):
        raise ValueError(f"X and Y must hold the same number of sequences, got {len(X)} and {len(Y)}")
    if mask is not None:
        mask = _checks.as_array(mask, "mask")
        if len(mask) != len(X):
            raise ValueError(f"mask must have one row per sequence of X ({len(X)}), got {len(mask)}")
    model.evaluate(X[:1], Y[:1], None if mask is None else mask[:1])   # shapes checked up front
    rng = _rng(seed, model)
    hist = History()
    n = len(X)
    n_batches = math.ceil(n / batch_size)
    best, best_params, waited = math.inf, None, 0
    backup = map_tree(np.copy, model.params)            # the last good parameters, step by step
    last_norm = None                                    # the last finite gradient norm, any epoch
    for epoch in range(epochs):
        t0 = time.perf_counter()
        order = rng.permutation(n) if shuffle else np.arange(n)
        bar = Progress(n_batches, enabled=progress)
        total, norms = 0.0, []
        for i in range(n_batches):
            idx = order[i * batch_size:(i + 1) * batch_size]
            mb = None if mask is None else mask[idx]
            try:
                with np.errstate(over="ignore", invalid="ignore"):   # the guard reports it
                    loss = _batch(model, opt, X[idx], Y[idx], mb, clip_norm, bptt, norms, backup)
            except _NonFinite as err:
                hist.stopped = _non_finite(epoch, i, *err.args, norms[-1] if norms else last_norm)
                warnings.warn(hist.stopped, RuntimeWarning, stacklevel=2)
                bar.close()
                return hist
            hist.steps += 1 if bptt is None else math.ceil(X.shape[1] / bptt)
            total += loss * len(idx)
            last_norm = norms[-1]
            bar.update(i + 1, total / min(n, (i + 1) * batch_size), prefix=f"epoch {epoch + 1}/{epochs} ")
        hist.loss.append(total / n)
        hist.grad_norm.append(float(np.mean(norms)))
        if val is not None:
            hist.val_loss.append(model.evaluate(*val))
        hist.epoch_time.append(time.perf_counter() - t0)
        bar.close(_summary(epoch, epochs, hist))
        if patience is not None:
            score = hist.val_loss[-1] if val is not None else hist.loss[-1]
            if score < best:
                best, waited = score, 0
                best_params = map_tree(np.copy, model.params)
            else:
                waited += 1
                if waited >= patience:
                    hist.stopped = f"early stop after epoch {epoch + 1}: no improvement in {patience} epochs"
                    break
        if callback is not None and callback(model, hist):
            hist.stopped = hist.stopped or f"stopped by callback after epoch {epoch + 1}"
            break
    if best_params is not None:
        _copy_into(model.params, best_params)
    return hist


class _NonFinite(Exception):
    """A step met NaN or inf: args (loss, gradient norm, what was not finite)."""


def _batch(model, opt, xb, yb, mb, clip_norm, bptt, norms, backup):
    """One batch: one step, or a step per chunk of `bptt` steps. Returns its loss."""
    if bptt is None:                                    # whole sequences, any mapping
        return _step(model, opt, *model.loss_and_grads(xb, yb, mb), clip_norm, norms, backup)
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


def _non_finite(epoch, step, loss, norm, what, last_norm):
    last = "none yet" if last_norm is None else f"{last_norm:.4g}"
    verb = "are" if what.endswith("s") else "is"
    return (f"training stopped at epoch {epoch + 1}, batch {step + 1}: the {what} {verb} not finite "
            f"(loss {loss}, gradient norm {norm}; last finite gradient norm {last}). The parameters "
            f"are those before this step. Try clip_norm=1.0 or a smaller learning rate.")


def _copy_into(dst, src):
    """Copy every leaf of src into the live arrays of dst (keeps the arrays' identity)."""
    if isinstance(dst, dict):
        for k in dst:
            _copy_into(dst[k], src[k])
    elif isinstance(dst, list):
        for a, b in zip(dst, src):
            _copy_into(a, b)
    else:
        dst[...] = src
