"""RNNClassifier and RNNRegressor: input forms, targets one per sequence or per step, what the
estimators compute against what the core rl.RNN computes, the training options (partial_fit,
warm_start, early stopping), pickling, errors, and scikit-learn's tools around them."""
import pickle

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone
from sklearn.metrics import r2_score

import rnnlab as rl
from rnnlab.sklearn import RNNClassifier, RNNRegressor

FAST = {"n_hidden": 6, "epochs": 3, "random_state": 0}


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


@pytest.fixture
def seqs(rng):
    """Six sequences of lengths 3..8 with D = 2, a label each, a value per step each."""
    lengths = [5, 3, 8, 4, 6, 7]
    X = [rng.standard_normal((L, 2)) for L in lengths]
    labels = np.array([0, 1, 2, 0, 1, 2])
    per_step = [np.cumsum(x[:, 0]) for x in X]
    return X, labels, per_step


def test_clone_and_params_are_the_constructor_arguments():
    est = RNNClassifier(cell="gru", n_hidden=5, learning_rate=0.003, warm_start=True)
    params = est.get_params()
    assert params["cell"] == "gru" and params["n_hidden"] == 5 and params["warm_start"] is True
    twin = clone(est)
    assert twin.get_params() == params and twin is not est
    assert twin.set_params(n_hidden=7).n_hidden == 7 and est.n_hidden == 5
    fitted = RNNRegressor(**FAST).fit(np.ones((4, 3)), np.arange(4.0))
    assert not hasattr(clone(fitted), "model_")


def test_a_2d_x_is_univariate_sequences(rng):
    """(n, T) and (n, T, 1) are the same data: same model, same predictions."""
    X, y = rng.standard_normal((20, 5)), rng.standard_normal(20)
    a = RNNRegressor(**FAST).fit(X, y)
    b = RNNRegressor(**FAST).fit(X[:, :, None], y)
    assert a.n_features_in_ == 5 and b.n_features_in_ == 1 and a.model_.n_in == 1
    np.testing.assert_array_equal(a.predict(X), b.predict(X[:, :, None]))
    np.testing.assert_array_equal(a.predict(X), a.model_.predict(X[:, :, None])[:, 0])
    with pytest.raises(ValueError, match="X has 4 features, but RNNRegressor is expecting 5"):
        a.predict(X[:, :4])
    np.testing.assert_array_equal(b.predict(X[:, :4]), b.model_.predict(X[:, :4, None])[:, 0])


def test_a_ragged_list_is_padded_and_masked(seqs):
    """Each sequence of a list gets the answer the core gives it alone, unpadded."""
    X, labels, per_step = seqs
    clf = RNNClassifier(**FAST).fit(X, labels)
    assert clf.n_features_in_ == 2 and clf.model_.mapping.name == "many-to-one"
    alone = np.concatenate([clf.model_.predict(x[None]) for x in X])     # softmax outputs
    np.testing.assert_allclose(clf.predict_proba(X), alone, rtol=1e-12, atol=1e-15)
    reg = RNNRegressor(**FAST).fit(X, per_step)
    assert reg.per_step_ and reg.model_.mapping.name == "many-to-many"
    pred = reg.predict(X)
    assert [len(p) for p in pred] == [len(x) for x in X]
    for x, p in zip(X, pred):
        np.testing.assert_allclose(p, reg.model_.predict(x[None])[0, :, 0], rtol=1e-12)
    flat = np.concatenate(per_step)
    assert reg.score(X, per_step) == pytest.approx(r2_score(flat, np.concatenate(pred)))


