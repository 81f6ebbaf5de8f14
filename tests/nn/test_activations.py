"""nn/activations.py: sigmoid and softmax that stay finite at extreme inputs, and the hidden
activations' derivatives from their outputs against central differences."""
import numpy as np
import pytest

from rnnlab.nn import activations


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
