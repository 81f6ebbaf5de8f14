"""Initialisers, the output layer and the activations."""
import numpy as np
import pytest

from rnnlab.numgrad import numeric_grad as _numeric, relative_error
from rnnlab.nn import activations, dense, elman
from rnnlab.nn import init as rinit


def test_uniform_init_has_pytorchs_bounds(rng):
    H = 64
    p = elman.init(5, H, rng=rng)
    k = 1 / np.sqrt(H)
    for v in p.values():
        assert v.dtype == np.float32
        assert np.abs(v).max() <= k
        assert np.abs(v).max() > 0.9 * k                      # it uses the whole range
    d = dense.init(H, 3, rng=rng)
    assert np.abs(d["W1"]).max() <= k


def test_orthogonal_is_orthogonal_and_identity_is_identity(rng):
    Q = rinit.orthogonal(16, rng=rng, dtype=np.float64)
    np.testing.assert_allclose(Q.T @ Q, np.eye(16), atol=1e-12)
    p = elman.init(3, 8, rng=rng, init="identity")
    np.testing.assert_array_equal(p["W11"], np.eye(8))
    assert np.all(p["b0"] == 0) and np.abs(p["W0"]).max() < 0.01


def test_xavier_bound(rng):
    W = rinit.xavier_uniform((30, 20), rng=rng)
    assert np.abs(W).max() <= np.sqrt(6 / 50)


@pytest.mark.parametrize("scheme", rinit.SCHEMES)
@pytest.mark.parametrize("rho", [0.5, 1.0, 1.5])
def test_radius_scaling_sets_the_largest_eigenvalue(rng, scheme, rho):
    p = elman.init(3, 10, rng=rng, init=scheme, radius=rho, dtype=np.float64)
    assert abs(np.max(np.abs(np.linalg.eigvals(p["W11"]))) - rho) < 1e-10


def test_spectral_radius_of_a_rotation_and_a_diagonal():
    c, s = np.cos(0.3), np.sin(0.3)
    assert abs(rinit.spectral_radius(2 * np.array([[c, -s], [s, c]])) - 2) < 1e-12
    assert rinit.spectral_radius(np.diag([0.2, -0.9, 0.5])) == pytest.approx(0.9)
    with pytest.raises(ValueError, match="square"):
        rinit.spectral_radius(np.ones((2, 3)))


def test_unknown_scheme(rng):
    with pytest.raises(ValueError, match="init must be one of"):
        elman.init(2, 2, rng=rng, init="he")


@pytest.mark.parametrize("out", activations.OUTPUT)
def test_dense_backward_matches_finite_differences(rng, out):
    params = {k: v.astype(np.float64) for k, v in dense.init(4, 3, rng=rng).items()}
    h = rng.standard_normal((5, 2, 4))
    w = rng.standard_normal((5, 2, 3))              # L = sum(w * y)

    def loss():
        return float(np.sum(w * dense.forward(params, h, output=out)[0]))

    _, cache = dense.forward(params, h, output=out)
    grads, dh = dense.backward(params, cache, w)
    for k in params:
        assert relative_error(grads[k], _numeric(loss, params[k], 1e-3)) < 1e-6
    assert relative_error(dh, _numeric(loss, h, 1e-3)) < 1e-6


def test_stable_sigmoid_and_softmax():
    a = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    s = activations.sigmoid(a)
    assert np.isfinite(s).all() and s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5
    p = activations.softmax(np.array([[1000.0, 0.0, -1000.0]]))
    np.testing.assert_allclose(p, [[1.0, 0.0, 0.0]])
    a = np.random.default_rng(0).standard_normal((3, 4))
    np.testing.assert_allclose(activations.log_softmax(a), np.log(activations.softmax(a)))


@pytest.mark.parametrize("name", activations.HIDDEN)
def test_hidden_derivative_from_the_output(rng, name):
    a = rng.standard_normal(50)
    a = a[np.abs(a) > 1e-3]
    h = activations.hidden_(a, name)
    d = activations.hidden_grad(h, name)
    eps = 1e-6
    num = (activations.hidden_(a + eps, name) - activations.hidden_(a - eps, name)) / (2 * eps)
    np.testing.assert_allclose(1.0 if d is None else d, num, atol=1e-8)
