"""n-bit binary addition and n-bit XOR (parity): the lecture's benefit of recurrence.

Both tasks are bit-serial, least significant bit first, so that one step of a recurrent net sees
one column of the written-out sum and can carry what it must remember to the next column.

addition: a and b are uniform n-bit numbers (leading zeros allowed, so every number of at most
n bits is drawn), s = a + b has n + 1 bits. With T = n + 1 steps:

    X[:, t, 0] = bit t of a,  X[:, t, 1] = bit t of b      (zeros at the last step, t = n)
    Y[:, t, 0] = bit t of s = a_t XOR b_t XOR c_t,  c_{t+1} = majority(a_t, b_t, c_t),  c_0 = 0

so Y[:, n, 0] is the final carry. Delayed form (delay = d > 0; Hinton's course lets the answer
come two steps late): the sequence grows to T = n + 1 + d steps, the input gets d more zero steps
at the end, and the answer for column t comes at step t + d: Y[:, t + d, 0] = bit t of s and
Y[:, :d, 0] = 0 (nothing is due yet; mask those steps out of the loss if they should not count).
This form trains a plain many-to-many net; the model's mapping="many-to-many-delayed" does the
same padding itself and takes the undelayed data (delay=0) instead.

parity: X[:, t, 0] are n uniform bits, Y[:, t, 0] = x_0 XOR ... XOR x_t, the parity so far;
final_only=True gives just the parity of all n bits, Y (n_samples, 1), for a many-to-one net.

Every generator takes random_state: None (fresh entropy), an int seed or a numpy Generator,
as scikit-learn's make_* functions do. Bits are float32 0.0/1.0.
"""
from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike

from .. import _checks
from .._checks import check_random_state  # noqa: F401  (part of this module's API)
from .._types import Array, Seed


def add_bits(a: ArrayLike, b: ArrayLike) -> Array:
    """The bits of a + b from the bits of a and b, LSB first: (B, n) and (B, n) -> (B, n + 1).

    Parameters
    ----------
    a, b : array_like of 0/1, (B, n)
        The bits of the operands, least significant first.

    Returns
    -------
    ndarray of int8, (B, n + 1)
        The bits of a + b.

    Examples
    --------
    >>> add_bits([[1, 1, 0]], [[1, 0, 0]]).tolist()          # 3 + 1 = 4
    [[0, 0, 1, 0]]
    """
    a = np.asarray(a, dtype=np.int8)
    b = np.asarray(b, dtype=np.int8)
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(f"a and b must be bit arrays of the same shape (batch, n_bits), "
                         f"got {a.shape} and {b.shape}")
    out = np.empty((a.shape[0], a.shape[1] + 1), dtype=np.int8)
    carry = np.zeros(a.shape[0], dtype=np.int8)
    for t in range(a.shape[1]):
        total = a[:, t] + b[:, t] + carry                    # 0..3: the column's sum
        out[:, t] = total & 1                                 # sum bit
        carry = total >> 1                                    # carry into column t + 1
    out[:, -1] = carry
    return out


def _addition_arrays(a, b, delay):
    """X (B, n + 1 + delay, 2), Y (B, n + 1 + delay, 1) from the bit arrays a, b (B, n)."""
    B, n = a.shape
    T = n + 1 + delay
    X = np.zeros((B, T, 2), dtype=np.float32)
    X[:, :n, 0] = a
    X[:, :n, 1] = b
    Y = np.zeros((B, T, 1), dtype=np.float32)
    Y[:, delay:, 0] = add_bits(a, b)
    return X, Y


