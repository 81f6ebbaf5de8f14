"""fit on a batch source: the same updates as arrays, memory bounded by a batch, clear errors."""
import tracemalloc

import numpy as np
import pytest

import rnnlab as rl


def _data(n, T=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, T, 2)).astype(np.float32)
    return X, np.cumsum(X[..., :1], axis=1)


def test_a_list_of_batches_trains_exactly_as_the_arrays_in_that_order():
    X, Y = _data(10)
    a, b = rl.RNN(2, 4, 1, seed=0), rl.RNN(2, 4, 1, seed=0)
    ha = a.fit(X, Y, epochs=3, batch_size=4, shuffle=False, progress=False)
    batches = [(X[i:i + 4], Y[i:i + 4]) for i in range(0, 10, 4)]
    hb = b.fit(batches, epochs=3, progress=False)
    assert ha.loss == hb.loss
    for (pa, pb) in zip(rl._tree.leaves(a.params), rl._tree.leaves(b.params)):
        np.testing.assert_array_equal(pa[1], pb[1])


def test_a_callable_source_and_a_streamed_validation():
    X, Y = _data(12)
    mask = np.ones(X.shape[:2], bool)
    mask[:, 4:] = np.arange(12)[:, None] % 2 == 0          # every other sequence is shorter
    source = lambda: ((X[i:i + 5], Y[i:i + 5], mask[i:i + 5]) for i in range(0, 12, 5))  # noqa
    m = rl.RNN(2, 4, 1, seed=0)
    hist = m.fit(source, epochs=2, progress=False, validation_data=source)
    want = m.evaluate(X, Y, mask)                          # the same data as one array
    assert hist.val_loss_per_sequence[-1] == pytest.approx(want, rel=1e-5)
    half_squares = 0.5 * ((m.predict(X, mask) - Y) ** 2)[..., 0] * mask    # (B, T), real steps
    assert hist.val_loss[-1] == pytest.approx(half_squares.sum() / mask.sum(), rel=1e-5)


def _peak_of_fit(path, n):
    X, Y = _data(n)
    Xm = np.lib.format.open_memmap(path / f"X{n}.npy", mode="w+", dtype=np.float32, shape=X.shape)
    Ym = np.lib.format.open_memmap(path / f"Y{n}.npy", mode="w+", dtype=np.float32, shape=Y.shape)
    Xm[:], Ym[:] = X, Y
    Xm.flush(), Ym.flush()
    del X, Y, Xm, Ym
    Xr = np.load(path / f"X{n}.npy", mmap_mode="r")
    Yr = np.load(path / f"Y{n}.npy", mmap_mode="r")
    source = lambda: ((Xr[i:i + 50], Yr[i:i + 50]) for i in range(0, n, 50))  # noqa: E731
    m = rl.RNN(2, 8, 1, seed=0)
    tracemalloc.start()
    m.fit(source, epochs=1, progress=False)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_memory_stays_flat_as_the_data_grows_tenfold(tmp_path):
    _peak_of_fit(tmp_path, 100)                              # first-use imports and caches
    small, large = _peak_of_fit(tmp_path, 1000), _peak_of_fit(tmp_path, 10000)
    data_mb = 10000 * 6 * 3 * 4 / 1e6                        # what the larger set weighs
    assert large < 1.3 * small + 50_000, (small, large)     # not ~10x: bounded by the batch
    assert large < data_mb * 1e6 / 4, (large, data_mb)


@pytest.mark.parametrize("make, kwargs, exc, words", [
    (lambda X, Y: iter([(X, Y)]), {"epochs": 2}, ValueError, "used up after one epoch"),
    (lambda X, Y: X, {}, TypeError, "Y is required unless X is a batch source"),
    (lambda X, Y: [(X, Y), (X,)], {}, TypeError, "batch 1 of X must be a tuple"),
    (lambda X, Y: [(X, Y[:, :3])], {}, ValueError, "batch 0 of X"),
    (lambda X, Y: [(X, Y)], {"validation_split": 0.5}, ValueError, "validation_split needs arrays"),
    (lambda X, Y: [], {}, ValueError, "had no batches"),
])
def test_bad_sources(make, kwargs, exc, words):
    X, Y = _data(4)
    m = rl.RNN(2, 3, 1, seed=0)
    with pytest.raises(exc) as err:
        m.fit(make(X, Y), progress=False, **kwargs)
    assert words in str(err.value)


def test_a_deterministic_source_resumes_bit_exact():
    """Stopping after an epoch and going on with the same optimizer gives the parameters of an
    uninterrupted run: nothing in a streamed epoch depends on anything but the source."""
    X, Y = _data(12)
    source = lambda: ((X[i:i + 5], Y[i:i + 5]) for i in range(0, 12, 5))  # noqa: E731
    a, b = rl.RNN(2, 4, 1, seed=0), rl.RNN(2, 4, 1, seed=0)
    opt_a, opt_b = rl.optim.Adam(lr=0.01), rl.optim.Adam(lr=0.01)
    a.fit(source, optimizer=opt_a, epochs=3, progress=False)
    b.fit(source, optimizer=opt_b, epochs=2, progress=False)
    b.fit(source, optimizer=opt_b, epochs=1, progress=False)          # resumed
    for (pa, pb) in zip(rl._tree.leaves(a.params), rl._tree.leaves(b.params)):
        np.testing.assert_array_equal(pa[1], pb[1])
