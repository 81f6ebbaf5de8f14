"""Bidirectional many-to-one (mappings/to_one.py) against PyTorch's h_n on packed sequences."""
import numpy as np
import pytest

import rnnlab as rl

torch = pytest.importorskip("torch")
from torch.nn.utils.rnn import pack_padded_sequence  # noqa: E402
from torch_ref import twin  # noqa: E402

B, T, D, H, K = 3, 5, 2, 3, 2


def test_padded_many_to_one_matches_pytorch_packed_sequences(rng):
    """Bidirectional many-to-one with masks = PyTorch's h_n on packed sequences: the backward
    pass of a padded sequence starts at that sequence's own last real step."""
    m = rl.RNN(D, H, K, n_layers=2, bidirectional=True, mapping="many-to-one", dtype="float64")
    mask = np.ones((B, T), bool)
    mask[0, 3:] = False
    mask[2, 1:] = False
    X = rng.standard_normal((B, T, D))
    rnn, lin = twin(m)
    packed = pack_padded_sequence(torch.tensor(X), torch.tensor(mask.sum(1)), batch_first=True,
                                  enforce_sorted=False)
    _, h_n = rnn(packed)
    ref = lin(torch.cat([h_n[-2], h_n[-1]], dim=1)).detach().numpy()
    np.testing.assert_allclose(m.predict(X, mask=mask), ref, rtol=1e-10)
