"""The forward experiment (quick): its baselines recomputed here from the documented data, the
recurrent net beating the static one where the answer needs the past, and its figures."""
import numpy as np
import pytest

from rnnlab.experiments import forward as fw_exp
from rnnlab.tasks.catalog import sine


@pytest.fixture(scope="module")
def result():
    return fw_exp.run(quick=True, seed=0, progress=False)


def _rows(result):
    t = result.tables["errors"]
    return {r[0]: dict(zip(t.columns, r)) for r in t.rows}


def test_baselines_are_those_of_the_test_sequences(result):
    cfg = fw_exp.SETTINGS[True]
    n, n_te, T = cfg["n_train"] + cfg["n_test"], cfg["n_test"], cfg["T"]
    X = np.random.default_rng(0).uniform(-1, 1, size=(n, T, 1))[-n_te:]      # echo, lag 2
    Y = np.zeros_like(X)
    Y[:, 2:] = X[:, :-2]
    Xs, Ys = (a[-n_te:] for a in sine(n, T, 0))
    rows = _rows(result)
    assert rows["echo"]["trivial baseline"] == pytest.approx(np.mean(Y ** 2), rel=1e-12)
    assert rows["sine"]["trivial baseline"] == pytest.approx(np.mean((Xs - Ys) ** 2), rel=1e-12)
    assert all(r["RNN training speed (time steps/s)"] > 0 for r in rows.values())
    assert result.summary[0] == ("sine RNN MSE", rows["sine"]["Elman RNN"])
    assert result.config["seed"] == 0 and result.config["T"] == T


@pytest.mark.training
def test_the_recurrent_net_beats_the_static_one(result):
    """Quick setting, seed 0: echo 0.0008 against 0.31, sine 0.019 against 0.092 (2 cores,
    OpenBLAS); the lines leave a factor of 10 and 2.5."""
    rows = _rows(result)
    echo, sine_ = rows["echo"], rows["sine"]
    assert echo["Elman RNN"] < 0.1 * min(echo["static net (x(t) only)"], echo["trivial baseline"])
    assert sine_["Elman RNN"] < 0.4 * min(sine_["static net (x(t) only)"],
                                          sine_["trivial baseline"])


def test_figures_draw_with_captions(result):
    plt = pytest.importorskip("matplotlib.pyplot")
    for figure in result.figures.values():
        assert len(figure.caption) > 40
        fig = plt.figure()
        figure(fig)
        assert fig.axes
        plt.close(fig)


def test_learning_curves_are_per_answering_step(result):
    """The curves end at the loss per step of the trained models on the training data: the RNN's
    summed loss divided by its T answering steps, the static net's by its single one. Here the
    RNN's last value is recomputed from the trained net's predictions: 1/2 (y - t)^2 per step."""
    cfg = fw_exp.SETTINGS[True]
    curves = result.figures["learning_curves"].data["losses"]
    assert set(curves) == {"Elman RNN", "static net (x(t) only)"}
    assert all(len(c) == cfg["epochs"] for c in curves.values())
    assert result.figures["learning_curves"].data["ylabel"] == "loss per step"
    X, Y = sine(cfg["n_train"] + cfg["n_test"], cfg["T"], 0)
    Xtr, Ytr = X[:cfg["n_train"]], Y[:cfg["n_train"]]
    from rnnlab import RNN
    rnn = RNN(1, cfg["hidden"], 1, seed=0)
    seen = []
    rnn.fit(Xtr, Ytr, optimizer="adam", lr=0.01, epochs=2, batch_size=32, seed=0,
            callback=fw_exp._per_step_curve(rnn, Xtr, Ytr, cfg["T"], seen))
    want = 0.5 * np.mean((rnn.predict(Xtr) - Ytr) ** 2)      # per sequence, per step
    assert seen[-1] == pytest.approx(want, rel=1e-4)
    # on one scale, the RNN ends below the static net, as in the test table
    assert curves["Elman RNN"][-1] < curves["static net (x(t) only)"][-1]


def _table(sine_rnn, sine_static, echo_rnn, echo_static, echo_mean=0.33):
    return [["sine", sine_rnn, sine_static, 0.09, "persistence", 1],
            ["echo", echo_rnn, echo_static, echo_mean, "mean", 1]]


@pytest.mark.parametrize("rows, verdicts", [
    (_table(0.02, 0.09, 0.001, 0.31), [True, True]),
    (_table(0.05, 0.09, 0.001, 0.31), [False, True]),     # sine: not below half the static net
    (_table(0.02, 0.09, 0.2, 0.31), [False, True]),       # echo: the RNN did not learn it
    (_table(0.02, 0.09, 0.001, 0.1), [True, False]),      # a static net that recalls the past
])
def test_claims_follow_the_numbers(rows, verdicts):
    got = fw_exp.claims(rows)
    assert [c.passed for c in got] == verdicts
    assert all(c.text and c.evidence for c in got)
    assert "0.09" in got[0].evidence


def test_headline_is_the_sine_row():
    h = fw_exp.headline(_table(0.02, 0.09, 0.001, 0.31))
    assert (h["rnn"], h["baseline"], h["higher_is_better"]) == (0.02, 0.09, False)


@pytest.mark.training
def test_quick_claims_hold(result):
    assert [c.passed for c in result.claims] == [True, True]
    assert result.headline["rnn"] < result.headline["baseline"]


def test_experiment_interface():
    assert fw_exp.NAME == "forward" and fw_exp.TITLE and fw_exp.DESCRIPTION.strip()
    assert set(fw_exp.SETTINGS) == {True, False}