def addition(n_samples: int, n_bits: int, random_state: Seed | None = None,
             delay: int = 0) -> tuple[Array, Array]:
    """Random bit-serial additions of two n_bits-bit numbers (see the module docstring).

    Parameters
    ----------
    n_samples : int
        The number of sequences B.
    n_bits : int
        The number of bits n of each operand; the sum has n + 1 bits.
    random_state : None, int or numpy.random.Generator
        None (fresh entropy), a seed or a Generator, as scikit-learn's make_* functions take.
    delay : int
        The number of steps d the answer comes late (see the module docstring).

    Returns
    -------
    X : ndarray of float32, (n_samples, n_bits + 1 + delay, 2)
        The bits of a and b, least significant first.
    Y : ndarray of float32, (n_samples, n_bits + 1 + delay, 1)
        The bits of a + b; the answer for column t is at step t + delay.

    Examples
    --------
    >>> X, Y = addition(n_samples=4, n_bits=8, random_state=0)
    >>> X.shape, Y.shape
    ((4, 9, 2), (4, 9, 1))
    >>> a, b, s = decode_addition(X, Y)
    >>> print(all(x + y == z for x, y, z in zip(a, b, s)))
    True
    """
    n_samples = _checks.check_int(n_samples, "n_samples", minimum=1)
    n_bits = _checks.check_int(n_bits, "n_bits", minimum=1)
    delay = _checks.check_int(delay, "delay", minimum=0)
    rng = check_random_state(random_state)
    bits = rng.integers(0, 2, size=(2, n_samples, n_bits), dtype=np.int8)
    return _addition_arrays(bits[0], bits[1], delay)


def encode_addition(a: ArrayLike, b: ArrayLike, n_bits: int, delay: int = 0) -> tuple[Array, Array]:
    """The addition task's X, Y for given non-negative integers a[i] + b[i] (each < 2**n_bits).

    Parameters
    ----------
    a, b : array_like of int
        Non-negative integers, each < 2**n_bits.
    n_bits : int
        The number of bits n of each operand.
    delay : int
        The number of steps the answer comes late.

    Returns
    -------
    X : ndarray of float32, (B, n_bits + 1 + delay, 2)
    Y : ndarray of float32, (B, n_bits + 1 + delay, 1)

    Examples
    --------
    >>> X, Y = encode_addition([5], [9], n_bits=4)
    >>> [int(v[0]) for v in decode_addition(X, Y)]
    [5, 9, 14]
    """
    n_bits = _checks.check_int(n_bits, "n_bits", minimum=1)
    delay = _checks.check_int(delay, "delay", minimum=0)
    return _addition_arrays(int_to_bits(a, n_bits, "a"), int_to_bits(b, n_bits, "b"), delay)


def parity(n_samples: int, n_bits: int, random_state: Seed | None = None,
           final_only: bool = False) -> tuple[Array, Array]:
    """Random bit strings and their parity.

    Parameters
    ----------
    n_samples : int
        The number of sequences B.
    n_bits : int
        The length n of each bit string.
    random_state : None, int or numpy.random.Generator
        None (fresh entropy), a seed or a Generator.
    final_only : bool
        Whether Y holds only the parity of the whole string (for a many-to-one net).

    Returns
    -------
    X : ndarray of float32, (n_samples, n_bits, 1)
        The bits.
    Y : ndarray of float32, (n_samples, n_bits, 1) or (n_samples, 1)
        The running XOR x_0 XOR ... XOR x_t, or with ``final_only=True`` the parity of all bits.

    Examples
    --------
    >>> X, Y = parity(n_samples=3, n_bits=5, random_state=0)
    >>> print(X.shape, np.array_equal(Y, np.cumsum(X, axis=1) % 2))
    (3, 5, 1) True
    """

    n_samples = _checks.check_int(n_samples, "n_samples", minimum=1)
    n_bits = _checks.check_int(n_bits, "n_bits", minimum=1)
    if not isinstance(final_only, bool):
        raise TypeError(f"final_only must be True or False, got {final_only!r}")
    rng = check_random_state(random_state)
    X = rng.integers(0, 2, size=(n_samples, n_bits, 1), dtype=np.int8)
    return X.astype(np.float32), parity_targets(X, final_only=final_only)


def parity_targets(X: ArrayLike, final_only: bool = False) -> Array:
    """Running parity (B, T, 1) of bit strings X (B, T, 1), or the final parity (B, 1).

    Parameters
    ----------
    X : array_like of 0/1, (B, T, 1)
        Bit strings.
    final_only : bool
        Only the parity of the whole string.

    Returns
    -------
    ndarray of float32
        (B, T, 1), or (B, 1) with ``final_only=True``.

    Examples
    --------
    >>> parity_targets(np.array([[[1], [1], [1]]]))[0, :, 0].tolist()
    [1.0, 0.0, 1.0]
    """
    bits = _bit_array(X, "X", 3)
    running = np.bitwise_xor.accumulate(bits, axis=1).astype(np.float32)
    return running[:, -1, :] if final_only else running


