"""The stability experiment on a tiny setting: its tables hold what the issue asks, from the run;
the comparison's trainings give the same runs here and on 1 or 2 Dask workers, and the long-lag
setting compares the adding and copy tasks up to T = 400."""
import math

import numpy as np
import pytest

import rnnlab as rl
from rnnlab.experiments import stability as exp
from rnnlab.experiments.parallel import plain

TINY = {"sweep_T": 40, "sweep_H": 8, "radii": (0.5, 1.0, 1.5), "tasks": ("adding",),
        "lengths": (12,), "hidden": 8, "steps": 40, "batch": 16, "eval_every": 20, "n_test": 64,
        "seeds": 1, "lr": 1e-2, "variants": tuple(exp.VARIANTS)}


@pytest.fixture(scope="module")
def result():
    return exp.run(quick=True, seed=0, setting=TINY)


def _rows(table):
    return [dict(zip(table.columns, r)) for r in table.rows]


def test_sweep_agrees_with_the_theory(result):
    rows = _rows(result.tables["sweep"])
    assert [(r["units"], round(r["rho(W11)"], 6)) for r in rows] == \
        [(u, rho) for u in ("linear", "tanh") for rho in TINY["radii"]]
    for r in rows:
        assert r["sigma(W11)"] >= r["rho(W11)"] - 1e-12
        if r["units"] == "linear":                     # the rate tends to rho, both directions
            assert r["impulse rate"] == pytest.approx(r["rho(W11)"], rel=0.05)
            assert r["gradient rate"] == pytest.approx(r["rho(W11)"], rel=0.05)
            assert r["impulse"] == r["gradient"] == r["theory"]
        elif r["sigma(W11)"] < 1:                      # Pascanu et al.'s sufficient condition
            assert r["impulse"] == r["gradient"] == "vanishing"
    lin = {r["rho(W11)"]: r for r in rows if r["units"] == "linear"}
    assert lin[0.5][f"impulse gain at lag {TINY['sweep_T'] - 1}"] < 1e-9
    assert lin[1.5][f"gradient gain at lag {TINY['sweep_T'] - 1}"] > 1e5


def test_remedy_table_has_every_variant_against_the_baseline(result):
    rows = _rows(result.tables["remedies"])
    assert [r["model"] for r in rows] == list(exp.VARIANTS)
    for r in rows:
        assert r["T"] == 12 and r["baseline"] == pytest.approx(1 / 6)
        if r["test error"] is None:                    # a gated cell that has not landed
            assert "not available" in r["note"]
            continue
        assert 0 <= r["min"] <= r["test error"] <= r["max"] and math.isfinite(r["test error"])
        assert r["error / baseline"] == pytest.approx(r["test error"] * 6)
        assert r["gradient ratio at init"] > 0


def test_train_one_curve_and_error_are_consistent():
    rec = exp.train_one("Elman tanh", 10, TINY, seed=3)
    assert rec["steps"] == TINY["steps"] and rec["stopped"] is None
    assert [s for s, _ in rec["curve"]] == [0, 20, 40]
    assert rec["error"] == rec["curve"][-1][1]


@pytest.mark.parametrize("task", ["adding", "copy"])
def test_task_errors_are_the_reported_measures(task):
    """adding: the mean of (y - t)^2 (twice the model's 1/2 squared-error loss); copy: the
    cross-entropy per step, -mean log p(target), from the predicted probabilities."""
    t = exp._task(task, 5)
    error, baseline = t["error"], t["baseline"]
    X, Y = t["make"](6, np.random.default_rng(0))
    m = rl.RNN(t["n_in"], 4, t["n_out"], dtype="float64", seed=1, **t["opts"])
    if task == "adding":
        assert error(m, X, Y) == pytest.approx(2 * m.evaluate(X, Y), rel=1e-12)
        assert baseline == 1 / 6
    else:
        p = m.predict(X)                                          # (6, 25, 9) probabilities
        want = -np.mean(np.log(np.take_along_axis(p, Y[..., None], axis=-1)))
        assert error(m, X, Y) == pytest.approx(want, rel=1e-10)
        assert baseline == pytest.approx(10 * math.log(8) / 25)


