"""What `fit` shows while it trains, chosen by its `verbose` argument.

    verbose=0        nothing
    verbose=1        a live display: in Jupyter a tqdm widget bar (tqdm and ipywidgets: the
                     `notebook` extra) or, without them, one line of text updated in place;
                     elsewhere a one-line bar on stderr, redrawn with carriage returns
    verbose=2        one line per finished epoch: epoch, loss, val_loss, metrics, time; on
                     stderr (stdout in Jupyter, where stderr shows on a red background)
    verbose="auto"   (or None, the default) 1 on a terminal (stderr is a tty) and in Jupyter,
                     2 anywhere else: a log file, a pipe, a CI job, a captured test

Jupyter is recognised by its kernel's shell (ipykernel's ZMQInteractiveShell, or a subclass
such as Colab's), and only when IPython is already imported: this module never imports it.
Every display has the same four calls: begin(epoch, n_batches), update(done, loss) after each
batch, end(line) after each epoch, close() once at the end.
"""
from __future__ import annotations

import importlib.util
import numbers
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from . import _checks

LEVELS = (0, 1, 2)


def in_jupyter() -> bool:
    """Whether this runs inside a Jupyter kernel (ipykernel's ZMQInteractiveShell or a
    subclass), checked without importing IPython when it is not imported already.

    Returns
    -------
    bool
    """
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    if get is None:
        return False
    try:
        shell = get()
    except Exception:                               # a broken or half-imported IPython
        return False
    return shell is not None and any(c.__name__ == "ZMQInteractiveShell"
                                     for c in type(shell).__mro__)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):            # no isatty, or a closed stream
        return False


def level(verbose: int | str | None = "auto", progress: bool | None = None) -> int:
    """The verbosity 0, 1 or 2 from fit's verbose and its older alias progress.

    Parameters
    ----------
    verbose : {0, 1, 2, "auto"} or None
        fit's `verbose`; "auto" or None: 1 on a terminal and in Jupyter, 2 anywhere else.
    progress : bool or None
        fit's older alias: True: 1, False: 0, None: not given.

    Returns
    -------
    int
        0, 1 or 2.

    Raises
    ------
    ValueError, TypeError
        Naming the argument: a verbosity out of range, a non-bool progress, or both given
        and different.

    Examples
    --------
    >>> level(2), level(progress=False), level(1, progress=True)
    (2, 0, 1)
    """
    progress = _checks.check_optional_bool(progress, "progress")
    auto = verbose is None or (isinstance(verbose, str) and verbose == "auto")
    if not auto and not (isinstance(verbose, numbers.Integral) and int(verbose) in LEVELS):
        raise ValueError(f"verbose must be 0 (silent), 1 (live progress), 2 (one line per "
                         f"epoch) or 'auto', got {verbose!r}")
    if progress is not None:
        if not auto and int(verbose) != int(progress):
            raise ValueError(f"give verbose or its older alias progress, not both: verbose="
                             f"{verbose!r}, progress={progress!r}")
        return int(progress)
    if not auto:
        return int(verbose)
    return 1 if in_jupyter() or _isatty(sys.stderr) else 2


def display(verbose: int, epochs: int) -> Display:
    """The display for a verbosity level (see level) and the number of epochs.

    Parameters
    ----------
    verbose : int
        0, 1 or 2, as level() returns.
    epochs : int
        The number of epochs fit runs.

    Returns
    -------
    Display
        Display (0), Lines (2), or for 1: NotebookBar or NotebookText in Jupyter,
        TerminalBar elsewhere.
    """
    stream = sys.stdout if in_jupyter() else sys.stderr
    if verbose == 0 or stream is None:                      # pythonw: no stderr at all
        return Display()
    if verbose == 2:
        return Lines(stream)
    if in_jupyter():
        tqdm = _tqdm()
        return NotebookBar(tqdm, epochs) if tqdm is not None else NotebookText(epochs)
    return TerminalBar(epochs, sys.stderr)


