"""The time-series experiment (quick): the error table against a persistence forecast computed
here, and the training-speed table."""
import numpy as np
import pytest

from rnnlab.experiments import timeseries as ts_exp


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


def test_figures_draw(ts_result):
    _draw_all(ts_result)
    assert all(len(f.caption) > 40 for f in ts_result.figures.values())


def _table(nile_rnn=124.0, mg_rnn=0.006, mg_ar=0.071):
    return [["sunspots", "n", 12, 47, 29.1, 18.5, 16.8, 16.0, "RNN many-to-many"],
            ["nile", "u", 8, 15, 158.6, 118.1, nile_rnn, 129.5, "linear AR"],
            ["noisy sine", "-", 20, 120, 0.23, 0.106, 0.111, 0.110, "linear AR"],
            ["Mackey-Glass", "-", 16, 150, 0.185, mg_ar, mg_rnn, 0.0065, "RNN many-to-one"]]


@pytest.mark.parametrize("rows, verdicts", [
    (_table(), [True, True]),
    (_table(nile_rnn=160.0), [False, True]),           # one RNN worse than persistence
    (_table(mg_ar=0.01), [True, False]),               # a linear model nearly as good
])
def test_claims_follow_the_numbers(rows, verdicts):
    got = ts_exp.claims(rows)
    assert [c.passed for c in got] == verdicts
    assert all(c.text and c.evidence for c in got)
    h = ts_exp.headline(rows)
    assert (h["rnn"], h["baseline"], h["higher_is_better"]) == (16.8, 29.1, False)


@pytest.mark.training
def test_quick_claims_hold(ts_result):
    assert [c.passed for c in ts_result.claims] == [True, True]


def test_experiment_interface():
    assert ts_exp.NAME == "timeseries" and ts_exp.TITLE and ts_exp.DESCRIPTION.strip()
    assert set(ts_exp.SETTINGS) == {True, False}
