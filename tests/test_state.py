"""rnnlab._state: recurrent states between the user's layout (PyTorch's: a bare (B, H) array per
layer, (h, c) for the LSTM, a dict per layer when bidirectional) and the cells' tuples."""
import numpy as np
import pytest

from rnnlab import _state

B, H = 2, 3


def _arr(v):
    return np.full((B, H), float(v))


def test_from_user_gives_tuples_cast_to_the_dtype():
    out = _state.from_user([_arr(1), (_arr(2),)], n_layers=2, bidirectional=False, n_states=1,
                           batch=B, n_hidden=H, dtype=np.float32)
    assert [type(s) for s in out] == [tuple, tuple] and [len(s) for s in out] == [1, 1]
    np.testing.assert_array_equal(out[1][0], 2.0)                # a 1-tuple is taken as it is
    assert all(s[0].dtype == np.float32 for s in out)


def test_a_bare_state_for_a_one_layer_model_and_pairs_for_the_lstm():
    (s,) = _state.from_user((_arr(1), _arr(2)), n_layers=1, bidirectional=False, n_states=2,
                            batch=B, n_hidden=H, dtype=np.float64)
    np.testing.assert_array_equal(s[0], 1.0)
    np.testing.assert_array_equal(s[1], 2.0)


def test_bidirectional_states_are_dicts_per_layer():
    h0 = [{"f": _arr(1), "b": _arr(2)}]
    (s,) = _state.from_user(h0, n_layers=1, bidirectional=True, n_states=1, batch=B, n_hidden=H,
                            dtype=np.float64)
    assert set(s) == {"f", "b"}
    np.testing.assert_array_equal(s["b"][0], 2.0)
    assert _state.batch_of([s]) == B


def test_to_user_inverts_from_user():
    user = [(_arr(1), _arr(2)), (_arr(3), _arr(4))]
    cells = _state.from_user(user, n_layers=2, bidirectional=False, n_states=2, batch=B,
                             n_hidden=H, dtype=np.float64)
    back = _state.to_user(cells, bidirectional=False)
    for got, want in zip(back, user):
        assert isinstance(got, tuple)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)
    one = _state.to_user([{"f": (_arr(5),), "b": (_arr(6),)}], bidirectional=True)
    assert isinstance(one[0]["f"], np.ndarray)                    # one-state cells: bare arrays
    np.testing.assert_array_equal(one[0]["b"], 6.0)


def test_per_state_maps_every_layer_and_direction():
    states = [{"f": 1, "b": 2}, {"f": 3, "b": 4}]
    assert _state.per_state(states, lambda s: -s, True) == [{"f": -1, "b": -2}, {"f": -3, "b": -4}]
    assert _state.per_state([1, 2], lambda s: 10 * s, False) == [10, 20]


@pytest.mark.parametrize("h0, kw, err, match", [
    (_arr(0), dict(n_layers=2), TypeError, r"h0 must be a list of 2 states, one per layer, got "
                                           r"ndarray"),
    ([_arr(0)], dict(n_layers=2), ValueError, r"one state per layer \(2\), got 1"),
    ([_arr(0)], dict(bidirectional=True), TypeError, r"h0\[0\] must be a dict \{'f': state, "
                                                     r"'b': state\} .* got ndarray"),
    ([{"f": _arr(0)}], dict(bidirectional=True), TypeError, r"h0\[0\] must be a dict"),
    ([_arr(0)], dict(n_states=2), TypeError, r"h0\[0\] must be a tuple \(h, c\) of arrays "
                                             r"\(2, 3\), got ndarray"),
    ([(_arr(0),) * 3], dict(n_states=2), TypeError, r"got a tuple of 3"),
    ([np.zeros((2, 4))], {}, ValueError, r"h0\[0\] must have shape \(2, 3\) \(batch, n_hidden\), "
                                         r"got \(2, 4\)"),
    ([(_arr(0), np.zeros(3))], dict(n_states=2), ValueError, r"h0\[0\]\[1\] must have shape"),
    ([{"f": _arr(0), "b": np.zeros((1, 3))}], dict(bidirectional=True), ValueError,
     r"h0\[0\]\['b'\] must have shape"),
    (["abc"], {}, TypeError, r"h0\[0\] must be an array of numbers, got str"),
])
def test_bad_states_name_the_place_and_the_expected_layout(h0, kw, err, match):
    opts = dict(n_layers=1, bidirectional=False, n_states=1, batch=B, n_hidden=H,
                dtype=np.float64)
    with pytest.raises(err, match=match):
        _state.from_user(h0, **{**opts, **kw})
