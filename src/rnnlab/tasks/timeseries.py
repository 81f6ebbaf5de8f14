"""Windowed forecasting of a scalar series: a split in time order, normalisation fitted on the
training part only, windows for many-to-one and many-to-many models, two baselines, and the
series themselves (shipped CSV files and generated ones).

Split. Values v(0..N-1) are cut in time order: training v(0..n_train-1), validation
v(n_train..n_val-1), test v(n_val..N-1), with n_train = floor(f_train N), n_val =
floor((f_train + f_val) N).

Normalisation. z = (v - mu) / sigma, mu and sigma the mean and standard deviation of the
training part only: nothing from the validation or test part reaches the model or the scaler.

Windows of W steps, horizon k. The window that ends at input index i reads z(i-W+1..i):

    many-to-one    y = z(i + k)                                X (N, W, 1) -> Y (N, 1)
    many-to-many   y(j) = z(j + k) at every step j of it       X (N, W, 1) -> Y (N, W, 1)

A window belongs to the part that holds its last target i + k. So a training window reads and
predicts only values before n_train, and a test window predicts test values only (its inputs may
reach back into earlier parts: when forecasting, the past is known).

Baselines on the same windows, for the last target z(i + k):

    persistence   z^(i + k) = z(i)                                   (the last value)
    linear AR     z^(i + k) = sum_j w_j z(i - W + j) + c             (w, c): least squares on
                                                                       the training windows

Series (data/README.md states the source and licence of each file):

    sunspots      yearly mean sunspot numbers 1700-2008, 309 values (data/sunspots.csv)
    nile          annual flow of the Nile at Aswan 1871-1970, 100 values, 1e8 m^3 (data/nile.csv)
    noisy_sine    sin(2 pi t / period) + noise e(t), e(t) ~ N(0, 1)
    mackey_glass  dx/dt = beta x(t - tau) / (1 + x(t - tau)^p) - gamma x(t)   (delay equation)
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from .. import _checks
from .._types import Array, Seed, StrPath

DATA = Path(__file__).resolve().parent.parent / "data"

# name -> (file in rnnlab/data, header, first year, number of rows)
SERIES = {
    "sunspots": ("sunspots.csv", ("year", "sunspots"), 1700, 309),
    "nile": ("nile.csv", ("year", "volume"), 1871, 100),
}
MAPPINGS = ("many-to-one", "many-to-many")


# -- the series ----------------------------------------------------------------------------------
def load_series(name: str, path: StrPath | None = None) -> tuple[Array, Array]:
    """(years (N,) int, values (N,) float64) of a shipped yearly series ("sunspots", "nile").

    path: read this CSV file instead of the shipped one (same format: a header line, then
    `year,value` rows for consecutive years). A missing or malformed file raises an error that
    names the file and the line.

    Parameters
    ----------
    name : {"sunspots", "nile"}
        The shipped series.
    path : str or Path, optional
        A CSV file to read instead.

    Returns
    -------
    years : ndarray of int, (N,)
    values : ndarray of float64, (N,)

    Examples
    --------
    >>> years, values = load_series("sunspots")
    >>> int(years[0]), int(years[-1]), len(values)
    (1700, 2008, 309)
    """
    _checks.check_choice(name, "name", tuple(SERIES))
    fname, header, _, _ = SERIES[name]
    if path is None:
        path = DATA / fname
        if not path.is_file():
            raise FileNotFoundError(f"data file {path} for the {name!r} series is missing; it "
                                    f"ships with rnnlab in rnnlab/data/{fname} (reinstall rnnlab)")
    else:
        if not isinstance(path, (str, Path)) or str(path) == "":
            raise TypeError(f"path must be a file name (str or Path), got {type(path).__name__} "
                            f"{path!r}")
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"path={str(path)!r}, the file given for the {name!r} series "
                                    f"instead of the shipped one, is missing (no such file)")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return _parse_rows(rows, header, path)


def _parse_rows(rows, header, path):
    """Check the header, two numbers per row, consecutive years; return (years, values)."""
    if not rows or tuple(c.strip() for c in rows[0]) != header:
        got = ",".join(rows[0]) if rows else "an empty file"
        raise ValueError(f"{path}: line 1 must be the header {','.join(header)!r}, got {got!r}")
    years: list[int]
    values: list[float]
    years, values = [], []
    for n, row in enumerate(rows[1:], start=2):
        try:
            if len(row) != 2:
                raise ValueError
            year, value = int(row[0]), float(row[1])
        except ValueError:
            raise ValueError(f"{path}: line {n} must be 'year,value' (an integer and a number), "
                             f"got {','.join(row)!r}") from None
        if not np.isfinite(value):
            raise ValueError(f"{path}: line {n} holds a non-finite value {row[1]!r}")
        if years and year != years[-1] + 1:
            raise ValueError(f"{path}: line {n}: year {year} does not follow {years[-1]}")
        years.append(year)
        values.append(value)
    if not years:
        raise ValueError(f"{path}: no data rows after the header")
    return np.array(years, dtype=np.int64), np.array(values, dtype=np.float64)


def noisy_sine(n: int, *, period: float = 25.0, noise: float = 0.1,
               random_state: Seed | None = None) -> np.ndarray:
    """v(t) = sin(2 pi t / period) + noise e(t), t = 0..n-1, e(t) ~ N(0, 1). Returns (n,).

    Parameters
    ----------
    n : int
        The number of samples.
    period : float
        The period in steps.
    noise : float
        The noise's standard deviation.
    random_state : None, int or numpy.random.Generator
        The generator.

    Returns
    -------
    ndarray, (n,)
    """
    n = _checks.check_int(n, "n", minimum=1)
    period = _checks.check_float(period, "period", positive=True)
    noise = _checks.check_float(noise, "noise", minimum=0)
    rng = _checks.check_random_state(random_state)
    return np.sin(2 * np.pi * np.arange(n) / period) + noise * rng.standard_normal(n)


def _mg_rate(x, xd, beta, gamma, p):
    """The right side of the Mackey-Glass equation at x(t) = x, x(t - tau) = xd."""
    return beta * xd / (1 + xd ** p) - gamma * x


def mackey_glass(n: int, *, tau: float = 17.0, beta: float = 0.2, gamma: float = 0.1,
                 p: float = 10.0, step: float = 1.0, dt: float = 0.1, burn_in: float = 500.0,
                 random_state: Seed | None = None) -> np.ndarray:
    """n samples, `step` time units apart, of the Mackey-Glass delay differential equation.

    dx/dt = beta x(t - tau) / (1 + x(t - tau)^p) - gamma x(t), integrated with RK4 at step dt
    (the delayed value at a half step is the mean of its neighbours in the history). The history
    x(t <= 0) is a constant drawn uniformly from [0.5, 1.5] by random_state; the first `burn_in`
    time units are dropped. tau = 17 gives the classic chaotic series. Returns (n,).

    Parameters
    ----------
    n : int
        The number of samples.
    tau : float
        The delay.
    beta, gamma, p : float
        The equation's constants.
    step : float
        The time between two samples.
    dt : float
        The integration step.
    burn_in : float
        The time units dropped at the start.
    random_state : None, int or numpy.random.Generator
        The generator.

    Returns
    -------
    ndarray, (n,)
    """
    n = _checks.check_int(n, "n", minimum=1)
    dt = _checks.check_float(dt, "dt", positive=True)
    tau = _checks.check_float(tau, "tau", positive=True)
    step = _checks.check_float(step, "step", positive=True)
    burn_in = _checks.check_float(burn_in, "burn_in", minimum=0)
    beta, gamma, p = (_checks.check_float(v, k) for k, v in
                      (("beta", beta), ("gamma", gamma), ("p", p)))
    rng = _checks.check_random_state(random_state)
    d = int(round(tau / dt))
    every = int(round(step / dt))
    if d < 1 or every < 1 or abs(d * dt - tau) > 1e-9 or abs(every * dt - step) > 1e-9:
        raise ValueError(f"tau ({tau}) and step ({step}) must be positive multiples of dt ({dt})")
    skip = int(round(burn_in / dt))
    total = skip + (n - 1) * every + 1
    x = np.empty(d + total)                                   # x[d + k] = x(k dt)
    x[:d + 1] = rng.uniform(0.5, 1.5)
    with np.errstate(all="ignore"):                          # checked below
        for k in range(d, d + total - 1):
            xd0, xd1 = x[k - d], x[k - d + 1]
            xdh = 0.5 * (xd0 + xd1)
            k1 = _mg_rate(x[k], xd0, beta, gamma, p)
            k2 = _mg_rate(x[k] + 0.5 * dt * k1, xdh, beta, gamma, p)
            k3 = _mg_rate(x[k] + 0.5 * dt * k2, xdh, beta, gamma, p)
            k4 = _mg_rate(x[k] + dt * k3, xd1, beta, gamma, p)
            x[k + 1] = x[k] + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    out = x[d + skip::every][:n].copy()
    if not np.isfinite(out).all():
        raise ValueError(f"the Mackey-Glass integration diverged for beta={beta}, gamma={gamma}, "
                         f"p={p}, dt={dt}: choose a smaller dt or other coefficients")
    return out


# -- split, scaler, windows ----------------------------------------------------------------------
def split_points(n: int, fractions: Sequence[float] = (0.7, 0.15, 0.15)) -> tuple[int, int]:
    """(n_train, n_val): training is [0, n_train), validation [n_train, n_val), test [n_val, n).

    Parameters
    ----------
    n : int
        The series' length.
    fractions : (float, float, float)
        The shares of training, validation and test.

    Returns
    -------
    n_train, n_val : int

    Examples
    --------
    >>> split_points(100)
    (70, 85)
    """
    n = _checks.check_int(n, "n", minimum=0)
    f = _checks.as_array(fractions, "fractions")
    if f.shape != (3,) or (f <= 0).any() or abs(f.sum() - 1) > 1e-9:
        raise ValueError(f"fractions must be three positive numbers summing to 1, got {fractions}")
    return int(n * f[0]), int(n * (f[0] + f[1]))


@dataclass
class Scaler:
    """z = (v - mean) / std, with mean and std from the values it was fitted on.

    Parameters
    ----------
    mean, std : float
        The training values' mean and standard deviation.
    """
    mean: float
    std: float

    @classmethod
    def fit(cls, values: ArrayLike) -> "Scaler":
        """The scaler of `values`: their mean and standard deviation.

        Parameters
        ----------
        values : array_like
            The training values.

        Returns
        -------
        Scaler

        Examples
        --------
        >>> s = Scaler.fit([1.0, 3.0])
        >>> s.transform([1.0, 3.0]).tolist(), s.inverse([0.0]).tolist()
        ([-1.0, 1.0], [2.0])
        """
        values = _checks.as_array(values, "values", dtype=np.float64)
        if values.size == 0:
            raise ValueError("values must hold at least one number to fit a Scaler")
        std = float(values.std())
        return cls(float(values.mean()), std if std > 0 else 1.0)

    def transform(self, values: ArrayLike) -> Array:
        """z = (v - mean) / std.

        Parameters
        ----------
        values : array_like
            Values.

        Returns
        -------
        ndarray of float64
        """
        return (np.asarray(values, dtype=np.float64) - self.mean) / self.std

    def inverse(self, z: ArrayLike) -> Array:
        """v = z std + mean.

        Parameters
        ----------
        z : array_like
            Scaled values.

        Returns
        -------
        ndarray of float64
        """
        return np.asarray(z, dtype=np.float64) * self.std + self.mean


@dataclass
class Windows:
    """One part's windows: X (N, W, 1), Y (N, 1) or (N, W, 1); `last` (N,): last target index.

    Parameters
    ----------
    X : ndarray, (N, W, 1)
        The input windows.
    Y : ndarray, (N, 1) or (N, W, 1)
        The targets.
    last : ndarray of int, (N,)
        The index of each window's last target in the series.
    """
    X: np.ndarray
    Y: np.ndarray
    last: np.ndarray


@dataclass
class Forecast:
    """The three parts of a forecasting problem and the scaler fitted on the training values.

    Parameters
    ----------
    train, val, test : Windows
        The three parts.
    scaler : Scaler
        Fitted on the training values.
    n_train, n_val : int
        The split points (see `split_points`).
    window : int
        The input length W.
    horizon : int
        How many steps ahead the target is.
    mapping : str
        many-to-one or many-to-many.
    """
    train: Windows
    val: Windows
    test: Windows
    scaler: Scaler
    n_train: int
    n_val: int
    window: int
    horizon: int
    mapping: str


def windows(z: ArrayLike, window: int, *, horizon: int = 1, mapping: str = "many-to-one",
            last: ArrayLike | None = None) -> Windows:
    """The windows of a (normalised) series z (N,) whose last target index lies in `last`.

    Parameters
    ----------
    z : ndarray, (N,)
        The normalised series.
    window : int
        The input length W.
    horizon : int
        How many steps ahead the target is.
    mapping : {"many-to-one", "many-to-many"}
        One target per window, or one per step.
    last : range or array_like, optional
        The allowed indices of the last target; default all.

    Returns
    -------
    Windows
    """
    z = _checks.as_array(z, "z", ndim=1, dtype=np.float64)
    W = _checks.check_int(window, "window", minimum=1)
    k = _checks.check_int(horizon, "horizon", minimum=1)
    _checks.check_choice(mapping, "mapping", MAPPINGS)
    if last is None:
        last = np.arange(W + k - 1, len(z))
    last = _checks.as_array(last, "last", ndim=1)
    if last.size and last.dtype.kind not in "iu":
        raise TypeError(f"last must hold integer indices, got dtype {last.dtype}")
    last = last.astype(np.int64)
    if last.size and (last.min() < W + k - 1 or last.max() >= len(z)):
        raise ValueError(f"last target indices must lie in {W + k - 1}..{len(z) - 1}")
    inputs = (last - k)[:, None] + np.arange(-W + 1, 1)      # (N, W) input indices
    X = z[inputs][..., None]                                  # (N, W, 1)
    Y = z[last][:, None] if mapping == "many-to-one" else z[inputs + k][..., None]
    return Windows(X, Y, last)


def forecasting(values: ArrayLike, window: int, *, mapping: str = "many-to-one", horizon: int = 1,
                fractions: Sequence[float] = (0.7, 0.15, 0.15)) -> Forecast:
    """Split `values` (N,) in time order, normalise with the training part, cut into windows.

    Parameters
    ----------
    values : array_like, (N,)
        The series.
    window : int
        The input length W.
    mapping : {"many-to-one", "many-to-many"}
        One target per window, or one per step.
    horizon : int
        How many steps ahead the target is.
    fractions : (float, float, float)
        The shares of the three parts.

    Returns
    -------
    Forecast

    Examples
    --------
    >>> f = forecasting(np.arange(100.0), window=10)
    >>> f.train.X.shape, f.test.Y.shape
    ((60, 10, 1), (15, 1))
    """
    values = _checks.as_array(values, "values", ndim=1).astype(np.float64)
    window = _checks.check_int(window, "window", minimum=1)
    horizon = _checks.check_int(horizon, "horizon", minimum=1)
    _checks.check_choice(mapping, "mapping", MAPPINGS)
    n_train, n_val = split_points(len(values), fractions)
    first = window + horizon - 1
    if n_train <= first or n_val >= len(values):
        raise ValueError(f"{len(values)} values are too few for window={window}, "
                         f"horizon={horizon} and fractions={fractions}")
    scaler = Scaler.fit(values[:n_train])
    z = scaler.transform(values)
    train, val, test = [windows(z, window, horizon=horizon, mapping=mapping, last=np.arange(a, b))
             for a, b in ((first, n_train), (max(first, n_train), n_val),
                          (n_val, len(values)))]
    return Forecast(train, val, test, scaler, n_train, n_val, window, horizon, mapping)


# -- baselines and errors ------------------------------------------------------------------------
def persistence(X: ArrayLike) -> np.ndarray:
    """The last value of each window, X (N, W, 1) -> (N,).

    Parameters
    ----------
    X : ndarray, (N, W, 1)
        Windows.

    Returns
    -------
    ndarray, (N,)
    """
    return np.asarray(X)[:, -1, 0]


def fit_ar(X: Array, y: ArrayLike) -> np.ndarray:
    """Least-squares coefficients (W + 1,) of y ~ sum_j w_j X[:, j, 0] + c.

    Parameters
    ----------
    X : ndarray, (N, W, 1)
        Windows.
    y : ndarray, (N,)
        Their targets.

    Returns
    -------
    ndarray, (W + 1,)
        The weights, then the constant.

    Examples
    --------
    >>> X = np.arange(12.0).reshape(4, 3, 1)
    >>> print(np.allclose(predict_ar(fit_ar(X, X[:, -1, 0] + 1), X), X[:, -1, 0] + 1))
    True
    """
    A = np.hstack([np.asarray(X)[:, :, 0], np.ones((len(X), 1))])
    coef, *_ = np.linalg.lstsq(A, np.asarray(y, dtype=np.float64), rcond=None)
    return coef


def predict_ar(coef: Array, X: ArrayLike) -> np.ndarray:
    """The AR forecast (N,) of each window X (N, W, 1).

    Parameters
    ----------
    coef : ndarray, (W + 1,)
        From `fit_ar`.
    X : ndarray, (N, W, 1)
        Windows.

    Returns
    -------
    ndarray, (N,)
    """
    return np.asarray(X)[:, :, 0] @ coef[:-1] + coef[-1]


def last_target(Y: ArrayLike) -> np.ndarray:
    """The last target (N,) of Y (N, 1) or (N, W, 1): the value every model is scored on.

    Parameters
    ----------
    Y : ndarray, (N, 1) or (N, W, 1)
        Targets.

    Returns
    -------
    ndarray, (N,)
    """
    Y = np.asarray(Y)
    return Y[:, 0] if Y.ndim == 2 else Y[:, -1, 0]


def rmse(pred: ArrayLike, truth: ArrayLike) -> float:
    """Root mean squared error.

    Parameters
    ----------
    pred, truth : array_like
        Predictions and true values.

    Returns
    -------
    float

    Examples
    --------
    >>> rmse([1.0, 3.0], [1.0, 1.0]) == 2 ** 0.5
    True
    """
    diff = np.asarray(pred, dtype=np.float64) - np.asarray(truth, dtype=np.float64)
    return float(np.sqrt(np.mean(diff * diff)))
