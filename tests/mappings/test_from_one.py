"""mappings/from_one.py: one-to-many. Exact gradients (deep and bidirectional, both feeds, a
gapped mask on the output steps), and the two feeds against the aligned model on the input they
stand for."""
import numpy as np
import pytest

import rnnlab as rl
from conftest import gapped_mask

B, T, D, H, K = 3, 5, 2, 3, 2


@pytest.mark.parametrize("n_layers", [1, 3])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_gradcheck_one_to_many(rng, n_layers, bidirectional):
    X, Y = rng.standard_normal((B, D)), rng.standard_normal((B, T, K))
    model = rl.RNN(D, H, K, mapping="one-to-many", n_layers=n_layers,
                   bidirectional=bidirectional, learn_h0=True)
    assert rl.gradcheck(model, X, Y, mask=gapped_mask(T, B).T) < 1e-6


@pytest.mark.parametrize("opts", [dict(feed="every"), dict(feed="first")])
def test_gradcheck_one_to_many_feeds(rng, opts):
    X, Y = rng.standard_normal((B, D)), rng.standard_normal((B, T, K))
    assert rl.gradcheck(rl.RNN(D, H, K, mapping="one-to-many", n_layers=2, **opts), X, Y) < 1e-6


def test_one_to_many_feeds_first_or_every(rng):
    X = rng.standard_normal((B, D))
    first = rl.RNN(D, H, K, mapping="one-to-many", seed=1)
    every = rl.RNN(D, H, K, mapping="one-to-many", feed="every", seed=1)
    seq = rl.RNN(D, H, K, seed=1)
    zeros = np.zeros((B, 4, D))
    np.testing.assert_allclose(first.predict(X, n_steps=5),
                               seq.predict(np.concatenate([X[:, None], zeros], 1)), rtol=1e-6)
    np.testing.assert_allclose(every.predict(X, n_steps=5),
                               seq.predict(np.repeat(X[:, None], 5, 1)), rtol=1e-6)
