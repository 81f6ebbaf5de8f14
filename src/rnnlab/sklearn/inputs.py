"""The input forms the estimators accept, turned into what rl.RNN computes with.

X may be
  - a 3-D array (n_sequences, T, D): sequences of D-vectors, all of length T;
  - a 2-D array (n_sequences, T): univariate sequences (D = 1), the tabular form scikit-learn's
    transformers and checks speak; its T columns are scikit-learn's "features";
  - a list of 2-D arrays (T_i, D) (or 1-D arrays (T_i,)) of different lengths: padded with zeros
    at the end to the longest, with a mask (n, T) marking the real steps.

Targets: one per sequence, y (n,) (many-to-one), or one per step, y (n, T) or (n, T, k) (or a
list of per-step arrays for a list X) (many-to-many), told apart by y's shape.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.exceptions import DataConversionWarning
from sklearn.utils import check_array
from sklearn.utils.validation import validate_data
from numpy.typing import ArrayLike, DTypeLike

from .._types import Array


@dataclass
class Sequences:
    """X laid out for rl.RNN: (n, T, D) values, a (n, T) mask or None, and the form it came in.

    Parameters
    ----------
    X : ndarray, (n, T, D)
        The values.
    mask : ndarray of bool, (n, T) or None
        The real steps of padded sequences.
    form : str
        The form X came in.
    """
    X: np.ndarray
    mask: np.ndarray | None
    form: str                                      # "2d", "3d" or "list"

    @property
    def lengths(self) -> Array:
        """The number of real steps of every sequence.

        Returns
        -------
        ndarray of int, (n,)
        """
        n, T = self.X.shape[:2]
        return np.full(n, T) if self.mask is None else self.mask.sum(axis=1)


def is_ragged(X: ArrayLike | Sequence[ArrayLike]) -> bool:
    """True for a list or tuple of sequences that NumPy cannot stack into one numeric array.

    Parameters
    ----------
    X : object
        The input.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_ragged([np.zeros((2, 1)), np.zeros((3, 1))]), is_ragged(np.zeros((2, 3, 1)))
    (True, False)
    """
    if not isinstance(X, (list, tuple)) or len(X) == 0:
        return False
    if not all(hasattr(s, "__len__") for s in X):
        return False
    try:
        arr = np.asarray(X)
    except ValueError:                             # "inhomogeneous shape": different lengths
        return True
    return arr.dtype == object and all(np.ndim(s) >= 1 for s in X)


def _ndim(X):
    """The number of dimensions of X without converting it where it says so itself."""
    ndim = getattr(X, "ndim", None)
    return ndim if isinstance(ndim, int) else np.asarray(X).ndim


def sequences(estimator: Any, X: ArrayLike | Sequence[ArrayLike], *, reset: bool,
              dtype: DTypeLike) -> Sequences:
    """Validate X in any accepted form; with reset=True record n_features_in_ (and
    feature_names_in_ for a DataFrame), else check X against what fit saw.

    Parameters
    ----------
    estimator : RNNEstimator
        The estimator.
    X : array_like or list
        The input, in any accepted form.
    reset : bool
        Record what X is (fit) rather than check it (predict).
    dtype : numpy dtype
        The values' dtype.

    Returns
    -------
    Sequences
    """
    if is_ragged(X):
        seqs = _ragged(X, dtype)
        D = seqs[0].shape[1]
        _features(estimator, D, reset, "list")
        T = max(len(s) for s in seqs)
        out = np.zeros((len(seqs), T, D), dtype)
        mask = np.zeros((len(seqs), T), bool)
        for i, s in enumerate(seqs):
            out[i, :len(s)], mask[i, :len(s)] = s, True
        return Sequences(out, mask, "list")
    if _ndim(X) == 3:
        arr = check_array(X, allow_nd=True, dtype=dtype, input_name="X")
        if 0 in arr.shape[1:]:
            raise ValueError(f"X must hold sequences of at least 1 step of at least 1 feature, "
                             f"got shape {arr.shape}")
        _features(estimator, arr.shape[2], reset, "3d")
        return Sequences(arr, None, "3d")
    if not reset and getattr(estimator, "input_form_", "2d") != "2d" and _ndim(X) == 2:
        # fitted on 3-D or list data with D == 1: a 2-D X is univariate sequences of any length
        arr = check_array(X, dtype=dtype, input_name="X")
        _features(estimator, 1, False, "2d")
        return Sequences(arr[:, :, None], None, "2d")
    arr = validate_data(estimator, X, reset=reset, dtype=dtype)
    if reset:
        estimator.input_form_ = "2d"
    return Sequences(arr[:, :, None], None, "2d")


def _ragged(X, dtype):
    """Each sequence of a ragged list as a checked (T_i, D) array; all D equal."""
    seqs: list[Array] = []
    for i, s in enumerate(X):
        a = check_array(s, ensure_2d=False, dtype=dtype, input_name=f"X[{i}]")
        if a.ndim == 1:
            a = a[:, None]
        if a.ndim != 2 or len(a) == 0:
            raise ValueError(f"X[{i}] must be a sequence of shape (T, D) or (T,) with T >= 1, "
                             f"got shape {a.shape}")
        if seqs and a.shape[1] != seqs[0].shape[1]:
            raise ValueError(f"the sequences of X must all have D = {seqs[0].shape[1]} features "
                             f"per step (as X[0]), X[{i}] has shape {a.shape}")
        seqs.append(a)
    return seqs


def _features(estimator, D, reset, form):
    """n_features_in_ = D for sequence input (3-D or list); at predict time, D must match."""
    if reset:
        estimator.n_features_in_ = D
        estimator.input_form_ = form
        if hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
        return
    expected = estimator.model_.n_in
    if D != expected:
        raise ValueError(f"X has {D} features per step, but {type(estimator).__name__} is "
                         f"expecting {expected} features per step as input")


def targets(y: ArrayLike | Sequence[ArrayLike], seqs: Sequences, name: str, *,
            multi_output: bool) -> tuple[Array, bool]:
    """y as an array with one row per sequence and whether it is per step.

    Per step: y (n, T) or (n, T, k) for array X (T as X's, T > 1 for a 2-D y), or a list of
    per-step arrays for a list X (padded like X). One per sequence: y (n,) or (n, k) for k
    outputs when multi_output (a column y (n, 1) is then one output); otherwise a column y
    (n, 1) is raveled with scikit-learn's DataConversionWarning.
    Returns (y, per_step).

    Parameters
    ----------
    y : array_like or list
        The targets.
    seqs : Sequences
        X as `sequences` returned it.
    name : str
        What errors call y.
    multi_output : bool
        Whether several outputs are allowed.

    Returns
    -------
    y : ndarray
    per_step : bool
    """
    if y is None:
        raise ValueError(f"{name} requires y to be passed, but the target y is None")
    n, T = seqs.X.shape[:2]
    if seqs.form == "list" and is_ragged(y):
        return _pad_targets(y, seqs, name), True
    arr = np.asarray(y)
    if arr.ndim == 0 or len(arr) != n:
        raise ValueError(f"Found input variables with inconsistent numbers of samples: "
                         f"[{n}, {1 if arr.ndim == 0 else len(arr)}] (X and y)")
    if seqs.form == "list" and arr.ndim >= 2 and arr.shape[1] == T:
        return arr, True                           # equal-length lists padded to nothing
    if arr.ndim == 3 or (arr.ndim == 2 and T > 1 and arr.shape[1] == T):
        if arr.ndim == 3 and arr.shape[1] != T:
            raise ValueError(f"a per-step y must have shape (n, T) or (n, T, k) with T = {T} "
                             f"(X's steps), got {arr.shape}")
        return arr, True
    if arr.ndim == 2 and arr.shape[1] == 1 and not multi_output:
        warnings.warn("A column-vector y was passed when a 1d array was expected. Please change "
                      "the shape of y to (n_samples, ), for example using ravel().",
                      DataConversionWarning, stacklevel=3)
        return arr.ravel(), False
    return arr, False


def _pad_targets(y, seqs, name):
    """A list of per-step targets, one (T_i,) or (T_i, k) array per sequence, padded with the
    first value of the first sequence (the loss mask hides it)."""
    lengths = seqs.lengths
    if len(y) != len(lengths):
        raise ValueError(f"Found input variables with inconsistent numbers of samples: "
                         f"[{len(lengths)}, {len(y)}] (X and y)")
    rows = [np.asarray(r) for r in y]
    for i, (r, L) in enumerate(zip(rows, lengths)):
        if r.ndim == 0 or len(r) != L:
            raise ValueError(f"y[{i}] must have one target per step of X[{i}] ({L}), "
                             f"got shape {r.shape}")
    fill = rows[0].reshape(len(rows[0]), -1)[0]
    out = np.empty((len(rows), seqs.X.shape[1]) + rows[0].shape[1:], rows[0].dtype)
    out[...] = fill.reshape(rows[0].shape[1:]) if rows[0].ndim > 1 else fill[0]
    for i, r in enumerate(rows):
        out[i, :len(r)] = r
    return out


def unpad(Y: Array, seqs: Sequences) -> Array | list[Array]:
    """Per-step outputs (n, T, ...) back in X's form: a list of (T_i, ...) arrays for a list X.

    Parameters
    ----------
    Y : ndarray, (n, T, ...)
        Per-step outputs.
    seqs : Sequences
        X as `sequences` returned it.

    Returns
    -------
    ndarray or list of ndarray
    """
    if seqs.form != "list":
        return Y
    return [Y[i, :L] for i, L in enumerate(seqs.lengths)]
