"""The summary figure: one panel per experiment with the RNN's and the baseline's value as bars,
the better one in colour, a log axis when the two differ by orders of magnitude."""
import pytest

from rnnlab.plots import summary

ROWS = [
    {"experiment": "forward", "metric": "MSE", "rnn": 0.0084, "baseline": 0.084,
     "higher_is_better": False, "rnn_label": "RNN", "baseline_label": "static net"},
    {"experiment": "digits", "metric": "accuracy", "rnn": 0.962, "baseline": 0.969,
     "higher_is_better": True, "rnn_label": "RNN", "baseline_label": "logistic regression"},
    {"experiment": "stability", "metric": "test MSE", "rnn": 0.0002, "baseline": 0.167,
     "higher_is_better": False, "rnn_label": "GRU", "baseline_label": "Elman"},
]


@pytest.fixture
def fig():
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure
    return Figure()


def test_one_panel_per_experiment_with_both_values(fig):
    summary.headlines(fig, rows=ROWS * 2)                        # 6 panels: 2 rows of 4
    axes = fig.axes
    assert len(axes) == 8 and [ax.axison for ax in axes] == [True] * 6 + [False] * 2
    for ax, row in zip(axes, ROWS * 2):
        assert ax.get_title() == row["experiment"]
        heights = [p.get_height() for p in ax.patches]
        assert heights == pytest.approx([row["rnn"], row["baseline"]])
        assert [t.get_text() for t in ax.get_xticklabels()][0] == row["rnn_label"]
        assert ax.get_ylabel().startswith(row["metric"])
        assert ("higher is better" in ax.get_ylabel()) is row["higher_is_better"]
        assert [t.get_text() for t in ax.texts] == [f"{row['rnn']:.3g}",
                                                    f"{row['baseline']:.3g}"]


def test_the_better_bar_is_coloured_and_wide_ranges_use_a_log_axis(fig):
    from matplotlib.colors import to_rgba
    summary.headlines(fig, rows=ROWS)
    grey = to_rgba("0.75")
    coloured = [[p.get_facecolor() != grey for p in ax.patches] for ax in fig.axes[:3]]
    assert coloured == [[True, False], [False, True], [True, False]]
    assert [ax.get_yscale() for ax in fig.axes[:3]] == ["linear", "linear", "log"]


def test_no_rows_is_an_error(fig):
    with pytest.raises(ValueError, match="rows: expected at least one headline, got none"):
        summary.headlines(fig, rows=[])
