"""rnnlab.tasks.digits without scikit-learn: the missing extra is named, and the confusion matrix
and accuracy by hand. The data itself: test_digits_sklearn.py."""
import sys

import numpy as np
import pytest

from rnnlab.tasks import digits as dg


def test_missing_sklearn_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)       # import sklearn now fails
    with pytest.raises(ImportError, match=r"pip install 'rnnlab\[sklearn\]'"):
        dg.load()
    with pytest.raises(ImportError, match=r"rnnlab\[sklearn\]"):
        dg.logistic_baseline(np.zeros((2, 8, 8)), [0, 1], np.zeros((1, 8, 8)))


def test_confusion_matrix_by_hand():
    cm = dg.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], n_classes=3)
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert dg.accuracy([0, 1, 1, 2, 0, 2], [0, 0, 1, 2, 2, 2]) == pytest.approx(4 / 6)


@pytest.mark.parametrize("truth, pred, match", [([0, 1], [0], "same shape"),
                                                ([0, 10], [0, 1], "truth must hold classes")])
def test_confusion_matrix_rejects_bad_input(truth, pred, match):
    with pytest.raises(ValueError, match=match):
        dg.confusion_matrix(truth, pred)
