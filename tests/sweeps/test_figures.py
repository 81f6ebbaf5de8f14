"""One figure per swept parameter, drawn from the summary rows (matplotlib, the plot extra)."""
import pytest

from rnnlab.sweeps import figures


def test_only_parameters_with_several_values_are_swept():
    configs = [{"a": 1, "b": "x", "c": 0}, {"a": 2, "b": "x", "c": 0}, {"a": 1, "b": "y", "c": 0}]
    assert figures.swept(configs) == ["a", "b"]


def test_each_swept_parameter_gets_a_png_with_error_bars(tmp_path):
    pytest.importorskip("matplotlib")
    rows = [{"lr": lr, "cell": cell, "loss mean": lr * k, "loss std": 0.1, "loss n": 3}
            for k, cell in ((1, "elman"), (2, "lstm")) for lr in (0.01, 0.1)]
    configs = [{"lr": r["lr"], "cell": r["cell"]} for r in rows]
    names = figures.save(tmp_path, rows, configs, "loss")
    assert names == ["figure-lr.png", "figure-cell.png"]
    for n in names:
        assert (tmp_path / n).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plt = figures.pyplot()
    fig, ax = plt.subplots()
    figures.draw(ax, rows, "lr", "loss", ["cell"])
    lines = [c for c in ax.containers]                   # one errorbar container per cell
    assert len(lines) == 2
    ys = sorted(tuple(c.lines[0].get_ydata()) for c in lines)
    assert ys == [(0.01, 0.1), (0.02, 0.2)]
    plt.close(fig)


def test_no_metric_or_no_swept_parameter_draws_nothing(tmp_path):
    assert figures.save(tmp_path, [{"loss mean": 1.0}], [{"a": 1}], "loss") == []
    assert figures.save(tmp_path, [{"a": 1}, {"a": 2}], [{"a": 1}, {"a": 2}], None) == []
    assert list(tmp_path.iterdir()) == []
