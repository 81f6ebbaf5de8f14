"""The compiled Elman loops against the NumPy loops (the contract suite in tests/nn checks both
against the reference step; this checks them against each other on awkward inputs)."""
import numpy as np
import pytest

from rnnlab.nn import backend, elman

pytest.importorskip("numba")


@pytest.mark.parametrize("activation", ["tanh", "relu", "identity"])
@pytest.mark.parametrize("reverse", [False, True])
def test_same_states_and_gradients_as_numpy(activation, reverse):
    rng = np.random.default_rng(3)
    T, B, D, H = 7, 3, 2, 5
    p = elman.init(D, H, rng=rng, dtype=np.float64)
    x = rng.standard_normal((T, B, D))
    mask = rng.random((T, B)) < 0.7                       # gaps anywhere
    h0 = (rng.standard_normal((B, H)),)
    dh, dstate = rng.standard_normal((T, B, H)), (rng.standard_normal((B, H)),)
    out = {}
    for name in ("numpy", "compiled"):
        backend.set_backend(name)
        h, cache = elman.forward(p, x, h0, mask=mask, reverse=reverse, activation=activation)
        grads, dx, dh0 = elman.backward(p, cache, dh, dstate)
        hi, final = elman.infer(p, x, h0, mask=mask, reverse=reverse, activation=activation)
        out[name] = (h, grads, dx, dh0, hi, final)
    backend.set_backend("auto")
    a, b = out["numpy"], out["compiled"]
    np.testing.assert_allclose(a[0], b[0], rtol=1e-12, atol=1e-13)
    for k in a[1]:
        np.testing.assert_allclose(a[1][k], b[1][k], rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(a[2], b[2], rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(a[3][0], b[3][0], rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(a[4], b[4], rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(a[5][0], b[5][0], rtol=1e-12, atol=1e-13)
