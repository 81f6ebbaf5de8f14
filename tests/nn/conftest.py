"""Every test under tests/nn runs once per backend of the time loops: NumPy, and the compiled
loops when numba (the `fast` extra) is installed. With backend "compiled" every size runs
compiled (not only those "auto" would pick), so the contract and oracle tests see both."""
import pytest

from rnnlab.nn import backend

BACKENDS = ["numpy"] + (["compiled"] if backend.available() else [])


@pytest.fixture(params=BACKENDS, autouse=True)
def loop_backend(request):
    before = backend.get_backend()
    backend.set_backend(request.param)
    yield request.param
    backend.set_backend(before)
