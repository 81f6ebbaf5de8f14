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
    samples = text_result.texts                            # shown as text, not as a figure
    assert list(samples) == [f"temperature {t}" for t in text_exp.TEMPERATURES]
    assert all(s.startswith(text_exp.PROMPT) for s in samples.values())
    assert all(len(s) == len(text_exp.PROMPT) + TINY_TEXT["sample_chars"]
               for s in samples.values())
    assert "samples" not in text_result.tables and "sample" not in text_result.figures
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
    assert all(len(f.caption) > 40 for f in text_result.figures.values())


def test_word_rate_counts_known_words():
    known = {"the", "cat", "sat", "a"}
    assert text_exp.word_rate(["The cat xqz,", "sat\nfoo"], known) == 3 / 5
    assert text_exp.word_rate(["a cat b,", "ab"], known, letters=2) == 1 / 2   # cat; not ab
    assert text_exp.word_rate(["  ", "12 ,"], known) == 0.0


def test_the_tiny_models_samples_are_measured(text_result):
    """The word check ran: its rates are in the claim's evidence, the bigram's below 0.2."""
    import re
    evidence = text_result.claims[2].evidence
    rnn, bigram = (int(p) / 100 for p in re.findall(r"(\d+)%", evidence)[:2])
    assert 0 <= rnn <= 1 and bigram < 0.2


def _blank_rows(bi, fwd):
    return [["most frequent character (' ')", None, None, 0.27, 0.15, None],
            ["bidirectional", 64, 100, 0.42, bi, 1], ["forward only", 64, 50, 0.35, fwd, 1]]


@pytest.mark.parametrize("bpc, bi, fwd, rate, quick, verdicts", [
    ({"rnn": 2.1, "bigram": 3.3}, 0.35, 0.28, 0.43, False, [True, True, True]),
    ({"rnn": 3.4, "bigram": 3.3}, 0.35, 0.28, 0.6, False, [False, True, True]),
    ({"rnn": 2.1, "bigram": 3.3}, 0.25, 0.28, 0.6, False, [True, False, True]),
    ({"rnn": 2.1, "bigram": 3.3}, 0.35, 0.28, 0.18, False, [True, True, False]),
    ({"rnn": 2.1, "bigram": 3.3}, 0.35, 0.28, 0.18, True, [True, True, None]),
])
def test_claims_follow_the_numbers(bpc, bi, fwd, rate, quick, verdicts):
    got = text_exp.claims(bpc, _blank_rows(bi, fwd), (rate, 0.05), quick=quick)
    assert [c.passed for c in got] == verdicts
    assert all(c.text and c.evidence for c in got)
    if quick:
        assert got[2].evidence.startswith("quick mode: ")
    assert text_exp.headline(bpc)["rnn"] == bpc["rnn"]


def test_experiment_interface():
    assert text_exp.NAME == "text" and text_exp.TITLE and text_exp.DESCRIPTION.strip()
    assert set(text_exp.SETTINGS) == {True, False}
