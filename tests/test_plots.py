"""rnnlab.plots: every drawing function draws the numbers it is given (checked on the artists it
leaves on the figure), figures are written as PNG files, matplotlib is imported only when a
figure is drawn, and no experiment draws by itself. The drawing tests skip without matplotlib."""
import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnnlab import plots
from rnnlab.experiments import Figure, Result

EXPERIMENTS = Path(__file__).resolve().parents[1] / "src" / "rnnlab" / "experiments"


@pytest.fixture
def fig():
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure as MplFigure
    return MplFigure()


def _lines(ax):
    return [np.asarray(line.get_ydata(), float) for line in ax.lines]


def test_import_does_not_load_matplotlib():
    code = ("import sys, rnnlab.plots as p\n"
            "for m in p.__all__: getattr(p, m)\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib loaded on import'\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)          # import matplotlib fails
    with pytest.raises(ImportError, match=r"pip install 'rnnlab\[plot\]'"):
        plots.require()
    assert plots.available() is False


def test_experiments_hold_no_drawing_code():
    """Experiments compute; rnnlab.plots draws. No experiment module imports matplotlib or
    defines a function that takes a figure or axes."""
    found = []
    for path in sorted(EXPERIMENTS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                found += [f"{path.name}: imports {n}" for n in names if n.startswith("matplotlib")]
            if isinstance(node, (ast.FunctionDef, ast.Lambda)) and node.args.args and \
                    node.args.args[0].arg in ("fig", "ax"):
                found.append(f"{path.name}: line {node.lineno} draws")
    assert found == []


# -- each drawing function, on small synthetic numbers ------------------------------------------
def test_forward_pass(fig):
    T, H = 6, 3
    x, target, output = np.arange(T) * 0.1, np.arange(T) * 0.2, np.arange(T) * 0.3
    h = np.linspace(-1, 1, T * H).reshape(T, H)
    plots.forward.forward_pass(fig, x=x, target=target, output=output, h=h, title="t")
    top, heat = fig.axes[:2]
    for got, want in zip(_lines(top), (x, target, output)):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(heat.images[0].get_array(), h.T)      # one row per unit
    assert len(fig.axes) == 3                                           # and the colour bar


def test_training_loss(fig):
    losses = {"a": [1.0, 0.5, 0.25], "b": [2.0, 1.0]}
    plots.forward.training_loss(fig, losses=losses)
    ax, = fig.axes
    assert ax.get_yscale() == "log"
    assert [list(y) for y in _lines(ax)] == list(losses.values())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]


def test_text_bpc_curve(fig):
    plots.text.bpc_curve(fig, curve=[3.0, 2.5, 2.2], unigram=4.1, bigram=3.3)
    assert [list(y) for y in _lines(fig.axes[0])] == [[3.0, 2.5, 2.2], [4.1] * 3, [3.3] * 3]


def test_text_blanks(fig):
    by_length = {"bidirectional": [0.9, 0.7, 0.5], "forward only": [0.4, 0.2, 0.1]}
    plots.text.blanks(fig, by_length=by_length)
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert heights == by_length["bidirectional"] + by_length["forward only"]


def test_timeseries_forecasts(fig):
    x = np.arange(150)
    keys = ("truth", "persistence", "linear AR", "RNN many-to-one", "RNN many-to-many")
    series = {f"s{i}": (x, {k: np.sin(x / (j + 1)) + i for j, k in enumerate(keys)})
              for i in range(4)}
    plots.timeseries.forecasts(fig, series=series, n_max=100)
    assert len(fig.axes) == 4
    for ax, (x_, values) in zip(fig.axes, series.values()):
        lines = _lines(ax)
        assert len(lines) == len(keys)
        np.testing.assert_array_equal(lines[0], values["truth"][:100])


def test_digits_confusion(fig):
    cm = np.array([[5, 0, 1], [0, 7, 0], [2, 0, 4]])
    plots.digits.confusion(fig, matrix=cm, accuracy=16 / 19)
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), cm)
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "4", "5", "7"]   # nonzero cells
    assert "0.842" in ax.get_title()


def test_digits_examples(fig):
    images = np.random.default_rng(0).uniform(size=(4, 8, 8))
    plots.digits.examples(fig, images=images, truth=[1, 2, 3, 4], pred=[1, 2, 0, 4])
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["1 -> 1", "2 -> 2", "3 -> 0", "4 -> 4"]
    assert fig.axes[2].title.get_color() == "r" and fig.axes[0].title.get_color() == "k"


@pytest.mark.parametrize("kw, n_boxes, n_steps", [
    (dict(reads=[True, True, False], answers=[2]), 3 + 2 + 1, 3),          # many-to-one, delayed
    (dict(reads=[True] * 5, answers=range(3), encoder_steps=5, n_steps=3), 8 + 5 + 3, 8),
])
def test_mapping_diagram(fig, kw, n_boxes, n_steps):
    plots.mappings.diagram(fig, title="m", **kw)
    ax = fig.axes[0]
    assert len(ax.patches) == n_boxes                         # hidden states, inputs, outputs
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(t + 1) for t in range(n_steps)]


