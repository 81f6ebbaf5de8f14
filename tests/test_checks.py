"""The library's own arguments (issue 11, items 1, 11, 12, 13, 18 and the earlier fuzz findings):
each case is refused with a ValueError or TypeError whose message names the argument, or works
and gives the right numbers. The hypothesis fuzz over the same API is tests/test_fuzz.py."""
import warnings

import numpy as np
import pytest

import rnnlab as rl
from rnnlab import _checks
from rnnlab._tree import leaves
from rnnlab.nn import CELLS


def X3(B=2, T=3, D=2, value=0.5):
    return np.full((B, T, D), value)


def _seq2seq():
    return rl.RNN(2, 4, 1, mapping="seq2seq")


# -- one table: (call, exception type, a regular expression its message must match) ------------
CASES = {
    # item 1: overflow of the model's dtype, checked after the cast
    "predict X overflows float32": (
        lambda: rl.RNN(2, 4, 1, dtype=np.float32).predict(np.array([[[1e39, -1e39]]])),
        ValueError, r"X overflows float32.*3\.403e\+38"),
    "float64 data into a float32 model": (
        lambda: rl.RNN(2, 4, 1).predict(X3(value=1e300)), ValueError, "X overflows float32"),
    "evaluate Y overflows": (
        lambda: rl.RNN(2, 4, 1).evaluate(X3(), np.full((2, 3, 1), -1e39)),
        ValueError, "Y overflows float32"),
    "loss_and_grads Y overflows": (
        lambda: rl.RNN(2, 4, 1).loss_and_grads(X3(), np.full((2, 3, 1), 1e39)),
        ValueError, "Y overflows float32"),
    "loss_and_grads h0 overflows": (
        lambda: rl.RNN(2, 4, 1).loss_and_grads(X3(), np.zeros((2, 3, 1)), h0=np.full((2, 4), 1e40)),
        ValueError, r"h0\[0\] overflows float32"),
    "fit X overflows": (
        lambda: rl.RNN(2, 4, 1).fit(X3(value=-4e38), np.zeros((2, 3, 1)), epochs=1, progress=False),
        ValueError, "X overflows float32"),
    "X holds NaN": (
        lambda: rl.RNN(2, 4, 1).predict(X3(value=np.nan)), ValueError, "X contains 12 NaN or inf"),
    "complex X": (
        lambda: rl.RNN(2, 4, 1).predict(X3().astype(complex)), TypeError, "X must hold numbers.*complex"),
    "object X": (
        lambda: rl.RNN(2, 4, 1).predict(X3().astype(object)), TypeError, "X must hold numbers.*object"),
    "ragged X": (
        lambda: rl.RNN(2, 4, 1).predict([[[1, 2]], [[1, 2], [3, 4]]]), TypeError, "X must be an array"),
    # item 13
    "predict stateful='no'": (
        lambda: rl.RNN(2, 4, 1).predict(X3(), stateful="no"), TypeError, "stateful must be True or False"),
    "predict return_state='yes'": (
        lambda: rl.RNN(2, 4, 1).predict(X3(), return_state="yes"), TypeError,
        "return_state must be True or False"),
    "loss_and_grads return_state='yes'": (
        lambda: rl.RNN(2, 4, 1).loss_and_grads(X3(), np.zeros((2, 3, 1)), return_state="yes"),
        TypeError, "return_state must be True or False"),
    "SGD nesterov='yes'": (
        lambda: rl.optim.SGD(momentum=0.9, nesterov="yes"), TypeError, "nesterov must be True or False"),
    "RNN dtype=None": (lambda: rl.RNN(2, 4, 1, dtype=None), TypeError, "dtype must be"),
    "RNN dtype=float16": (lambda: rl.RNN(2, 4, 1, dtype="float16"), ValueError, "dtype must be one of"),
    "gradcheck eps=0": (
        lambda: rl.gradcheck(rl.RNN(1, 2, 1), np.ones((1, 2, 1)), np.ones((1, 2, 1)), eps=0),
        ValueError, "eps must be > 0"),
    "gradcheck eps=-1": (
        lambda: rl.gradcheck(rl.RNN(1, 2, 1), np.ones((1, 2, 1)), np.ones((1, 2, 1)), eps=-1),
        ValueError, "eps must be > 0"),
    "gradcheck eps='x'": (
        lambda: rl.gradcheck(rl.RNN(1, 2, 1), np.ones((1, 2, 1)), np.ones((1, 2, 1)), eps="x"),
        TypeError, "eps must be a number"),
    "from_state_dict name only": (
        lambda: rl.optim.from_state_dict({"name": "adam"}), ValueError,
        "optimizer state lacks the field.*hyperparams"),
    "from_state_dict not a dict": (
        lambda: rl.optim.from_state_dict(["adam"]), TypeError, "optimizer state must be a dict"),
    "from_state_dict unknown name": (
        lambda: rl.optim.from_state_dict({"name": "adagrad", "hyperparams": {}, "t": 0, "slots": {}}),
        ValueError, "optimizer state's name must be one of"),
    "from_state_dict t='1'": (
        lambda: rl.optim.from_state_dict({"name": "adam", "hyperparams": {}, "t": "1", "slots": {}}),
        TypeError, "optimizer state's t must be an integer"),
    "from_state_dict unknown hyperparameter": (
        lambda: rl.optim.from_state_dict({"name": "sgd", "hyperparams": {"betas": [0.9, 0.9]},
                                          "t": 0, "slots": {}}),
        ValueError, "hyperparams hold 'betas'"),
    "from_state_dict unknown slot": (
        lambda: rl.optim.from_state_dict({"name": "adam", "hyperparams": {}, "t": 1,
                                          "slots": {"W/q": np.zeros(2)}}),
        ValueError, "has no slot 'q'"),
    "Vocab.one_hot([-1])": (
        lambda: rl.tasks.text.Vocab("abc").one_hot([-1]), ValueError, r"ids must be integers in 0\.\.4"),
    "Vocab.one_hot([5])": (
        lambda: rl.tasks.text.Vocab("abc").one_hot([5]), ValueError, r"ids must be integers in 0\.\.4"),
    "mackey_glass(dt=0)": (
        lambda: rl.tasks.timeseries.mackey_glass(10, dt=0), ValueError, "dt must be > 0"),
    "mackey_glass(tau=nan)": (
        lambda: rl.tasks.timeseries.mackey_glass(10, tau=float("nan")), ValueError, "tau must be finite"),
    "noisy_sine(random_state='x')": (
        lambda: rl.tasks.timeseries.noisy_sine(10, random_state="x"), TypeError,
        "random_state must be None, an int, a list of ints or a numpy Generator"),
    "noisy_sine(random_state=-1)": (
        lambda: rl.tasks.timeseries.noisy_sine(10, random_state=-1), ValueError,
        "random_state must be >= 0"),
    "noisy_sine(random_state=[0, -1])": (
        lambda: rl.tasks.timeseries.noisy_sine(10, random_state=[0, -1]), ValueError,
        r"random_state\[1\] must be >= 0"),
    "lm_windows(n_windows=-1)": (
        lambda: rl.tasks.text.lm_windows(np.arange(50), 5, n_windows=-1), ValueError,
        "n_windows must be >= 1"),
    "lm_windows(random_state='x')": (
        lambda: rl.tasks.text.lm_windows(np.arange(50), 5, n_windows=2, random_state="x"),
        TypeError, "random_state must be"),
    "load_series with a missing path": (
        lambda: rl.tasks.timeseries.load_series("nile", path="/no/such/nile.csv"),
        FileNotFoundError, r"path='/no/such/nile\.csv'.*'nile' series"),
    "states seq2seq with n_steps": (
        lambda: _seq2seq().states(X3(), n_steps=4), ValueError,
        "n_steps does not apply to states.*seq2seq.*encoder"),
    "states many-to-many with n_steps": (
        lambda: rl.RNN(2, 4, 1).states(X3(), n_steps=3), ValueError,
        "n_steps does not apply to states.*many-to-many"),
    "states one-to-many without n_steps": (
        lambda: rl.RNN(2, 4, 1, mapping="one-to-many").states(np.ones((2, 2))), ValueError,
        "needs the number of output steps"),
    # the earlier fuzz pass
    "loss=['mse']": (lambda: rl.RNN(2, 4, 1, loss=["mse"]), TypeError, r"loss must be a name.*\['mse'\]"),
    "loss=np.array": (lambda: rl.RNN(2, 4, 1, loss=np.array(["mse"])), TypeError, "loss must be a name"),
    "loss='hinge'": (lambda: rl.RNN(2, 4, 1, loss="hinge"), ValueError, "loss must be one of"),
    "Y with 0 steps, many-to-many": (
        lambda: rl.RNN(2, 4, 1).loss_and_grads(X3(), np.ones((2, 0, 1))), ValueError,
        r"Y must have shape \(2, 3, 1\)"),
    "Y with 0 steps, one-to-many": (
        lambda: rl.RNN(2, 4, 1, mapping="one-to-many").loss_and_grads(np.ones((2, 2)),
                                                                       np.ones((2, 0, 1))),
        ValueError, "Y must have at least one step"),
    "Y with 0 steps, seq2seq": (
        lambda: _seq2seq().loss_and_grads(X3(), np.ones((2, 0, 1))), ValueError,
        "Y must have at least one step"),
    "one-to-many Y (B, K)": (
        lambda: rl.RNN(2, 4, 1, mapping="one-to-many").loss_and_grads(np.ones((2, 2)),
                                                                       np.ones((2, 1))),
        ValueError, r"Y must have shape \(batch, steps, K\).*got \(2, 1\).*no steps axis"),
    "custom loss returns a float": (
        lambda: rl.RNN(2, 4, 1, loss=lambda y, t, m: 3.0).loss_and_grads(X3(), np.ones((2, 3, 1))),
        TypeError, "the loss callable must return a pair"),
    "custom loss returns a triple": (
        lambda: rl.RNN(2, 4, 1, loss=lambda y, t, m: (1.0, y - t, 0)).loss_and_grads(
            X3(), np.ones((2, 3, 1))), TypeError, "must return a pair.*length 3"),
    "custom loss value is a string": (
        lambda: rl.RNN(2, 4, 1, loss=lambda y, t, m: ("1", y - t)).loss_and_grads(
            X3(), np.ones((2, 3, 1))), TypeError, "the loss callable's value must be a real number"),
    "custom loss gradient of the wrong shape": (
        lambda: rl.RNN(2, 4, 1, loss=lambda y, t, m: (1.0, y[:, :1])).loss_and_grads(
            X3(), np.ones((2, 3, 1))), ValueError, r"dL/dY of shape \(2, 3, 1\), got \(2, 1, 1\)"),
    "class indices out of range": (
        lambda: rl.RNN(2, 4, 2, output="softmax").loss_and_grads(X3(), np.full((2, 3), 2)),
        ValueError, r"Y holds class indices that must lie in 0\.\.1"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_argument_table(name):
    call, err, match = CASES[name]
    with pytest.raises(err, match=match):
        call()


# -- item 1: the rule is the model's dtype, not a fixed bound -----------------------------------
def test_what_overflows_float32_is_fine_in_float64():
    X = np.array([[[1e39, -1e39]]])
    y = rl.RNN(2, 4, 1, dtype="float64").predict(X)
    assert np.isfinite(y).all()                      # tanh saturates: a finite, exact answer
    h = rl.RNN(2, 4, 1, dtype="float64").states(X)[0]          # tanh(W0 x + b0), |W0 x| ~ 1e38
    np.testing.assert_array_equal(np.abs(h), 1.0)


def test_predict_never_returns_non_finite_outputs():
    """Finite inputs, parameters large enough that the float32 output overflows: a ValueError
    that says why, not inf or NaN."""
    m = rl.RNN(1, 2, 1, activation="relu")
    m.params["layers"][0]["W0"][...] = 1e30
    m.params["output"]["W1"][...] = 1e30
    with pytest.raises(ValueError, match="predict's outputs.*not finite.*overflows float32"):
        m.predict(np.ones((1, 2, 1)))
    m.params["layers"][0]["W11"][...] = 1e30                  # relu states that overflow
    with pytest.raises(ValueError, match="the states.*not finite.*overflows float32"):
        m.states(np.ones((1, 3, 1)))


def test_overflow_is_checked_after_the_cast_only_where_a_cast_happens():
    a = _checks.as_array(np.array([1e39]), "X")                # no dtype: float64 stays as it is
    assert a[0] == 1e39
    with pytest.raises(ValueError, match=r"X overflows float16.*X\[1\] = 70000\.0"):
        _checks.as_array(np.array([1.0, 7e4]), "X", dtype=np.float16)


# -- item 11: boolean labels ----------------------------------------------------------------------
def test_bool_class_labels_are_the_classes_0_and_1():
    """As scikit-learn treats a bool label vector: softmax cross-entropy on bool labels equals the
    same labels as integers, loss and every gradient (bit for bit: one code path)."""
    rng = np.random.default_rng(0)
    X, labels = rng.standard_normal((5, 6, 2)), rng.random((5, 6)) < 0.5
    m = rl.RNN(2, 4, 2, output="softmax", dtype="float64")
    lb, gb = m.loss_and_grads(X, labels)
    li, gi = m.loss_and_grads(X, labels.astype(np.int64))
    assert lb == li
    for (pb, a), (pi, b) in zip(leaves(gb), leaves(gi)):
        assert pb == pi
        np.testing.assert_array_equal(a, b)
    # the value itself: -mean over sequences of sum_t log softmax(a)[label]
    p = m.predict(X)
    expected = -np.log(np.take_along_axis(p, labels[..., None].astype(int), -1)).sum() / 5
    assert lb == pytest.approx(expected, rel=1e-12)


def test_bool_targets_are_0_1_for_a_sigmoid_output():
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((3, 4, 2)), rng.random((3, 4, 1)) < 0.5
    m = rl.RNN(2, 4, 1, output="sigmoid", dtype="float64")
    lb, gb = m.loss_and_grads(X, Y)
    lf, gf = m.loss_and_grads(X, Y.astype(float))
    assert lb == lf
    p = m.predict(X)
    expected = -(Y * np.log(p) + (~Y) * np.log1p(-p)).sum() / 3
    assert lb == pytest.approx(expected, rel=1e-10)


def test_bool_labels_of_the_wrong_shape_name_y():
    m = rl.RNN(2, 4, 3, output="softmax")
    with pytest.raises(ValueError, match=r"Y must have shape \(5, 6, 3\) or class indices of shape \(5, 6\)"):
        m.loss_and_grads(np.ones((5, 6, 2)), np.zeros((5, 7), bool))


# -- item 12: every fit argument is checked before the first update --------------------------------
def _bound_elsewhere():
    opt = rl.optim.Adam()
    other = rl.RNN(2, 4, 1, seed=3)
    opt.step(other.params, other.loss_and_grads(X3(), np.zeros((2, 3, 1)))[1])
    return opt


FIT_BAD = {
    "validation X of the wrong width": (dict(validation_data=(np.ones((2, 3, 5)), np.ones((2, 3, 1)))),
                                        ValueError, r"validation_data: X must have shape"),
    "validation Y with NaN": (dict(validation_data=(X3(), np.full((2, 3, 1), np.nan))),
                              ValueError, "validation_data: Y contains 6 NaN"),
    "validation Y overflows": (dict(validation_data=(X3(), np.full((2, 3, 1), 1e39))),
                               ValueError, "validation_data: Y overflows float32"),
    "validation mask": (dict(validation_data=(X3(), np.ones((2, 3, 1)), np.full((2, 3), 0.5))),
                        ValueError, "validation_data: mask must hold only 0/1"),
    "validation_data of length 1": (dict(validation_data=(X3(),)), TypeError,
                                    "validation_data must be a tuple.*length 1"),
    "callback not callable": (dict(callback="print"), TypeError, "callback must be a callable"),
    "progress='yes'": (dict(progress="yes"), TypeError, "progress must be True or False"),
    "seed=-1": (dict(seed=-1), ValueError, "seed must be >= 0"),
    "optimizer bound to another model": (dict(optimizer=_bound_elsewhere), ValueError,
                                         "bound to another parameter set"),
    "mask of the wrong shape": (dict(mask=np.ones((4, 2), bool)), ValueError, r"mask must have shape"),
    "Y overflows": (dict(Y=np.full((4, 3, 1), 1e39)), ValueError, "Y overflows float32"),
}


@pytest.mark.parametrize("name", list(FIT_BAD))
def test_fit_refuses_before_the_first_update(name):
    kwargs, err, match = FIT_BAD[name]
    kwargs = dict(kwargs)
    if callable(kwargs.get("optimizer")):
        kwargs["optimizer"] = kwargs["optimizer"]()
    m = rl.RNN(2, 4, 1, seed=1)
    before = [(p, a.copy()) for p, a in leaves(m.params)]
    X = np.random.default_rng(0).standard_normal((4, 3, 2))
    Y = kwargs.pop("Y", np.zeros((4, 3, 1)))
    calls = []
    kwargs.setdefault("callback", lambda model, hist: calls.append(1))
    with pytest.raises(err, match=match):
        m.fit(X, Y, epochs=2, batch_size=2, **kwargs)
    after = list(leaves(m.params))
    assert [p for p, _ in before] == [p for p, _ in after]
    for (_, a), (_, b) in zip(before, after):
        assert a.tobytes() == b.tobytes()                    # bit-identical: no step was taken
    assert calls == []


# -- optimizers are bound to the arrays they update ------------------------------------------------
def test_an_optimizer_on_a_model_with_other_shapes_is_refused_not_broadcast():
    opt = rl.optim.Adam()
    X, Y = X3(), np.zeros((2, 3, 1))
    rl.RNN(2, 4, 1).fit(X, Y, optimizer=opt, epochs=1, progress=False)
    with pytest.raises(ValueError, match="bound to another parameter set"):
        rl.RNN(2, 5, 1).fit(X, Y, optimizer=opt, epochs=1, progress=False)


def test_equal_shapes_do_not_inherit_moments_silently_and_reset_starts_afresh():
    X, Y = np.random.default_rng(0).standard_normal((2, 3, 2)), np.ones((2, 3, 1))
    a, b, fresh = rl.RNN(2, 4, 1, seed=1), rl.RNN(2, 4, 1, seed=2), rl.RNN(2, 4, 1, seed=2)
    opt = rl.optim.Adam(lr=0.01)
    a.fit(X, Y, optimizer=opt, epochs=2, batch_size=2, progress=False)
    before = [x.copy() for _, x in leaves(b.params)]
    with pytest.raises(ValueError, match=r"reset\(\)"):
        b.fit(X, Y, optimizer=opt, epochs=1, batch_size=2, progress=False)
    assert all(np.array_equal(x, y) for x, (_, y) in zip(before, leaves(b.params)))
    opt.reset()
    assert opt.t == 0 and opt.state == {}
    b.fit(X, Y, optimizer=opt, epochs=1, batch_size=2, progress=False)
    fresh.fit(X, Y, optimizer=rl.optim.Adam(lr=0.01), epochs=1, batch_size=2, progress=False)
    for (_, x), (_, y) in zip(leaves(b.params), leaves(fresh.params)):
        np.testing.assert_array_equal(x, y)                  # exactly a new optimizer's steps


def test_the_same_model_keeps_its_optimizer_across_fit_calls():
    m, opt = rl.RNN(2, 4, 1), rl.optim.SGD(lr=0.1, momentum=0.9)
    for _ in range(2):
        m.fit(X3(), np.zeros((2, 3, 1)), optimizer=opt, epochs=1, progress=False)
    assert opt.t == 2


def test_a_restored_state_is_checked_against_the_model_before_training():
    m = rl.RNN(2, 4, 1)
    opt = rl.optim.Adam()
    m.fit(X3(), np.zeros((2, 3, 1)), optimizer=opt, epochs=1, progress=False)
    sd = opt.state_dict()
    good = rl.optim.from_state_dict(sd)
    good.check_params(m.params)                                  # same names and shapes: fine
    other = rl.RNN(2, 5, 1)
    before = [x.copy() for _, x in leaves(other.params)]
    with pytest.raises(ValueError, match=r"slot layers\.0\.W0/m has shape \(4, 2\).*\(5, 2\)"):
        other.fit(X3(), np.zeros((2, 3, 1)), optimizer=rl.optim.from_state_dict(sd), epochs=1,
                  progress=False)
    assert all(np.array_equal(x, y) for x, (_, y) in zip(before, leaves(other.params)))


def test_a_refused_step_changes_nothing():
    p = {"a": np.ones(2), "b": np.ones(3)}
    opt = rl.optim.SGD(lr=1.0)
    with pytest.raises(ValueError, match="gradient for 'b' has shape"):
        opt.step(p, {"a": np.ones(2), "b": np.ones(4)})
    np.testing.assert_array_equal(p["a"], 1.0)
    assert opt.t == 0


# -- RNN.states -----------------------------------------------------------------------------------
def _manual_states(cell, layers, x, bidirectional, activation="tanh"):
    """Every layer's h(t) by a loop over the cell's reference step (the equations), batch-first;
    the backward direction reads the sequence from its end. Layers above the first read
    [h_f(t); h_b(t)]."""
    B, T, _ = x.shape
    inp, out = x, []

    def run(params, seq, order):
        H = params["W11"].shape[1]
        state = tuple(np.zeros((B, H)) for _ in cell.STATE)
        h = np.empty((B, T, H))
        for t in order:
            state = cell.step(params, seq[:, t], state, activation=activation)
            h[:, t] = state[0]
        return h
    for params in layers:
        if bidirectional:
            hf = run(params["f"], inp, range(T))
            hb = run(params["b"], inp, range(T - 1, -1, -1))
            out.append({"f": hf, "b": hb})
            inp = np.concatenate([hf, hb], axis=-1)
        else:
            out.append(run(params, inp, range(T)))
            inp = out[-1]
    return out


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("bidirectional", [True, False])
def test_states_equal_a_manual_forward(cell, bidirectional):
    m = rl.RNN(3, 4, 2, cell=cell, n_layers=2, bidirectional=bidirectional, dtype="float64",
               seed=5)
    x = np.random.default_rng(2).standard_normal((2, 5, 3))
    got = m.states(x)
    want = _manual_states(CELLS[cell], m.params["layers"], x, bidirectional)
    assert len(got) == 2
    for g, w in zip(got, want):
        if bidirectional:
            assert set(g) == {"f", "b"}
            for d in "fb":
                np.testing.assert_allclose(g[d], w[d], rtol=1e-12, atol=1e-14)
        else:
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)


def test_states_of_seq2seq_are_the_encoders_and_one_to_many_takes_n_steps():
    m = _seq2seq()
    x = np.random.default_rng(0).standard_normal((2, 3, 2))
    enc = rl.RNN(2, 4, 1, seed=0)                    # the same encoder weights: same seed, drawn first
    np.testing.assert_array_equal(m.params["layers"][0]["W0"], enc.params["layers"][0]["W0"])
    np.testing.assert_allclose(m.states(x)[0], enc.states(x)[0], rtol=1e-6)
    o2m = rl.RNN(2, 4, 1, mapping="one-to-many")
    assert o2m.states(np.ones((2, 2)), n_steps=4)[0].shape == (2, 4, 4)


# -- nn attributes and messages -------------------------------------------------------------------
def test_cell_modules_are_attributes_of_rl_nn():
    import rnnlab.nn.gru as gru_module
    import rnnlab.nn.lstm as lstm_module
    assert rl.nn.lstm is lstm_module and rl.nn.gru is gru_module
    assert rl.nn.CELLS == {"elman": rl.nn.elman, "lstm": rl.nn.lstm, "gru": rl.nn.gru}


def test_the_guard_says_the_loss_is_not_finite():
    """A finite float32 target (1e30) whose square overflows: the loss is inf, and fit's guard
    stops with a grammatical message."""
    m = rl.RNN(1, 2, 1)
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        hist = m.fit(np.ones((2, 3, 1)), np.full((2, 3, 1), 1e30), epochs=1, progress=False)
    assert "the loss is not finite" in hist.stopped
    assert "the loss are" not in hist.stopped
    assert any("the loss is not finite" in str(w.message) for w in caught)


@pytest.mark.parametrize("cell", ["elman", "lstm"])
def test_fit_trains_learned_initial_states(cell):
    """Found by the fuzz test: fit crashed on the tuple states of learn_h0=True. One SGD step of
    fit equals one step by hand on the same gradient."""
    X, Y = np.random.default_rng(0).standard_normal((2, 3, 1)), np.ones((2, 3, 1))
    a, b = (rl.RNN(1, 2, 1, cell=cell, learn_h0=True, dtype="float64") for _ in range(2))
    a.fit(X, Y, optimizer=rl.optim.SGD(lr=0.1), epochs=1, batch_size=2, shuffle=False,
          progress=False)
    _, grads = b.loss_and_grads(X, Y)
    for (p, x), (_, g) in zip(leaves(b.params), leaves(grads)):
        x -= 0.1 * g
    for (_, x), (_, y) in zip(leaves(a.params), leaves(b.params)):
        np.testing.assert_allclose(x, y, rtol=1e-14)
    assert np.abs(a.params["h0"][0][0]).max() > 0                # h0 moved


def test_random_state_takes_a_seed_sequence_as_numpy_does():
    a = rl.tasks.timeseries.noisy_sine(5, random_state=[3, 1])
    b = rl.tasks.timeseries.noisy_sine(5, random_state=np.random.default_rng([3, 1]))
    np.testing.assert_array_equal(a, b)
