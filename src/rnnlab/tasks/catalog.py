"""The built-in tasks that `rnnlab train --task NAME` and `rnnlab eval --task NAME` know.

Each entry says how to make the data (n_samples, length, seed) and which model shape fits it
(input and output sizes, output activation, mapping). `length` is the task's own length knob:
the number of bits for parity and addition, the number of steps T for the others.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .. import _checks
from .._types import Array, Seed


@dataclass(frozen=True)
class TaskSpec:
    """A built-in task: how to make its data and which model shape fits it.

    Parameters
    ----------
    name : str
        The task's name (``rnnlab train --task NAME``).
    description : str
        One line for ``--help``.
    make : callable
        ``make(n_samples, length, seed) -> (X, Y)``.
    n_in, n_out : int
        The input and output sizes of a fitting model.
    output : str
        Its output function.
    mapping : str
        Its mapping.
    length : int
        The default length (bits for parity and addition, else steps T).
    samples : int
        The default number of training samples.
    """
    name: str
    description: str
    make: Callable            # (n_samples, length, seed) -> (X, Y)
    n_in: int
    n_out: int
    output: str
    mapping: str
    length: int               # default length
    samples: int              # default number of training samples


def sine(n_samples: int, T: int, random_state: Seed | None = None) -> tuple[Array, Array]:
    """Next-value prediction on sine waves of random frequency and phase, with a little noise.

    X (n, T, 1) = s(t), Y (n, T, 1) = s(t + 1), s(t) = sin(w t + p) + 0.05 noise,
    w ~ U(0.2, 0.6), p ~ U(0, 2 pi).

    Parameters
    ----------
    n_samples : int
        The number of sequences n.
    T : int
        The number of steps.
    random_state : None, int or numpy.random.Generator
        The generator.

    Returns
    -------
    X : ndarray, (n, T, 1)
        s(t).
    Y : ndarray, (n, T, 1)
        s(t + 1).

    Examples
    --------
    >>> X, Y = sine(2, 30, random_state=0)
    >>> print(X.shape, np.array_equal(X[:, 1:], Y[:, :-1]))
    (2, 30, 1) True
    """
    n_samples = _checks.check_int(n_samples, "n_samples", minimum=1)
    T = _checks.check_int(T, "T", minimum=1)
    rng = _checks.check_random_state(random_state)
    t = np.arange(T + 1)
    w = rng.uniform(0.2, 0.6, size=(n_samples, 1))
    p = rng.uniform(0, 2 * np.pi, size=(n_samples, 1))
    s = np.sin(w * t + p) + 0.05 * rng.standard_normal((n_samples, T + 1))
    return s[:, :-1, None], s[:, 1:, None]


def _parity(n, L, seed):
    from .binary import parity
    return parity(n, L, random_state=seed)


def _addition(n, L, seed):
    from .binary import addition
    return addition(n, L, random_state=seed)


def _adding(n, L, seed):
    from .longterm import adding
    return adding(n, L, random_state=seed)


def _copy(n, L, seed):
    from .longterm import copy_memory
    return copy_memory(n, L, random_state=seed)


TASKS = {t.name: t for t in (
    TaskSpec("parity", "running XOR of a bit stream (many-to-many, sigmoid)", _parity,
             1, 1, "sigmoid", "many-to-many", 8, 2000),
    TaskSpec("addition", "bit-serial binary addition, LSB first (many-to-many, sigmoid)",
             _addition, 2, 1, "sigmoid", "many-to-many", 8, 2000),
    TaskSpec("adding", "the adding problem: sum of two marked values (many-to-one)", _adding,
             2, 1, "identity", "many-to-one", 50, 2000),
    TaskSpec("copy", "copy memory: recall 10 symbols after a gap (many-to-many, softmax)",
             _copy, 10, 9, "softmax", "many-to-many", 20, 2000),
    TaskSpec("sine", "next value of a noisy sine wave (many-to-many)",
             lambda n, L, seed: sine(n, L, seed), 1, 1, "identity", "many-to-many", 50, 1000),
)}


def get(name: str) -> TaskSpec:
    """The built-in task called `name`.

    Parameters
    ----------
    name : str
        One of "parity", "addition", "adding", "copy", "sine".

    Returns
    -------
    TaskSpec

    Raises
    ------
    ValueError
        For an unknown name, listing the known ones.

    Examples
    --------
    >>> spec = get("parity")
    >>> X, Y = spec.make(4, spec.length, 0)
    >>> X.shape, spec.mapping
    ((4, 8, 1), 'many-to-many')
    """
    if not isinstance(name, str) or name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {', '.join(TASKS)}")
    return TASKS[name]
