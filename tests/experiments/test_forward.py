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


def test_figures_draw(result):
    plt = pytest.importorskip("matplotlib.pyplot")
    for draw in result.figures.values():
        fig = plt.figure()
        draw(fig)
        assert fig.axes
        plt.close(fig)


def test_experiment_interface():
    assert fw_exp.NAME == "forward" and fw_exp.TITLE and fw_exp.DESCRIPTION.strip()
    assert set(fw_exp.SETTINGS) == {True, False}
