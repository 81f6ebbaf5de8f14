"""The Elman cell beyond the shared contract (tests/nn/test_cell_contract.py): a hand-worked
example of the forward pass and of BPTT, and the lecture's equations written out as a loop."""
import numpy as np
import pytest

from rnnlab.nn import elman


def test_hand_worked_example():
    """One unit, one input: h(1) = tanh(0.5*1 + 0.8*0 + 0.1), h(2) = tanh(0.5*(-1) + 0.8 h(1) + 0.1)."""
    params = {"W0": np.array([[0.5]]), "W11": np.array([[0.8]]), "b0": np.array([0.1])}
    x = np.array([[[1.0]], [[-1.0]]])                    # (T=2, B=1, D=1)
    h, cache = elman.forward(params, x)
    h1 = np.tanh(0.6)
    np.testing.assert_allclose(h[:, 0, 0], [h1, np.tanh(-0.4 + 0.8 * h1)], rtol=1e-14)
    # dL/dh(2) = 1: da(2) = 1 - h(2)^2; dL/dW11 = da(2) h(1) + da(1) h(0) with h(0) = 0
    grads, _, (dh0,) = elman.backward(params, cache, np.array([[[0.0]], [[1.0]]]))
    da2 = 1 - h[1, 0, 0] ** 2
    da1 = da2 * 0.8 * (1 - h1 ** 2)
    np.testing.assert_allclose(grads["W11"][0, 0], da2 * h1, rtol=1e-14)
    np.testing.assert_allclose(grads["W0"][0, 0], da2 * -1 + da1 * 1, rtol=1e-14)
    np.testing.assert_allclose(dh0, [[0.8 * da1]], rtol=1e-14)


@pytest.mark.parametrize("act, f", [("tanh", np.tanh), ("relu", lambda a: np.maximum(a, 0)),
                                    ("identity", lambda a: a)])
def test_forward_is_the_lectures_equations_unrolled(rng, act, f):
    """a(t) = W0 x(t) + W11 h(t-1) + b0, h(t) = f(a(t)), written with NumPy by hand."""
    params = elman.init(2, 4, rng=rng, dtype=np.float64)
    x, h = rng.standard_normal((5, 3, 2)), 0.5 * rng.standard_normal((3, 4))
    got, _ = elman.forward(params, x, (h,), activation=act)
    for t in range(5):
        h = f(params["W0"] @ x[t].T + params["W11"] @ h.T + params["b0"][:, None]).T
        np.testing.assert_allclose(got[t], h, rtol=1e-13, atol=1e-14)
