"""Losses: gradients against finite differences, fused forms against their unfused twins, masks,
class-index targets, and numerical stability at extreme logits (values by hand). Values against
PyTorch: test_losses_torch.py."""
import numpy as np
import pytest

from rnnlab.numgrad import numeric_grad as _numeric, relative_error
from rnnlab.nn import activations, losses

SHAPE = (4, 3, 5)          # (T, B, K)


def _data(rng, kind, scale=2.0):
    a = rng.standard_normal(SHAPE) * scale
    if kind == "squared_error":
        return a, rng.standard_normal(SHAPE)
    if kind == "binary_cross_entropy":
        return a, rng.uniform(size=SHAPE)
    t = rng.uniform(size=SHAPE)
    return a, t / t.sum(-1, keepdims=True)


ON_Y = [("squared_error", "identity"), ("binary_cross_entropy", "sigmoid"),
        ("cross_entropy", "softmax")]


@pytest.mark.parametrize("name,out", ON_Y)
@pytest.mark.parametrize("masked", [False, True])
def test_gradients_match_finite_differences(rng, name, out, masked):
    a, t = _data(rng, name, scale=0.5)     # probabilities away from 0 and 1: -t/y stays smooth
    y = activations.output(a, out)
    mask = rng.uniform(size=SHAPE[:2]) > 0.4 if masked else None
    on_y, _, fused = losses.LOSSES[name]
    _, dy = on_y(y, t, mask)
    assert relative_error(dy, _numeric(lambda: on_y(y, t, mask)[0], y, 1e-5)) < 1e-6
    _, da = fused(a, t, mask)
    assert relative_error(da, _numeric(lambda: fused(a, t, mask)[0], a, 1e-3)) < 1e-6


@pytest.mark.parametrize("name,out", ON_Y)
def test_fused_equals_unfused_composition(rng, name, out):
    a, t = _data(rng, name)
    mask = rng.uniform(size=SHAPE[:2]) > 0.3
    on_y, _, fused = losses.LOSSES[name]
    y = activations.output(a, out)
    v1, dy = on_y(y, t, mask)
    v2, da = fused(a, t, mask)
    np.testing.assert_allclose(v1, v2, rtol=1e-12)
    np.testing.assert_allclose(activations.output_backward(y, dy, out), da, atol=1e-12)


def test_mask_removes_positions_exactly(rng):
    a, t = _data(rng, "squared_error")
    mask = np.ones(SHAPE[:2], bool)
    mask[2:, 1] = False
    v, g = losses.squared_error(a, t, mask)
    keep = mask[:, :, None]
    np.testing.assert_allclose(v, 0.5 * np.sum(((a - t) * keep) ** 2))
    assert np.all(g[2:, 1] == 0)


def test_class_indices_equal_one_hot(rng):
    a = rng.standard_normal(SHAPE)
    idx = rng.integers(0, SHAPE[-1], size=SHAPE[:2])
    v1, g1 = losses.softmax_cross_entropy(a, idx)
    v2, g2 = losses.softmax_cross_entropy(a, np.eye(SHAPE[-1])[idx])
    np.testing.assert_allclose(v1, v2)
    np.testing.assert_allclose(g1, g2)
    with pytest.raises(ValueError, match="class indices must lie in 0..4"):
        losses.softmax_cross_entropy(a, idx + 5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_losses_are_stable_at_extreme_logits(dtype):
    a = np.array([[1000.0, -1000.0, 0.0]], dtype=dtype)
    t = np.array([[0.0, 1.0, 1.0]], dtype=dtype)
    v, g = losses.sigmoid_binary_cross_entropy(a, t)
    # exact: 1000 (predicts 1, target 0) + 1000 + log 2
    np.testing.assert_allclose(v, 2000 + np.log(2), rtol=1e-6)
    np.testing.assert_allclose(g, [[1.0, -1.0, -0.5]], atol=1e-6)
    v, g = losses.softmax_cross_entropy(a, np.array([1]))
    np.testing.assert_allclose(v, 2000, rtol=1e-6)          # logsumexp = 1000; 1000 - (-1000)
    np.testing.assert_allclose(g, [[1.0, -1.0, 0.0]], atol=1e-6)
    assert v == v and np.isfinite(g).all()


def test_resolve_names_and_aliases():
    assert losses.resolve("mse") == "squared_error"
    assert losses.resolve("ce") == "cross_entropy"
    with pytest.raises(ValueError, match="loss must be one of"):
        losses.resolve("hinge")
