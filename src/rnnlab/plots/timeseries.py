"""Figure of the `timeseries` experiment: one-step forecasts against the truth."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

STYLES: dict[str, dict[str, Any]]
STYLES = {"truth": {"color": "k", "lw": 1.6}, "persistence": {"ls": ":", "lw": 1},
          "linear AR": {"ls": "--", "lw": 1}, "RNN many-to-one": {"lw": 1.2},
          "RNN many-to-many": {"lw": 1.2, "alpha": 0.8}}


def forecasts(fig: Figure, *, series: Mapping[str, Any], n_max: int = 100) -> None:
    """Up to four series in a 2 x 2 grid, the first n_max test points of each; STYLES says which
    forecasters and how.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure, drawn on.
    series : dict
        name -> (time axis (N,), {forecaster or "truth": values (N,)}).
    n_max : int
        The number of test points shown.
    """
    from matplotlib.ticker import MaxNLocator
    axes = fig.subplots(2, 2).ravel()
    for ax, (name, (x, values)) in zip(axes, series.items()):
        for key, style in STYLES.items():
            ax.plot(x[:n_max], values[key][:n_max], label=key, **style)
        ax.set_title(f"{name} (test part)", fontsize="medium")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize="x-small")
    fig.suptitle(f"One-step forecasts against the truth (first {n_max} test points at most)")
