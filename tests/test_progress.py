"""What fit shows while it trains: verbose 0, 1, 2 and "auto" on a terminal, in a log and in
Jupyter (simulated by a fake IPython shell), and the older alias progress=."""
import io
import re
import sys
import types

import numpy as np
import pytest

import rnnlab as rl
from rnnlab import progress


def _data(B=12, T=5):
    X = np.random.default_rng(0).uniform(-1, 1, (B, T, 1))
    return X, np.cumsum(X, axis=1) / 3


class ZMQInteractiveShell:                 # the name ipykernel's shell has
    config = {}


class ColabShell(ZMQInteractiveShell):     # a subclass, as Colab's shell is
    pass


class TerminalInteractiveShell:            # plain IPython in a terminal: not Jupyter
    pass


def _fake_ipython(monkeypatch, shell_class):
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: shell_class()
    monkeypatch.setitem(sys.modules, "IPython", fake)


class _TTY(io.StringIO):
    def isatty(self):
        return True


LINE = re.compile(r"^epoch (\d+)/(\d+) loss [0-9.e+-]+ val_loss [0-9.e+-]+ val_mse [0-9.e+-]+ "
                  r"\(\d+\.\d\ds\)$")


def test_without_a_terminal_fit_prints_one_line_per_epoch(capsys):
    """The default (verbose="auto") in a log: stderr is not a terminal here (pytest captures it)."""
    X, Y = _data()
    hist = rl.RNN(1, 4, 1).fit(X, Y, epochs=3, batch_size=4, validation_split=0.25,
                               metrics=["mse"])
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert out == "" and len(lines) == 3 and "\r" not in err
    for i, line in enumerate(lines):
        match = LINE.match(line)
        assert match and match.groups() == (str(i + 1), "3"), line
        assert f"loss {hist.loss[i]:.5g} " in line and f"val_loss {hist.val_loss[i]:.5g} " in line
        assert f"val_mse {hist.metrics['val_mse'][i]:.4g} " in line


@pytest.mark.parametrize("kwargs", [{"verbose": 0}, {"progress": False},
                                    {"verbose": 0, "progress": False}])
def test_verbose_0_and_progress_false_are_silent(capsys, kwargs):
    X, Y = _data()
    rl.RNN(1, 4, 1).fit(X, Y, epochs=2, **kwargs)
    assert capsys.readouterr() == ("", "")


def test_verbose_2_prints_lines_even_on_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stderr", _TTY())
    X, Y = _data()
    rl.RNN(1, 4, 1).fit(X, Y, epochs=2, verbose=2)
    text = sys.stderr.getvalue()
    assert text.count("\n") == 2 and "\r" not in text and text.startswith("epoch 1/2 loss ")


@pytest.mark.parametrize("kwargs", [{}, {"verbose": 1}, {"progress": True}])
def test_on_a_terminal_the_bar_is_redrawn_in_place(monkeypatch, kwargs):
    tty = _TTY()
    monkeypatch.setattr(sys, "stderr", tty)
    X, Y = _data()
    hist = rl.RNN(1, 4, 1).fit(X, Y, epochs=2, batch_size=4, **kwargs)
    text = tty.getvalue()
    assert "\r" in text and "[########################] 3/3" in text and "ETA" in text
    finals = [part.split("\r")[-1] for part in text.split("\n")[:-1]]   # what stays visible
    assert [f.split(" (")[0] for f in finals] == [
        f"epoch {i + 1}/2 loss {hist.loss[i]:.5g}" for i in range(2)]


def test_auto_chooses_by_where_it_runs(monkeypatch):
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert progress.level() == progress.level(None) == 2               # a log
    monkeypatch.setattr(sys, "stderr", _TTY())
    assert progress.level("auto") == 1                                 # a terminal
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    _fake_ipython(monkeypatch, ZMQInteractiveShell)
    assert progress.level() == 1                                       # Jupyter


