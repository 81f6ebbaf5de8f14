"""The memory estimates the commands make before allocating: exact where they claim to be."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab._tree import leaves
from rnnlab.cli import sizes
from rnnlab.tasks import catalog


@pytest.mark.parametrize("config", [
    dict(n_in=3, n_hidden=7, n_out=2),
    dict(n_in=1, n_hidden=5, n_out=4, cell="lstm", n_layers=3),
    dict(n_in=2, n_hidden=6, n_out=3, cell="gru", n_layers=2, bidirectional=True),
    dict(n_in=2, n_hidden=4, n_out=2, cell="lstm", mapping="seq2seq", n_layers=2),
    dict(n_in=2, n_hidden=9, n_out=1, cell="gru", learn_h0=True, bidirectional=True),
])
def test_model_size_is_the_parameter_count_of_the_built_model(config):
    """Extrapolated from n_hidden 1, 2, 3 and n_layers 1, 2: equal to the real count."""
    model = rl.RNN(**config)
    count, gates = sizes.model_size(config)
    assert count == sum(a.size for _, a in leaves(model.params))
    assert gates == {"elman": 1, "lstm": 4, "gru": 3}[model.cell]


def test_model_size_of_an_absurd_model_is_a_python_integer():
    count, _ = sizes.model_size(dict(n_in=1, n_hidden=10 ** 12, n_out=1, n_layers=10 ** 6))
    H, L = 10 ** 12, 10 ** 6       # Elman: W0 (H, 1), W11 (H, H), b0 (H,); upper W0 (H, H)
    assert count == H * 1 + H * H + H + (L - 1) * (2 * H * H + H) + H + 1


@pytest.mark.parametrize("name", list(catalog.TASKS))
def test_task_shapes_match_the_generated_arrays(name):
    spec = catalog.get(name)
    for n, length in ((3, spec.length + 4), (5, spec.length + 9)):
        X, Y = spec.make(n, length, 0)
        shapes = sizes.task_shapes(spec, n, length)
        assert shapes == {"X": (X.shape, X.dtype.itemsize), "Y": (Y.shape, Y.dtype.itemsize)}


def _generation_peak(spec, n, length):
    import tracemalloc
    tracemalloc.start()
    try:
        X, Y = spec.make(n, length, 0)
        X32, Y32 = X.astype(np.float32), Y.astype(np.float32)     # the model's copies
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name", list(catalog.TASKS))
def test_data_bytes_bound_what_generating_a_task_allocates(name):
    """What generation and the model's float32 copies allocate per extra sample stays under
    the estimate's growth (differences of two sizes: the fixed overhead of a generator and of
    NumPy's first calls is not the data's)."""
    spec = catalog.get(name)
    length = spec.length + 10
    small, large = 500, 2500
    grown = _generation_peak(spec, large, length) - _generation_peak(spec, small, length)
    estimate = (sizes.data_bytes(sizes.task_shapes(spec, large, length))
                - sizes.data_bytes(sizes.task_shapes(spec, small, length)))
    assert 0 < grown <= estimate <= 4 * grown


def test_task_shapes_of_an_absurd_task_allocate_nothing():
    shapes = sizes.task_shapes(catalog.get("parity"), 10 ** 12, 10 ** 9)
    assert shapes["X"][0] == (10 ** 12, 10 ** 9, 1)
    assert sizes.data_bytes(shapes) >= 2 * 10 ** 21


def test_check_names_what_does_not_fit(monkeypatch):
    from rnnlab import _memory
    from rnnlab.cli.common import UsageError
    monkeypatch.setattr(_memory, "available_bytes", lambda: 1 << 30)
    sizes.check(1 << 29, "half of it", "train")
    with pytest.raises(UsageError, match=r"rnnlab train: error: --hidden 9 needs 2\.0 GB, more "
                                         r"than the 1\.0 GB"):
        sizes.check(2 << 30, "--hidden 9", "train")


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_training_bytes_bound_what_an_epoch_allocates(cell, bidirectional):
    """The estimate is above the peak that tracemalloc measures for building the model and
    training one epoch in one batch, and not absurdly so (within 3 times)."""
    import tracemalloc
    config = dict(n_in=3, n_hidden=48, n_out=2, cell=cell, n_layers=2, bidirectional=bidirectional)
    B, T = 16, 60
    X = np.random.default_rng(0).standard_normal((B, T, 3)).astype(np.float32)
    Y = np.zeros((B, T, 2), np.float32)
    # once before measuring: the compiled loops' first call compiles them or loads numba's cache
    # (a one-time cost of the process, not memory that training needs)
    rl.RNN(**config).fit(X[:, :3], Y[:, :3], epochs=1, batch_size=B, progress=False)   # same B, H
    tracemalloc.start()
    try:
        rl.RNN(**config).fit(X, Y, epochs=1, batch_size=B, progress=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    estimate = sizes.training_bytes(config, B, T)
    assert peak <= estimate <= 3 * peak
