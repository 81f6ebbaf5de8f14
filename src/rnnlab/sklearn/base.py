"""What RNNClassifier and RNNRegressor share: the hyperparameters, building the rl.RNN, the
training loop on top of RNN.fit (warm starts, partial_fit, early stopping on a held-out
fraction), and prediction of raw outputs.

The estimators follow scikit-learn's contract: __init__ stores its arguments unchanged and does
nothing else; everything learned ends in an underscore; fit validates. `model_` is an ordinary
rl.RNN (save it, inspect it, keep training it).
"""
from __future__ import annotations

import copy
import numbers
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from numpy.typing import ArrayLike, DTypeLike

from .. import optim
from ..model import RNN
from . import inputs
from .._types import Seed

OPTIMIZERS = ("adam", "sgd", "rmsprop")


class RNNEstimator(BaseEstimator):
    """The shared base; use RNNClassifier or RNNRegressor (their Parameters are these).

    Parameters
    ----------
    cell, n_hidden, n_layers, bidirectional, activation : see RNNClassifier
        The model.
    epochs, batch_size, optimizer, learning_rate, clip_norm : see RNNClassifier
        The training.
    early_stopping, validation_fraction, patience : see RNNClassifier
        Early stopping.
    dtype, random_state, verbose, warm_start : see RNNClassifier
        The rest.
    """
    model_: RNN                                    # fitted attributes (none before fit)
    optimizer_: optim.Optimizer
    per_step_: bool

    def __init__(self, *, cell: str = "elman", n_hidden: int = 32, n_layers: int = 1,
                 bidirectional: bool = False, activation: str = "tanh", epochs: int = 50,
                 batch_size: int = 32, optimizer: str | optim.Optimizer = "adam",
                 learning_rate: float = 0.01, clip_norm: float | None = 1.0,
                 early_stopping: bool = False, validation_fraction: float = 0.1, patience: int = 10,
                 dtype: DTypeLike = "float64", random_state: Seed = None, verbose: bool = False,
                 warm_start: bool = False) -> None:
        self.cell = cell
        self.n_hidden = n_hidden
        self.n_layers = n_layers
        self.bidirectional = bidirectional
        self.activation = activation
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.clip_norm = clip_norm
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    # -- what subclasses say ------------------------------------------------------------------
    def _encode(self, y, per_step, *, first, classes=None):
        """(targets for rl.RNN, n_out, output): subclasses check and encode y."""
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.required = True
        return tags

    # -- training -----------------------------------------------------------------------------
    def fit(self, X: ArrayLike | Sequence[ArrayLike],
            y: ArrayLike | Sequence[ArrayLike]) -> RNNEstimator:
        """Train on X (n, T, D), (n, T) or a list of (T_i, D) sequences, and targets y (one per
        sequence, or one per step). A new model unless warm_start=True and one was fitted on
        data of the same kind.

        Parameters
        ----------
        X : array_like or list of array_like
            (n, T, D), (n, T) or a list of (T_i, D) sequences.
        y : array_like or list of array_like
            One target per sequence, or one per step.

        Returns
        -------
        self
        """
        self._check_hyperparameters()
        warm = self.warm_start and hasattr(self, "model_")
        return self._train(X, y, epochs=self.epochs, first=not warm, classes=None,
                           split=self.early_stopping)

    def partial_fit(self, X: ArrayLike | Sequence[ArrayLike], y: ArrayLike | Sequence[ArrayLike],
                    classes: ArrayLike | None = None) -> RNNEstimator:
        """One epoch on (X, y), continuing the model and optimizer of earlier calls (the first
        call builds them; a classifier's first call takes `classes`, all the labels it will
        ever see, else the labels of this first batch).

        Parameters
        ----------
        X : array_like or list of array_like
            (n, T, D), (n, T) or a list of (T_i, D) sequences.
        y : array_like or list of array_like
            One target per sequence, or one per step.
        classes : array_like, optional
            Every label a classifier will see (first call only).

        Returns
        -------
        self
        """
        first = not hasattr(self, "model_")
        if first:
            self._check_hyperparameters()
        return self._train(X, y, epochs=1, first=first, classes=classes, split=False)

    def _train(self, X, y, *, epochs, first, classes, split):
        if first and hasattr(self, "model_"):
            del self.model_                        # a failed refit leaves no stale model
        dtype = np.dtype(self.dtype)
        seqs = inputs.sequences(self, X, reset=first, dtype=dtype)
        multi_output = self.__sklearn_tags__().target_tags.multi_output
        y, per_step = inputs.targets(y, seqs, type(self).__name__, multi_output=multi_output)
        if not first and per_step != self.per_step_:
            raise ValueError(f"y is {'per step' if per_step else 'one per sequence'} but the "
                             f"model was fitted with "
                             f"{'per-step' if self.per_step_ else 'one-per-sequence'} targets")
        Y, n_out, output = self._encode(y, per_step, first=first, classes=classes)
        rng = check_random_state(self.random_state)
        if first:
            model = RNN(seqs.X.shape[2], self.n_hidden, n_out, cell=self.cell,
                        n_layers=self.n_layers, bidirectional=self.bidirectional,
                        activation=self.activation, output=output,
                        mapping="many-to-many" if per_step else "many-to-one",
                        dtype=self.dtype, seed=int(rng.randint(2**31 - 1)))
            opt, self.history_ = self._new_optimizer(), None
        else:
            model, opt = self.model_, self.optimizer_
        mask = seqs.mask
        validation = None
        if split:
            X3, Y, mask, validation = self._hold_out(seqs.X, Y, mask, y, per_step, rng)
        else:
            X3 = seqs.X
        hist = model.fit(X3, Y, mask=mask, optimizer=opt, epochs=epochs,
                         batch_size=self.batch_size, clip_norm=self.clip_norm,
                         validation_data=validation,
                         patience=self.patience if validation is not None else None,
                         seed=int(rng.randint(2**31 - 1)), progress=bool(self.verbose))
        self.model_, self.optimizer_, self.per_step_ = model, opt, per_step
        self._record(hist)
        return self

    def _record(self, hist):
        """history_: the History of every epoch since the model was built (fit, partial_fit)."""
        if self.history_ is None:
            self.history_ = hist
        else:
            for key in ("loss", "val_loss", "grad_norm", "epoch_time"):
                getattr(self.history_, key).extend(getattr(hist, key))
            self.history_.steps += hist.steps
            self.history_.stopped = hist.stopped
        self.n_iter_ = len(self.history_.loss)

    def _hold_out(self, X, Y, mask, y, per_step, rng):
        """Split off validation_fraction of the sequences (stratified by class for a
        many-to-one classifier when every class has two members): (X, Y, mask, validation)."""
        n = len(X)
        n_val = int(np.ceil(self.validation_fraction * n))
        if n_val < 1 or n - n_val < 1:
            raise ValueError(f"early_stopping needs at least 1 training and 1 validation "
                             f"sequence; validation_fraction={self.validation_fraction} of "
                             f"n_samples={n} leaves {n - n_val} and {n_val}")
        strat = None
        if not per_step and hasattr(self, "classes_"):
            _, counts = np.unique(y, return_counts=True)
            if counts.min() >= 2 and n_val >= len(counts) and n - n_val >= len(counts):
                strat = y
        idx = np.arange(n)
        tr, va = train_test_split(idx, test_size=n_val, stratify=strat,
                                  random_state=rng.randint(2**31 - 1))
        m = None if mask is None else mask[tr]
        val = (X[va], Y[va]) if mask is None else (X[va], Y[va], mask[va])
        return X[tr], Y[tr], m, val

    def _new_optimizer(self):
        if isinstance(self.optimizer, optim.Optimizer):
            return copy.deepcopy(self.optimizer)   # never step the user's object
        return optim.get(self.optimizer, lr=self.learning_rate)

    def _check_hyperparameters(self):
        """The checks rl.RNN and RNN.fit do not make themselves (they check the rest)."""
        if not (isinstance(self.optimizer, optim.Optimizer) or self.optimizer in OPTIMIZERS):
            raise ValueError(f"optimizer must be one of {', '.join(map(repr, OPTIMIZERS))} or an "
                             f"rl.optim optimizer; got {self.optimizer!r}")
        name: str | None
        for name in ("early_stopping", "warm_start"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}")
        try:
            name = None if self.dtype is None else np.dtype(self.dtype).name
        except TypeError:
            name = None
        if name not in ("float32", "float64"):
            raise ValueError(f"dtype must be 'float32' or 'float64', got {self.dtype!r}")
        vf = self.validation_fraction
        if isinstance(vf, bool) or not isinstance(vf, numbers.Real) or not 0 < vf < 1:
            raise ValueError(f"validation_fraction must be a number in (0, 1), got {vf!r}")

    # -- prediction ---------------------------------------------------------------------------
    def _outputs(self, X, *, logits=False):
        """The model's outputs on X, (n, K) or (n, T, K) (padded for a list X), and the
        Sequences read from X. logits=True: the output layer's pre-activations W1 h + b1."""
        check_is_fitted(self, "model_")
        seqs = inputs.sequences(self, X, reset=False, dtype=np.dtype(self.dtype))
        model = self.model_
        if logits and model.output != "identity":
            # the same network read before its output function: a twin sharing the live params
            model = RNN(**dict(model.get_config(), output="identity", loss="mse"))
            model.params = self.model_.params
        return model.predict(seqs.X, mask=seqs.mask), seqs

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    # -- pickling: rl.RNN holds its cell module, which pickle refuses; keep config and params
    def __getstate__(self):
        state = dict(super().__getstate__())
        if "model_" in state:
            model = state["model_"]
            state["model_"] = {"config": model.get_config(), "params": model.params}
        return state

    def __setstate__(self, state):
        state = dict(state)
        if isinstance(state.get("model_"), dict):
            saved = state["model_"]
            model = RNN(**saved["config"])
            model.params = saved["params"]
            state["model_"] = model
        super().__setstate__(state)