def test_benefit_accuracy_vs_length(fig):
    rnn = {"addition": [[1, 1, 0.5], [1, 0.9, 0.2]], "parity": [[1, 1, 1]]}
    mlp = {"addition": ([4, 8], [1.0, 0.3]), "parity": ([4, 8], [1.0, 0.5])}
    plots.benefit.accuracy_vs_length(fig, lengths=[8, 64, 1024], rnn=rnn, mlp=mlp)
    for ax, task in zip(fig.axes, rnn):
        lines = _lines(ax)
        assert [list(y) for y in lines[:len(rnn[task])]] == rnn[task]     # every seed
        assert list(lines[-1]) == mlp[task][1]
        assert ax.get_xscale() == "log"


def test_benefit_hidden_states(fig):
    rng = np.random.default_rng(0)
    pca = {"addition": (rng.standard_normal((30, 2)), np.arange(30) % 2, 10)}
    plots.benefit.hidden_states(fig, pca=pca, state_names={"addition": "carry"})
    ax = fig.axes[0]
    sizes = [len(c.get_offsets()) for c in ax.collections]
    assert sizes == [15, 15]                                      # carry = 0 and carry = 1


def test_benefit_machines(fig):
    parity = {"symbols": np.array([[0], [1]]), "transitions": np.array([[0, 1], [1, 0]]),
              "outputs": np.array([[0, 1], [1, 0]])}
    plots.benefit.machines(fig, machines={"parity": parity})
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["0", "0/0", "0/1", "1", "1/0", "1/1"]         # 2 states, 4 transitions


def test_benefit_machine_labels_sit_on_their_arrows(fig):
    """Each arrow's label lies on the arrow's own curve (matplotlib's path of the drawn patch,
    sampled along its Bezier segments), in a box, and nearer to it than to the other arrow."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.patches import FancyArrowPatch
    parity = {"symbols": np.array([[0], [1]]), "transitions": np.array([[0, 1], [1, 0]]),
              "outputs": np.array([[0, 1], [1, 0]])}
    plots.benefit.machines(fig, machines={"parity": parity})
    ax = fig.axes[0]
    FigureCanvasAgg(fig).draw()                     # as when saved: the equal aspect applied
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    labels = {t.get_text(): np.array(t.get_position()) for t in ax.texts}
    assert len(arrows) == 2 and all(t.get_bbox_patch() for t in ax.texts if "/" in t.get_text())

    def curve(arrow):
        return np.concatenate([bez(np.linspace(0, 1, 50))
                               for bez, _ in arrow.get_path().iter_bezier()])

    # the arrow 0 -> 1 reads 1/1, the arrow 1 -> 0 reads 1/0 (matched by where each starts)
    for arrow in arrows:
        pts = curve(arrow)
        text = "1/1" if pts[0][0] < 0 else "1/0"
        other = "1/0" if text == "1/1" else "1/1"
        near = np.min(np.linalg.norm(pts - labels[text], axis=1))
        assert near < 0.02, (text, near)
        assert np.min(np.linalg.norm(pts - labels[other], axis=1)) > 0.2


def test_stability_lag_norms(fig):
    k = np.arange(20)
    panels = {"linear": [(0.5, 0.5 ** k), (1.5, 1.5 ** k)], "tanh": [(0.5, 0.4 ** k)]}
    plots.stability.lag_norms(fig, panels=panels, what="impulse")
    lin, tanh = fig.axes
    assert lin.get_yscale() == "log" and len(lin.lines) == 4 and len(tanh.lines) == 2
    np.testing.assert_allclose(_lines(lin)[3], 1.5 ** k)          # the theory, dashed
    assert lin.lines[3].get_linestyle() == "--"
    np.testing.assert_allclose(_lines(tanh)[0], 0.4 ** k)


def test_stability_learning_curves(fig):
    panels = {50: {"baseline": 1 / 6, "curves": {"LSTM": ([0, 100], [0.2, 0.01]),
                                                "Elman": ([0, 100], [0.2, 0.17])}},
              100: {"baseline": 1 / 6, "curves": {}}}
    plots.stability.learning_curves(fig, task="adding", panels=panels)
    assert len(fig.axes) == 2
    lines = _lines(fig.axes[0])
    assert [list(y) for y in lines[:2]] == [[0.2, 0.01], [0.2, 0.17]]
    assert list(lines[2]) == [1 / 6, 1 / 6]                       # the baseline
    assert fig.axes[1].get_title() == "adding, T = 100"


# -- files --------------------------------------------------------------------------------------
def test_figures_are_written_as_png(tmp_path):
    pytest.importorskip("matplotlib")
    from rnnlab.experiments import runner
    result = Result(figures={
        "loss": Figure(plots.forward.training_loss, {"losses": {"a": [1.0, 0.5]}}),
        "bars": Figure(plots.text.blanks, {"by_length": {"m": [0.5, 0.25]}})})
    names, note = runner.save_figures(result, tmp_path)
    assert names == ["loss.png", "bars.png"] and note is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bars.png", "loss.png"]
    for name in names:
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
