"""Shared fixtures and helpers for the test suite."""
import os

import numpy as np
import pytest

from rnnlab.numgrad import numeric_grad as _numeric, relative_error


def pytest_report_header(config):
    """The BLAS that ran the suite: training outcomes may differ between kernels and thread
    counts, so every log says which one it was (tests marked `training` must hold on all)."""
    env = ", ".join(f"{k}={os.environ[k]}" for k in sorted(os.environ) if k.startswith("OPENBLAS_"))
    try:
        from threadpoolctl import threadpool_info
        pools = [f"{i['internal_api']} {i.get('version')} {i.get('architecture')}, "
                 f"{i['num_threads']} thread(s)" for i in threadpool_info()
                 if i.get("user_api") == "blas"]
    except ImportError:
        pools = ["threadpoolctl not installed"]
    return f"BLAS: {'; '.join(pools) or 'none found'} (environment: {env or 'no OPENBLAS_*'})"


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def layer_gradcheck(module, params, x, h0, dh, dstate, **fwd):
    """Largest relative error of a layer's backward against finite differences, in float64.

    The scalar checked is L = sum(dh * h) + sum(dstate * final_state): its gradient with respect
    to h is dh and with respect to the final state is dstate, so backward(dh, dstate) must give
    dL/dparams, dL/dx and dL/dh0 exactly.
    """
    def loss():
        h, cache = module.forward(params, x, h0, **fwd)
        return float(np.sum(dh * h) + np.sum(dstate * module.final_state(cache)))

    _, cache = module.forward(params, x, h0, **fwd)
    grads, dx, dh0 = module.backward(params, cache, dh, dstate)
    errors = {k: relative_error(grads[k], _numeric(loss, params[k], 1e-3)) for k in params}
    errors["x"] = relative_error(dx, _numeric(loss, x, 1e-3))
    errors["h0"] = relative_error(dh0, _numeric(loss, h0, 1e-3))
    return errors


def gapped_mask(T, B):
    """A (T, B) mask: sequence 0 has 3 real steps, sequence 2 one, sequence 1 a gap at step 3."""
    m = np.ones((T, B), bool)
    m[3:, 0] = False
    m[1:, 2] = False
    m[2, 1] = False
    return m


def check_reverse_is_forward_on_reversed(module, params, x, state, dh):
    """A reversed layer equals the forward layer run on the reversed sequence: states, every
    gradient, dx (reversed back) and the gradient of the initial state."""
    hr, cr = module.forward(params, x, state, reverse=True)
    hf, cf = module.forward(params, x[::-1].copy(), state)
    np.testing.assert_allclose(hr, hf[::-1], atol=1e-14)
    gr, dxr, d0r = module.backward(params, cr, dh)
    gf, dxf, d0f = module.backward(params, cf, dh[::-1].copy())
    for k in gr:
        np.testing.assert_allclose(gr[k], gf[k], atol=1e-13)
    np.testing.assert_allclose(dxr, dxf[::-1], atol=1e-14)
    np.testing.assert_allclose(d0r, d0f, atol=1e-14)


def torch_or_skip():
    return pytest.importorskip("torch")
