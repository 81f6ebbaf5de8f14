"""rnnlab.data.sequences: padding and its inverse, forecasting windows, splits."""
import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnlab.data import pad_sequences, sequences, train_val_split, unpad, windows


def test_docstring_examples_run():
    assert doctest.testmod(sequences, extraglobs={"np": np}).failed == 0


@settings(max_examples=60, deadline=None)
@given(lengths=st.lists(st.integers(1, 7), min_size=1, max_size=5), D=st.integers(1, 3),
       side=st.sampled_from(["right", "left"]))
def test_unpad_gives_back_every_sequence(lengths, D, side):
    rng = np.random.default_rng(len(lengths) * 10 + D)
    seqs = [rng.standard_normal((n, D)) for n in lengths]
    X, mask = pad_sequences(seqs, side=side, value=-9.0)
    assert X.shape == (len(seqs), max(lengths), D)
    assert mask.sum(1).tolist() == lengths
    assert (X[~mask] == -9.0).all()
    for a, b in zip(unpad(X, mask), seqs):
        np.testing.assert_array_equal(a, b)
    if side == "right":
        assert mask[:, 0].all()                    # every sequence starts at step 0
    else:
        assert mask[:, -1].all()                   # every sequence ends at the last step


def test_one_dimensional_sequences_keep_their_dtype():
    X, mask = pad_sequences([np.array([3, 1]), np.array([2])], value=0)
    assert X.dtype.kind == "i" and X.tolist() == [[3, 1], [2, 0]]
    assert mask.tolist() == [[True, True], [True, False]]


@pytest.mark.parametrize("truncate, kept", [("left", [2, 3, 4]), ("right", [0, 1, 2])])
def test_truncation_keeps_the_chosen_end(truncate, kept):
    X, mask = pad_sequences([np.arange(5.0)], length=3, truncate=truncate)
    assert X[0].tolist() == kept and mask.all()


@pytest.mark.parametrize("seqs, kwargs, exc, words", [
    ([], {}, TypeError, "non-empty list"),
    ([np.ones((2, 1)), np.ones((2, 2))], {}, ValueError, "seqs[1] has shape (2, 2)"),
    ([np.ones((0, 1))], {}, ValueError, "seqs[0] has no steps"),
    ([np.ones((2, 1, 1))], {}, ValueError, "seqs[0] must be (T, D) or (T,)"),
    ([np.ones(4)], {"length": 2}, ValueError, "truncate='left' or 'right'"),
    ([np.ones(4)], {"side": "middle"}, ValueError, "side must be one of"),
    ([np.array([1.0, np.nan])], {}, ValueError, "seqs[0]"),
    (["abc"], {}, TypeError, "seqs[0]"),
])
def test_pad_sequences_refuses_bad_input(seqs, kwargs, exc, words):
    with pytest.raises(exc) as err:
        pad_sequences(seqs, **kwargs)
    assert words in str(err.value)


def _naive_windows(s, length, horizon, stride):
    s = s[:, None] if s.ndim == 1 else s
    X, Y, start = [], [], 0
    while start + length - 1 + horizon < len(s):
        X.append(s[start:start + length])
        Y.append(s[start + length - 1 + horizon])
        start += stride
    return np.array(X), np.array(Y)


@settings(max_examples=60, deadline=None)
@given(N=st.integers(2, 30), D=st.integers(1, 3), length=st.integers(1, 6),
       horizon=st.integers(1, 4), stride=st.integers(1, 4))
def test_windows_match_a_loop(N, D, length, horizon, stride):
    s = np.random.default_rng(N).standard_normal((N, D))
    if N < length + horizon:
        with pytest.raises(ValueError, match="need at least"):
            windows(s, length, horizon, stride)
        return
    X, Y = windows(s, length, horizon, stride)
    Xn, Yn = _naive_windows(s, length, horizon, stride)
    np.testing.assert_array_equal(X, Xn)
    np.testing.assert_array_equal(Y, Yn)
    assert np.shares_memory(X, s)                   # a view, not a copy


def test_windows_target_columns():
    s = np.arange(12.0).reshape(6, 2)
    X, Y = windows(s, 2, target=1)
    assert X.shape == (4, 2, 2) and Y[:, 0].tolist() == [5.0, 7.0, 9.0, 11.0]
    with pytest.raises(ValueError, match="target column 2 is out of range"):
        windows(s, 2, target=2)


def test_split_partitions_the_rows_and_keeps_pairs_together():
    X = np.arange(20).reshape(10, 2)
    Y = np.arange(10)
    X_tr, X_va, Y_tr, Y_va, m_tr, m_va = train_val_split(X, Y, None, val_fraction=0.3,
                                                         random_state=0)
    assert m_tr is None and m_va is None
    assert len(Y_va) == 3 and sorted(np.r_[Y_tr, Y_va].tolist()) == list(range(10))
    np.testing.assert_array_equal(X_tr[:, 0] // 2, Y_tr)
    np.testing.assert_array_equal(X_va[:, 0] // 2, Y_va)


def test_time_ordered_split_holds_out_the_end():
    Y = np.arange(10)
    Y_tr, Y_va = train_val_split(Y, val_fraction=0.2, time_ordered=True, random_state=3)
    assert Y_tr.tolist() == list(range(8)) and Y_va.tolist() == [8, 9]


@pytest.mark.parametrize("args, kwargs, words", [
    ((np.ones(3), np.ones(4)), {}, "arrays[1] has 4 rows"),
    ((np.ones(10),), {"val_fraction": 1.5}, "val_fraction must lie in (0, 1)"),
    ((np.ones(2),), {"val_fraction": 0.1}, "each needs >= 1"),
    ((), {}, "at least one array"),
])
def test_split_refuses_bad_input(args, kwargs, words):
    with pytest.raises((ValueError, TypeError)) as err:
        train_val_split(*args, **kwargs)
    assert words in str(err.value)
