"""Fixtures of the experiments' tests: local Dask clusters of 1 and 2 worker processes for the
experiments whose runs can go to a pool (one pair per test module, shut down at its end: a
client left running would allocate in its threads during later tests that measure memory)."""
import pytest


@pytest.fixture(scope="module")
def pools():
    """{1: Pool(workers=1), 2: Pool(workers=2)}, both open (skipped without the dask extra)."""
    pytest.importorskip("distributed")
    from rnnlab.sweeps import Pool
    with Pool(workers=1) as one, Pool(workers=2) as two:
        yield {1: one, 2: two}


@pytest.fixture
def without_dask(monkeypatch):
    """`import dask` and `import distributed` fail, as where the extra is not installed."""
    import sys
    for name in ("dask", "distributed"):
        monkeypatch.setitem(sys.modules, name, None)
