"""What the compiled loops of every cell share: compile options, tanh and sigmoid that the
compiler can turn into SIMD instructions, the small in-loop product, and the array conventions.

numba's math.tanh calls the C library's scalar tanh, which no compiler vectorises (about 10 ns
an element, against NumPy's SIMD loops at about 1 ns). For float32, `tanh` is instead a rational
function of x (degree 13 over degree 6, the coefficients of Eigen's float32 tanh), evaluated in
float32 (+-1 where |x| >= 7.9988, where tanh rounds to +-1 in float32; x itself where
|x| < 0.0004): pure
arithmetic, so each loop over a row of gates becomes SIMD code. Its error is a few units in
the last place of float32 (tests/nn/compiled/test_common.py checks it against float64 tanh over
the whole range), the same accuracy as NumPy's own float32 tanh. float64 keeps math.tanh: its
results agree with NumPy's to the last bit or two, which the float64 gradient checks need.

sigmoid(a) = (1 + tanh(a / 2)) / 2 exactly, so one tanh serves every gate.

numba's disk cache checks each compiled function's own source file only: after editing this
module, touch the cell modules (or delete their __pycache__) so that their loops recompile.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit, types
from numba.extending import overload

from .. import _time

_CLAMP = np.float32(7.99881172180175781)
_TINY = np.float32(0.0004)
_ALPHA = tuple(np.float32(v) for v in (          # numerator, odd powers 1, 3, ..., 13
    4.89352455891786e-03, 6.37261928875436e-04, 1.48572235717979e-05, 5.12229709037114e-08,
    -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16))
_BETA = tuple(np.float32(v) for v in (           # denominator, even powers 0, 2, 4, 6
    4.89352518554385e-03, 2.26843463243900e-03, 1.18534705686654e-04, 1.19825839466702e-06))
A1, A3, A5, A7, A9, A11, A13 = _ALPHA
B0, B2, B4, B6 = _BETA
HALF32 = np.float32(0.5)
_ONE = np.float32(1)


def tanh(x: float) -> float:
    """tanh(x): a vectorisable rational approximation for float32, math.tanh for float64.

    Called from Python, it is math.tanh; the float32 approximation is what compiled code gets
    (numba's overload).

    Parameters
    ----------
    x : float
        The argument.

    Returns
    -------
    float
        tanh(x).
    """
    return math.tanh(x)


def sigmoid(x: float) -> float:
    """1 / (1 + exp(-x)) = (1 + tanh(x / 2)) / 2, with `tanh` above.

    Parameters
    ----------
    x : float
        The argument.

    Returns
    -------
    float
        sigmoid(x).
    """
    return 0.5 + 0.5 * math.tanh(0.5 * x)


@overload(tanh)
def _tanh_impl(x):
    if x == types.float32:
        def impl(x):
            c = max(min(x, _CLAMP), -_CLAMP)
            x2 = c * c
            p = x2 * A13 + A11
            p = x2 * p + A9
            p = x2 * p + A7
            p = x2 * p + A5
            p = x2 * p + A3
            p = x2 * p + A1
            p = c * p
            q = x2 * B6 + B4
            q = x2 * q + B2
            q = x2 * q + B0
            r = p / q
            r = (_ONE if x > 0 else -_ONE) if abs(x) >= _CLAMP else r    # saturated: +-1
            return x if abs(x) < _TINY else r
        return impl
    return lambda x: math.tanh(x)


@overload(sigmoid)
def _sigmoid_impl(x):
    if x == types.float32:
        return lambda x: HALF32 + HALF32 * tanh(HALF32 * x)
    return lambda x: 0.5 + 0.5 * math.tanh(0.5 * x)


# options for every compiled loop: cached on disk; float division by zero gives inf/nan as in
# NumPy instead of a check that keeps loops from becoming SIMD code (no fastmath: the same
# rounding as written)
OPTIONS = dict(cache=True, nogil=True, error_model="numpy")


@njit(**OPTIONS)
def tanh_array(x, out):
    """out[...] = tanh(x) elementwise (1-D arrays): the compiled tanh, for tests and timing.

    Parameters
    ----------
    x : ndarray, (N,)
        The arguments (float32 or float64).
    out : ndarray, (N,)
        Filled with tanh(x).
    """
    for i in range(x.shape[0]):
        out[i] = tanh(x[i])


@njit(**OPTIONS)
def add_rows(out, x, W):
    """out += x W: out (N,) += sum_j x[j] W[j, :], W (J, N) C-ordered. Eight rows of W per pass
    over out (an eighth of the loads and stores of out), each pass SIMD over N; within a pass
    the eight products are summed pairwise before joining out.

    Parameters
    ----------
    out : ndarray, (N,)
        Added to in place.
    x : ndarray, (J,)
        The row vector.
    W : ndarray, (J, N)
        The matrix, C-ordered.
    """
    J, N = W.shape
    j = 0
    while j + 8 <= J:
        x0, x1, x2, x3 = x[j], x[j + 1], x[j + 2], x[j + 3]
        x4, x5, x6, x7 = x[j + 4], x[j + 5], x[j + 6], x[j + 7]
        w0, w1, w2, w3 = W[j], W[j + 1], W[j + 2], W[j + 3]
        w4, w5, w6, w7 = W[j + 4], W[j + 5], W[j + 6], W[j + 7]
        for n in range(N):
            out[n] += (((x0 * w0[n] + x1 * w1[n]) + (x2 * w2[n] + x3 * w3[n]))
                       + ((x4 * w4[n] + x5 * w5[n]) + (x6 * w6[n] + x7 * w7[n])))
        j += 8
    while j < J:
        xj, wj = x[j], W[j]
        for n in range(N):
            out[n] += xj * wj[n]
        j += 1


@njit(**OPTIONS)
def _transpose(W, out):
    N, M = W.shape
    for i0 in range(0, N, 32):                    # 32 x 32 tiles: both sides stay in cache
        for j0 in range(0, M, 32):
            for i in range(i0, min(i0 + 32, N)):
                for j in range(j0, min(j0 + 32, M)):
                    out[j, i] = W[i, j]


def transposed(W: np.ndarray, dtype: Any) -> np.ndarray:
    """W.T as a new C-ordered array of `dtype` (twice as fast as np.ascontiguousarray(W.T) at
    H = 512; BLAS multiplies h(t-1) (B, H) by a C-ordered W11^T faster than by the view).

    Parameters
    ----------
    W : ndarray, (N, M)
        The matrix.
    dtype : dtype
        The result's dtype.

    Returns
    -------
    ndarray, (M, N)
        W.T, C-ordered.
    """
    W = np.ascontiguousarray(W, dtype=dtype)
    out = np.empty((W.shape[1], W.shape[0]), dtype=dtype)
    _transpose(W, out)
    return out


# -- array conventions of the compiled passes ----------------------------------------------------
NO_MASK = np.zeros((0, 0), dtype=bool)          # "no mask"


def visiting(arr: np.ndarray | None, reverse: bool, dtype: Any) -> np.ndarray:
    """A time-major array as a C-ordered array of `dtype` in visiting order (a copy when
    reversed); None -> an empty (0, 0, 0) array, "nothing from above".

    Parameters
    ----------
    arr : ndarray, (T, ...), or None
        The array, time order.
    reverse : bool
        Whether the pass visits t = T..1.
    dtype : dtype
        The result's dtype.

    Returns
    -------
    ndarray
        The array in visiting order.
    """
    if arr is None:
        return np.zeros((0, 0, 0), dtype=dtype)
    return np.ascontiguousarray(_time.steps(arr, reverse), dtype=dtype)


def visiting_mask(mask: np.ndarray | None, reverse: bool) -> np.ndarray:
    """The mask (T, B) as a C-ordered bool array in visiting order; NO_MASK for None.

    Parameters
    ----------
    mask : ndarray of bool, (T, B), or None
        The real steps, time order.
    reverse : bool
        Whether the pass visits t = T..1.

    Returns
    -------
    ndarray of bool
        The mask in visiting order, or NO_MASK (shape (0, 0)).
    """
    return NO_MASK if mask is None else np.ascontiguousarray(_time.steps(mask, reverse), dtype=bool)


def time_order(arr: np.ndarray, reverse: bool) -> np.ndarray:
    """A visiting-order array back in time order, C-ordered.

    Parameters
    ----------
    arr : ndarray, (T, ...)
        The array, visiting order.
    reverse : bool
        Whether the pass visited t = T..1.

    Returns
    -------
    ndarray
        The array in time order.
    """
    return np.ascontiguousarray(_time.steps(arr, reverse))
