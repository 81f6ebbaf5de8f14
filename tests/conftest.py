"""Shared fixtures and helpers for the test suite."""
import os

import numpy as np
import pytest

try:                       # hypothesis (the test extra): deterministic, no example database
    from hypothesis import settings as _hyp_settings
except ImportError:
    pass
else:
    _hyp_settings.register_profile("rnnlab", derandomize=True, database=None, deadline=None,
                                   print_blob=True)
    _hyp_settings.register_profile("rnnlab-explore", derandomize=False, database=None,
                                   deadline=None, max_examples=2000)
    _hyp_settings.load_profile(os.environ.get("RNNLAB_HYPOTHESIS_PROFILE", "rnnlab"))


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


def gapped_mask(T, B):
    """A (T, B) mask: sequence 0 has 3 real steps, sequence 2 one, sequence 1 a gap at step 3."""
    m = np.ones((T, B), bool)
    m[3:, 0] = False
    m[1:, 2] = False
    m[2, 1] = False
    return m


def torch_or_skip():
    return pytest.importorskip("torch")
