"""The mappings experiment (quick): the diagrams' steps from each model's own mapping, checked
against the lecture's pictures; every variation against its baseline; the "next input" task that
an aligned RNN cannot solve and a delayed or bidirectional one can."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab.experiments import mappings as mp_exp

T = 5


@pytest.mark.parametrize("kw, X, n_steps, reads, answers, enc", [
    (dict(), np.ones((1, T, 1)), None, [1, 1, 1, 1, 1], [0, 1, 2, 3, 4], 0),
    (dict(mapping="many-to-many-delayed", delay=2), np.ones((1, T, 1)), None,
     [1, 1, 1, 1, 1, 0, 0], [2, 3, 4, 5, 6], 0),
    (dict(mapping="many-to-one"), np.ones((1, T, 1)), None, [1, 1, 1, 1, 1], [4], 0),
    (dict(mapping="many-to-one", bidirectional=True), np.ones((1, T, 1)), None,
     [1, 1, 1, 1, 1], [0, 4], 0),
    (dict(mapping="one-to-one"), np.ones((1, 1)), None, [1], [0], 0),
    (dict(mapping="one-to-many"), np.ones((1, 1)), 4, [1, 0, 0, 0], [0, 1, 2, 3], 0),
    (dict(mapping="one-to-many", feed="every"), np.ones((1, 1)), 4, [1, 1, 1, 1],
     [0, 1, 2, 3], 0),
    (dict(mapping="seq2seq"), np.ones((1, T, 1)), 3, [1, 1, 1, 1, 1], [0, 1, 2], T),
])
def test_layout_reads_the_models_own_mapping(kw, X, n_steps, reads, answers, enc):
    model = rl.RNN(1, 2, 1, **kw)
    got_reads, got_answers, got_enc = mp_exp.layout(model, X, n_steps)
    assert np.asarray(got_reads).astype(int).tolist() == reads
    assert np.asarray(got_answers).tolist() == answers
    assert got_enc == enc


@pytest.fixture(scope="module")
def result():
    return mp_exp.run(quick=True, seed=0, progress=False)


def _rows(result):
    t = result.tables["variations"]
    return {r[0]: dict(zip(t.columns, r)) for r in t.rows}


def test_table_has_every_mapping_and_the_contrasts(result):
    rows = _rows(result)
    assert set(rl.mappings.NAMES) - {"many-to-many-delayed"} <= set(rows)
    assert {"next input, aligned", "next input, delayed", "next input, bidirectional",
            "running sum, 2 layers"} <= set(rows)
    assert rows["one-to-one"]["metric"] == "accuracy"
    assert rows["one-to-one"]["baseline (0.5 / predict 0)"] == 0.5
    assert rows["seq2seq"]["X per sample"] == "(5, 1)"
    assert {f"mapping_{n}" for n in rl.mappings.NAMES} == set(result.figures)


@pytest.mark.training
def test_each_variation_learns_and_aligned_cannot_see_the_future(result):
    """Quick setting, seed 0: every variation ended at 0.3% of its baseline or less (accuracy 1.0)
    except the aligned "next input" net, which stayed at its baseline (0.293 against 0.292)."""
    rows = _rows(result)
    for name, r in rows.items():
        if name == "next input, aligned":                   # x(t+1) is independent of the past
            assert r["RNN"] > 0.8 * r["baseline (0.5 / predict 0)"], r
            continue
        if r["metric"] == "accuracy":
            assert r["RNN"] > 0.95, r
        else:
            assert r["RNN"] < 0.1 * r["baseline (0.5 / predict 0)"], r
        assert r["train loss, last"] < 0.5 * r["train loss, epoch 1"], r


def _table(aligned=0.29, delayed=3e-5, seq2seq=6e-4, xor=1.0):
    names = ["one-to-one", "one-to-many", "many-to-one", "many-to-many", "next input, aligned",
             "next input, delayed", "next input, bidirectional", "running sum, 2 layers",
             "seq2seq"]
    values = [xor, 1e-5, 0.008, 0.001, aligned, delayed, 2e-4, 0.005, seq2seq]
    return [[n, "", "", "", "accuracy" if n == "one-to-one" else "MSE", v,
             0.5 if n == "one-to-one" else 0.3, 1.0, 0.01] for n, v in zip(names, values)]


@pytest.mark.parametrize("rows, verdicts", [
    (_table(), [True, True]),
    (_table(seq2seq=0.05), [False, True]),         # above a tenth of its baseline
    (_table(xor=0.75), [False, True]),             # XOR accuracy below 0.95
    (_table(aligned=0.1), [True, False]),          # an aligned net that saw the future
    (_table(delayed=0.2), [True, False]),          # a delayed net that did not learn
])
def test_claims_follow_the_numbers(rows, verdicts):
    got = mp_exp.claims(rows)
    assert [c.passed for c in got] == verdicts
    assert all(c.text and c.evidence for c in got)
    h = mp_exp.headline(rows)
    assert (h["rnn"], h["baseline"], h["higher_is_better"]) == (2e-4, rows[4][5], False)


@pytest.mark.training
def test_quick_claims_hold(result):
    assert [c.passed for c in result.claims] == [True, True]


def test_figures_draw(result):
    plt = pytest.importorskip("matplotlib.pyplot")
    for draw in result.figures.values():
        assert len(draw.caption) > 40
        fig = plt.figure()
        draw(fig)
        assert fig.axes
        plt.close(fig)


def test_experiment_interface():
    assert mp_exp.NAME == "mappings" and mp_exp.TITLE and mp_exp.DESCRIPTION.strip()
    assert set(mp_exp.SETTINGS) == {True, False}
