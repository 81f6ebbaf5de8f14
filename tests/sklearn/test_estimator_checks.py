"""scikit-learn's own estimator checks, every one, for both estimators.

The checks train on small tabular problems (2 to 10 columns, read here as univariate sequences)
and some ask for a training score (accuracy > 0.83, R^2 > 0.5): the instances below are small
and fast (8 hidden units, 40 epochs) yet learn those problems. No check is marked as an
expected failure."""
import pytest

pytest.importorskip("sklearn")

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from rnnlab.sklearn import RNNClassifier, RNNRegressor  # noqa: E402

FAST = dict(n_hidden=8, epochs=40)
EXPECTED_FAILURES = {}          # check name -> reason; the README lists them (there are none)


@parametrize_with_checks([RNNClassifier(**FAST), RNNRegressor(**FAST)],
                         expected_failed_checks=lambda est: EXPECTED_FAILURES)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
