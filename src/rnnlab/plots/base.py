"""The generic pieces: matplotlib on demand, and curves, learning curves and heat maps. Each
drawing function takes ax=None (a new figure when None) and returns the axes it drew on."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .._types import Array

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def require() -> ModuleType:
    """matplotlib.pyplot with the Agg backend.

    Returns
    -------
    module
        matplotlib.pyplot.

    Raises
    ------
    ImportError
        Naming the extra to install, without matplotlib.
    """
    try:
        import matplotlib
    except ImportError:
        raise ImportError("figures need matplotlib: pip install 'rnnlab[plot]'") from None
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    return plt


def available() -> bool:
    """Whether matplotlib can be imported.

    Returns
    -------
    bool
    """
    try:
        require()
        return True
    except ImportError:
        return False


def _ax(ax):
    if ax is None:
        plt = require()
        _, ax = plt.subplots(figsize=(6, 4))
    return ax


def curves(xs: Sequence[Any], ys: Sequence[Any], labels: Sequence[str] | None = None, *,
           ax: Axes | None = None, xlabel: str = "", ylabel: str = "", title: str = "",
           logx: bool = False, logy: bool = False,
           styles: Sequence[Mapping[str, Any]] | None = None) -> Axes:
    """One line per series.

    Parameters
    ----------
    xs : sequence
        One sequence of x values, or one per series.
    ys : sequence of sequence
        The series.
    labels : sequence of str, optional
        One per series, shown in a legend.
    ax : matplotlib.axes.Axes, optional
        Where to draw (None: a new figure).
    xlabel, ylabel, title : str
        The axis labels and title.
    logx, logy : bool
        Log scales.
    styles : sequence of dict, optional
        Keywords of ``ax.plot``, one dict per series.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.
    """
    ax = _ax(ax)
    for i, y in enumerate(ys):
        x = xs[i] if xs is not None and len(xs) and hasattr(xs[0], "__len__") else xs
        kw = dict(styles[i]) if styles else {}
        ax.plot(x, y, label=None if labels is None else labels[i], **kw)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if labels is not None:
        ax.legend(fontsize="small")
    ax.grid(True, alpha=0.3)
    return ax


def learning_curves(histories: Sequence[Any], labels: Sequence[str] | None, *,
                    ax: Axes | None = None, title: str = "", logy: bool = True,
                    val: bool = False) -> Axes:
    """Training (or validation) loss per epoch for several rnnlab.History objects (or for lists
    of losses, one per epoch).

    Parameters
    ----------
    histories : sequence of History or of list of float
        One per curve.
    labels : sequence of str or None
        One per curve, shown in a legend.
    ax : matplotlib.axes.Axes, optional
        Where to draw (None: a new figure).
    title : str
        The title.
    logy : bool
        A log scale for the loss.
    val : bool
        Draw the validation loss instead of the training loss.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.
    """
    ys = [(h.val_loss if val else h.loss) if hasattr(h, "loss") else h for h in histories]
    xs = [list(range(1, len(y) + 1)) for y in ys]
    return curves(xs, ys, labels, ax=ax, xlabel="epoch",
                  ylabel="validation loss" if val else "training loss", title=title, logy=logy)


def heatmap(matrix: Array | Sequence[Any], *, ax: Axes | None = None, xlabel: str = "",
            ylabel: str = "", title: str = "", xticks: Sequence[Any] | None = None,
            yticks: Sequence[Any] | None = None, cmap: str = "viridis", colorbar: bool = True,
            annotate: bool = False) -> Axes:
    """A matrix as an image (time along x by default), with an optional colour bar.

    Parameters
    ----------
    matrix : array_like, (rows, columns)
        The values.
    ax : matplotlib.axes.Axes, optional
        Where to draw (None: a new figure).
    xlabel, ylabel, title : str
        The axis labels and title.
    xticks, yticks : sequence, optional
        Labels of the columns and rows.
    cmap : str
        A matplotlib colour map.
    colorbar : bool
        Whether a colour bar is drawn.
    annotate : bool
        Whether each cell shows its value.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.
    """
    ax = _ax(ax)
    im = ax.imshow(matrix, aspect="auto", cmap=cmap, interpolation="nearest")
    if xticks is not None:
        ax.set_xticks(range(len(xticks)), xticks)
    if yticks is not None:
        ax.set_yticks(range(len(yticks)), yticks)
    if annotate:
        for i in range(len(matrix)):
            for j in range(len(matrix[i])):
                ax.text(j, i, f"{matrix[i][j]:g}", ha="center", va="center", fontsize="x-small",
                        color="w")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(im, ax=ax)
    return ax
