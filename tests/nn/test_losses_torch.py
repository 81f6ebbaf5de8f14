"""Loss values against torch.nn.functional (summed, as rnnlab's losses are)."""
import numpy as np
import pytest

from rnnlab.nn import losses

torch = pytest.importorskip("torch")

SHAPE = (4, 3, 5)          # (T, B, K)


def _data(rng, kind, scale=2.0):
    a = rng.standard_normal(SHAPE) * scale
    if kind == "squared_error":
        return a, rng.standard_normal(SHAPE)
    if kind == "binary_cross_entropy":
        return a, rng.uniform(size=SHAPE)
    t = rng.uniform(size=SHAPE)
    return a, t / t.sum(-1, keepdims=True)


def test_values_match_pytorch(rng):
    F = torch.nn.functional
    a, t = _data(rng, "binary_cross_entropy")
    v, _ = losses.sigmoid_binary_cross_entropy(a, t)
    ref = F.binary_cross_entropy_with_logits(torch.tensor(a), torch.tensor(t), reduction="sum")
    np.testing.assert_allclose(v, ref.item(), rtol=1e-12)
    idx = rng.integers(0, SHAPE[-1], size=SHAPE[:2])
    v, _ = losses.softmax_cross_entropy(a, idx)
    ref = F.cross_entropy(torch.tensor(a.reshape(-1, SHAPE[-1])), torch.tensor(idx.reshape(-1)),
                          reduction="sum")
    np.testing.assert_allclose(v, ref.item(), rtol=1e-12)
    v, _ = losses.squared_error(a, t)
    np.testing.assert_allclose(v, 0.5 * F.mse_loss(torch.tensor(a), torch.tensor(t),
                                                   reduction="sum").item(), rtol=1e-12)
