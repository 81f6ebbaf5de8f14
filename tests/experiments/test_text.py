"""The text experiment on a tiny setting: bits per character against an add-one unigram computed
here, samples and filled blanks, and only the blanks of the Taj Mahal sentence change."""
from collections import Counter

import numpy as np
import pytest

from rnnlab.experiments import text as text_exp

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


def test_figures_draw(text_result):
    _draw_all(text_result)


def test_experiment_interface():
    assert text_exp.NAME == "text" and text_exp.TITLE and text_exp.DESCRIPTION.strip()
    assert set(text_exp.SETTINGS) == {True, False}
