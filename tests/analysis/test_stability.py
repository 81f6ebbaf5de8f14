"""Stability measurements against hand-computed cases and finite differences (torch autograd as
the oracle for gradient norms: test_stability_torch.py)."""
import math

import numpy as np
import pytest

import rnnlab as rl
from rnnlab.analysis import stability as st


def elman(D, H, K=1, *, activation="identity", W11=None, W0=None, b0=None, **kw):
    """A float64 Elman model, with the first layer's weights set in place when given."""
    m = rl.RNN(D, H, K, activation=activation, dtype="float64", **kw)
    p = m.params["layers"][0]
    for name, value in (("W11", W11), ("W0", W0), ("b0", b0)):
        if value is not None:
            p[name][...] = value
    return m


def readout_is_h(m):
    """W1 = I, b1 = 0: predict() returns the top layer's states h(t)."""
    m.params["output"]["W1"][...] = np.eye(m.n_hidden)
    m.params["output"]["b1"][...] = 0.0
    return m


def scaled(rng, H, *, rho=None, sigma=None):
    """A random H x H matrix rescaled to a given spectral radius or largest singular value."""
    W = rng.standard_normal((H, H))
    if rho is not None:
        return W * (rho / np.max(np.abs(np.linalg.eigvals(W))))
    return W * (sigma / np.linalg.norm(W, 2))


# -- spectral radius and singular value, by hand ----------------------------------------------
ROT = np.array([[0.0, -1.0], [1.0, 0.0]])
JORDAN = np.array([[0.5, 10.0], [0.0, 0.5]])


@pytest.mark.parametrize("W, rho, sigma", [
    (np.diag([0.5, -2.0]), 2.0, 2.0),
    (0.9 * ROT, 0.9, 0.9),                                  # complex eigenvalues +-0.9i
    (JORDAN, 0.5, (math.sqrt(101) + 10) / 2),               # s1 s2 = 1/4, s1^2 + s2^2 = 100.5
    (np.zeros((3, 3)), 0.0, 0.0),
])
def test_radius_and_singular_value_by_hand(W, rho, sigma):
    assert st.spectral_radius(W) == pytest.approx(rho, abs=1e-12)
    assert st.largest_singular_value(W) == pytest.approx(sigma, abs=1e-12)


@pytest.mark.parametrize("fn", [st.spectral_radius, st.largest_singular_value])
def test_square_matrix_required(fn):
    with pytest.raises(ValueError, match=r"W must be a square matrix, got shape \(2, 3\)"):
        fn(np.ones((2, 3)))


@pytest.mark.parametrize("factor", [0.7, 1.0, 1.3])
def test_growth_rate_of_a_geometric_series(factor):
    norms = 3.0 * factor ** np.arange(40)
    assert st.growth_rate(norms) == pytest.approx(factor, rel=1e-12)
    assert st.growth_rate(norms, start=0) == pytest.approx(factor, rel=1e-12)


# -- impulse response ---------------------------------------------------------------------------
@pytest.mark.parametrize("norm, ord_", [("spectral", 2), ("frobenius", "fro")])
def test_linear_impulse_is_the_matrix_power(rng, norm, ord_):
    """Linear units: dh(t)/dx(1) = W11^(t-1) W0, on any trajectory."""
    m = elman(3, 5, activation="identity", W11=0.4 * rng.standard_normal((5, 5)), seed=3)
    W11, W0 = m.params["layers"][0]["W11"], m.params["layers"][0]["W0"]
    T = 12
    want = [np.linalg.norm(np.linalg.matrix_power(W11, t - 1) @ W0, ord_) for t in range(1, T + 1)]
    x = rng.standard_normal((T, 3))
    np.testing.assert_allclose(st.impulse_response(m, T, norm=norm), want, rtol=1e-12)
    np.testing.assert_allclose(st.impulse_response(m, T, x=x, norm=norm), want, rtol=1e-12)
    v = rng.standard_normal(3)
    want_v = [np.linalg.norm(np.linalg.matrix_power(W11, t - 1) @ W0 @ v) for t in range(1, T + 1)]
    np.testing.assert_allclose(st.impulse_response(m, T, x=x, direction=v), want_v, rtol=1e-12)


