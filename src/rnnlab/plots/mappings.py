"""Figure of the `mappings` experiment: a sequence mapping unrolled in time, drawn from which
steps read an input and which answer (the experiment takes both from the model itself)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .._types import Array

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def diagram(fig: Figure, *, reads: Array | Sequence[Any], answers: Iterable[int],
            encoder_steps: int = 0, n_steps: int | None = None, title: str = "") -> None:
    """Boxes for x(t), h(t) and y(t) with arrows between them.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure, drawn on.
    reads : array_like of bool
        Per step the stack runs, whether it reads an input (False: it reads zeros).
    answers : iterable of int
        The steps (0-based) whose state the output layer reads.
    encoder_steps : int
        For seq2seq, the encoder's steps (then n_steps decoder steps follow and `answers`
        counts decoder steps).
    n_steps : int, optional
        The decoder's steps (seq2seq).
    title : str
        The diagram's title.
    """
    enc = encoder_steps
    total = enc + n_steps if enc else len(reads)  # type: ignore[operator]  # seq2seq gives n_steps
    answers = set(int(a) for a in answers)
    ax = fig.add_subplot()
    for t in range(total):
        dec = enc and t >= enc
        ax.add_patch(_box(t, 1, "#cfe2f3" if not dec else "#fde9c9"))    # hidden state
        if t < len(reads) and reads[t]:
            ax.add_patch(_box(t, 0, "#9fc5e8"))
            ax.annotate("", (t, 0.7), (t, 0.3), arrowprops={"arrowstyle": "->"})
        if (t - enc if enc else t) in answers and (not enc or dec):
            ax.add_patch(_box(t, 2, "#b6d7a8"))
            ax.annotate("", (t, 1.7), (t, 1.3), arrowprops={"arrowstyle": "->"})
        if t + 1 < total:
            ax.annotate("", (t + 0.7, 1), (t + 0.3, 1), arrowprops={"arrowstyle": "->"})
    ax.set_xlim(-0.6, total - 0.4)
    ax.set_ylim(-0.6, 2.6)
    ax.set_yticks([0, 1, 2], ["input x(t)", "hidden h(t)", "output y(t), loss"])
    ax.set_xticks(range(total), [str(t + 1) for t in range(total)])
    ax.set_xlabel("time step (blank: reads zeros / no output)" + (
        "; orange: decoder" if enc else ""))
    ax.set_title(title)


def _box(t, row, color):
    from matplotlib.patches import Rectangle
    return Rectangle((t - 0.3, row - 0.3), 0.6, 0.6, facecolor=color, edgecolor="k")
