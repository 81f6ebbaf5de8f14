"""Weight initialisers. Each takes an explicit `rng` (numpy Generator) and returns a new array.

- uniform(shape, bound): U(-bound, bound); PyTorch's RNN/LSTM/GRU use bound = 1/sqrt(H) for every
  weight and bias, nn.Linear uses 1/sqrt(fan_in).
- xavier_uniform(shape): U(-b, b), b = sqrt(6 / (fan_in + fan_out)) (Glorot and Bengio 2010).
- orthogonal(n): a random orthogonal matrix, QR of a Gaussian with the signs of R's diagonal fixed
  so that the distribution is uniform (Haar) over the orthogonal group (Saxe et al. 2014).
- identity(n): the identity, for the IRNN (identity W11 with ReLU units, Le, Jaitly, Hinton 2015).
- spectral_radius(W) and scale_to_radius(W, rho): rescale a square W so that its largest
  |eigenvalue| is rho, the quantity that decides whether signals explode or vanish.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .._types import Array

SCHEMES = ("uniform", "xavier", "orthogonal", "identity")


def uniform(shape: tuple[int, ...], bound: float, *, rng: np.random.Generator,
            dtype: DTypeLike = np.float32) -> Array:
    """U(-bound, bound) of the given shape.

    Parameters
    ----------
    shape : tuple of int
        The array's shape.
    bound : float
        The half-width.
    rng : numpy.random.Generator
        The generator.
    dtype : numpy dtype
        float32 or float64.

    Returns
    -------
    ndarray
    """
    return rng.uniform(-bound, bound, size=shape).astype(dtype)


def xavier_uniform(shape: tuple[int, ...], *, rng: np.random.Generator,
                   dtype: DTypeLike = np.float32) -> Array:
    """Glorot uniform for a weight stored (fan_out, fan_in).

    Parameters
    ----------
    shape : (int, int)
        (fan_out, fan_in).
    rng : numpy.random.Generator
        The generator.
    dtype : numpy dtype
        float32 or float64.

    Returns
    -------
    ndarray
    """
    fan_out, fan_in = shape
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return uniform(shape, bound, rng=rng, dtype=dtype)


def orthogonal(n: int, *, rng: np.random.Generator, dtype: DTypeLike = np.float32) -> Array:
    """A Haar-random n x n orthogonal matrix.

    Parameters
    ----------
    n : int
        The size.
    rng : numpy.random.Generator
        The generator.
    dtype : numpy dtype
        float32 or float64.

    Returns
    -------
    ndarray, (n, n)

    Examples
    --------
    >>> Q = orthogonal(4, rng=np.random.default_rng(0), dtype=np.float64)
    >>> print(np.allclose(Q @ Q.T, np.eye(4)))
    True
    """
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    q *= np.sign(np.diag(r))                     # fix the signs: uniform over O(n)
    return q.astype(dtype)


def identity(n: int, *, dtype: DTypeLike = np.float32) -> Array:
    """The n x n identity.

    Parameters
    ----------
    n : int
        The size.
    dtype : numpy dtype
        float32 or float64.

    Returns
    -------
    ndarray, (n, n)
    """
    return np.eye(n, dtype=dtype)


def spectral_radius(W: ArrayLike) -> float:
    """max |eigenvalue| of a square matrix (exact, from the eigenvalues).

    Parameters
    ----------
    W : array_like, (n, n)
        A square matrix.

    Returns
    -------
    float
    """
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be a square matrix, got shape {W.shape}")
    return float(np.max(np.abs(np.linalg.eigvals(W)))) if W.size else 0.0


def scale_to_radius(W: Array, rho: float) -> Array:
    """W rescaled so that its spectral radius is rho (W unchanged when its radius is 0).

    Parameters
    ----------
    W : ndarray, (n, n)
        A square matrix.
    rho : float
        The wanted spectral radius.

    Returns
    -------
    ndarray, (n, n)

    Examples
    --------
    >>> W = orthogonal(5, rng=np.random.default_rng(1), dtype=np.float64)
    >>> round(spectral_radius(scale_to_radius(W, 0.9)), 12)
    0.9
    """
    r = spectral_radius(W)
    if r == 0.0:
        return W.copy()
    return (W * (rho / r)).astype(W.dtype)


def recurrent(n_in: int, n_hidden: int, n_gates: int, *, rng: np.random.Generator, dtype: DTypeLike,
              scheme: str = "uniform", radius: float | None = None) -> tuple[Array, Array, Array]:
    """(W0, W11, b0) for a layer whose gates stack `n_gates` blocks of H rows.

    The schemes::

        uniform     every entry U(-1/sqrt(H), 1/sqrt(H)), PyTorch's scheme for its recurrent weights
                    (its effective bias, bias_ih + bias_hh, is the sum of two such draws; ours is one)
        xavier      W0 and each H x H block of W11 Glorot uniform, b0 = 0
        orthogonal  W0 Glorot uniform, each block of W11 orthogonal, b0 = 0
        identity    W0 ~ N(0, 0.001^2), each block of W11 the identity, b0 = 0 (the IRNN)
        radius      when given, each block of W11 is then rescaled to this spectral radius

    Parameters
    ----------
    n_in : int
        D.
    n_hidden : int
        H.
    n_gates : int
        Blocks of H rows (Elman 1, GRU 3, LSTM 4).
    rng : numpy.random.Generator
        The generator.
    dtype : numpy dtype
        float32 or float64.
    scheme : {"uniform", "xavier", "orthogonal", "identity"}
        See above.
    radius : float, optional
        See above.

    Returns
    -------
    W0 : ndarray, (n_gates H, D)
    W11 : ndarray, (n_gates H, H)
    b0 : ndarray, (n_gates H,)
    """
    H, G = n_hidden, n_gates
    if scheme == "uniform":
        k = 1.0 / np.sqrt(H)
        W0 = uniform((G * H, n_in), k, rng=rng, dtype=dtype)
        W11 = uniform((G * H, H), k, rng=rng, dtype=dtype)
        b0 = uniform((G * H,), k, rng=rng, dtype=dtype)
    elif scheme in ("xavier", "orthogonal", "identity"):
        if scheme == "identity":
            W0 = (0.001 * rng.standard_normal((G * H, n_in))).astype(dtype)
        else:
            W0 = np.concatenate([xavier_uniform((H, n_in), rng=rng, dtype=dtype) for _ in range(G)])
        blocks = {"xavier": lambda: xavier_uniform((H, H), rng=rng, dtype=dtype),
                  "orthogonal": lambda: orthogonal(H, rng=rng, dtype=dtype),
                  "identity": lambda: identity(H, dtype=dtype)}[scheme]
        W11 = np.concatenate([blocks() for _ in range(G)])
        b0 = np.zeros(G * H, dtype=dtype)
    else:
        raise ValueError(f"init must be one of {', '.join(SCHEMES)}; got {scheme!r}")
    if radius is not None:
        W11 = np.concatenate([scale_to_radius(W11[g * H:(g + 1) * H], radius) for g in range(G)])
    return W0, W11, b0
