"""The long-lag benchmarks: layout checked by hand, baselines checked numerically."""
import math

import numpy as np
import pytest

from rnnlab.tasks import longterm


# -- the adding problem ------------------------------------------------------------------------
@pytest.mark.parametrize("T", [2, 3, 10, 51])
def test_adding_layout(T):
    X, Y = longterm.adding(300, T, random_state=0)
    assert X.shape == (300, T, 2) and Y.shape == (300, 1)
    values, marks = X[..., 0], X[..., 1]
    assert ((values >= 0) & (values < 1)).all()
    assert set(np.unique(marks)) <= {0.0, 1.0}
    assert (marks.sum(axis=1) == 2).all()                       # exactly two markers
    half = T // 2
    assert (marks[:, :half].sum(axis=1) == 1).all()             # one in each half
    assert (marks[:, half:].sum(axis=1) == 1).all()
    np.testing.assert_allclose(Y[:, 0], (values * marks).sum(axis=1), rtol=0, atol=1e-15)


def test_adding_first_marker_covers_the_first_half():
    X, _ = longterm.adding(4000, 8, random_state=1)
    first = np.argmax(X[:, :, 1], axis=1)
    assert set(first.tolist()) == {0, 1, 2, 3}


def test_adding_constant_one_scores_one_sixth():
    """E[(v_a + v_b - 1)^2] = Var(v_a + v_b) = 2/12 for U(0, 1) values; the standard error of
    the mean over 2e5 samples is sqrt(7/180 / 2e5) = 4.4e-4, the tolerance is 7 of them."""
    _, Y = longterm.adding(200_000, 4, random_state=3)
    assert abs(np.mean((Y - 1.0) ** 2) - 1 / 6) < 3e-3
    assert longterm.adding_baseline() == 1 / 6
    assert abs(np.mean(Y) - 1.0) < 3e-3                         # 1 is the best constant


def test_adding_random_state():
    a = longterm.adding(5, 7, random_state=11)
    b = longterm.adding(5, 7, random_state=np.random.default_rng(11))
    c = longterm.adding(5, 7, random_state=12)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("fn", [longterm.adding, longterm.copy_memory])
@pytest.mark.parametrize("n, T, exc, word", [(0, 5, ValueError, "n_samples"),
                                             (3, 0, ValueError, "T"),
                                             (2.5, 5, TypeError, "n_samples")])
def test_bad_arguments(fn, n, T, exc, word):
    with pytest.raises(exc, match=word):
        fn(n, T)


def test_adding_needs_two_steps():
    with pytest.raises(ValueError, match="T must be >= 2"):
        longterm.adding(3, 1)


# -- the copy task ------------------------------------------------------------------------------
def test_copy_layout_by_hand():
    """T = 3: 10 symbols, T - 1 = 2 blanks, the delimiter, 10 blanks (23 steps)."""
    X, Y = longterm.copy_memory(4, 3, random_state=0)
    assert X.shape == (4, 23, 10) and Y.shape == (4, 23)
    assert Y.dtype.kind == "i"
    np.testing.assert_array_equal(X.sum(axis=-1), 1.0)          # one-hot
    tokens = X.argmax(axis=-1)
    symbols = tokens[:, :10]
    assert ((symbols >= 1) & (symbols <= 8)).all()
    for row in tokens:
        assert row[10:12].tolist() == [0, 0]                    # T - 1 blanks
        assert row[12] == 9                                     # the delimiter
        assert row[13:].tolist() == [0] * 10
    assert (Y[:, :13] == 0).all()                               # T + 10 blank answers
    np.testing.assert_array_equal(Y[:, 13:], symbols)           # then the symbols again


def test_copy_uses_all_eight_symbols():
    _, Y = longterm.copy_memory(200, 1, random_state=2)
    assert set(np.unique(Y[:, -10:]).tolist()) == set(range(1, 9))


@pytest.mark.parametrize("T", [1, 10, 100])
def test_copy_memoryless_baseline(T):
    """Blank with probability 1 for T + 10 steps, uniform over the 8 symbols for the last 10:
    the cross-entropy per step is 10 ln 8 / (T + 20)."""
    _, Y = longterm.copy_memory(50, T, random_state=T)
    L = T + 20
    p = np.zeros((L, 9))
    p[:T + 10, 0] = 1.0
    p[T + 10:, 1:] = 1 / 8
    picked = p[np.arange(L)[None, :], Y]                        # (n, L) probability of the target
    ce = -np.log(picked).mean()
    assert ce == pytest.approx(10 * math.log(8) / L, rel=1e-12)
    assert longterm.copy_memory_baseline(T) == pytest.approx(10 * math.log(8) / L, rel=1e-15)
