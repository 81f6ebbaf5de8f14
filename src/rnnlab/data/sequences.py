"""Sequences in, arrays out: padding with a mask, forecasting windows, train/validation splits."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .. import _checks
from .._types import Array, Seed


def pad_sequences(seqs: Iterable[ArrayLike], *, side: str = "right", value: float = 0.0,
                  length: int | None = None, truncate: str = "error",
                  dtype: DTypeLike | None = None) -> tuple[Array, Array]:
    """Stack sequences of different lengths into one array and the mask of their real steps.

    Parameters
    ----------
    seqs : list of arrays
        Each sequence is (T_i, D) (features per step) or (T_i,) (one value or class index per
        step); all sequences have the same rank and the same D. T_i >= 1.
    side : {"right", "left"}
        Where the padding goes. "right" (PyTorch's pad_sequence) keeps every sequence starting at
        step 0; "left" (Keras' default) makes every sequence end at the last step.
    value : number
        What padded steps hold (the mask excludes them from every loss, so it only shows in X).
    length : int, optional
        The number of steps T of the result; default the longest sequence.
    truncate : {"error", "left", "right"}
        What to do with a sequence longer than `length`: refuse it, or drop steps from the left
        (keep the end) or from the right (keep the start).
    dtype : numpy dtype, optional
        The dtype of X; default the common dtype of the sequences.

    Returns
    -------
    X : ndarray, (B, T, D) or (B, T)
    mask : ndarray of bool, (B, T)
        True at the real steps of each sequence: pass it as `mask=` to fit, evaluate, predict.

    Examples
    --------
    >>> X, mask = pad_sequences([np.ones((2, 1)), np.ones((3, 1))])
    >>> X.shape, mask.astype(int).tolist()
    ((2, 3, 1), [[1, 1, 0], [1, 1, 1]])
    """
    _checks.check_choice(side, "side", ("right", "left"))
    _checks.check_choice(truncate, "truncate", ("error", "left", "right"))
    if isinstance(seqs, np.ndarray) and seqs.dtype != object:
        seqs = list(seqs)
    if not isinstance(seqs, (list, tuple)) or not seqs:
        raise TypeError(f"seqs must be a non-empty list of arrays, got {type(seqs).__name__}"
                        + (" (empty)" if isinstance(seqs, (list, tuple)) else ""))
    arrays = [_checks.as_array(s, f"seqs[{i}]") for i, s in enumerate(seqs)]
    rank = arrays[0].ndim
    for i, a in enumerate(arrays):
        if a.ndim not in (1, 2):
            raise ValueError(f"seqs[{i}] must be (T, D) or (T,), got shape {a.shape}")
        if a.ndim != rank or a.shape[1:] != arrays[0].shape[1:]:
            raise ValueError(f"seqs[{i}] has shape {a.shape}, but seqs[0] has {arrays[0].shape}: "
                             f"every sequence needs the same rank and number of features")
        if a.shape[0] == 0:
            raise ValueError(f"seqs[{i}] has no steps")
    lengths = np.array([a.shape[0] for a in arrays])
    T = int(lengths.max()) if length is None else _checks.check_int(length, "length", minimum=1)
    if truncate == "error" and lengths.max() > T:
        i = int(np.argmax(lengths))
        raise ValueError(f"seqs[{i}] has {lengths[i]} steps, more than length={T}; pass "
                         f"truncate='left' or 'right' to cut it")
    dtype = np.result_type(*arrays) if dtype is None else np.dtype(dtype)
    value = _checks.check_float(value, "value") if dtype.kind == "f" else value
    X = np.full((len(arrays), T) + arrays[0].shape[1:], value, dtype=dtype)
    mask = np.zeros((len(arrays), T), dtype=bool)
    for i, a in enumerate(arrays):
        if len(a) > T:
            a = a[-T:] if truncate == "left" else a[:T]
        n = len(a)
        sl = slice(0, n) if side == "right" else slice(T - n, T)
        X[i, sl] = a
        mask[i, sl] = True
    return X, mask


def unpad(X: ArrayLike, mask: ArrayLike) -> list[Array]:
    """The list of sequences inside a padded array: X[i][mask[i]] for every i (pad_sequences'
    inverse, whichever side the padding is on).

    Parameters
    ----------
    X : array_like, (B, T, ...)
        The padded array.
    mask : array_like of bool, (B, T)
        True at the real steps.

    Returns
    -------
    list of ndarray
        B arrays, (T_i, ...).

    Examples
    --------
    >>> X, mask = pad_sequences([np.ones((2, 1)), np.ones((3, 1))], side="left")
    >>> [s.shape for s in unpad(X, mask)]
    [(2, 1), (3, 1)]
    """

    X = np.asarray(X)
    if X.ndim < 2:
        raise ValueError(f"X must be (B, T, ...) with at least 2 dimensions, got shape {X.shape}")
    mask = _checks.as_mask(mask, "mask", X.shape[:2])
    return [X[i][mask[i]] for i in range(X.shape[0])]


def windows(series: ArrayLike, length: int, horizon: int = 1, stride: int = 1,
            target: ArrayLike | None = None) -> tuple[Array, Array]:
    """Forecasting windows from one series: inputs of `length` steps and the value `horizon`
    steps after each window's last step.

    Parameters
    ----------
    series : array, (N,) or (N, D)
        One series in time order (a (N,) series is read as D = 1).
    length : int
        Steps per input window.
    horizon : int
        How far ahead the target lies: 1 is the next step after the window.
    stride : int
        Steps between the starts of consecutive windows.
    target : int or list of int, optional
        The columns of the series to forecast; default all of them.

    Returns
    -------
    X : ndarray (n, length, D)
        A read-only view into `series` where it can be one (no copy).
    Y : ndarray (n, K)
        Y[i] = series[i * stride + length - 1 + horizon, target]: one target per window, for a
        many-to-one model. n = (N - length - horizon) // stride + 1.

    Examples
    --------
    >>> X, Y = windows(np.arange(6.0), length=3)
    >>> X[:, :, 0].tolist(), Y[:, 0].tolist()
    ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], [3.0, 4.0, 5.0])
    """
    s = _checks.as_array(series, "series")
    if s.ndim == 1:
        s = s[:, None]
    if s.ndim != 2:
        raise ValueError(f"series must be (N,) or (N, D), got shape {np.shape(series)}")
    length = _checks.check_int(length, "length", minimum=1)
    horizon = _checks.check_int(horizon, "horizon", minimum=1)
    stride = _checks.check_int(stride, "stride", minimum=1)
    N, D = s.shape
    if N < length + horizon:
        raise ValueError(f"series has {N} steps; windows of length={length} with horizon="
                         f"{horizon} need at least {length + horizon}")
    cols = list(range(D)) if target is None else _columns(target, D)
    n = (N - length - horizon) // stride + 1
    X = np.lib.stride_tricks.sliding_window_view(s, length, axis=0)[: (n - 1) * stride + 1: stride]
    X = X.transpose(0, 2, 1)                               # (n, D, length) -> (n, length, D)
    last = np.arange(n) * stride + length - 1
    Y = s[last + horizon][:, cols]
    return X, Y


def _columns(target, D):
    items = [target] if np.isscalar(target) else list(target)
    if not items:
        raise ValueError("target must name at least one column")
    out = []
    for c in items:
        c = _checks.check_int(c, "target")
        if not -D <= c < D:
            raise ValueError(f"target column {c} is out of range for a series with {D} columns")
        out.append(c % D)
    return out


def train_val_split(*arrays: Array | None, val_fraction: float = 0.2, time_ordered: bool = False,
                    shuffle: bool = True, random_state: Seed | None = None) -> list[Array | None]:
    """Split arrays that share their first axis into training and validation parts.

    Parameters
    ----------
    *arrays : arrays with the same first dimension (X, Y, mask, ...; None passes through)
    val_fraction : float in (0, 1)
        The share of rows that go to validation (at least one row on each side).
    time_ordered : bool
        For windows cut from one series: validation is the LAST rows, in order, and nothing is
        shuffled, so no future value leaks into training.
    shuffle : bool
        Shuffle the rows before splitting (ignored when time_ordered).
    random_state : None, int or numpy Generator

    Returns
    -------
    list
        train_0, val_0, train_1, val_1, ... (as scikit-learn's train_test_split).
    """
    if not arrays:
        raise TypeError("train_val_split needs at least one array")
    val_fraction = _checks.check_float(val_fraction, "val_fraction")
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must lie in (0, 1), got {val_fraction}")
    _checks.check_bool(time_ordered, "time_ordered")
    _checks.check_bool(shuffle, "shuffle")
    n = None
    for i, a in enumerate(arrays):
        if a is None:
            continue
        if not hasattr(a, "shape") or len(a.shape) == 0:
            raise TypeError(f"arrays[{i}] must be an array with a first axis, got "
                            f"{type(a).__name__}")
        if n is None:
            n = a.shape[0]
        elif a.shape[0] != n:
            raise ValueError(f"arrays[{i}] has {a.shape[0]} rows, arrays[0] has {n}")
    if n is None:
        raise TypeError("train_val_split needs at least one array that is not None")
    n_val = int(round(n * val_fraction))
    if n_val < 1 or n_val > n - 1:
        raise ValueError(f"val_fraction={val_fraction} of {n} rows leaves "
                         f"{n_val} for validation and {n - n_val} for training; each needs >= 1")
    if time_ordered or not shuffle:
        order = np.arange(n)
    else:
        order = _checks.check_random_state(random_state).permutation(n)
    tr, va = order[: n - n_val], order[n - n_val:]
    out: list[Array | None] = []
    for a in arrays:
        out += [None, None] if a is None else [a[tr], a[va]]
    return out