def test_figures_draw_log_scale_curves_with_the_theory(result):
    plt = pytest.importorskip("matplotlib.pyplot")
    from matplotlib.figure import Figure
    for name in ("impulse", "gradients", "learning_curves"):
        fig = Figure()
        result.figures[name](fig)
        assert fig.axes and all(ax.get_yscale() == "log" for ax in fig.axes)
    fig = Figure()
    result.figures["impulse"](fig)
    n = len(TINY["radii"])
    assert [len(ax.lines) for ax in fig.axes] == [2 * n, 2 * n]      # measured and rho^k lines
    theory = fig.axes[0].lines[n].get_ydata()
    np.testing.assert_allclose(theory, 0.5 ** np.arange(TINY["sweep_T"]), rtol=1e-5)
    plt.close("all")


def test_summary_and_config(result):
    assert result.config["setting"] == "custom" and result.config["lengths"] == (12,)
    labels = [label for label, _ in result.summary]
    assert "linear impulse rate at rho = 0.50" in labels
    assert any(label.startswith("Elman tanh, T = 12") for label in labels)



def test_figures_have_captions(result):
    assert set(result.figures) == {"impulse", "gradients", "learning_curves"}
    assert all(len(f.caption) > 40 for f in result.figures.values())


SWEEP_COLS = ["units", "rho(W11)", "sigma(W11)", "theory", "impulse rate", "impulse gain",
              "impulse", "gradient rate", "gradient gain", "gradient"]
REMEDY_COLS = ["model", "T", "test error", "min", "max", "baseline", "error / baseline",
               "below baseline/2", "gradient ratio at init", "note"]


def _verdict(rate):
    return "vanishing" if rate < 0.98 else "exploding" if rate > 1.02 else "neutral"


def _tables(lin_rate=1.0, tanh_top=1.05, elman=0.17, lstm=0.001, gru=0.0005, lstm_note=""):
    """Sweep rows at rho 0.5 and 1.5 (linear rates rho * lin_rate; tanh 0.47 and tanh_top) and
    remedies rows at T = 50 with the given test errors (baseline 1/6)."""
    from rnnlab.experiments import Table
    sweep = [["linear", rho, 1.0, "", rho * lin_rate, 0.0, _verdict(rho * lin_rate),
              rho * lin_rate, 0.0, _verdict(rho * lin_rate)] for rho in (0.5, 1.5)]
    sweep += [["tanh", rho, 1.0, "", rate, 0.0, _verdict(rate), rate, 0.0, _verdict(rate)]
              for rho, rate in ((0.5, 0.47), (1.5, tanh_top))]
    base = 1 / 6
    rem = [[m, 50, e, e, e, base, None if e is None else e / base, "", 1.0, note]
           for m, e, note in (("Elman tanh", elman, ""), ("LSTM", lstm, lstm_note),
                              ("GRU", gru, ""))]
    return {"sweep": Table("", SWEEP_COLS, sweep), "remedies": Table("", REMEDY_COLS, rem)}


@pytest.mark.parametrize("kw, quick, verdicts", [
    ({}, False, [True, True, True, True, True]),
    (dict(lin_rate=1.1), False, [False, True, True, True, True]),   # not the rate rho
    (dict(tanh_top=1.0), False, [True, False, True, True, True]),   # tanh gradient not growing
    (dict(elman=0.05), False, [True, True, False, True, True]),     # an Elman net that learned
    (dict(lstm=0.11), False, [True, True, True, False, True]),      # the LSTM on its plateau
    (dict(gru=0.16), False, [True, True, True, True, False]),
    (dict(lstm=0.11), True, [True, True, True, None, True]),        # quick: not tested
    (dict(lstm=None, lstm_note="not available: x"), False, [True, True, True, None, True]),
])
def test_claims_follow_the_numbers(kw, quick, verdicts):
    got = exp.claims(_tables(**kw), quick=quick)
    assert [c.passed for c in got] == verdicts
    assert all(c.text and c.evidence for c in got)
    if quick:
        assert got[3].evidence.startswith("quick mode: ")
        assert "0.11" in got[3].evidence                    # the numbers are still shown


def test_headline_is_the_better_gated_cell_against_elman():
    h = exp.headline(_tables(lstm=0.002, gru=0.0005)["remedies"])
    assert (h["rnn_label"], h["rnn"], h["baseline"], h["higher_is_better"]) == \
        ("GRU", 0.0005, 0.17, False)
    assert h["metric"] == "test error, adding task, T = 50"
    assert exp.headline(_tables(elman=None)["remedies"]) is None


