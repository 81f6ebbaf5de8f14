"""Figures of the `forward` experiment: the forward pass through time of a trained RNN on one
sequence, and the training losses (per answering step) of the recurrent and the static network."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .base import learning_curves
from .._types import Array

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def forward_pass(fig: Figure, *, x: Array | Sequence[Any], target: Array | Sequence[Any],
                 output: Array | Sequence[Any], h: Array | Sequence[Any],
                 title: str = "Forward propagation through time") -> None:
    """Top: input x(t), target and output y(t) over time; bottom: the hidden state as a heat
    map, one row per hidden unit.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure, drawn on.
    x : array_like, (T,)
        The input.
    target : array_like, (T,)
        The target.
    output : array_like, (T,)
        The output y(t).
    h : array_like, (T, H)
        The hidden state.
    title : str
        The figure's title.
    """
    h = np.asarray(h)
    ax1, ax2 = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1, 1.3]})
    t = np.arange(1, len(output) + 1)
    ax1.plot(t, x, ".-", label="input x(t)", alpha=0.6)
    ax1.plot(t, target, label="target x(t+1)")
    ax1.plot(t, output, "--", label="RNN output y(t)")
    ax1.set_ylabel("value")
    ax1.legend(fontsize="small", ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0),
               frameon=False)
    fig.suptitle(title)
    im = ax2.imshow(h.T, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1,
                    extent=(0.5, len(output) + 0.5, h.shape[1] - 0.5, -0.5))
    ax2.set_xlabel("time step t")
    ax2.set_ylabel("hidden unit")
    ax2.yaxis.get_major_locator().set_params(integer=True)
    fig.colorbar(im, ax=[ax1, ax2], label="h(t)", shrink=0.6)


def training_loss(fig: Figure, *, losses: Mapping[str, Sequence[float]],
                  title: str = "Training loss", ylabel: str = "training loss") -> None:
    """One curve per model, log scale. Curves drawn on one axis must be in one unit (the loss per
    answering step, say), which ylabel names.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure, drawn on.
    losses : dict of str to sequence of float
        label -> training loss per epoch.
    title : str
        The figure's title.
    ylabel : str
        The loss's name and unit.
    """
    ax = learning_curves(list(losses.values()), list(losses), ax=fig.add_subplot(), title=title)
    ax.set_ylabel(ylabel)
