"""Stability: how signals and gradients grow or shrink with the time lag, measured on real models.

Forward. An Elman layer a(t) = W0 x(t) + W11 h(t-1) + b0, h(t) = f(a(t)) has the step Jacobian

    J(t) = dh(t)/dh(t-1) = diag(f'(a(t))) W11                                    (H, H)

so an input at t = 1 reaches h(t) through the product of Jacobians along the trajectory:

    dh(t)/dx(1) = J(t) J(t-1) ... J(2) diag(f'(a(1))) W0                          (H, D)

With linear units (f' = 1) this is the lecture's (W11)^(t-1) W0, whatever the trajectory: the
term (W11)^(t-1) W0 x(1) that h(t) carries of x(1).

Backward (BPTT). The total gradient reaching h(t) is what arrives from above at t plus what comes
back from t+1 through the same Jacobian, transposed:

    dL/dh(t) = g(t) + J(t+1)^T dL/dh(t+1)

so a loss at step T reaches h(T - k) through J(T)^T ... J(T-k+1)^T: gradients across a lag of k
steps are governed by the same products as the forward signals.

Theory (Pascanu, Mikolov and Bengio 2013, "On the difficulty of training recurrent neural
networks"). Let rho = spectral radius of W11 (largest |eigenvalue|) and sigma = its largest
singular value (rho <= sigma), and gamma = sup |f'| (1 for tanh and relu).
  - Linear units: ||W11^k|| behaves like rho^k for large k (Gelfand: ||W11^k||^(1/k) -> rho).
    rho < 1 suffices for the products to vanish; rho > 1 is necessary for them to explode.
  - Nonlinear units: ||J(t) ... J(t-k+1)|| <= (gamma sigma)^k, so sigma < 1/gamma (sigma < 1 for
    tanh) suffices for vanishing. With tanh the forward signal stays bounded (|h| < 1) whatever
    W11: it is the gradient (a product of Jacobians) that can explode.

Norms. Matrix norms here are the spectral norm (largest singular value: the largest gain over
all directions) unless norm="frobenius" is asked for; a vector's norm is the Euclidean norm.
All functions return numbers only; rnnlab.plots draws them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _checks
from ..nn import activations
from ..nn import init as _init
from .._types import Array

if TYPE_CHECKING:
    from ..model import RNN

NORMS = ("spectral", "frobenius")


# -- the matrix quantities of the theory ----------------------------------------------------------
def spectral_radius(W: ArrayLike) -> float:
    """rho(W) = max |eigenvalue| of a square W, exact (from the eigenvalues).

    Theory: for linear units the products W11^k vanish when rho < 1 (sufficient) and can only
    explode when rho > 1 (necessary); ||W11^k||^(1/k) -> rho as k grows.

    Parameters
    ----------
    W : array_like, (H, H)
        A square matrix (W11).

    Returns
    -------
    float

    Examples
    --------
    >>> round(spectral_radius([[0.0, 2.0], [0.5, 0.0]]), 12)        # eigenvalues +1 and -1
    1.0
    """
    return _init.spectral_radius(_square(W, "W"))


def largest_singular_value(W: ArrayLike) -> float:
    """sigma(W) = the spectral norm ||W||_2 = the largest singular value (>= rho(W)).

    Theory: with tanh (|f'| <= 1), sigma(W11) < 1 suffices for the Jacobian products
    diag(f'(a(t))) W11 to vanish, whatever the trajectory: ||J(t) ... J(1)|| <= sigma^t.

    Parameters
    ----------
    W : array_like, (H, H)
        A square matrix (W11).

    Returns
    -------
    float

    Examples
    --------
    >>> round(largest_singular_value([[0.0, 2.0], [0.5, 0.0]]), 12)
    2.0
    """
    W = _square(W, "W")
    return float(np.linalg.norm(W, 2)) if W.size else 0.0


def growth_rate(norms: ArrayLike, start: int | None = None) -> float:
    """The geometric mean factor per step of a positive series n(0..T-1) over its tail.

    rate = (n(T-1) / n(s)) ** (1 / (T-1-s)), s = start (default: the middle of the series).
    For linear units the impulse response's rate tends to rho(W11) (Gelfand's formula):
    < 1 vanishing, > 1 exploding.

    Parameters
    ----------
    norms : array_like, (T,)
        A positive series, e.g. `impulse_response`'s norms.
    start : int, optional
        The first index s of the tail; default the middle of the series.

    Returns
    -------
    float

    Examples
    --------
    >>> round(growth_rate(0.5 ** np.arange(20)), 6)
    0.5
    """
    n = _checks.as_array(norms, "norms", ndim=1, finite=False).astype(np.float64)
    if n.size < 2:
        raise ValueError(f"norms must hold at least 2 values, got {n.size}")
    s = n.size // 2 if start is None else _checks.check_int(start, "start", minimum=0)
    if s >= n.size - 1:
        raise ValueError(f"start must be below {n.size - 1}, got {s}")
    if n[s] <= 0 or n[-1] <= 0:
        return 0.0
    return float(np.exp((np.log(n[-1]) - np.log(n[s])) / (n.size - 1 - s)))


# -- forward: Jacobians along a trajectory --------------------------------------------------------
def step_jacobians(model: RNN, x: ArrayLike, *, layer: int = -1) -> Array:
    """J(t) = dh(t)/dh(t-1) = diag(f'(a(t))) W11 of one layer along the trajectory of x.

    x (T, D): one input sequence (h(0) = 0). Returns (T, H, H), index t-1 for step t (float64).
    Theory: the product of these matrices carries signals and gradients across time.

    Parameters
    ----------
    model : RNN
        An Elman model.
    x : array_like, (T, D)
        One input sequence.
    layer : int
        The layer (from 0; -1 the top one).

    Returns
    -------
    ndarray of float64, (T, H, H)
        Index t-1 holds J(t).
    """
    d, W11 = _layer_terms(model, x, layer)
    return d[:, :, None] * W11[None]                                 # diag(f'(a(t))) W11


def jacobian_products(model: RNN, x: ArrayLike, *, layer: int = -1,
                      norm: str = "spectral") -> dict[str, Array]:
    """The products P(t) = J(t) J(t-1) ... J(1) = dh(t)/dh(0) of one layer, t = 1..T.

    x (T, D): the input sequence that fixes the trajectory (h(0) = 0).
    Returns {"products": (T, H, H), "norms": (T,), "bound": (T,)} where bound(t) =
    prod_{k<=t} max_i |f'(a_i(k))| * sigma(W11)^t >= the spectral norm of P(t) (Pascanu et al.:
    with tanh, sigma < 1 makes the bound, and the products, vanish). Linear units: P(t) = W11^t.

    Parameters
    ----------
    model : RNN
        An Elman model.
    x : array_like, (T, D)
        The input sequence that fixes the trajectory.
    layer : int
        The layer (from 0; -1 the top one).
    norm : {"spectral", "frobenius"}
        The norm of each product.

    Returns
    -------
    dict
        ``{"products": (T, H, H), "norms": (T,), "bound": (T,)}``.

    Examples
    --------
    >>> model = rl.RNN(n_in=1, n_hidden=4, n_out=1, activation="identity", dtype="float64")
    >>> W11 = model.params["layers"][0]["W11"]
    >>> P = jacobian_products(model, np.zeros((3, 1)))["products"]
    >>> print(np.allclose(P[2], W11 @ W11 @ W11))           # linear units: P(t) = W11^t
    True
    """
    _checks.check_choice(norm, "norm", NORMS)
    d, W11 = _layer_terms(model, x, layer)                           # (T, H), (H, H)
    P = np.empty((len(d),) + W11.shape)                              # (T, H, H)
    prev = np.eye(W11.shape[0])
    for t in range(len(d)):
        prev = P[t] = d[t][:, None] * (W11 @ prev)          # P(t) = diag(f'(a(t))) W11 P(t-1)
    gain = np.abs(d).max(axis=1) * largest_singular_value(W11)       # ||J(t)|| <= max|f'| sigma
    return {"products": P, "norms": _matrix_norms(P, norm), "bound": np.cumprod(gain)}


def _layer_terms(model, x, layer):
    """(f'(a(t)) (T, H), W11 (H, H)) of one layer along the trajectory of x, float64."""
    hs = _trajectory(model, x)
    layer = _layer_index(layer, model.n_layers)
    return (_derivative(hs[layer], model.activation),
            np.asarray(model.params["layers"][layer]["W11"], dtype=np.float64))


def input_jacobians(model: RNN, x: ArrayLike, *, direction: ArrayLike | None = None) -> Array:
    """dh(t)/dx(1) of the top layer for t = 1..T along the trajectory of x (forward mode, exact).

    x (T, D): one input sequence. direction (D,): return the response (dh(t)/dx(1)) v to a
    perturbation of x(1) along v instead. Returns (T, H, D), or (T, H) with a direction (float64).
    Linear units, one layer: dh(t)/dx(1) = W11^(t-1) W0 (the lecture's term).

    Parameters
    ----------
    model : RNN
        An Elman model.
    x : array_like, (T, D)
        One input sequence.
    direction : array_like, (D,), optional
        Return the response to a perturbation of x(1) along this vector instead.

    Returns
    -------
    ndarray of float64
        (T, H, D), or (T, H) with a direction.
    """
    hs = _trajectory(model, x)
    D = model.n_in
    seed = np.eye(D) if direction is None else _direction(direction, D)[:, None]   # (D, D')
    below = np.zeros((len(hs[0]), D, seed.shape[1]))                 # dx(t)/dx(1): seed at t = 1
    below[0] = seed
    for p, h in zip(model.params["layers"], hs):
        below = _layer_tangent(p, _derivative(h, model.activation), below)
    return below if direction is None else below[:, :, 0]


def _layer_tangent(p, d, below):
    """Forward-mode through one layer: G(t) = diag(f'(a(t))) (W0 G_below(t) + W11 G(t-1))."""
    W0, W11 = (np.asarray(p[k], dtype=np.float64) for k in ("W0", "W11"))
    G = np.empty((len(d), W11.shape[0], below.shape[2]))             # (T, H, D')
    prev = np.zeros(G.shape[1:])
    for t in range(len(d)):
        a_dot = W0 @ below[t] + W11 @ prev                  # da(t) = W0 dx(t) + W11 dh(t-1)
        prev = G[t] = d[t][:, None] * a_dot                          # dh(t) = f'(a(t)) da(t)
    return G


def impulse_response(model: RNN, T: int, *, x: ArrayLike | None = None,
                     direction: ArrayLike | None = None, norm: str = "spectral") -> Array:
    """||dh(t)/dx(1)|| for t = 1..T: how strongly h(t) still feels the input at t = 1. (T,)

    x (T, D): the trajectory (default zeros: the response around the rest state from h(0) = 0).
    norm: "spectral" (the largest gain over input directions, default) or "frobenius" of the
    (H, D) Jacobian; with a direction v, the Euclidean norm of dh(t)/dx(1) v.
    Theory: linear units give exactly ||W11^(t-1) W0||, which shrinks like rho^(t-1) for
    rho < 1 and grows like rho^(t-1) for rho > 1; with tanh it is at most sigma^(t-1) ||W0||.

    Parameters
    ----------
    model : RNN
        An Elman model.
    T : int
        The number of steps.
    x : array_like, (T, D), optional
        The trajectory; default zeros.
    direction : array_like, (D,), optional
        A perturbation direction v of x(1).
    norm : {"spectral", "frobenius"}
        The norm of the (H, D) Jacobian.

    Returns
    -------
    ndarray of float64, (T,)

    Examples
    --------
    >>> model = rl.RNN(n_in=1, n_hidden=8, n_out=1, activation="identity", radius=0.5,
    ...                dtype="float64")
    >>> round(growth_rate(impulse_response(model, 40)), 3)      # rho(W11) = 0.5
    0.5
    """
    T = _checks.check_int(T, "T", minimum=1)
    _checks.check_choice(norm, "norm", NORMS)
    if x is None:
        x = np.zeros((T, model.n_in))
    x = _checks.as_array(x, "x", ndim=2)
    if len(x) != T:
        raise ValueError(f"x must have T={T} steps (shape ({T}, {model.n_in})), got {x.shape}")
    G = input_jacobians(model, x, direction=direction)
    return np.linalg.norm(G, axis=1) if direction is not None else _matrix_norms(G, norm)


# -- backward: the real BPTT ----------------------------------------------------------------------
def gradient_norms(model: RNN, X: ArrayLike, Y: ArrayLike,
                   mask: ArrayLike | None = None) -> dict[str, Array]:
    """||dL/dh(t)|| of the top layer and ||dL/dx(t)|| for t = 1..T, from the model's own BPTT.

    X, Y, mask as for model.loss_and_grads (mappings many-to-many, many-to-one and
    many-to-many-delayed). dL/dh(t) is the total gradient reaching the top layer's state, the
    cell's state_grads; each norm is the Euclidean norm over the whole batch, (B, H) or (B, D),
    of the gradient of the model's loss L (bidirectional: [dL/dh_f(t); dL/dh_b(t)]).
    Returns {"h": (T',), "x": (T,)}, time order, index 0 is t = 1 (T' = T + delay).
    Theory: a loss at step T reaches h(T-k) through k transposed Jacobians, so for linear
    units ||dL/dh(T-k)|| ~ rho^k, and with tanh it is at most sigma^k ||dL/dh(T)||.

    Parameters
    ----------
    model : RNN
        The model.
    X, Y : array_like
        Inputs and targets, as for ``model.loss_and_grads``.
    mask : array_like of bool, optional
        (B, T): the steps that count.

    Returns
    -------
    dict
        ``{"h": (T',), "x": (T,)}`` in time order, index 0 is t = 1 (T' = T + delay).
    """

    if model.mapping.name not in ("many-to-many", "many-to-one", "many-to-many-delayed"):
        raise ValueError(f"gradient_norms needs a mapping that reads a sequence X (B, T, D), "
                         f"got mapping={model.mapping.name!r}")
    g: Any = model.state_grads(X, Y, mask)                   # (B, T', H) per direction
    g = list(g.values()) if isinstance(g, dict) else [g]
    h = np.sqrt(sum(np.sum(np.square(gi, dtype=np.float64), axis=(0, 2)) for gi in g))
    _, _, inputs = model.loss_and_grads(X, Y, mask, input_grads=True)
    dX = np.asarray(inputs["X"], dtype=np.float64)                   # (B, T, D)
    return {"h": h, "x": np.sqrt(np.sum(dX * dX, axis=(0, 2)))}


# -- helpers --------------------------------------------------------------------------------------
def _square(W: ArrayLike, name: str) -> Array:
    W = _checks.as_array(W, name, ndim=2).astype(np.float64)
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {W.shape}")
    return W


def _check_elman(model):
    if model.net.cell.GATES != 1:
        raise ValueError(f"Jacobians diag(f'(a)) W11 need a cell without gates (cell='elman'), "
                         f"got cell={model.cell!r}; gradient_norms works for every cell")
    if model.bidirectional:
        raise ValueError("Jacobians along a trajectory need a unidirectional model, got "
                         "bidirectional=True")


def _trajectory(model, x):
    """Every layer's states h(1..T) on one sequence x (T, D) from h(0) = 0: a list of (T, H)."""
    _check_elman(model)
    x = _checks.as_array(x, "x", ndim=2)
    if x.shape[1] != model.n_in or len(x) == 0:
        raise ValueError(f"x must have shape (T, {model.n_in}) with T >= 1, got {x.shape}")
    zeros = [np.zeros((1, model.n_hidden)) for _ in range(model.n_layers)]
    return [h[0] for h in model.states(x[None], h0=zeros)]


def _derivative(h, activation):
    """f'(a(t)) of one layer from its states h (T, H): float64 (ones for identity units)."""
    d = activations.hidden_grad(h, activation)
    return np.ones(h.shape) if d is None else np.asarray(d, dtype=np.float64)


def _layer_index(layer, n_layers):
    layer = _checks.check_int(layer, "layer")
    if not -n_layers <= layer < n_layers:
        raise ValueError(f"layer must lie in {-n_layers}..{n_layers - 1}, got {layer}")
    return layer % n_layers


def _direction(v, D):
    v = _checks.as_array(v, "direction", ndim=1).astype(np.float64)
    if v.shape != (D,):
        raise ValueError(f"direction must have shape ({D},) (n_in), got {v.shape}")
    return v


def _matrix_norms(M, norm):
    """Spectral or Frobenius norm of each matrix of a stack M (T, m, n). (T,)"""
    if norm == "frobenius":
        return np.sqrt(np.sum(M * M, axis=(1, 2)))
    return np.linalg.svd(M, compute_uv=False)[:, 0]