def test_jupyter_is_recognised_without_importing_ipython(monkeypatch):
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    assert progress.in_jupyter() is False and "IPython" not in sys.modules
    for shell, want in [(ZMQInteractiveShell, True), (ColabShell, True),
                        (TerminalInteractiveShell, False), (type(None), False)]:
        _fake_ipython(monkeypatch, shell)
        assert progress.in_jupyter() is want, shell

    def broken():
        raise RuntimeError("half-imported")
    monkeypatch.setattr(sys.modules["IPython"], "get_ipython", broken)
    assert progress.in_jupyter() is False


@pytest.mark.parametrize("verbose, progress_, error, match", [
    (3, None, ValueError, "verbose must be 0 .* got 3"),
    ("loud", None, ValueError, "verbose must be"),
    (1.0, None, ValueError, "verbose must be"),
    (2, True, ValueError, "not both"),
    ("auto", "yes", TypeError, "progress"),
])
def test_bad_verbose_is_refused_before_training(verbose, progress_, error, match):
    X, Y = _data()
    m = rl.RNN(1, 4, 1)
    before = m.params["output"]["W1"].copy()
    with pytest.raises(error, match=match):
        m.fit(X, Y, verbose=verbose, progress=progress_)
    assert np.array_equal(m.params["output"]["W1"], before)


def test_levels_accept_numpy_integers_and_bools():
    assert progress.level(np.int64(2)) == 2 and progress.level(True) == 1
    assert progress.level(1, progress=True) == 1 and progress.level(0, progress=False) == 0


def test_in_jupyter_verbose_2_prints_to_stdout(capsys, monkeypatch):
    _fake_ipython(monkeypatch, ZMQInteractiveShell)
    X, Y = _data()
    rl.RNN(1, 4, 1).fit(X, Y, epochs=2, verbose=2)
    out, err = capsys.readouterr()
    assert err == "" and len(out.splitlines()) == 2 and out.startswith("epoch 1/2 loss ")


class FakeTqdm:
    made = []

    def __init__(self, total, **kwargs):
        self.total, self.n, self.postfix, self.desc, self.closed = total, 0, "", "", False
        FakeTqdm.made.append(self)

    def update(self, k):
        self.n += k

    def reset(self, total=None):
        self.n, self.total = 0, self.total if total is None else total

    def set_postfix_str(self, s, refresh=True):
        self.postfix = s

    def set_description(self, s, refresh=True):
        self.desc = s

    def refresh(self):
        pass

    def close(self):
        self.closed = True


def test_in_jupyter_a_tqdm_bar_counts_every_batch(monkeypatch, capsys):
    _fake_ipython(monkeypatch, ZMQInteractiveShell)
    monkeypatch.setattr(progress, "_tqdm", lambda: FakeTqdm)
    FakeTqdm.made.clear()
    X, Y = _data()
    hist = rl.RNN(1, 4, 1).fit(X, Y, epochs=3, batch_size=5, metrics=["mse"])   # auto: 1
    (bar,) = FakeTqdm.made                                         # one bar for the whole run
    assert bar.total == 3 * 3 and bar.n == 9 and bar.closed and bar.desc == "epoch 3/3"
    assert bar.postfix.startswith(f"epoch 3/3 loss {hist.loss[-1]:.5g} mse ")
    assert capsys.readouterr() == ("", "")


def test_in_jupyter_an_early_stop_does_not_leave_the_bar_unfinished(monkeypatch):
    _fake_ipython(monkeypatch, ZMQInteractiveShell)
    monkeypatch.setattr(progress, "_tqdm", lambda: FakeTqdm)
    FakeTqdm.made.clear()
    X, Y = _data()
    rl.RNN(1, 4, 1).fit(X, Y, epochs=10, batch_size=4, verbose=1,
                        callback=lambda model, hist: len(hist.loss) == 2)
    (bar,) = FakeTqdm.made
    assert bar.n == 2 * 3 and bar.total == bar.n and bar.closed


