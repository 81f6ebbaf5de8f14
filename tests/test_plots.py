"""rnnlab.plots: the drawing functions put exactly the numbers they are given on the axes
(matplotlib, Agg), and without matplotlib they say which extra to install."""
import sys

import numpy as np
import pytest

from rnnlab import plots


@pytest.fixture
def plt():
    plt = pytest.importorskip("matplotlib.pyplot")
    yield plt
    plt.close("all")


def test_without_matplotlib_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)         # import matplotlib now fails
    with pytest.raises(ImportError, match=r"pip install 'rnnlab\[plot\]'"):
        plots.require()
    assert plots.available() is False
    with pytest.raises(ImportError, match=r"rnnlab\[plot\]"):
        plots.curves([0, 1], [[1, 2]])


def test_require_gives_pyplot_on_agg(plt):
    import matplotlib
    assert plots.require() is plt and plots.available() is True
    assert matplotlib.get_backend().lower() == "agg"


def test_curves_draw_each_series_with_shared_or_own_x(plt):
    ax = plots.curves([1, 2, 3], [[4, 5, 6], [7, 8, 9]], ["a", "b"], xlabel="t", ylabel="v",
                      title="T", logy=True, styles=[{"color": "red"}, {"linestyle": "--"}])
    (la, lb) = ax.get_lines()
    np.testing.assert_array_equal(la.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(lb.get_ydata(), [7, 8, 9])
    assert la.get_color() == "red" and lb.get_linestyle() == "--"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("t", "v", "T")
    assert ax.get_yscale() == "log" and ax.get_xscale() == "linear"
    ax2 = plots.curves([[0, 1], [0, 1, 2]], [[1, 2], [3, 4, 5]], logx=True)
    np.testing.assert_array_equal(ax2.get_lines()[1].get_xdata(), [0, 1, 2])
    assert ax2.get_legend() is None and ax2.get_xscale() == "log"


def test_curves_draw_on_the_axes_given(plt):
    fig, ax = plt.subplots()
    assert plots.curves([0, 1], [[1, 2]], ax=ax) is ax and len(fig.axes) == 1


def test_learning_curves_plot_loss_per_epoch(plt):
    class History:
        loss, val_loss = [3.0, 2.0, 1.0], [4.0, 3.5]

    ax = plots.learning_curves([History()], ["run"], logy=False)
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(line.get_ydata(), [3.0, 2.0, 1.0])
    assert ax.get_ylabel() == "training loss" and ax.get_xlabel() == "epoch"
    val = plots.learning_curves([History()], ["run"], val=True)
    np.testing.assert_array_equal(val.get_lines()[0].get_ydata(), [4.0, 3.5])
    assert val.get_ylabel() == "validation loss" and val.get_yscale() == "log"


def test_heatmap_shows_the_matrix_with_ticks_and_numbers(plt):
    m = np.array([[0.0, 1.5, 2.0], [3.0, 4.0, 5.25]])
    ax = plots.heatmap(m, xticks=["a", "b", "c"], yticks=["u", "v"], annotate=True, title="H")
    (im,) = ax.get_images()
    np.testing.assert_array_equal(im.get_array(), m)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["u", "v"]
    assert sorted(t.get_text() for t in ax.texts) == sorted(f"{v:g}" for v in m.ravel())
    assert len(ax.figure.axes) == 2                                  # the image and its colour bar
    bare = plots.heatmap(m, colorbar=False)
    assert len(bare.figure.axes) == 1 and not bare.texts
