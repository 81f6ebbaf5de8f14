"""rnnlab.metrics by hand, with masks; fit(metrics=...) records them every epoch."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab import metrics


def test_values_by_hand_with_a_mask():
    y = np.array([[[1.0], [3.0], [9.0]]])                 # (B=1, T=3, K=1)
    Y = np.array([[[2.0], [3.0], [0.0]]])
    mask = np.array([[True, True, False]])                # the last step is padding
    assert metrics.mse(y, Y, mask) == pytest.approx(0.5)  # (1 + 0) / 2
    assert metrics.mae(y, Y, mask) == pytest.approx(0.5)
    p = np.array([[[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]],
                  [[0.3, 0.7], [0.6, 0.4], [0.1, 0.9]]])  # softmax outputs (2, 3, 2)
    labels = np.array([[0, 1, 1], [1, 1, 1]])
    m2 = np.array([[True, True, False], [True, True, True]])
    # real steps: right, right | right, wrong, right -> 4 of 5; sequences: 1 of 2
    assert metrics.accuracy(p, labels, m2, "softmax") == pytest.approx(0.8)
    assert metrics.sequence_accuracy(p, labels, m2, "softmax") == pytest.approx(0.5)
    onehot = np.eye(2)[labels]
    assert metrics.accuracy(p, onehot, m2, "softmax") == pytest.approx(0.8)
    s = np.array([[0.7, 0.2], [0.4, 0.9]])                # sigmoid, one answer per sequence
    assert metrics.accuracy(s, np.array([[1, 0], [1, 1]]), None, "sigmoid") == pytest.approx(0.75)


def test_fit_records_metrics_on_the_validation_data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 5, 2))
    y = (X[:, :, 0].sum(1) > 0).astype(int)
    m = rl.RNN(2, 6, 2, mapping="many-to-one", output="softmax", seed=0)
    hist = m.fit(X[:30], y[:30], epochs=3, progress=False, validation_data=(X[30:], y[30:]),
                 metrics=["accuracy", lambda yp, Y, mask, out: 0.25])
    assert len(hist.metrics["val_accuracy"]) == 3 and hist.metrics["val_<lambda>"] == [0.25] * 3
    want = float((m.predict(X[30:]).argmax(-1) == y[30:]).mean())
    assert hist.metrics["val_accuracy"][-1] == pytest.approx(want)
    hist2 = m.fit(X, y, epochs=1, progress=False, metrics="accuracy")
    assert list(hist2.metrics) == ["accuracy"]            # no validation: the training data


@pytest.mark.parametrize("bad, exc, words", [
    ("f1", ValueError, "metrics[0] must be one of"),
    ([3], TypeError, "metrics[0] must be a name"),
    (["mse", "mse"], ValueError, "must differ"),
])
def test_bad_metrics_change_nothing(bad, exc, words):
    X = np.ones((4, 3, 1))
    m = rl.RNN(1, 2, 1, seed=0)
    before = m.predict(X)
    with pytest.raises(exc) as err:
        m.fit(X, X, epochs=1, progress=False, metrics=bad)
    assert words in str(err.value)
    np.testing.assert_array_equal(m.predict(X), before)
