"""History: what `fit` records after every epoch, and its learning curves.

Two units of the loss, both exact (masks included):

    loss per sequence        L = (1/N) sum_n sum_t m_n(t) l(y_n(t), target_n(t))
                             the lecture's summed loss, what training minimises
    loss per answering step  the same double sum divided by sum_n sum_t m_n(t), the number of
                             steps that answer (model.answering_steps): 1 per sequence for
                             many-to-one, T (or the unmasked count) for many-to-many, the output
                             steps for one-to-many, seq2seq and many-to-many-delayed

History.loss and val_loss are per answering step, so that a 12-step regression and a one-step
static net compare like with like; loss_per_sequence and val_loss_per_sequence keep the summed
value. For squared error l = 1/2 ||y - t||^2, the loss per step is K/2 times the MSE.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._types import Array

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@dataclass
class History:
    """What fit() records: one entry per finished epoch.

    Parameters
    ----------
    loss, val_loss : list of float
        Training and validation loss per answering step: the summed loss divided by the number
        of steps that answer (rnnlab.history explains the units). val_loss is empty without
        validation data.
    grad_norm : list of float
        Mean global gradient norm over the epoch's steps (before clipping).
    epoch_time : list of float
        Seconds per epoch.
    metrics : dict
        Name ("accuracy", "val_accuracy", ...) -> one value per epoch.
    steps : int
        Optimizer steps taken.
    stopped : str or None
        Why training ended early, if it did.
    loss_per_sequence, val_loss_per_sequence : list of float
        The same losses summed over each sequence's answering steps and averaged over the
        sequences: the objective training minimises (model.evaluate's default unit).
    """
    loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    epoch_time: list = field(default_factory=list)
    metrics: dict = field(default_factory=dict)
    steps: int = 0
    stopped: str | None = None
    loss_per_sequence: list = field(default_factory=list)
    val_loss_per_sequence: list = field(default_factory=list)

    def as_dict(self) -> dict:
        """Every field, as a JSON-ready dict.

        Returns
        -------
        dict
            "loss", "val_loss", "loss_per_sequence", "val_loss_per_sequence", "metrics",
            "grad_norm", "epoch_time", "steps" and "stopped".

        Examples
        --------
        >>> History(loss=[0.5, 0.25], steps=8).as_dict()["loss"]
        [0.5, 0.25]
        """
        return {"loss": self.loss, "val_loss": self.val_loss,
                "loss_per_sequence": self.loss_per_sequence,
                "val_loss_per_sequence": self.val_loss_per_sequence, "metrics": self.metrics,
                "grad_norm": self.grad_norm, "epoch_time": self.epoch_time, "steps": self.steps,
                "stopped": self.stopped}

    def plot(self, ax: Axes | Sequence[Axes] | Array | None = None,
             metrics: str | Sequence[str] | None = None, *,
             logy: bool = False) -> Axes | tuple[Axes, Axes]:
        """Draw the learning curves: loss and val_loss per answering step against the epoch,
        and the metrics beside them.

        Parameters
        ----------
        ax : matplotlib Axes, a pair of Axes, or None
            None: a new figure, with a second panel for the metrics when there are any. One
            Axes: the losses on it, the metrics on its twin (a right-hand y axis). A pair:
            losses on the first, metrics on the second.
        metrics : str, list of str, or None
            Which entries of History.metrics to draw (None: all of them; []: none).
        logy : bool
            A logarithmic loss axis.

        Returns
        -------
        matplotlib.axes.Axes or tuple of Axes
            The loss Axes, or (loss Axes, metrics Axes) when metrics are drawn.

        Raises
        ------
        ImportError
            matplotlib is missing (pip install 'rnnlab[plot]').
        ValueError
            A metric name that this History did not record.

        Examples
        --------
        >>> hist = model.fit(X, Y, epochs=20, validation_split=0.2, metrics=["mse"])  # doctest: +SKIP
        >>> loss_ax, metric_ax = hist.plot()                                          # doctest: +SKIP
        """
        names = _metric_names(self.metrics, metrics)
        pair = isinstance(ax, (tuple, list)) or getattr(ax, "ndim", 0) == 1
        if pair and len(ax) != 2:  # type: ignore[arg-type]  # pair: a sequence of Axes here
            raise ValueError(f"ax must be one Axes or a pair (loss, metrics), got {len(ax)} axes")  # type: ignore[arg-type]
        if ax is None:
            plt = _pyplot()
            if names:
                _, (ax_loss, ax_metric) = plt.subplots(1, 2, figsize=(10, 4))
            else:
                _, ax_loss = plt.subplots(figsize=(6, 4))
        elif pair:
            ax_loss, ax_metric = ax  # type: ignore[misc]  # pair
        else:
            ax_loss = ax
        if names and not pair and ax is not None:
            ax_metric = ax_loss.twinx()
        _curve(ax_loss, self.loss, "loss", "-")
        _curve(ax_loss, self.val_loss, "val_loss", "-")
        ax_loss.set_xlabel("epoch")
        ax_loss.set_ylabel("loss per answering step")
        if logy:
            ax_loss.set_yscale("log")
        ax_loss.grid(True, alpha=0.3)
        if not names:
            ax_loss.legend(fontsize="small")
            return ax_loss
        twin = ax is not None and not pair
        ax_metric.set_prop_cycle(None)
        for i, name in enumerate(names):
            _curve(ax_metric, self.metrics[name], name, "--" if twin else "-",
                   color=f"C{i + 2}" if twin else None)
        ax_metric.set_ylabel("metric" if len(names) > 1 else names[0])
        if twin:                                   # one legend for both y axes
            lines = ax_loss.get_lines() + ax_metric.get_lines()
            ax_loss.legend(lines, [line.get_label() for line in lines], fontsize="small")
        else:
            ax_loss.legend(fontsize="small")
            ax_metric.set_xlabel("epoch")
            ax_metric.legend(fontsize="small")
            ax_metric.grid(True, alpha=0.3)
        return ax_loss, ax_metric


def _metric_names(recorded: dict, metrics: str | Sequence[str] | None) -> list:
    """The metric names to draw, checked against the recorded ones."""
    if metrics is None:
        return list(recorded)
    names = [metrics] if isinstance(metrics, str) else metrics
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise TypeError(f"metrics must be a name or a list of names, got {metrics!r}")
    unknown = [n for n in names if n not in recorded]
    if unknown:
        raise ValueError(f"metrics {unknown} were not recorded; this History has "
                         f"{sorted(recorded) or 'none'} (fit(metrics=[...]) records them)")
    return list(names)


def _curve(ax, values, label, style, color=None):
    if values:
        ax.plot(range(1, len(values) + 1), values, style, label=label, color=color)


def _pyplot():
    """matplotlib.pyplot as the user set it up (inline in Jupyter), or ImportError naming
    the extra."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("History.plot needs matplotlib: pip install 'rnnlab[plot]'") from None
    return plt
