"""The compiled loops' tanh (a rational approximation in float32) and their row product."""
import numpy as np
import pytest

pytest.importorskip("numba")
from rnnlab.nn.compiled import common  # noqa: E402


def test_float32_tanh_is_within_a_few_ulp_everywhere():
    special = [0.0, 1e-30, -1e-8, 3e-4, 5e-4, 7.99, 8.1, np.inf, -np.inf, np.nan]
    x = np.concatenate([np.linspace(-20, 20, 400_001), special]).astype(np.float32)
    out = np.empty_like(x)
    common.tanh_array(x, out)
    assert np.isnan(out[-1])                              # NaN stays NaN
    x, out = x[:-1], out[:-1]
    exact = np.tanh(x.astype(np.float64))
    ulp = np.spacing(np.abs(exact).astype(np.float32)).astype(np.float64)
    assert np.max(np.abs(out - exact) / ulp) <= 8
    assert np.all(np.abs(out) <= 1) and out[-2] == 1 and out[-1] == -1
    assert np.all(out[x > 9] == 1) and np.all(out[x < -9] == -1)


def test_float64_tanh_is_the_library_tanh():
    x = np.linspace(-20, 20, 10_001)
    out = np.empty_like(x)
    common.tanh_array(x, out)
    np.testing.assert_allclose(out, np.tanh(x), rtol=4e-16, atol=1e-300)


@pytest.mark.parametrize("J", [1, 7, 8, 13, 16, 21])
def test_add_rows_adds_x_times_W(J):
    rng = np.random.default_rng(J)
    W, x, out = rng.standard_normal((J, 5)), rng.standard_normal(J), rng.standard_normal(5)
    want = out + x @ W
    common.add_rows(out, x, W)
    np.testing.assert_allclose(out, want, rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("shape", [(1, 1), (3, 70), (65, 33)])
def test_transposed_is_a_c_ordered_copy_of_the_transpose(shape):
    W = np.random.default_rng(0).standard_normal(shape)
    out = common.transposed(W, np.float32)
    assert out.flags.c_contiguous and out.dtype == np.float32
    np.testing.assert_array_equal(out, W.T.astype(np.float32))


def test_visiting_order_helpers():
    x = np.arange(24.0).reshape(4, 3, 2)
    np.testing.assert_array_equal(common.visiting(x, True, np.float32), x[::-1])
    assert common.visiting(None, False, np.float64).shape == (0, 0, 0)
    assert common.visiting_mask(None, True) is common.NO_MASK
    m = np.array([[True, False], [False, True]])
    np.testing.assert_array_equal(common.visiting_mask(m, True), m[::-1])
    np.testing.assert_array_equal(common.time_order(common.visiting(x, True, x.dtype), True), x)
