"""Figures of the `digits` experiment: the RNN's confusion matrix and a few test images with
its answers."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .base import heatmap
from .._types import Array

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def confusion(fig: Figure, *, matrix: Array | Sequence[Any], accuracy: float) -> None:
    """The confusion matrix of a classifier.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure, drawn on.
    matrix : array_like of int, (K, K)
        Counts, rows the true class and columns the predicted one.
    accuracy : float
        The test accuracy, shown in the title.
    """
    cm = np.asarray(matrix)
    ax = fig.add_subplot()
    labels = [str(i) for i in range(len(cm))]
    heatmap(cm, ax=ax, xlabel="predicted digit", ylabel="true digit", xticks=labels,
            yticks=labels, cmap="Blues",
            title=f"Confusion matrix of the RNN on test digits (accuracy {accuracy:.3f})")
    for i, row in enumerate(cm):
        for j, n in enumerate(row):
            if n:
                ax.text(j, i, str(n), ha="center", va="center", fontsize="small",
                        color="w" if n > cm.max() / 2 else "k")


def examples(fig: Figure, *, images: Array | Sequence[Any], truth: Array | Sequence[Any],
             pred: Array | Sequence[Any]) -> None:
    """The images in two rows, each titled "true -> predicted" (red: wrong).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure, drawn on.
    images : array_like, (N, rows, columns)
        The images; N even.
    truth : array_like of int, (N,)
        Their classes.
    pred : array_like of int, (N,)
        The predicted classes.
    """
    axes = fig.subplots(2, len(images) // 2)
    for i, ax in enumerate(axes.ravel()):
        ax.imshow(images[i], cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"{truth[i]} -> {pred[i]}", fontsize="small",
                     color="k" if truth[i] == pred[i] else "r")
        ax.axis("off")
    fig.suptitle("Test images read row by row (true -> RNN's answer; red: wrong)")
