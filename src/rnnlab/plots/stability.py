"""Figures of the `stability` experiment: impulse and gradient norms against the time lag with
the theory's rho^k, and the remedies' learning curves on a long-lag task."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .base import curves, require

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def colours(n: int) -> list[Any]:
    """n colours along viridis, dark to light.

    Parameters
    ----------
    n : int
        The number of colours.

    Returns
    -------
    list
        RGBA colours.
    """
    cmap = require().get_cmap("viridis")
    return [cmap(0.9 * i / max(n - 1, 1)) for i in range(n)]


def lag_norms(fig: Figure, *, panels: Mapping[Any, Any], what: str) -> None:
    """One panel per kind of units, one curve per radius, dashed the theory's rho^k; log scale.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure, drawn on.
    panels : dict
        units -> [(rho, norms (K,) over lags 0..K-1 divided by the lag-0 norm), ...].
    what : str
        What the norms are (the y label).
    """
    for i, (units, series) in enumerate(panels.items()):
        ax = fig.add_subplot(1, len(panels), i + 1)
        cols = colours(len(series))
        lags = list(range(len(series[0][1])))
        ys = [norms for _, norms in series] + [rho ** np.array(lags, float) for rho, _ in series]
        styles = [{"color": c} for c in cols] + [{"color": c, "ls": "--", "lw": 0.8} for c in cols]
        curves(lags, ys, None, ax=ax, logy=True, styles=styles, xlabel="lag k (steps)",
               ylabel=f"{what} / lag 0", title=f"{units} units (dashed: rho^k)")
        ax.legend(ax.lines[:len(series)], [f"rho = {rho:.2f}" for rho, _ in series],
                  fontsize="x-small")
    fig.set_size_inches(11, 4.2)


def learning_curves(fig: Figure, *, task: str, panels: Mapping[Any, Any]) -> None:
    """One panel per sequence length; log scale, the baseline dotted.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure, drawn on.
    task : str
        The task's name, for the title.
    panels : dict
        T -> {"baseline": the memoryless error, "curves": {model: (training steps, test
        error)}}.
    """
    for i, (T, panel) in enumerate(panels.items()):
        ax = fig.add_subplot(1, len(panels), i + 1)
        names = list(panel["curves"])
        curves([panel["curves"][n][0] for n in names], [panel["curves"][n][1] for n in names],
               names or None, ax=ax, logy=True, xlabel="training steps", ylabel="test error",
               title=f"{task}, T = {T}")
        ax.axhline(panel["baseline"], color="k", ls=":", lw=1)
    fig.set_size_inches(5.5 * len(panels), 4.2)