@pytest.mark.parametrize("activation", ["identity", "tanh"])
def test_diagonal_W11_impulse_by_hand(activation):
    """W11 = diag(w), W0 = (1, 2, 3)^T: ||dh(t)/dx(1)|| = sqrt(sum_i (w_i^(t-1) W0_i)^2). With
    tanh, b0 = 0 and x = 0 the trajectory stays at h = 0 where tanh' = 1: the same numbers."""
    w, W0 = np.array([0.5, -0.9, 1.2]), np.array([[1.0], [2.0], [3.0]])
    m = elman(1, 3, activation=activation, W11=np.diag(w), W0=W0, b0=0.0)
    got = st.impulse_response(m, 8)
    want = [math.sqrt(sum((w[i] ** (t - 1) * W0[i, 0]) ** 2 for i in range(3)))
            for t in range(1, 9)]
    np.testing.assert_allclose(got, want, rtol=1e-13)


@pytest.mark.parametrize("activation", ["identity", "tanh"])
def test_diagonal_W11_products_by_hand(activation):
    """P(t) = dh(t)/dh(0) = diag(w^t); spectral norm max|w_i|^t, Frobenius sqrt(sum w_i^2t)."""
    w = np.array([0.5, -0.9, 1.2])
    m = elman(1, 3, activation=activation, W11=np.diag(w), b0=0.0)
    out = st.jacobian_products(m, np.zeros((6, 1)))
    for t in range(1, 7):
        np.testing.assert_allclose(out["products"][t - 1], np.diag(w ** t), rtol=1e-13, atol=0)
    np.testing.assert_allclose(out["norms"], 1.2 ** np.arange(1, 7), rtol=1e-13)
    np.testing.assert_allclose(out["bound"], 1.2 ** np.arange(1, 7), rtol=1e-13)   # f' = 1
    fro = st.jacobian_products(m, np.zeros((6, 1)), norm="frobenius")["norms"]
    np.testing.assert_allclose(fro, [math.sqrt(sum(w ** (2 * t))) for t in range(1, 7)], rtol=1e-13)
    np.testing.assert_allclose(st.step_jacobians(m, np.zeros((6, 1))),
                               np.broadcast_to(np.diag(w), (6, 3, 3)), rtol=0, atol=0)


def _fd_jacobian(fn, n, eps=1e-6):
    """Central differences: columns j of d fn / d z at z = 0, fn(z (n,)) -> (T, H)."""
    cols = []
    for j in range(n):
        e = np.zeros(n)
        e[j] = eps
        cols.append((fn(e) - fn(-e)) / (2 * eps))
    return np.stack(cols, axis=-1)                                   # (T, H, n)


@pytest.mark.parametrize("n_layers, activation", [(1, "tanh"), (2, "tanh"), (2, "relu")])
def test_input_jacobians_match_finite_differences(rng, n_layers, activation):
    D, H, T = 3, 4, 9
    m = readout_is_h(rl.RNN(D, H, H, n_layers=n_layers, activation=activation, dtype="float64",
                            init="xavier", seed=5))
    for p in m.params["layers"]:
        p["b0"][...] = 0.3 * rng.standard_normal(H)
    x = rng.standard_normal((T, D))

    def h_of(dx1):
        X = x.copy()
        X[0] += dx1
        return m.predict(X[None])[0]                                 # (T, H)

    want = _fd_jacobian(h_of, D)
    got = st.input_jacobians(m, x)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-8 * np.abs(want).max())
    np.testing.assert_allclose(st.impulse_response(m, T, x=x),
                               np.linalg.svd(want, compute_uv=False)[:, 0], rtol=1e-7)


def test_jacobian_products_match_finite_differences(rng):
    """dh(t)/dh(0) from perturbing h0 through the public predict()."""
    D, H, T = 2, 4, 10
    m = readout_is_h(elman(D, H, H, activation="tanh", seed=2))
    x = rng.standard_normal((T, D))
    want = _fd_jacobian(lambda dh0: m.predict(x[None], h0=dh0[None])[0], H)
    got = st.jacobian_products(m, x)["products"]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-8 * np.abs(want).max())


