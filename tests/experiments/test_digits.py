"""The digits experiment without scikit-learn: it is skipped with the extra named. With it:
test_digits_sklearn.py."""
import sys

from rnnlab.experiments import Result
from rnnlab.experiments import digits as digits_exp


def test_digits_is_skipped_without_sklearn(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    result = digits_exp.run(quick=True, seed=0, progress=False)
    assert isinstance(result, Result) and not result.tables
    assert "pip install 'rnnlab[sklearn]'" in result.skipped


def test_experiment_interface():
    assert digits_exp.NAME == "digits" and digits_exp.TITLE and digits_exp.DESCRIPTION.strip()
    assert set(digits_exp.SETTINGS) == {True, False}