def bits_to_int(bits: ArrayLike) -> Array:
    """Python integers from bit arrays, least significant bit first along the last axis.

    bits (..., n) of 0/1 -> an object array (...) of exact Python ints (any n, no overflow).

    Parameters
    ----------
    bits : array_like of 0/1, (..., n)
        Bits, least significant first.

    Returns
    -------
    ndarray of object, (...)
        Exact Python ints.

    Examples
    --------
    >>> bits_to_int([[1, 0, 1], [0, 0, 1]]).tolist()
    [5, 4]
    """
    arr = _bit_array(bits, "bits", None)
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise ValueError(f"bits must have at least one bit along the last axis, got {arr.shape}")
    flat = arr.reshape(-1, arr.shape[-1])[:, ::-1]            # most significant bit first
    ints = [int("".join("01"[v] for v in row), 2) for row in flat]
    out = np.empty(len(ints), dtype=object)
    out[:] = ints
    return out.reshape(arr.shape[:-1])


def int_to_bits(values: ArrayLike, n_bits: int, name: str = "values") -> Array:
    """Bits (B, n_bits), least significant first, of non-negative integers each < 2**n_bits.

    Parameters
    ----------
    values : array_like of int, (B,)
        Non-negative integers, each < 2**n_bits.
    n_bits : int
        The number of bits.
    name : str
        What errors call `values`.

    Returns
    -------
    ndarray of int8, (B, n_bits)

    Examples
    --------
    >>> int_to_bits([6], 4).tolist()
    [[0, 1, 1, 0]]
    """
    n_bits = _checks.check_int(n_bits, "n_bits", minimum=1)
    vals = [values] if np.ndim(values) == 0 else list(np.asarray(values, dtype=object).ravel())
    out = np.zeros((len(vals), n_bits), dtype=np.int8)
    for i, v in enumerate(vals):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0 or v >> n_bits:
            raise ValueError(f"{name} must hold integers in 0..2**{n_bits} - 1, got {v!r}")
        v = int(v)
        for t in range(n_bits):
            out[i, t] = (v >> t) & 1
    return out


def decode_addition(X: Array, Y: Array, delay: int = 0) -> tuple[Array, Array, Array]:
    """(a, b, s) as Python ints from the addition task's X (B, T, 2) and Y (B, T, 1).

    s reads Y's answers, so s == a + b for every sample of a correct X, Y (or of a correct
    prediction rounded to 0/1).

    Parameters
    ----------
    X : array_like, (B, T, 2)
        The addition task's inputs.
    Y : array_like, (B, T, 1)
        Its targets, or a prediction rounded to 0/1.
    delay : int
        The delay the data were made with.

    Returns
    -------
    a, b, s : ndarray of object, (B,)
        The operands and Y's answers as Python ints.
    """
    X = _bit_array(X, "X", 3)
    Y = _bit_array(Y, "Y", 3)
    if X.shape[2] != 2 or Y.shape != X.shape[:2] + (1,):
        raise ValueError(f"X must have shape (batch, steps, 2) and Y (batch, steps, 1) with the "
                         f"same batch and steps, got {X.shape} and {Y.shape}")
    return bits_to_int(X[:, :, 0]), bits_to_int(X[:, :, 1]), bits_to_int(Y[:, delay:, 0])


def _bit_array(value, name, ndim):
    """An int8 array of 0/1 values (floats 0.0/1.0 and bools accepted)."""
    arr = _checks.as_array(value, name, ndim=ndim)
    bits = arr.astype(np.int8)
    if not np.array_equal(bits, arr):
        raise ValueError(f"{name} must hold only 0/1 bits")
    if bits.size and (bits.min() < 0 or bits.max() > 1):
        raise ValueError(f"{name} must hold only 0/1 bits, got values in "
                         f"{int(bits.min())}..{int(bits.max())}")
    return bits