def test_tanh_products_obey_the_singular_value_bound(rng):
    """Pascanu et al.: with tanh, sigma(W11) < 1 suffices for vanishing, ||P(t)|| <= sigma^t,
    even though rho < sigma leaves room for transient growth of the linear products."""
    H, T, sigma = 6, 40, 0.95
    W11 = scaled(rng, H, sigma=sigma)
    m = elman(2, H, activation="tanh", W11=W11, seed=1)
    assert st.spectral_radius(W11) < sigma - 0.05
    x = 3.0 * rng.standard_normal((T, 2))
    out = st.jacobian_products(m, x)
    assert (out["norms"] <= out["bound"] * (1 + 1e-12)).all()
    assert (out["bound"] <= sigma ** np.arange(1, T + 1) * (1 + 1e-12)).all()
    assert (out["bound"] < 1.0).all() and out["norms"][-1] < sigma ** T
    W0 = m.params["layers"][0]["W0"]
    bound = sigma ** np.arange(T) * np.linalg.norm(W0, 2)
    assert (st.impulse_response(m, T, x=x) <= bound * (1 + 1e-12)).all()


@pytest.mark.parametrize("rho", [0.8, 1.25])
def test_linear_impulse_rate_tends_to_the_spectral_radius(rng, rho):
    """Gelfand: ||W11^k||^(1/k) -> rho; vanishing below 1, exploding above."""
    m = elman(2, 6, activation="identity", W11=scaled(rng, 6, rho=rho))
    imp = st.impulse_response(m, 300)
    assert st.growth_rate(imp) == pytest.approx(rho, rel=0.02)
    assert (imp[-1] < 1e-20) if rho < 1 else (imp[-1] > 1e20)


# -- gradient norms from the real BPTT ------------------------------------------------------------
def test_gradient_norms_diagonal_by_hand():
    """Linear, many-to-one, W11 = diag(0.5, 2), W1 = (1, 1), x = 0, b0 = 0 so h = y = 0 and
    dL/dy(T) = y - 1 = -1: dL/dh(t) = -(0.5^(T-t), 2^(T-t)); dL/dx(t) = W0^T dL/dh(t)."""
    T = 7
    m = elman(1, 2, activation="identity", W11=np.diag([0.5, 2.0]), W0=[[3.0], [-1.0]], b0=0.0,
              mapping="many-to-one")
    m.params["output"]["W1"][...] = [[1.0, 1.0]]
    m.params["output"]["b1"][...] = 0.0
    out = st.gradient_norms(m, np.zeros((1, T, 1)), np.ones((1, 1)))
    k = T - np.arange(1, T + 1)                                        # lag T - t
    np.testing.assert_allclose(out["h"], np.sqrt(0.25 ** k + 4.0 ** k), rtol=1e-14)
    np.testing.assert_allclose(out["x"], np.abs(3 * 0.5 ** k - 2.0 ** k), rtol=1e-14)


def test_gradient_norms_follow_rho_for_linear_units(rng):
    """A loss at the last step only: ||dL/dh(T - k)|| grows or shrinks at the rate rho."""
    for rho in (0.7, 1.3):
        m = elman(2, 5, activation="identity", W11=scaled(rng, 5, rho=rho), mapping="many-to-one")
        g = st.gradient_norms(m, rng.standard_normal((4, 200, 2)), rng.standard_normal((4, 1)))
        assert st.growth_rate(g["h"][::-1]) == pytest.approx(rho, rel=0.02)


# -- bad input ------------------------------------------------------------------------------------
def test_bad_input_is_named():
    m = elman(2, 3)
    with pytest.raises(ValueError, match=r"x must have T=4 steps"):
        st.impulse_response(m, 4, x=np.zeros((5, 2)))
    with pytest.raises(ValueError, match=r"x must have shape \(T, 2\)"):
        st.jacobian_products(m, np.zeros((5, 3)))
    with pytest.raises(ValueError, match="norm must be one of"):
        st.impulse_response(m, 4, norm="max")
    with pytest.raises(ValueError, match=r"direction must have shape \(2,\)"):
        st.impulse_response(m, 4, direction=np.ones(3))
    with pytest.raises(ValueError, match="layer must lie in -1..0"):
        st.step_jacobians(m, np.zeros((3, 2)), layer=1)
    with pytest.raises(ValueError, match="bidirectional"):
        st.impulse_response(rl.RNN(2, 3, 1, bidirectional=True), 4)
    with pytest.raises(ValueError, match="norms must hold at least 2"):
        st.growth_rate([1.0])


def test_jacobians_refuse_gated_cells():
    pytest.importorskip("rnnlab.nn.lstm")
    with pytest.raises(ValueError, match="cell='lstm'"):
        st.impulse_response(rl.RNN(2, 3, 1, cell="lstm"), 4)