def _tqdm():
    """tqdm.auto.tqdm when tqdm and ipywidgets (its notebook widget) are installed (the
    `notebook` extra), else None: without the widget tqdm would warn and draw on stderr."""
    try:
        if importlib.util.find_spec("ipywidgets") is None:
            return None
        from tqdm.auto import tqdm  # type: ignore[import-untyped]
    except (ImportError, ValueError):
        return None
    return tqdm


class Display:
    """Shows nothing (verbose=0); the base of the others."""

    def begin(self, epoch: int, n_batches: int | None) -> None:
        """An epoch starts.

        Parameters
        ----------
        epoch : int
            The epoch, from 0.
        n_batches : int or None
            Its number of batches; None for a batch source.
        """

    def update(self, done: int, loss: float) -> None:
        """Batches of the epoch are finished.

        Parameters
        ----------
        done : int
            How many.
        loss : float
            Their mean loss so far.
        """

    def end(self, line: str) -> None:
        """The epoch is finished.

        Parameters
        ----------
        line : str
            It summed up: epoch, loss, val_loss, metrics, time.
        """

    def close(self) -> None:
        """Training is over (finished, stopped early or stopped by the non-finite guard)."""


class Lines(Display):
    """One line per finished epoch (verbose=2).

    Parameters
    ----------
    stream : file
        Where the lines go.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> shown = Lines(out)
    >>> shown.begin(0, 4); shown.update(4, 0.5); shown.end("epoch 1/1 loss 0.5"); shown.close()
    >>> out.getvalue()
    'epoch 1/1 loss 0.5\\n'
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def end(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()


class Progress:
    """A one-line progress bar on a terminal: epoch, batches, loss, steps per second, ETA.

    Parameters
    ----------
    total : int or None
        The number of steps (None: unknown, a batch source).
    stream : file, optional
        Where it is drawn (default: sys.stderr).
    enabled : bool, optional
        Whether it draws (None: when the stream is a terminal).
    label : str
        What a step is called.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> bar = Progress(10, stream=out, enabled=True)
    >>> bar.update(5, 0.25, force=True)
    >>> out.getvalue()
    '\\r[############............] 5/10 loss 0.25 ... steps/s ETA ...s   '
    """

    def __init__(self, total: int | None, stream: TextIO | None = None, enabled: bool | None = None,
                 label: str = "epoch") -> None:
        self.stream = stream or sys.stderr
        self.enabled = _isatty(self.stream) if enabled is None else bool(enabled)
        self.total, self.label = total, label
        self.start = time.perf_counter()
        self.last = 0.0

    def update(self, done: int, loss: float, prefix: str = "", force: bool = False) -> None:
        """Redraw the bar (at most every 0.1 s, and at the last step).

        Parameters
        ----------
        done : int
            The steps finished.
        loss : float
            The mean loss so far.
        prefix : str
            Text before the bar ("epoch 2/10 ").
        force : bool
            Redraw now, however recent the last redraw.
        """
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self.last < 0.1 and (self.total is None or done < self.total):
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        if self.total is None:                              # a batch source: no total known
            self.stream.write(f"\r{prefix}{done} batches loss {loss:.4g} {rate:.1f} steps/s   ")
            self.stream.flush()
            return
        eta = (self.total - done) / rate if rate > 0 else float("inf")
        width = 24
        filled = int(width * done / max(self.total, 1))
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r{prefix}[{bar}] {done}/{self.total} loss {loss:.4g} "
                          f"{rate:.1f} steps/s ETA {eta:.0f}s   ")
        self.stream.flush()

    def close(self, message: str = "") -> None:
        """End the bar's line, replacing it by `message` when given.

        Parameters
        ----------
        message : str
            The line left in the bar's place.
        """
        if self.enabled:
            self.stream.write(f"\r{message}\n" if message else "\n")
            self.stream.flush()


class TerminalBar(Display):
    """verbose=1 outside Jupyter: a Progress bar per epoch, replaced by the epoch's line.

    Parameters
    ----------
    epochs : int
        The number of epochs.
    stream : file
        Where the bars are drawn.
    """
    bar: Any                                    # a Progress from begin to end, else None

    def __init__(self, epochs: int, stream: TextIO) -> None:
        self.epochs, self.stream, self.bar, self.prefix = epochs, stream, None, ""

    def begin(self, epoch: int, n_batches: int | None) -> None:
        self.bar = Progress(n_batches, stream=self.stream, enabled=True)
        self.prefix = f"epoch {epoch + 1}/{self.epochs} "

    def update(self, done: int, loss: float) -> None:
        self.bar.update(done, loss, prefix=self.prefix)

    def end(self, line: str) -> None:
        self.bar.close(line)
        self.bar = None

    def close(self) -> None:
        if self.bar is not None:                            # stopped inside an epoch
            self.bar.close()
            self.bar = None


class NotebookBar(Display):
    """verbose=1 in Jupyter with tqdm: one bar over every batch of every epoch (over the epochs
    for a batch source), its postfix the latest epoch's line and the running loss.

    Parameters
    ----------
    tqdm : callable
        tqdm.auto.tqdm.
    epochs : int
        The number of epochs.
    """
    bar: Any                                    # the tqdm bar from the first begin on

    def __init__(self, tqdm: Callable[..., Any], epochs: int) -> None:
        self.tqdm, self.epochs, self.bar, self.last = tqdm, epochs, None, ""
        self.per_batch = True                  # False for a batch source: a step per epoch

    def begin(self, epoch: int, n_batches: int | None) -> None:
        if self.bar is None:
            total = self.epochs * n_batches if n_batches else self.epochs
            self.per_batch = bool(n_batches)
            self.bar = self.tqdm(total=total, unit="batch" if n_batches else "epoch",
                                 leave=True, dynamic_ncols=True)
        self.bar.set_description(f"epoch {epoch + 1}/{self.epochs}", refresh=False)

    def update(self, done: int, loss: float) -> None:
        if self.per_batch:
            self.bar.set_postfix_str(f"loss {loss:.4g}" + (f" | {self.last}" if self.last
                                                           else ""), refresh=False)
            self.bar.update(1)

    def end(self, line: str) -> None:
        self.last = line
        self.bar.set_postfix_str(line, refresh=False)
        if not self.per_batch:
            self.bar.update(1)
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            if self.bar.n < self.bar.total:                 # stopped early: not a failure,
                n = self.bar.n                              # so the bar ends full (not red)
                self.bar.reset(total=n)
                self.bar.update(n)
            self.bar.close()
            self.bar = None


class NotebookText(Display):
    """verbose=1 in Jupyter without tqdm: one output line, updated in place (an IPython display
    handle): the running epoch's batches and loss, then each epoch's line.

    Parameters
    ----------
    epochs : int
        The number of epochs.
    interval : float
        The shortest time between two redraws, in seconds.
    """
    n_batches: int | None

    def __init__(self, epochs: int, interval: float = 0.25) -> None:
        self.epochs, self.interval, self.handle = epochs, interval, None
        self.prefix, self.n_batches, self.last_draw, self.last = "", None, 0.0, ""
        self.start = time.perf_counter()

    def _show(self, text):
        from IPython.display import display as show          # in Jupyter: already imported
        data = {"text/plain": text}
        if self.handle is None:
            self.handle = show(data, raw=True, display_id=True)
        else:
            self.handle.update(data, raw=True)

    def begin(self, epoch: int, n_batches: int | None) -> None:
        self.prefix, self.n_batches = f"epoch {epoch + 1}/{self.epochs}", n_batches
        self.start = time.perf_counter()

    def update(self, done: int, loss: float) -> None:
        now = time.perf_counter()
        if now - self.last_draw < self.interval:
            return
        self.last_draw = now
        of = f"/{self.n_batches}" if self.n_batches else ""
        rate = done / max(now - self.start, 1e-9)
        last = f" | {self.last}" if self.last else ""
        self._show(f"{self.prefix}: batch {done}{of} loss {loss:.4g} {rate:.1f} steps/s{last}")

    def end(self, line: str) -> None:
        self.last = line
        self._show(line)
