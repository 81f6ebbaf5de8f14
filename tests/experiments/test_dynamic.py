"""The text, timeseries and digits experiments: they run, and their tables hold what issue 8 asks
for, with numbers checked against independent computations where that is possible."""
import sys
from collections import Counter

import numpy as np
import pytest

from rnnlab.experiments import Result
from rnnlab.experiments import digits as digits_exp
from rnnlab.experiments import text as text_exp
from rnnlab.experiments import timeseries as ts_exp

TINY_TEXT = {"lm": {"hidden": 24, "T": 32, "windows": 800, "rounds": 3, "lr": 0.01},
             "blank": {"hidden": 16, "T": 48, "n_blanks": 3, "windows": 300, "rounds": 2,
                       "lr": 0.01},
             "n_test_blanks": 200, "sample_chars": 40}


def _draw_all(result):
    plt = pytest.importorskip("matplotlib.pyplot")
    for draw in result.figures.values():
        fig = plt.figure()
        draw(fig)
        assert fig.axes
        plt.close(fig)


def _rows(table):
    return {row[0]: dict(zip(table.columns, row)) for row in table.rows}


@pytest.fixture(scope="module")
def text_result():
    return text_exp.run_with(TINY_TEXT, seed=0)


@pytest.mark.training
def test_text_bpc_table(text_result):
    from rnnlab.tasks import text as tx
    rows = _rows(text_result.tables["bpc"])
    unigram, bigram = rows["unigram (add-one)"], rows["bigram (add-one)"]
    rnn = rows["Elman RNN, H = 24"]
    train, _, test = tx.split_text(tx.load_corpus())
    counts, V = Counter(train), len(set(train)) + 2          # add-one over the vocabulary
    want = -np.mean([np.log2((counts[c] + 1) / (len(train) + V)) for c in test[1:]])
    assert unigram["test bpc"] == pytest.approx(want, abs=0.01)
    assert rnn["test bpc"] < unigram["test bpc"] and bigram["test bpc"] < unigram["test bpc"]
    assert rnn["training speed (chars/s)"] > 0
    assert text_exp.SETTINGS[True]["lm"]["rounds"] >= 1


def test_text_samples_and_blanks(text_result):
    samples = text_result.tables["samples"].rows
    assert [r[0] for r in samples] == list(text_exp.TEMPERATURES)
    assert all(len(r[2]) == TINY_TEXT["sample_chars"] for r in samples)
    rows = _rows(text_result.tables["blanks"])
    for name in ("bidirectional", "forward only"):
        assert 0 <= rows[name]["character accuracy"] <= 1 and 0 <= rows[name]["exact match"] <= 1
        assert rows[name]["hidden units"] == 16 and rows[name]["training speed (chars/s)"] > 0
    assert rows["bidirectional"]["parameters"] > rows["forward only"]["parameters"]


def test_text_fills_only_the_blanks_of_the_taj_mahal_sentence(text_result):
    import re
    rows = dict((r[0], r[1]) for r in text_result.tables["taj_mahal"].rows)
    bracket = re.compile(r"\[([^\]]*)\]")
    assert bracket.sub(lambda m: m.group(1), rows["original"]) == text_exp.TAJ
    assert bracket.findall(rows["original"]) == ["Mahal", "his", "in"]
    assert bracket.findall(rows["with blanks"]) == ["_____", "___", "__"]
    assert rows["with blanks"].startswith("The Taj [_____] was")
    outside = bracket.sub("", rows["original"])
    for name in ("bidirectional", "forward only"):
        assert bracket.sub("", rows[name]) == outside       # only the blanks change
        assert [len(f) for f in bracket.findall(rows[name])] == [5, 3, 2]
    _draw_all(text_result)


@pytest.fixture(scope="module")
def ts_result():
    return ts_exp.run(quick=True, seed=0, progress=False)


@pytest.mark.training
def test_timeseries_tables(ts_result):
    from rnnlab.tasks.timeseries import load_series
    rows = _rows(ts_result.tables["errors"])
    assert list(rows) == ["sunspots", "nile", "noisy sine", "Mackey-Glass"]
    _, v = load_series("sunspots")
    start = int(0.85 * len(v))                               # the test part: 262..308
    persistence = np.sqrt(np.mean((v[start:] - v[start - 1:-1]) ** 2))
    sun = rows["sunspots"]
    assert sun["test points"] == len(v) - start
    assert sun["persistence"] == pytest.approx(persistence, rel=1e-12)
    assert sun["linear AR"] < sun["persistence"]
    for name in ("sunspots", "Mackey-Glass"):
        assert min(rows[name]["RNN many-to-one"], rows[name]["RNN many-to-many"]) < \
            rows[name]["persistence"]
    speed = ts_result.tables["training"].rows
    assert len(speed) == 8 and all(r[-1] > 0 for r in speed)
    _draw_all(ts_result)


@pytest.mark.training
def test_digits_tables():
    pytest.importorskip("sklearn")
    result = digits_exp.run(quick=True, seed=0, progress=False)
    assert result.skipped is None
    rnn, base = result.tables["accuracy"].rows
    assert rnn[1] > 0.9 and base[1] > 0.9 and rnn[4] > 0
    cm = np.array([r[1:] for r in result.tables["confusion"].rows])
    assert cm.shape == (10, 10) and cm.sum() == 450
    assert np.trace(cm) / cm.sum() == pytest.approx(rnn[1])
    _draw_all(result)


def test_digits_is_skipped_without_sklearn(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    result = digits_exp.run(quick=True, seed=0, progress=False)
    assert isinstance(result, Result) and not result.tables
    assert "pip install 'rnnlab[sklearn]'" in result.skipped


@pytest.mark.parametrize("module, name", [(text_exp, "text"), (ts_exp, "timeseries"),
                                          (digits_exp, "digits")])
def test_experiment_interface(module, name):
    assert module.NAME == name and module.TITLE and module.DESCRIPTION.strip()
    assert set(module.SETTINGS) == {True, False}
