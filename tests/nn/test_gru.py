"""The GRU cell beyond the shared contract (tests/nn/test_cell_contract.py): a hand-worked
example that shows where the hidden bias of n sits, and the initialisation."""
import numpy as np
import pytest

from rnnlab.nn import gru


def test_hand_worked_example():
    """H = D = 1, W0 = W11 = 0, b0 = 0, b_hn = 2: r = z = 1/2 and n = tanh(b0_n + r b_hn) =
    tanh(1), so h(1) = (tanh(1) + h0) / 2. Were b_hn outside the reset gate, n would be tanh(2)."""
    params = {"W0": np.zeros((3, 1)), "W11": np.zeros((3, 1)), "b0": np.zeros(3),
              "b_hn": np.array([2.0])}
    h0 = np.array([[0.4]])
    h, cache = gru.forward(params, np.zeros((1, 1, 1)), (h0,))
    np.testing.assert_allclose(h[0, 0, 0], 0.5 * np.tanh(1.0) + 0.2, rtol=1e-15)
    # dL/dh(1) = 1: dn = 1/2, da_n = dn (1 - n^2), dhn = da_n r = db_hn, dr = da_n b_hn,
    # da_r = dr / 4 = db0_r, dz = h0 - n, da_z = dz / 4; dh0 = z (W11 = 0)
    grads, _, (dh0,) = gru.backward(params, cache, np.ones((1, 1, 1)))
    n = np.tanh(1.0)
    da_n = 0.5 * (1 - n ** 2)
    np.testing.assert_allclose(grads["b_hn"], [0.5 * da_n], rtol=1e-14)
    np.testing.assert_allclose(grads["b0"], [2 * da_n / 4, (0.4 - n) / 4, da_n], rtol=1e-14)
    np.testing.assert_allclose(dh0, [[0.5]], rtol=1e-15)


@pytest.mark.parametrize("scheme", ["uniform", "xavier", "orthogonal", "identity"])
def test_init_shapes_and_the_hidden_bias_of_n(rng, scheme):
    D, H = 3, 5
    p = gru.init(D, H, rng=rng, init=scheme)
    assert set(p) == {"W0", "W11", "b0", "b_hn"}
    assert p["W0"].shape == (3 * H, D) and p["W11"].shape == (3 * H, H)
    assert p["b0"].shape == (3 * H,) and p["b_hn"].shape == (H,)
    assert all(a.dtype == np.float32 for a in p.values())
    if scheme == "uniform":                                       # PyTorch: every entry U(-k, k)
        assert np.abs(p["b_hn"]).max() <= 1 / np.sqrt(H) and np.unique(p["b_hn"]).size == H
    else:
        np.testing.assert_array_equal(p["b_hn"], 0)


