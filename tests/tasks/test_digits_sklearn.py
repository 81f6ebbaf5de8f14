"""rnnlab.tasks.digits with scikit-learn: the optional data as row sequences, and an RNN and the
logistic-regression baseline that learn it."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab.tasks import digits as dg

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def data():
    return dg.load(random_state=0)


def test_digits_load_as_row_sequences(data):
    from sklearn.datasets import load_digits
    X_tr, y_tr, X_te, y_te = data
    assert X_tr.shape == (1347, 8, 8) and X_te.shape == (450, 8, 8)
    assert y_tr.shape == (1347,) and y_te.shape == (450,) and y_tr.dtype == np.int64
    assert X_tr.min() == 0 and X_tr.max() == 1
    raw = load_digits()
    flat = raw.data / 16.0                                   # (1797, 64), row-major pixels
    i = np.flatnonzero((flat == X_te[0].ravel()).all(axis=1))
    assert len(i) >= 1 and raw.target[i[0]] == y_te[0]
    np.testing.assert_array_equal(X_te[0][2], flat[i[0], 16:24])   # step 3 is pixel row 3
    share = np.bincount(y_te, minlength=10) - 0.25 * np.bincount(raw.target, minlength=10)
    assert np.abs(share).max() <= 1                          # stratified: a quarter of each class


def test_bad_test_size(data):
    with pytest.raises(ValueError, match="test_size"):
        dg.load(test_size=1.5)


@pytest.mark.training
def test_rnn_and_logistic_regression_learn_the_digits(data):
    """The RNN reached 0.92-0.95 test accuracy over 8 seeds: the line is 0.85."""
    X_tr, y_tr, X_te, y_te = data
    model = rl.RNN(8, 32, 10, output="softmax", mapping="many-to-one", seed=0)
    model.fit(X_tr, y_tr, epochs=10, batch_size=32, lr=0.01, seed=0)
    assert dg.accuracy(model.predict(X_te).argmax(axis=1), y_te) > 0.85
    assert dg.accuracy(dg.logistic_baseline(X_tr, y_tr, X_te), y_te) > 0.9
