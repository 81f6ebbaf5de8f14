"""Figures of the `benefit` experiment: exact accuracy against the number of bits (every seed
of the RNN, and the MLP at its own n), the trained RNN's hidden states in two principal
components, and the finite-state machines extracted from the trained networks."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._types import Array

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def accuracy_vs_length(fig: Figure, *, lengths: Sequence[int], rnn: Mapping[str, Any],
                       mlp: Mapping[str, Any]) -> None:
    """One panel per task: exact accuracy against the number of bits.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure, drawn on.
    lengths : sequence of int
        The test lengths of the RNN.
    rnn : dict
        task -> exact accuracy per length (one list per seed).
    mlp : dict
        task -> (the n of each MLP, its held-out exact accuracy).
    """
    for i, (task, seeds) in enumerate(rnn.items()):
        ax = fig.add_subplot(1, len(rnn), i + 1)
        for exact in seeds:
            ax.plot(lengths, exact, "o-", color="C0", alpha=0.6, lw=1)
        ax.plot([], [], "o-", color="C0", label=f"RNN, {len(seeds)} seeds")
        ns, accs = mlp[task]
        ax.plot(ns, accs, "s--", color="C3", label="MLP at its own n (held out)")
        ax.set_xscale("log")
        ax.set_ylim(-0.05, 1.05)
        ax.set_xlabel("number of bits")
        ax.set_ylabel("exact accuracy (sequences)")
        ax.set_title(task)
        ax.legend(fontsize="small", loc="lower left")
        ax.grid(True, alpha=0.3)
    fig.set_size_inches(11, 4)


def hidden_states(fig: Figure, *, pca: Mapping[str, Any], state_names: Mapping[str, str]) -> None:
    """One panel per task: the hidden states projected on two principal components.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure, drawn on.
    pca : dict
        task -> (points (N, 2), machine state (N,) in {0, 1}, T): the states of consecutive
        sequences of T steps.
    state_names : dict of str to str
        task -> what the state is.
    """
    for i, (task, (points, state, T)) in enumerate(pca.items()):
        ax = fig.add_subplot(1, len(pca), i + 1)
        points, state = np.asarray(points), np.asarray(state)
        for b in range(3):                                        # a few trajectories
            ax.plot(*points[b * T:(b + 1) * T].T, color="0.7", lw=0.6, zorder=1)
        name = state_names[task]
        for v in (0, 1):
            sel = state == v
            ax.scatter(*points[sel].T, s=12, color=f"C{v}", label=f"{name} = {v}", zorder=2)  # type: ignore[misc]
        ax.set_xlabel("PC 1")
        ax.set_ylabel("PC 2")
        ax.set_title(f"{task}: trained RNN's h(t), by the {name} after step t", fontsize=10)
        ax.legend(fontsize="small")
    fig.set_size_inches(11, 4.5)


def machines(fig: Figure, *, machines: Mapping[str, Mapping[str, Any]]) -> None:
    """One panel per machine, each drawn by `machine`.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure, drawn on.
    machines : dict
        title -> {"symbols": (S_in, width) input symbols, "transitions": (S, S_in) next states,
        "outputs": (S, S_in) outputs}.
    """
    for i, (title, m) in enumerate(machines.items()):
        machine(fig.add_subplot(1, len(machines), i + 1), title=title, **m)
    flat = all(len(m["transitions"]) <= 2 for m in machines.values())   # two states: one row
    fig.set_size_inches(11, 2.8 if flat else 4.5)


def machine(ax: Axes, *, symbols: Array | Sequence[Any], transitions: Array | Sequence[Any],
            outputs: Array | Sequence[Any], title: str = "") -> None:
    """States on a circle, one arrow per (state, next state) labelled with its input/output: the
    label sits on the arrow, at the middle of its arc, on a white box; a self-loop's label sits
    just outside its loop.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    symbols : array_like, (S_in, width)
        The input symbols.
    transitions : array_like of int, (S, S_in)
        The next state of each state and input.
    outputs : array_like, (S, S_in)
        The output of each state and input.
    title : str
        The panel's title.
    """
    from matplotlib.patches import Circle, FancyArrowPatch
    transitions, outputs = np.asarray(transitions), np.asarray(outputs)
    S = len(transitions)
    angle = np.pi - 2 * np.pi * np.arange(S) / S
    pos = np.column_stack([np.cos(angle), np.sin(angle)]) * (0 if S == 1 else 1)
    labels: dict[tuple[int, int], list[str]] = {}
    for s in range(S):
        for k, sym in enumerate(symbols):
            word = "".join(str(int(v)) for v in np.ravel(sym))
            labels.setdefault((s, int(transitions[s, k])), []).append(
                f"{word}/{int(outputs[s, k])}")
    box = {"boxstyle": "round,pad=0.2", "facecolor": "w", "edgecolor": "0.7", "lw": 0.6}
    for (s, n), words in labels.items():
        text = "\n".join(words)
        if s == n:                                                # self-loop: outside the circle
            out = pos[s] / (np.linalg.norm(pos[s]) or 1) if S > 1 else np.array([0.0, 1.0])
            ax.add_patch(Circle(pos[s] + 0.32 * out, 0.16, fill=False, lw=1.2))
            x, y = pos[s] + 0.5 * out
            ha, va = _outside(out)
            ax.text(x, y, text, ha=ha, va=va, fontsize=8, bbox=box)
            continue
        ax.add_patch(FancyArrowPatch(pos[s], pos[n], connectionstyle=f"arc3,rad={RAD}",
                                     arrowstyle="-|>", mutation_scale=14, shrinkA=18, shrinkB=18))
        x, y = arc_middle(pos[s], pos[n], RAD)
        ax.text(x, y, text, ha="center", va="center", fontsize=8, bbox=box)
    for s in range(S):
        ax.add_patch(Circle(pos[s], 0.16, color="C0" if s else "C1", alpha=0.9))
        ax.text(*pos[s], str(s), ha="center", va="center", color="w",  # type: ignore[call-arg]
                fontsize=11)
    ax.set_xlim(-2, 2)
    ax.set_ylim(*((-1.6, 1.8) if S > 2 else (-0.5, 0.5)))
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"{title}\nstate 0 = start")


RAD = 0.25                          # the arrows' curvature (matplotlib's arc3 connection style)


def arc_middle(a: np.ndarray, b: np.ndarray, rad: float) -> np.ndarray:
    """The middle of matplotlib's arc3 curve from a to b: a quadratic Bezier whose control point
    lies rad * |b - a| off the chord's midpoint, at right angles; at t = 1/2 it is half as far.

    Parameters
    ----------
    a, b : ndarray, (2,)
        The arc's ends.
    rad : float
        arc3's curvature.

    Returns
    -------
    ndarray, (2,)
        The point of the curve at t = 1/2.

    Examples
    --------
    >>> arc_middle(np.array([0.0, 0.0]), np.array([2.0, 0.0]), 0.5)
    array([ 1. , -0.5])
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    d = b - a
    return (a + b) / 2 + rad / 2 * np.array([d[1], -d[0]])


def _outside(direction: np.ndarray) -> tuple[str, str]:
    """(ha, va): the text alignment that puts a label on the far side of a point, along
    `direction`."""
    ha = "center" if abs(direction[0]) < 0.5 else "left" if direction[0] > 0 else "right"
    va = "center" if abs(direction[1]) < 0.5 else "bottom" if direction[1] > 0 else "top"
    return ha, va
