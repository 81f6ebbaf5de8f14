"""The interop tests run tiny models: PyTorch's intra-op thread pool only costs there (0.7 s per
LSTM call instead of 1 ms on a busy 2-core machine), so they run it on one thread."""
import sys

import pytest


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    torch = sys.modules.get("torch")                 # only where the module imported it
    if torch is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
