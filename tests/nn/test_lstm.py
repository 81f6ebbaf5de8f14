"""The LSTM cell beyond the shared contract (tests/nn/test_cell_contract.py): a hand-worked
example, the padded step that carries both h and c, and the initialisation (gate order, forget
bias)."""
import numpy as np

from rnnlab.nn import lstm


def test_hand_worked_example():
    """H = D = 1, W0 = W11 = 0: a = b0. b0 = (0, ln 3, atanh(0.6), 0) gives i = o = 1/2,
    f = 3/4, g = 0.6; from c0 = 2: c(1) = 3/4 * 2 + 1/2 * 0.6 = 1.8, h(1) = tanh(1.8) / 2."""
    params = {"W0": np.zeros((4, 1)), "W11": np.zeros((4, 1)),
              "b0": np.array([0.0, np.log(3.0), np.arctanh(0.6), 0.0])}
    x = np.zeros((1, 1, 1))
    h, cache = lstm.forward(params, x, (np.zeros((1, 1)), np.full((1, 1), 2.0)))
    np.testing.assert_allclose(lstm.final_state(cache)[1], [[1.8]], rtol=1e-15)
    np.testing.assert_allclose(h[0, 0, 0], 0.5 * np.tanh(1.8), rtol=1e-15)
    # dL/dh(1) = 1: do = tanh(1.8), da_o = do * o (1 - o); dc = o (1 - tanh(1.8)^2);
    # da_f = dc * c0 * f (1 - f); dc0 = dc * f
    grads, _, (dh0, dc0) = lstm.backward(params, cache, np.ones((1, 1, 1)))
    dc = 0.5 * (1 - np.tanh(1.8) ** 2)
    np.testing.assert_allclose(grads["b0"], [dc * 0.6 * 0.25, dc * 2 * 0.75 * 0.25,
                                             dc * 0.5 * (1 - 0.36), np.tanh(1.8) * 0.25],
                               rtol=1e-14)
    np.testing.assert_allclose(dc0, [[dc * 0.75]], rtol=1e-14)
    np.testing.assert_array_equal(dh0, [[0.0]])                   # W11 = 0: nothing reaches h0


def test_padded_steps_carry_h_and_c(rng):
    params = lstm.init(2, 3, rng=rng, dtype=np.float64)
    x = rng.standard_normal((4, 2, 2))
    mask = np.array([[True, True], [False, True], [False, True], [True, True]])
    h, cache = lstm.forward(params, x, mask=mask)
    c_at_1 = lstm.final_state(lstm.forward(params, x[:1, :1])[1])[1]
    np.testing.assert_array_equal(h[1, 0], h[0, 0])
    np.testing.assert_array_equal(h[2, 0], h[0, 0])
    resumed, _ = lstm.forward(params, x[3:, :1], (h[0, :1], c_at_1))
    np.testing.assert_allclose(h[3, :1], resumed[0], rtol=1e-14)   # c(1) survived the gap too


def test_init_shapes_gate_order_and_forget_bias(rng):
    D, H = 3, 5
    p = lstm.init(D, H, rng=rng)
    assert p["W0"].shape == (4 * H, D) and p["W11"].shape == (4 * H, H)
    assert p["b0"].shape == (4 * H,)
    assert all(a.dtype == np.float32 for a in p.values())
    np.testing.assert_array_equal(p["b0"][H:2 * H], 1.0)          # rows i, f, g, o: f is second
    others = np.concatenate([p["b0"][:H], p["b0"][2 * H:]])
    assert np.abs(others).max() <= 1 / np.sqrt(H) and np.unique(others).size == others.size
    p2 = lstm.init(D, H, rng=np.random.default_rng(0), forget_bias=None)
    assert np.abs(p2["b0"]).max() <= 1 / np.sqrt(H) and np.unique(p2["b0"]).size == 4 * H
    assert np.all(lstm.init(D, H, rng=rng, forget_bias=2.5)["b0"][H:2 * H] == 2.5)


