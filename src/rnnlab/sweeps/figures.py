"""One figure per swept parameter: a metric's mean over seeds with one standard deviation as
error bars, one line for each combination of the other swept parameters (matplotlib, the `plot`
extra, imported only when a figure is drawn)."""
from __future__ import annotations

import re
from pathlib import Path
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def pyplot() -> ModuleType:
    """matplotlib.pyplot on the Agg backend, or ImportError naming the extra.

    Returns
    -------
    module
        matplotlib.pyplot.

    Raises
    ------
    ImportError
        Naming the extra.
    """
    try:
        import matplotlib
    except ImportError:
        raise ImportError("sweep figures need matplotlib: pip install 'rnnlab[plot]'") from None
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    return plt


def swept(configs: Sequence[dict[str, Any]]) -> list[str]:
    """The parameters that take more than one value across the settings.

    Parameters
    ----------
    configs : list of dict
        The settings.

    Returns
    -------
    list of str

    Examples
    --------
    >>> swept([{"a": 1, "b": 0}, {"a": 2, "b": 0}])
    ['a']
    """
    keys = list(dict.fromkeys(k for c in configs for k in c))
    return [k for k in keys if len({repr(c.get(k)) for c in configs}) > 1]


def draw(ax: Axes, rows: list[dict[str, Any]], param: str, metric: str | None,
         others: Sequence[str]) -> None:
    """Draw metric's mean +- std against param on ax, one line per value of the other params.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    rows : list of dict
        setting_rows' rows.
    param : str
        The x axis.
    metric : str
        The y axis.
    others : list of str
        The other swept parameters.
    """
    xs_all = list(dict.fromkeys(repr(r.get(param)) for r in rows))
    numeric = all(isinstance(r.get(param), (int, float)) and not isinstance(r.get(param), bool)
                  for r in rows)
    lines: dict[tuple[Any, ...], Any] = {}
    for r in rows:
        lines.setdefault(tuple((k, r.get(k)) for k in others), []).append(r)
    for label, group in lines.items():
        pts = [(r.get(param), r.get(f"{metric} mean"), r.get(f"{metric} std")) for r in group
               if r.get(f"{metric} mean") is not None]
        if not pts:
            continue
        if numeric:
            pts.sort(key=lambda p: p[0])
            x = [p[0] for p in pts]
        else:
            x = [xs_all.index(repr(p[0])) for p in pts]
        ax.errorbar(x, [p[1] for p in pts], yerr=[p[2] or 0.0 for p in pts], marker="o",
                    capsize=3, label=", ".join(f"{k}={v}" for k, v in label) or None)
    if not numeric:
        ax.set_xticks(range(len(xs_all)))
        ax.set_xticklabels([str(next(r.get(param) for r in rows if repr(r.get(param)) == x))
                            for x in xs_all])
    ax.set_xlabel(param)
    ax.set_ylabel(f"{metric} (mean ± std over seeds)")
    if others:
        ax.legend(fontsize="small")


def save(out: Path, rows: list[dict[str, Any]], configs: Sequence[dict[str, Any]],
         metric: str | None) -> list[str]:
    """figure-PARAM.png for every swept parameter. Returns the file names written.

    Parameters
    ----------
    out : Path
        The sweep's folder.
    rows : list of dict
        setting_rows' rows.
    configs : list of dict
        The settings.
    metric : str
        The result shown.

    Returns
    -------
    list of str
    """
    from ..io import atomic_write
    params = swept(configs)
    if not params or metric is None:
        return []
    plt = pyplot()
    names = []
    for param in params:
        fig, ax = plt.subplots(figsize=(6.5, 4.2), layout="constrained")
        try:
            draw(ax, rows, param, metric, [p for p in params if p != param])
            ax.set_title(f"{metric} against {param}")
            name = f"figure-{re.sub(r'[^A-Za-z0-9_.-]', '_', param)}.png"
            atomic_write(out / name, lambda f: fig.savefig(f, format="png", dpi=100),
                         overwrite=True)
        finally:
            plt.close(fig)
        names.append(name)
    return names
