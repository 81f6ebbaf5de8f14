"""mappings/to_one.py: many-to-one and one-to-one. Exact gradients (deep and bidirectional, a
gapped mask), each sequence answers from its own last real step, and one-to-one is a
feed-forward net. PyTorch's packed sequences as the oracle: test_to_one_torch.py."""
import numpy as np
import pytest

import rnnlab as rl
from conftest import gapped_mask

B, T, D, H, K = 3, 5, 2, 3, 2


@pytest.mark.parametrize("n_layers", [1, 3])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_gradcheck_many_to_one(rng, n_layers, bidirectional):
    X, Y = rng.standard_normal((B, T, D)), rng.standard_normal((B, K))
    model = rl.RNN(D, H, K, mapping="many-to-one", n_layers=n_layers,
                   bidirectional=bidirectional, learn_h0=True)
    assert rl.gradcheck(model, X, Y, mask=gapped_mask(T, B).T) < 1e-6


@pytest.mark.parametrize("n_layers", [1, 3])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_gradcheck_one_to_one(rng, n_layers, bidirectional):
    X, Y = rng.standard_normal((B, D)), rng.standard_normal((B, K))
    model = rl.RNN(D, H, K, mapping="one-to-one", n_layers=n_layers,
                   bidirectional=bidirectional, learn_h0=True)
    assert rl.gradcheck(model, X, Y) < 1e-6


def test_each_sequence_answers_from_its_own_last_real_step(rng):
    """With a gapped mask every sequence's answer is that of its real steps run alone."""
    X = rng.standard_normal((B, T, D))
    mask = gapped_mask(T, B).T
    m = rl.RNN(D, H, K, mapping="many-to-one", n_layers=2, dtype="float64")
    y = m.predict(X, mask=mask)
    for b in range(B):
        alone = m.predict(X[b:b + 1, mask[b]])
        np.testing.assert_allclose(y[b], alone[0], rtol=1e-12)


def test_a_sequence_without_a_real_step_is_refused(rng):
    mask = gapped_mask(T, B).T
    mask[2] = False
    with pytest.raises(ValueError, match=r"mask marks no real step for sequence\(s\) \[2\]"):
        rl.RNN(D, H, K, mapping="many-to-one").predict(rng.standard_normal((B, T, D)), mask=mask)


def test_one_to_one_is_a_feed_forward_net(rng):
    X = rng.standard_normal((B, D))
    m = rl.RNN(D, H, K, mapping="one-to-one", output="softmax", dtype="float64")
    p, o = m.params["layers"][0], m.params["output"]
    a = np.tanh(X @ p["W0"].T + p["b0"]) @ o["W1"].T + o["b1"]
    e = np.exp(a - a.max(1, keepdims=True))
    np.testing.assert_allclose(m.predict(X), e / e.sum(1, keepdims=True), rtol=1e-12)


def test_one_to_one_takes_no_mask(rng):
    with pytest.raises(ValueError, match="mapping='one-to-one' takes no mask"):
        rl.RNN(D, H, K, mapping="one-to-one").predict(rng.standard_normal((B, D)),
                                                        mask=np.ones((B, 1), bool))
