"""The digits experiment without scikit-learn: it is skipped with the extra named. With it:
test_digits_sklearn.py."""
import sys

import pytest

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


@pytest.mark.parametrize("acc, base, verdicts", [
    (0.978, 0.969, [True, True]),
    (0.962, 0.969, [True, False]),          # the quick run before its learning rate decayed
    (0.85, 0.969, [False, False]),
])
def test_claims_follow_the_numbers(acc, base, verdicts):
    got = digits_exp.claims(acc, base)
    assert [c.passed for c in got] == verdicts
    assert all(f"{acc:.4f}" in c.evidence and f"{base:.4f}" in c.evidence for c in got)
    h = digits_exp.headline(acc, base)
    assert (h["rnn"], h["baseline"], h["higher_is_better"]) == (acc, base, True)
