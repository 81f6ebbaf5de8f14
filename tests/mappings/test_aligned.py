"""mappings/aligned.py: many-to-many-delayed. Exact gradients (deep and bidirectional, padded
sequences), the delayed output reads ahead, and what a delayed model cannot do."""
import numpy as np
import pytest

import rnnlab as rl
from conftest import gapped_mask

B, T, D, H, K = 3, 5, 2, 3, 2


@pytest.mark.parametrize("n_layers", [1, 3])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_gradcheck_delayed(rng, n_layers, bidirectional):
    """The delayed mapping takes padding at the end only: the gapped mask cut at its first gap."""
    X, Y = rng.standard_normal((B, T, D)), rng.standard_normal((B, T, K))
    mask = gapped_mask(T, B).T.cumprod(axis=1).astype(bool)
    model = rl.RNN(D, H, K, mapping="many-to-many-delayed", delay=2, n_layers=n_layers,
                   bidirectional=bidirectional, learn_h0=True)
    assert rl.gradcheck(model, X, Y, mask=mask) < 1e-6


def test_a_mask_with_a_gap_is_refused(rng):
    X = rng.standard_normal((B, T, D))
    m = rl.RNN(D, H, K, mapping="many-to-many-delayed", delay=1)
    with pytest.raises(ValueError, match="needs the real steps first in each sequence"):
        m.predict(X, mask=gapped_mask(T, B).T)


def test_delayed_output_reads_ahead(rng):
    """y(t + d) of the delayed model equals the aligned model's output on the zero-padded input."""
    X = rng.standard_normal((B, T, D))
    d = 2
    delayed = rl.RNN(D, H, K, mapping="many-to-many-delayed", delay=d, seed=5)
    aligned = rl.RNN(D, H, K, seed=5)
    padded = np.concatenate([X, np.zeros((B, d, D))], axis=1)
    np.testing.assert_allclose(delayed.predict(X), aligned.predict(padded)[:, d:], rtol=1e-6)


def test_delayed_and_bidirectional_models_cannot_continue_a_sequence(rng):
    X = rng.standard_normal((B, T, D))
    delayed = rl.RNN(D, H, K, mapping="many-to-many-delayed", delay=2)
    with pytest.raises(ValueError, match="stateful prediction is not available"):
        delayed.predict(X, stateful=True)
    with pytest.raises(ValueError, match="return_state is not available"):
        delayed.predict(X, return_state=True)
    bi = rl.RNN(D, H, K, bidirectional=True)
    with pytest.raises(ValueError, match="stateful prediction needs bidirectional=False"):
        bi.predict(X, stateful=True)
