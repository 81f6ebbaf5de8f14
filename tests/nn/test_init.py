"""nn/init.py: PyTorch's uniform bounds, orthogonal and identity matrices, Xavier's bound, the
spectral radius and scaling to it, and unknown schemes."""
import numpy as np
import pytest

from rnnlab.nn import dense, elman
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
