"""History: its fields in both units, and History.plot's learning curves (matplotlib, Agg)."""
import sys

import numpy as np
import pytest

import rnnlab as rl
from rnnlab.history import History

plt = pytest.importorskip("matplotlib.pyplot")


def _hist():
    return History(loss=[3.0, 2.0, 1.5], val_loss=[3.5, 2.5, 2.25],
                   loss_per_sequence=[30.0, 20.0, 15.0], val_loss_per_sequence=[35.0, 25.0, 22.5],
                   metrics={"val_accuracy": [0.5, 0.7, 0.8], "val_mse": [1.0, 0.6, 0.5]})


def _data(line):
    x, y = line.get_data()
    return list(np.asarray(x, float)), list(np.asarray(y, float))


def test_plot_draws_the_losses_and_the_metrics_in_a_second_panel():
    h = _hist()
    ax_loss, ax_metric = h.plot()
    lines = {line.get_label(): _data(line) for line in ax_loss.get_lines()}
    assert lines == {"loss": ([1, 2, 3], h.loss), "val_loss": ([1, 2, 3], h.val_loss)}
    assert ax_loss.get_ylabel() == "loss per answering step" and ax_loss.get_xlabel() == "epoch"
    metric = {line.get_label(): _data(line) for line in ax_metric.get_lines()}
    assert metric == {k: ([1, 2, 3], v) for k, v in h.metrics.items()}
    assert ax_metric.figure is ax_loss.figure and ax_metric is not ax_loss
    plt.close("all")


def test_plot_on_given_axes_puts_the_metrics_on_a_twin_axis():
    _, ax = plt.subplots()
    h = _hist()
    ax_loss, ax_metric = h.plot(ax=ax, metrics="val_accuracy")
    assert ax_loss is ax and ax_metric.get_shared_x_axes().joined(ax, ax_metric)
    assert [_data(line) for line in ax_metric.get_lines()] == [([1, 2, 3], [0.5, 0.7, 0.8])]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["loss", "val_loss", "val_accuracy"]       # one legend for both axes
    plt.close("all")


def test_plot_without_metrics_returns_one_axes_and_skips_missing_validation():
    h = History(loss=[2.0, 1.0])
    ax = h.plot(logy=True)
    assert [line.get_label() for line in ax.get_lines()] == ["loss"]
    assert ax.get_yscale() == "log"
    pair = plt.subplots(1, 2)[1]
    got = _hist().plot(ax=pair, metrics=[])
    assert got is pair[0]
    plt.close("all")


def test_plot_refuses_metrics_it_did_not_record():
    with pytest.raises(ValueError, match=r"\['accuracy'\] were not recorded.*val_accuracy"):
        _hist().plot(metrics=["accuracy"])
    with pytest.raises(ValueError, match="one Axes or a pair"):
        _hist().plot(ax=plt.subplots(1, 3)[1])
    plt.close("all")


def test_plot_without_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install 'rnnlab\[plot\]'"):
        _hist().plot()


def test_a_fitted_history_plots_its_own_values():
    X = np.random.default_rng(0).uniform(-1, 1, (16, 5, 1))
    h = rl.RNN(1, 4, 1).fit(X, np.cumsum(X, axis=1), epochs=3, verbose=0, metrics=["mse"],
                            validation_split=0.25)
    ax_loss, ax_metric = h.plot()
    assert _data(ax_loss.get_lines()[1])[1] == pytest.approx(h.val_loss)
    assert _data(ax_metric.get_lines()[0])[1] == pytest.approx(h.metrics["val_mse"])
    assert set(h.as_dict()) >= {"loss", "val_loss", "loss_per_sequence", "val_loss_per_sequence",
                                "metrics", "grad_norm", "epoch_time", "steps", "stopped"}
    plt.close("all")
