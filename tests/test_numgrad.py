"""The finite-difference checker must catch wrong gradients, not only pass right ones."""
import numpy as np

import rnnlab as rl
from rnnlab.numgrad import numeric_grad, relative_error


class _WrongW11(rl.RNN):
    """A model whose W11 gradient is off by 1%: gradcheck must see it."""

    def loss_and_grads(self, *args, **kwargs):
        out = super().loss_and_grads(*args, **kwargs)
        out[1]["layers"][0]["W11"] *= 1.01
        return out


def test_gradcheck_catches_a_wrong_gradient(rng):
    X, Y = rng.standard_normal((2, 4, 2)), rng.standard_normal((2, 4, 1))
    ok, details = rl.gradcheck(rl.RNN(2, 3, 1), X, Y, details=True)
    assert ok < 1e-6
    bad, details = rl.gradcheck(_WrongW11(2, 3, 1), X, Y, details=True)
    assert details["layers.0.W11"] > 1e-3 and details["layers.0.W0"] < 1e-6


def test_gradcheck_does_not_change_the_model(rng):
    X, Y = rng.standard_normal((2, 4, 2)), rng.standard_normal((2, 4, 1))
    m = rl.RNN(2, 3, 1)
    before = m.predict(X)
    rl.gradcheck(m, X, Y)
    np.testing.assert_array_equal(m.predict(X), before)
    assert m.dtype == np.float32


def test_numeric_grad_of_a_known_function():
    x = np.array([0.3, -1.2, 2.0])
    g = numeric_grad(lambda: float(np.sum(np.sin(x) * x ** 2)), x)
    assert relative_error(g, np.cos(x) * x ** 2 + 2 * x * np.sin(x)) < 1e-9
    np.testing.assert_array_equal(x, [0.3, -1.2, 2.0])              # restored exactly
