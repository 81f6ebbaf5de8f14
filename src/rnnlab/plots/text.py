"""Figures of the `text` experiment: the validation bits per character against training rounds,
and fill-in-the-blank exact match by blank length. (Sampled text is shown as text: Result.texts.)"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .base import curves

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def bpc_curve(fig: Figure, *, curve: Sequence[Sequence[float]], unigram: float,
              bigram: float) -> None:
    """The RNN's validation bits per character after each round, against the two counting
    models' (constant) bits per character.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure, drawn on.
    curve : sequence of float
        The validation bits per character after each round.
    unigram, bigram : float
        The counting models' bits per character.
    """
    rounds = list(range(1, len(curve) + 1))
    curves(rounds, [curve, [unigram] * len(curve), [bigram] * len(curve)],
           ["Elman RNN", "unigram (add-one)", "bigram (add-one)"], ax=fig.add_subplot(),
           xlabel="training round", ylabel="bits per character on the validation text",
           title="Character language model on pydoc_data.topics",
           styles=[{"marker": "o"}, {"ls": "--"}, {"ls": ":"}])


def blanks(fig: Figure, *, by_length: Mapping[str, Sequence[float]]) -> None:
    """Exact match against the blank's length, grouped bars.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure, drawn on.
    by_length : dict of str to sequence of float
        model name -> exact match for blanks of 1, 2, ... characters.
    """
    ax = fig.add_subplot()
    n_lengths = len(next(iter(by_length.values())))
    L = np.arange(1, n_lengths + 1)
    width = 0.8 / len(by_length)
    for i, (name, acc) in enumerate(by_length.items()):
        ax.bar(L + (i - (len(by_length) - 1) / 2) * width, acc, width, label=name)
    ax.set_xlabel("blank length (characters)")
    ax.set_ylabel("exact match on held-out blanks")
    ax.set_title("Fill in the blank: what the right-hand context adds")
    ax.legend(fontsize="small")
    ax.grid(True, axis="y", alpha=0.3)