def test_the_real_tqdm_draws_a_bar(monkeypatch, capsys):
    tqdm = pytest.importorskip("tqdm.auto").tqdm
    _fake_ipython(monkeypatch, ZMQInteractiveShell)    # no kernel: tqdm.auto's text bar
    monkeypatch.setattr(progress, "_tqdm", lambda: tqdm)
    X, Y = _data()
    rl.RNN(1, 4, 1).fit(X, Y, epochs=2, batch_size=4, verbose=1)
    err = capsys.readouterr().err
    assert "epoch 2/2" in err and "6/6" in err and "100%" in err


@pytest.mark.parametrize("missing", ["tqdm.auto", "ipywidgets"])
def test_tqdm_is_used_only_with_its_notebook_widget(monkeypatch, missing):
    monkeypatch.setitem(sys.modules, missing, None)               # importing it fails
    assert progress._tqdm() is None


def test_in_jupyter_without_tqdm_one_line_is_updated_in_place(monkeypatch, capsys):
    _fake_ipython(monkeypatch, ZMQInteractiveShell)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)           # import tqdm.auto fails
    shown = []

    class Handle:
        def update(self, data, raw=False):
            shown.append(("update", data["text/plain"]))

    def display(data, raw=False, display_id=None):
        assert raw and display_id is True
        shown.append(("display", data["text/plain"]))
        return Handle()
    fake = types.ModuleType("IPython.display")
    fake.display = display
    monkeypatch.setitem(sys.modules, "IPython.display", fake)
    X, Y = _data()
    hist = rl.RNN(1, 4, 1).fit(X, Y, epochs=3, batch_size=4)
    assert [kind for kind, _ in shown].count("display") == 1      # one output, updated
    epoch_lines = [text for _, text in shown if text.endswith("s)")]
    assert len(epoch_lines) == 3
    assert shown[-1][1].startswith(f"epoch 3/3 loss {hist.loss[-1]:.5g} (")
    assert capsys.readouterr() == ("", "")


def test_a_stop_inside_an_epoch_ends_the_terminal_line(monkeypatch):
    """The non-finite guard stops mid-epoch: the bar's line is still ended by a newline."""
    tty = _TTY()
    monkeypatch.setattr(sys, "stderr", tty)
    X, Y = _data(T=50)
    m = rl.RNN(1, 4, 1, activation="identity")
    m.params["layers"][0]["W11"][...] = 3 * np.eye(4)
    with pytest.warns(RuntimeWarning, match="not finite"):
        m.fit(X * 100, Y, epochs=2, verbose=1)
    assert tty.getvalue().endswith("\n")


def test_with_a_batch_source_the_displays_count_epochs(monkeypatch):
    """A source has no known number of batches: the notebook bar steps once per epoch and the
    terminal bar counts batches without a total."""
    _fake_ipython(monkeypatch, ZMQInteractiveShell)
    monkeypatch.setattr(progress, "_tqdm", lambda: FakeTqdm)
    FakeTqdm.made.clear()
    X, Y = _data()
    batches = [(X[:6], Y[:6]), (X[6:], Y[6:])]
    rl.RNN(1, 4, 1).fit(batches, epochs=3, verbose=1)
    (bar,) = FakeTqdm.made
    assert bar.total == 3 and bar.n == 3 and bar.postfix.startswith("epoch 3/3 loss ")
    monkeypatch.delitem(sys.modules, "IPython")
    tty = _TTY()
    monkeypatch.setattr(sys, "stderr", tty)
    hist = rl.RNN(1, 4, 1).fit(batches, epochs=1, verbose=1)
    text = tty.getvalue()
    assert text.startswith("\repoch 1/1 1 batches loss ")          # no total to show
    assert text.split("\r")[-1].startswith(f"epoch 1/1 loss {hist.loss[0]:.5g} (")
    assert text.endswith("s)\n")