@pytest.mark.parametrize("n_classes", [2, 3])
def test_probabilities_and_logits_agree_with_the_core(rng, n_classes):
    X = rng.standard_normal((30, 4, 3))
    y = np.array(["a", "b", "c"][:n_classes])[np.arange(30) % n_classes]
    clf = RNNClassifier(**FAST).fit(X, y)
    core = clf.model_.predict(X)                         # the model's own sigmoid / softmax
    dec, proba = clf.decision_function(X), clf.predict_proba(X)
    if n_classes == 2:
        assert clf.model_.output == "sigmoid" and dec.shape == (30,)
        np.testing.assert_allclose(_sigmoid(dec), core[:, 0], rtol=1e-12)
        np.testing.assert_allclose(proba[:, 1], core[:, 0], rtol=1e-12)
    else:
        assert clf.model_.output == "softmax" and dec.shape == (30, 3)
        e = np.exp(dec - dec.max(1, keepdims=True))
        np.testing.assert_allclose(e / e.sum(1, keepdims=True), core, rtol=1e-12)
        np.testing.assert_allclose(proba, core, rtol=1e-12)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(1)])
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(proba))


@pytest.mark.training
def test_sequence_labelling_one_label_per_step(rng):
    """y (n, T): the label of each step is the sign of the running sum so far (needs memory)."""
    X = rng.standard_normal((300, 10))
    y = np.where(np.cumsum(X, axis=1) > 0, "up", "down")
    clf = RNNClassifier(n_hidden=16, epochs=30, random_state=0).fit(X[:200], y[:200])
    assert clf.per_step_ and clf.predict(X[200:]).shape == (100, 10)
    assert clf.predict_proba(X[200:]).shape == (100, 10, 2)
    assert clf.score(X[200:], y[200:]) > 0.9            # chance is 0.5


@pytest.mark.training
def test_per_step_regression(rng):
    X = rng.uniform(-1, 1, (300, 12, 1))
    Y = 0.5 * np.cumsum(X[..., 0], axis=1)              # (n, T): a running sum
    reg = RNNRegressor(n_hidden=16, epochs=30, random_state=0).fit(X[:200], Y[:200])
    pred = reg.predict(X[200:])
    assert pred.shape == (100, 12)
    assert reg.score(X[200:], Y[200:]) == pytest.approx(r2_score(Y[200:].ravel(), pred.ravel()))
    assert reg.score(X[200:], Y[200:]) > 0.9


def test_several_outputs_per_sequence(rng):
    """A regressor's y (n, k) with k != T: k outputs per sequence, many-to-one; (n, 1) stays 2-D."""
    X, Y = rng.standard_normal((20, 6, 2)), rng.standard_normal((20, 3))
    reg = RNNRegressor(**FAST).fit(X, Y)
    assert not reg.per_step_ and reg.model_.n_out == 3
    np.testing.assert_array_equal(reg.predict(X), reg.model_.predict(X))
    assert RNNRegressor(**FAST).fit(X, Y[:, :1]).predict(X).shape == (20, 1)


def test_partial_fit_continues_one_epoch_per_call(rng):
    X, y = rng.standard_normal((40, 6, 2)), np.arange(40) % 3
    clf = RNNClassifier(n_hidden=8, random_state=0)
    clf.partial_fit(X, y, classes=[0, 1, 2])
    model, opt = clf.model_, clf.optimizer_
    for _ in range(4):
        clf.partial_fit(X, y)
    assert clf.model_ is model and clf.optimizer_ is opt and opt.t == 5 * 2   # 2 batches/epoch
    assert clf.n_iter_ == 5 and len(clf.history_.loss) == 5
    with pytest.raises(ValueError, match=r"labels not in classes_"):
        clf.partial_fit(X, y + 1)
    with pytest.raises(ValueError, match="features per step"):
        clf.partial_fit(X[..., :1], y)


def test_warm_start_continues_and_cold_start_repeats(rng):
    X, y = rng.standard_normal((30, 5)), rng.standard_normal(30)
    cold = RNNRegressor(**FAST).fit(X, y)
    first, model = cold.predict(X), cold.model_
    cold.fit(X, y)
    assert cold.model_ is not model and cold.n_iter_ == 3
    np.testing.assert_array_equal(cold.predict(X), first)
    warm = RNNRegressor(warm_start=True, **FAST).fit(X, y)
    model = warm.model_
    warm.fit(X, y)
    assert warm.model_ is model and warm.n_iter_ == 6 and len(warm.history_.loss) == 6
    assert not np.array_equal(warm.predict(X), first)


