"""RNNClassifier and RNNRegressor: rl.RNN behind scikit-learn's estimator contract.

Classifier: two classes train one sigmoid output with binary cross-entropy
(decision_function = the logit W1 h + b1, predict_proba = [1 - s, s] with s = sigmoid(logit));
K > 2 classes train K softmax outputs with cross-entropy (decision_function = the K logits).
Regressor: identity outputs with squared error, one per target column.
Targets one per sequence use mapping="many-to-one" (the answer at each sequence's last real
step); targets one per step use mapping="many-to-many".
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils import assert_all_finite
from sklearn.utils.multiclass import check_classification_targets
from numpy.typing import ArrayLike

from . import inputs
from .base import RNNEstimator
from .._types import Array


def _sigmoid(a):
    """1 / (1 + exp(-a)) without overflow, in float64."""
    a = np.asarray(a, np.float64)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


def _softmax(a):
    a = np.asarray(a, np.float64)
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _flat(y_true, y_pred, seqs, per_step):
    """Per-step targets and predictions as one entry per real step (padding dropped)."""
    if not per_step:
        return np.asarray(y_true), np.asarray(y_pred)
    if seqs.form == "list":
        y_true = (np.concatenate([np.asarray(r) for r in y_true]) if inputs.is_ragged(y_true)
                  else np.asarray(y_true)[seqs.mask])
        return y_true, np.concatenate(y_pred)
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    n = y_pred.shape[0] * y_pred.shape[1]             # (n, T, ...) -> (n * T, ...)
    return y_true.reshape(n, *y_true.shape[2:]), y_pred.reshape(n, *y_pred.shape[2:])


class RNNClassifier(ClassifierMixin, RNNEstimator):
    """A recurrent classifier: one label per sequence (y (n,)) or one per step (y (n, T), or a
    list of (T_i,) label arrays for a list X). See rnnlab.sklearn for the input forms and the
    hyperparameters (all constructor arguments, stored unchanged).

    Parameters
    ----------
    cell : {"elman", "lstm", "gru"}
        The recurrent cell.
    n_hidden : int
        Hidden units per layer and direction.
    n_layers : int
        Stacked recurrent layers.
    bidirectional : bool
        Whether every layer also runs backwards in time.
    activation : {"tanh", "relu", "identity"}
        The Elman cell's activation.
    epochs : int
        Epochs per `fit` (`partial_fit` runs one).
    batch_size : int
        Sequences per update.
    optimizer : {"adam", "sgd", "rmsprop"} or rnnlab.optim.Optimizer
        The optimizer (an object is copied, never stepped itself).
    learning_rate : float
        The rate of a named optimizer.
    clip_norm : float or None
        Clip the gradients' global norm to this (None: no clipping).
    early_stopping : bool
        Hold out `validation_fraction` of the data and stop when its loss stops improving.
    validation_fraction : float
        The share held out with ``early_stopping=True``.
    patience : int
        Epochs without improvement tolerated with ``early_stopping=True``.
    dtype : {"float32", "float64"}
        The model's dtype.
    random_state : None, int or numpy.random.RandomState
        Seeds the weights, the shuffling and the held-out split.
    verbose : bool
        Show training progress.
    warm_start : bool
        Continue the fitted model in the next `fit` (on data of the same kind).

    Attributes
    ----------
    model_ : RNN
        The fitted rl.RNN (save it, inspect it, keep training it).
    classes_ : ndarray
        The labels, in the order of predict_proba's columns.
    n_features_in_ : int
        D, the features per step.
    history_ : History
        Every epoch since the model was built.
    n_iter_ : int
        Its number of epochs.
    per_step_ : bool
        Whether the model answers at every step.
    optimizer_ : rnnlab.optim.Optimizer
        The optimizer, with its state.

    Examples
    --------
    >>> from rnnlab.sklearn import RNNClassifier          # needs rnnlab[sklearn]
    >>> X, y = rl.tasks.parity(200, n_bits=6, random_state=0, final_only=True)
    >>> clf = RNNClassifier(n_hidden=8, epochs=2, random_state=0).fit(X, y.ravel())
    >>> clf.predict(X[:3]).shape, sorted(clf.classes_.tolist())
    ((3,), [0.0, 1.0])
    """

    def _encode(self, y, per_step, *, first, classes=None):
        labels = np.asarray(y)
        if per_step and labels.ndim != 2:
            raise ValueError(f"a per-step y for RNNClassifier holds one label per step, shape "
                             f"(n, T), got {labels.shape}")
        if not per_step and labels.ndim != 1:
            raise ValueError(f"y should be a 1d array of labels, one per sequence (or (n, T) "
                             f"labels, one per step), got an array of shape {labels.shape}")
        check_classification_targets(labels.ravel())
        if first:
            found = np.unique(labels) if classes is None else np.unique(np.asarray(classes))
            if len(found) < 2:
                raise ValueError(f"RNNClassifier needs samples of at least 2 classes in the "
                                 f"data, but the data contain only 1 class: {found.tolist()}")
            self.classes_ = found
        missing = np.setdiff1d(labels, self.classes_)
        if missing.size:
            raise ValueError(f"y contains labels not in classes_ {self.classes_.tolist()}: "
                             f"{missing.tolist()[:5]}")
        index = np.searchsorted(self.classes_, labels)
        if len(self.classes_) == 2:                # one sigmoid output, binary cross-entropy
            return index[..., None].astype(self.dtype), 1, "sigmoid"
        return index, len(self.classes_), "softmax"

    def decision_function(self, X: ArrayLike | Sequence[ArrayLike]) -> Array | list[Array]:
        """Logits: (n,) for two classes (> 0 means classes_[1]), (n, K) for K > 2; per-step
        models give (n, T) / (n, T, K) (a list of per-sequence arrays for a list X).

        Parameters
        ----------
        X : array_like or list of array_like
            (n, T, D), (n, T) or a list of (T_i, D) sequences.

        Returns
        -------
        ndarray or list of ndarray
        """
        a, seqs = self._outputs(X, logits=True)
        a = np.asarray(a, np.float64)
        return inputs.unpad(a[..., 0] if len(self.classes_) == 2 else a, seqs)

    def predict_proba(self, X: ArrayLike | Sequence[ArrayLike]) -> Array | list[Array]:
        """Class probabilities (n, K) (per step: (n, T, K)), columns in the order of classes_.

        Parameters
        ----------
        X : array_like or list of array_like
            (n, T, D), (n, T) or a list of (T_i, D) sequences.

        Returns
        -------
        ndarray or list of ndarray
        """
        a, seqs = self._outputs(X, logits=True)
        if len(self.classes_) == 2:
            s = _sigmoid(a[..., 0])
            p = np.stack([1 - s, s], axis=-1)
        else:
            p = _softmax(a)
        return inputs.unpad(p, seqs)

    def predict_log_proba(self, X: ArrayLike | Sequence[ArrayLike]) -> Array | list[Array]:
        """log(predict_proba(X)).

        Parameters
        ----------
        X : array_like or list of array_like
            (n, T, D), (n, T) or a list of (T_i, D) sequences.

        Returns
        -------
        ndarray or list of ndarray
        """
        p = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return [np.log(q) for q in p] if isinstance(p, list) else np.log(p)

    def predict(self, X: ArrayLike | Sequence[ArrayLike]) -> Array | list[Array]:
        """Labels from classes_: (n,), or (n, T) per step (a list for a list X).

        Parameters
        ----------
        X : array_like or list of array_like
            (n, T, D), (n, T) or a list of (T_i, D) sequences.

        Returns
        -------
        ndarray or list of ndarray
        """
        a, seqs = self._outputs(X, logits=True)
        index = (a[..., 0] > 0).astype(np.intp) if len(self.classes_) == 2 else a.argmax(-1)
        return inputs.unpad(self.classes_[index], seqs)

    def score(self, X: ArrayLike | Sequence[ArrayLike], y: ArrayLike | Sequence[ArrayLike],
              sample_weight: ArrayLike | None = None) -> float:
        """Accuracy: the fraction of sequences (per step: of real steps) labelled right.

        Parameters
        ----------
        X : array_like or list of array_like
            (n, T, D), (n, T) or a list of (T_i, D) sequences.
        y : array_like
            The true labels, as `fit` takes them.
        sample_weight : array_like, optional
            A weight per sequence.

        Returns
        -------
        float
        """
        pred = self.predict(X)
        seqs = inputs.sequences(self, X, reset=False, dtype=np.dtype(self.dtype))
        y_true, y_pred = _flat(y, pred, seqs, self.per_step_)
        return float(accuracy_score(y_true, y_pred, sample_weight=sample_weight))


class RNNRegressor(RegressorMixin, RNNEstimator):
    """A recurrent regressor: one value per sequence (y (n,) or (n, k)) or one per step
    (y (n, T) or (n, T, k), or a list of per-step arrays for a list X). See rnnlab.sklearn for
    the input forms and the hyperparameters (constructor arguments, stored unchanged).

    Parameters
    ----------
    cell : {"elman", "lstm", "gru"}
        The recurrent cell.
    n_hidden : int
        Hidden units per layer and direction.
    n_layers : int
        Stacked recurrent layers.
    bidirectional : bool
        Whether every layer also runs backwards in time.
    activation : {"tanh", "relu", "identity"}
        The Elman cell's activation.
    epochs : int
        Epochs per `fit` (`partial_fit` runs one).
    batch_size : int
        Sequences per update.
    optimizer : {"adam", "sgd", "rmsprop"} or rnnlab.optim.Optimizer
        The optimizer (an object is copied, never stepped itself).
    learning_rate : float
        The rate of a named optimizer.
    clip_norm : float or None
        Clip the gradients' global norm to this (None: no clipping).
    early_stopping : bool
        Hold out `validation_fraction` of the data and stop when its loss stops improving.
    validation_fraction : float
        The share held out with ``early_stopping=True``.
    patience : int
        Epochs without improvement tolerated with ``early_stopping=True``.
    dtype : {"float32", "float64"}
        The model's dtype.
    random_state : None, int or numpy.random.RandomState
        Seeds the weights, the shuffling and the held-out split.
    verbose : bool
        Show training progress.
    warm_start : bool
        Continue the fitted model in the next `fit` (on data of the same kind).

    Attributes
    ----------
    model_ : RNN
        The fitted rl.RNN.
    n_features_in_ : int
        D, the features per step.
    history_ : History
        Every epoch since the model was built.
    n_iter_ : int
        Its number of epochs.
    per_step_ : bool
        Whether the model answers at every step.
    optimizer_ : rnnlab.optim.Optimizer
        The optimizer, with its state.
    """

    def _encode(self, y, per_step, *, first, classes=None):
        values = np.asarray(y)
        if values.dtype.kind not in "biuf":
            try:
                values = values.astype(np.float64)
            except (TypeError, ValueError):
                raise ValueError(f"y must hold numbers, got dtype {values.dtype}") from None
        assert_all_finite(values, input_name="y")
        lead = 2 if per_step else 1
        if values.ndim > lead + 1:
            raise ValueError(f"y must have shape (n,) or (n, k) (one per sequence) or (n, T) or "
                             f"(n, T, k) (one per step), got {values.shape}")
        squeeze = values.ndim == lead
        Y = values[..., None] if squeeze else values
        if first:
            self.n_outputs_ = Y.shape[-1]
            self.squeeze_ = squeeze
        elif Y.shape[-1] != self.n_outputs_:
            raise ValueError(f"y has {Y.shape[-1]} outputs, the model was fitted with "
                             f"{self.n_outputs_}")
        return Y.astype(self.dtype), Y.shape[-1], "identity"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True       # y (n, k): k outputs per sequence
        return tags

    def predict(self, X: ArrayLike | Sequence[ArrayLike]) -> Array | list[Array]:
        """Predicted values, shaped like y in fit: (n,) or (n, k); per step (n, T) or (n, T, k)
        (a list of per-sequence arrays for a list X).

        Parameters
        ----------
        X : array_like or list of array_like
            (n, T, D), (n, T) or a list of (T_i, D) sequences.

        Returns
        -------
        ndarray or list of ndarray
        """
        out, seqs = self._outputs(X)
        out = np.asarray(out, np.float64)
        return inputs.unpad(out[..., 0] if self.squeeze_ else out, seqs)

    def score(self, X: ArrayLike | Sequence[ArrayLike], y: ArrayLike | Sequence[ArrayLike],
              sample_weight: ArrayLike | None = None) -> float:
        """R^2 (scikit-learn's r2_score; per step: over all real steps, outputs averaged).

        Parameters
        ----------
        X : array_like or list of array_like
            (n, T, D), (n, T) or a list of (T_i, D) sequences.
        y : array_like
            The true values, as `fit` takes them.
        sample_weight : array_like, optional
            A weight per sequence.

        Returns
        -------
        float
        """
        pred = self.predict(X)
        seqs = inputs.sequences(self, X, reset=False, dtype=np.dtype(self.dtype))
        y_true, y_pred = _flat(y, pred, seqs, self.per_step_)
        return float(r2_score(y_true, y_pred, sample_weight=sample_weight))
