"""The compiled GRU loops against the NumPy loops, with the recurrent products inside the
compiled loop and as one BLAS call per step (INLOOP_MAX_BH on either side of the size), on
awkward inputs: masks with gaps, reverse, initial states, gradients of the final state. The
contract suite in tests/nn checks both backends against the reference step."""
import numpy as np
import pytest

from rnnlab.nn import backend, gru

pytest.importorskip("numba")
from rnnlab.nn.compiled import gru as compiled  # noqa: E402


def _run(p, x, h0, mask, reverse, dh, dstate):
    h, cache = gru.forward(p, x, h0, mask=mask, reverse=reverse)
    grads, dx, d0 = gru.backward(p, cache, dh, dstate)
    g = gru.state_grads(p, cache, dh, dstate)
    hi, final_i = gru.infer(p, x, h0, mask=mask, reverse=reverse, block_bytes=2000)
    return [h, *grads.values(), dx, *d0, g, hi, *final_i, *gru.final_state(cache)]


@pytest.mark.parametrize("inloop", [True, False])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-10), (np.float32, 2e-4)])
def test_same_values_and_gradients_as_numpy(monkeypatch, inloop, reverse, dtype, rtol):
    monkeypatch.setattr(compiled, "INLOOP_MAX_BH", 1 << 30 if inloop else 0)
    rng = np.random.default_rng(4)
    T, B, D, H = 9, 3, 2, 6                                # H not a multiple of 4: remainders
    p = gru.init(D, H, rng=rng, dtype=dtype)
    x = rng.standard_normal((T, B, D)).astype(dtype)
    mask = rng.random((T, B)) < 0.7
    mask[0, 0] = mask[-1, 1] = False                      # padded first and last steps
    h0 = (rng.standard_normal((B, H)).astype(dtype),)
    dh = rng.standard_normal((T, B, H)).astype(dtype)
    dstate = (rng.standard_normal((B, H)).astype(dtype),)
    out = {}
    for name in ("numpy", "compiled"):
        backend.set_backend(name)
        out[name] = _run(p, x, h0, mask, reverse, dh, dstate) + _run(p, x, None, None, reverse,
                                                                      None, None)
    for a, b in zip(out["numpy"], out["compiled"]):
        assert a.dtype == b.dtype == dtype
        np.testing.assert_allclose(b, a, rtol=rtol, atol=rtol)


def test_auto_runs_the_gru_compiled_where_measured_faster():
    backend.set_backend("auto")
    assert backend.loops("gru", 1, 8) is compiled
    assert backend.loops("gru", 2, backend.AUTO_MAX_BH["gru"]) is None


def test_a_compiled_cache_goes_to_the_compiled_backward_under_any_backend():
    rng = np.random.default_rng(0)
    p = gru.init(2, 3, rng=rng, dtype=np.float64)
    x = rng.standard_normal((4, 2, 2))
    backend.set_backend("compiled")
    _, cache = gru.forward(p, x)
    backend.set_backend("numpy")
    _, ref = gru.forward(p, x)
    dh = rng.standard_normal((4, 2, 3))
    ga, ref_grads = gru.backward(p, cache, dh)[0], gru.backward(p, ref, dh)[0]
    for k in ref_grads:
        np.testing.assert_allclose(ga[k], ref_grads[k], rtol=1e-12, atol=1e-13)
