"""Long-term dependency benchmarks: the adding problem and the copy (memory) task.

Both put the information the answer needs far from the step where the answer is due, so a
network can only solve them when signals and gradients survive a long time lag (see
rnnlab.analysis.stability). Each has a memoryless baseline that a network reaches without any
long-term memory: learning curves that sit at the baseline mean "nothing learned across the lag".

adding(n, T) (Hochreiter and Schmidhuber 1997; the variant of Le, Jaitly and Hinton 2015)
    x(t) = (v(t), m(t)): v(t) ~ U(0, 1), m(t) = 1 at exactly two steps, one drawn in the first
    half [1, T/2] and one in the second half [T/2 + 1, T], else 0.
    target (many-to-one, read after step T): the sum of the two marked values.
    Baseline: always answering 1 (the mean of the target) gives E[(v_a + v_b - 1)^2] =
    Var(v_a + v_b) = 2/12 = 1/6 = 0.1667, the error to beat (mean of (y - target)^2).

copy_memory(n, T) (Arjovsky, Shah and Bengio 2016)
    Categories: 0 blank, 1..8 the symbols, 9 the delimiter. A sequence has T + 20 steps:
      input   s1 ... s10 | T - 1 blanks | delimiter | 10 blanks
      target  T + 10 blanks                         | s1 ... s10
    so each symbol must be held for T + 10 steps. Inputs are one-hot (10 categories), targets are
    class indices in 0..8 (9 output classes: blank and the 8 symbols).
    Baseline: predicting blank for the first T + 10 steps and a uniform guess among the 8 symbols
    for the last 10 gives a cross-entropy per step, averaged over all T + 20 steps, of
    10 ln 8 / (T + 20).
"""
from __future__ import annotations

import math

import numpy as np

from .._checks import check_int, check_random_state
from .._types import Array, Seed

N_SYMBOLS = 8          # the alphabet of the copy task
N_COPY = 10            # symbols to remember
BLANK, DELIMITER = 0, N_SYMBOLS + 1


def adding(n_samples: int, T: int, random_state: Seed | None = None) -> tuple[Array, Array]:
    """The adding problem: X (n, T, 2) float64, Y (n, 1) float64 (many-to-one).

    X[..., 0] holds the values U(0, 1), X[..., 1] the two markers (one in each half of the
    sequence); Y is the sum of the two marked values.

    Parameters
    ----------
    n_samples : int
        The number of sequences n.
    T : int
        The sequence length, at least 2.
    random_state : None, int or numpy.random.Generator
        None (fresh entropy), a seed or a Generator.

    Returns
    -------
    X : ndarray of float64, (n_samples, T, 2)
        The values and the markers.
    Y : ndarray of float64, (n_samples, 1)
        The sum of the two marked values.

    Examples
    --------
    >>> X, Y = adding(n_samples=3, T=50, random_state=0)
    >>> X.shape, Y.shape, X[..., 1].sum(axis=1).tolist()
    ((3, 50, 2), (3, 1), [2.0, 2.0, 2.0])
    >>> print(np.allclose(Y[:, 0], (X[..., 0] * X[..., 1]).sum(axis=1)))
    True
    """
    n = check_int(n_samples, "n_samples", minimum=1)
    T = check_int(T, "T", minimum=2)
    rng = check_random_state(random_state)
    half = T // 2
    X = np.zeros((n, T, 2))
    X[..., 0] = rng.uniform(0.0, 1.0, size=(n, T))
    first = rng.integers(0, half, size=n)                    # a step of the first half
    second = rng.integers(half, T, size=n)                   # a step of the second half
    rows = np.arange(n)
    X[rows, first, 1] = 1.0
    X[rows, second, 1] = 1.0
    Y = (X[rows, first, 0] + X[rows, second, 0])[:, None]    # (n, 1)
    return X, Y


def adding_baseline() -> float:
    """1/6: the mean squared error of always answering 1 on the adding problem.

    Returns
    -------
    float
    """
    return 1.0 / 6.0


def copy_memory(n_samples: int, T: int, random_state: Seed | None = None) -> tuple[Array, Array]:
    """The copy task: X (n, T + 20, 10) one-hot float64, Y (n, T + 20) int64 class indices.

    Classes: 0 blank, 1..8 symbols (and 9, the delimiter, in the input only). The first 10
    steps show 10 symbols, the delimiter comes after T - 1 more blanks, and the last 10 steps
    of Y repeat the symbols.

    Parameters
    ----------
    n_samples : int
        The number of sequences n.
    T : int
        The lag, at least 1.
    random_state : None, int or numpy.random.Generator
        None (fresh entropy), a seed or a Generator.

    Returns
    -------
    X : ndarray of float64, (n_samples, T + 20, 10)
        One-hot inputs.
    Y : ndarray of int64, (n_samples, T + 20)
        Class indices of the answer at every step.

    Examples
    --------
    >>> X, Y = copy_memory(n_samples=2, T=5, random_state=0)
    >>> X.shape, Y.shape
    ((2, 25, 10), (2, 25))
    >>> print((Y[:, -10:] == X[:, :10].argmax(axis=2)).all())
    True
    """

    n = check_int(n_samples, "n_samples", minimum=1)
    T = check_int(T, "T", minimum=1)
    rng = check_random_state(random_state)
    length = T + 2 * N_COPY
    symbols = rng.integers(1, N_SYMBOLS + 1, size=(n, N_COPY))   # (n, 10) in 1..8
    tokens = np.full((n, length), BLANK, dtype=np.int64)
    tokens[:, :N_COPY] = symbols
    tokens[:, N_COPY + T - 1] = DELIMITER                        # after T - 1 blanks
    Y = np.full((n, length), BLANK, dtype=np.int64)
    Y[:, -N_COPY:] = symbols                                     # recall at the last 10 steps
    X = np.eye(N_SYMBOLS + 2)[tokens]                            # (n, T + 20, 10)
    return X, Y


def copy_memory_baseline(T: int) -> float:
    """10 ln 8 / (T + 20): the memoryless cross-entropy per step of the copy task.

    Parameters
    ----------
    T : int
        The lag of the copy task.

    Returns
    -------
    float

    Examples
    --------
    >>> round(copy_memory_baseline(80), 4)              # 10 ln 8 / 100
    0.2079
    """
    T = check_int(T, "T", minimum=1)
    return N_COPY * math.log(N_SYMBOLS) / (T + 2 * N_COPY)
