"""The tour's summary figure: the RNN against its baseline in every experiment, one panel each
(the metrics differ in units and direction, so every panel has its own axis)."""
from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def headlines(fig: Figure, *, rows: Sequence[Mapping[str, Any]]) -> None:
    """Two bars per panel, the values written on them; the better bar is drawn in colour, the
    other in grey. A panel whose values differ by more than 30 times is drawn on a log scale.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure, drawn on.
    rows : sequence of dict
        One per experiment, {"experiment", "metric", "rnn", "baseline", "higher_is_better",
        "rnn_label", "baseline_label"} (an experiment's results.json headline with its name).
    """
    n = len(rows)
    if n == 0:
        raise ValueError("rows: expected at least one headline, got none")
    ncols = min(n, 4)
    nrows = math.ceil(n / ncols)
    fig.set_size_inches(2.9 * ncols + 0.6, 3.2 * nrows + 0.5)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, row in zip(axes, rows):
        _panel(ax, row)
    for ax in axes[n:]:
        ax.axis("off")
    fig.suptitle(textwrap.fill("The RNN against its baseline, per experiment (coloured: the "
                               "better one)", 34 * ncols))


def _panel(ax, row):
    values = [float(row["rnn"]), float(row["baseline"])]
    higher = bool(row.get("higher_is_better", True))
    rnn_wins = values[0] >= values[1] if higher else values[0] <= values[1]
    colours = ["tab:blue" if rnn_wins else "0.75", "0.75" if rnn_wins else "tab:orange"]
    labels = [textwrap.fill(str(row.get("rnn_label") or "RNN"), 14),
              textwrap.fill(str(row.get("baseline_label") or "baseline"), 14)]
    bars = ax.bar([0, 1], values, color=colours, width=0.6)
    if min(values) > 0 and max(values) / min(values) > 30:
        ax.set_yscale("log")
    for bar, v in zip(bars, values):
        ax.annotate(f"{v:.3g}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize="small", xytext=(0, 2),
                    textcoords="offset points")
    ax.set_xticks([0, 1], labels, fontsize="small")
    ax.set_ylabel(f"{row['metric']} ({'higher' if higher else 'lower'} is better)",
                  fontsize="small")
    ax.set_title(str(row["experiment"]))
    ax.margins(y=0.15)
    ax.grid(True, axis="y", alpha=0.3)