def test_early_stopping_holds_out_a_fraction(rng):
    X, y = rng.standard_normal((50, 4, 1)), rng.standard_normal(50)    # noise: no progress
    reg = RNNRegressor(n_hidden=4, epochs=300, early_stopping=True, validation_fraction=0.2,
                       patience=3, random_state=0).fit(X, y)
    assert len(reg.history_.val_loss) == reg.n_iter_ < 300
    assert "early stop" in reg.history_.stopped
    best = int(np.argmin(reg.history_.val_loss))
    assert reg.n_iter_ == best + 1 + 3                   # patience epochs after the best
    held = RNNRegressor(n_hidden=4, early_stopping=True, validation_fraction=0.5)
    with pytest.raises(ValueError, match="validation_fraction"):
        held.set_params(validation_fraction=1.5).fit(X, y)


def test_pickle_keeps_the_model(rng, tmp_path):
    X, y = rng.standard_normal((20, 4, 2)), np.arange(20) % 2
    clf = RNNClassifier(cell="lstm", bidirectional=True, **FAST).fit(X, y)
    back = pickle.loads(pickle.dumps(clf))
    assert isinstance(back.model_, rl.RNN) and back.model_.cell == "lstm"
    np.testing.assert_array_equal(back.decision_function(X), clf.decision_function(X))
    back.model_.save(tmp_path / "m")                     # model_ is an ordinary rl.RNN
    np.testing.assert_array_equal(rl.load(tmp_path / "m").predict(X), clf.model_.predict(X))


def test_an_optimizer_object_is_copied_not_stepped(rng):
    adam = rl.optim.Adam(lr=0.01)
    RNNRegressor(optimizer=adam, **FAST).fit(rng.standard_normal((8, 3)), np.ones(8))
    assert adam.t == 0 and adam.state == {}


def test_bad_input_is_named(rng, seqs):
    X = rng.standard_normal((10, 4, 2))
    X[3, 1, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        RNNClassifier(**FAST).fit(X, np.arange(10) % 2)
    Xs, labels, _ = seqs
    with pytest.raises(ValueError, match=r"X\[1\] has shape \(3, 1\)"):
        RNNClassifier(**FAST).fit([Xs[0], Xs[1][:, :1]] + Xs[2:], labels)
    with pytest.raises(ValueError, match="1 class"):
        RNNClassifier(**FAST).fit(rng.standard_normal((5, 3)), np.ones(5))
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        RNNClassifier(**FAST).fit(rng.standard_normal((5, 3)), rng.standard_normal(5))
    with pytest.raises(ValueError, match="optimizer must be one of"):
        RNNRegressor(optimizer="adagrad").fit(rng.standard_normal((5, 3)), np.ones(5))
    with pytest.raises(ValueError, match="dtype must be 'float32' or 'float64', got 'int8'"):
        RNNRegressor(dtype="int8").fit(rng.standard_normal((5, 3)), np.ones(5))
    fitted = RNNRegressor(**FAST).fit(rng.standard_normal((5, 3)), np.ones(5))
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        fitted.set_params(batch_size=0).fit(rng.standard_normal((5, 3)), np.ones(5))
    assert not hasattr(fitted, "model_")                 # no stale model after a failed refit
    with pytest.raises(ValueError, match="cell must be one of"):
        RNNRegressor(cell="transformer").fit(rng.standard_normal((5, 3)), np.ones(5))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        RNNRegressor(**FAST).fit(rng.standard_normal((5, 3)), np.ones(4))
    reg = RNNRegressor(**FAST).fit(rng.standard_normal((5, 3, 2)), np.ones(5))
    with pytest.raises(ValueError, match="X has 3 features per step, but RNNRegressor is "
                                         "expecting 2 features per step"):
        reg.predict(rng.standard_normal((5, 3, 3)))


def test_lazy_subpackage():
    assert rl.sklearn.RNNClassifier is RNNClassifier
