"""nn/dense.py, the output layer: y = f_out(W1 h + b1) at every step, by hand and against finite
differences on every entry."""
import numpy as np
import pytest

from rnnlab.numgrad import numeric_grad as _numeric, relative_error
from rnnlab.nn import activations, dense


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


def test_forward_by_hand(rng):
    params = {k: v.astype(np.float64) for k, v in dense.init(4, 3, rng=rng).items()}
    assert {k: v.shape for k, v in params.items()} == dense.param_shapes(4, 3)
    h = rng.standard_normal((5, 2, 4))
    a = np.einsum("kh,tbh->tbk", params["W1"], h) + params["b1"]
    y, _ = dense.forward(params, h, output="sigmoid")
    np.testing.assert_allclose(y, 1 / (1 + np.exp(-a)), rtol=1e-13)
    np.testing.assert_allclose(dense.linear(params, h), a, rtol=1e-13)