def test_quick_sweep_claims_hold():
    """The quick tour's sweep (no training, float64): its two claims pass."""
    cfg = exp.SETTINGS["quick"]
    rows = exp.sweep(cfg["radii"], cfg["sweep_T"], cfg["sweep_H"], seed=0)
    tables = {"sweep": exp._sweep_table(rows, cfg["sweep_T"]),
              "remedies": _tables()["remedies"]}
    assert [c.passed for c in exp.claims(tables, quick=True)[:2]] == [True, True]


# -- the comparison's runs: independent, the same here and on workers; both tasks -------------
TWO = dict(TINY, tasks=("adding", "copy"), variants=("Elman tanh", "GRU"), lengths=(6, 10),
           seeds=2, steps=20, eval_every=10, n_test=32)


def _same(runs):
    """The runs as plain values without their wall time (the only thing that may differ between
    two runs of the same seeds)."""
    return plain([{k: v for k, v in r.items() if k != "time"} for r in runs])


@pytest.fixture(scope="module")
def two_tasks():
    return exp.compare(TWO, seed=4)


def test_compare_runs_every_task_length_variant_and_seed_in_order(two_tasks):
    assert [(r["task"], r["T"], r["variant"], r["seed"]) for r in two_tasks] == \
        [(t, T, v, s) for t in TWO["tasks"] for T in TWO["lengths"] for v in TWO["variants"]
         for s in (4, 5)]
    config = dict({k: TWO[k] for k in exp.TRAIN_KEYS}, task="copy", T=10, variant="GRU")
    alone = exp.remedy_run(config, 5)                            # one run, on its own
    assert _same([two_tasks[-1]]) == _same([alone]) and alone["task"] == "copy"
    assert [s for s, _ in alone["curve"]] == [0, 10, 20]


def test_the_same_runs_on_1_and_2_workers(pools, two_tasks):
    one, two = (exp.compare(TWO, seed=4, pool=pools[n]) for n in (1, 2))
    assert _same(one) == _same(two)                              # bit for bit
    for task in TWO["tasks"]:
        assert exp.remedy_table(one, TWO, task).as_dict() == \
            exp.remedy_table(two, TWO, task).as_dict()
    assert [r["seed"] for r in one] == [r["seed"] for r in two_tasks]


def test_without_dask_the_comparison_runs_here(without_dask, two_tasks):
    assert _same(exp.compare(TWO, seed=4)) == _same(two_tasks)


def test_each_task_has_its_table_and_curves(two_tasks):
    res = exp.run(setting=dict(TWO, seeds=1, variants=("Elman tanh",), lengths=(6,)))
    assert list(res.tables) == ["sweep", "remedies", "remedies_copy"]
    assert {"learning_curves", "learning_curves_copy"} <= set(res.figures)
    assert res.figures["learning_curves_copy"].data["task"] == "copy"
    adding, copy = (_rows(res.tables[n]) for n in ("remedies", "remedies_copy"))
    assert res.tables["remedies_copy"].title.startswith("The copy task")
    assert adding[0]["baseline"] == pytest.approx(1 / 6)
    assert copy[0]["baseline"] == pytest.approx(10 * math.log(8) / (6 + 20))
    labels = [label for label, _ in res.summary]
    assert any(label.startswith("Elman tanh, T = 6:") for label in labels)
    assert any(label.startswith("copy: Elman tanh, T = 6:") for label in labels)
    table = exp.remedy_table(two_tasks, TWO, "copy")
    assert [(r["model"], r["T"]) for r in _rows(table)] == \
        [(v, T) for T in TWO["lengths"] for v in TWO["variants"]]


def test_the_long_setting_compares_both_tasks_up_to_400_steps():
    long = exp.SETTINGS["long"]
    assert long["tasks"] == ("adding", "copy") and long["lengths"] == (50, 100, 200, 400)
    assert long["seeds"] == 3 and long["variants"] == exp.LONG_VARIANTS
    assert exp._tasks({"task": "copy"}) == ("copy",)              # a setting of one task
    with pytest.raises(ValueError, match="tasks: expected some of 'adding', 'copy', got"):
        exp._tasks({"tasks": ("adding", "sorting")})
