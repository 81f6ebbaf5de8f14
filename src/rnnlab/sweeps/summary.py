"""Tables of a sweep: one row per run, and one row per setting with the mean, the standard
deviation (over seeds, ddof=1) and the number of seeds of every numeric result, and for every
true/false result (a claim that passes or fails) the number of seeds where it held."""
from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from typing import Any

from .plan import Run

RUN_COLUMNS = ("run", "seed", "status")


def is_number(v: object) -> bool:
    """Whether `v` is a real number (not a bool).

    Parameters
    ----------
    v : object
        A value.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_number(0.5), is_number(True), is_number("1")
    (True, False, False)
    """
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def run_rows(runs: Sequence[Run], records: Sequence[dict[str, Any]]) -> list[dict]:
    """One dict per run, in the plan's order: run, seed, status, the config, the results, error,
    seconds, host. A result named like a config key or a column gets the prefix "result.".

    Parameters
    ----------
    runs : list of Run
        The plan.
    records : dict
        The record of every finished run, by run id.

    Returns
    -------
    list of dict
    """
    rows = []
    for run, rec in zip(runs, records):
        row = {"run": run.id, "seed": run.seed, "status": rec["status"], **run.config}
        for key, value in rec.get("results", {}).items():
            row[f"result.{key}" if key in row or key in ("error", "seconds", "host") else key] \
                = value
        row.update(error=rec.get("error"), seconds=rec.get("seconds"), host=rec.get("host"))
        rows.append(row)
    return rows


def run_results(row: dict, config: dict) -> dict:
    """The results of one run from its row of run_rows (its inverse): every column that is not the
    run's own (run, seed, status, the config, error, seconds, host), with the "result." prefix
    removed from those whose name collided with one of those.

    Parameters
    ----------
    row : dict
        The run's row of run_rows.
    config : dict
        The run's settings.

    Returns
    -------
    dict
        The run's results.

    Examples
    --------
    >>> run_results({"run": 0, "seed": 1, "status": "ok", "lr": 0.1, "acc": 0.9,
    ...              "result.seed": 7}, {"lr": 0.1})
    {'acc': 0.9, 'seed': 7}
    """
    own = {*RUN_COLUMNS, *config, "error", "seconds", "host"}
    return {(k[len("result."):] if k.startswith("result.") else k): v for k, v in row.items()
            if k.startswith("result.") or k not in own}


def _stats(values):
    n = len(values)
    mean = math.fsum(values) / n
    std = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else None
    return mean, std, n


def setting_rows(runs: Sequence[Run], records: Sequence[dict[str, Any]]) -> list[dict]:
    """One dict per setting (in the plan's order) with the statistics over its seeds.

    Parameters
    ----------
    runs : list of Run
        The plan.
    records : dict
        The record of every finished run, by run id.

    Returns
    -------
    list of dict
    """
    groups: dict[tuple[Any, ...], Any] = {}
    for run, rec in zip(runs, records):
        key = tuple(sorted((k, repr(v)) for k, v in run.config.items()))
        groups.setdefault(key, (run.config, []))[1].append(rec)
    rows = []
    for config, recs in groups.values():
        ok = [r for r in recs if r["status"] == "ok"]
        row = {**config, "runs": len(recs), "failed": len(recs) - len(ok)}
        names = list(dict.fromkeys(k for r in ok for k in r["results"]))
        for name in names:
            values = [r["results"][name] for r in ok if name in r["results"]]
            if values and all(isinstance(v, bool) for v in values):
                row[f"{name} passed"], row[f"{name} n"] = sum(values), len(values)
            elif values and all(is_number(v) for v in values):
                row[f"{name} mean"], row[f"{name} std"], row[f"{name} n"] = \
                    _stats([float(v) for v in values])
        rows.append(row)
    return rows


def columns(rows: list[dict[str, Any]]) -> list:
    """The columns of `rows`, in the order they first appear.

    Parameters
    ----------
    rows : list of dict
        The rows.

    Returns
    -------
    list
    """
    return list(dict.fromkeys(k for r in rows for k in r))


def to_csv(rows: list[dict[str, Any]]) -> str:
    """`rows` as CSV text, one column per key of any row.

    Parameters
    ----------
    rows : list of dict
        The rows.

    Returns
    -------
    str
    """
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns(rows), lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return buf.getvalue()


def _cell(v: object) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def to_markdown(rows: list[dict[str, Any]], config_keys: Sequence[str]) -> str:
    """Settings as rows; each numeric result as "mean ± std (n)", each claim as "passed/n".

    Parameters
    ----------
    rows : list of dict
        setting_rows' rows.
    config_keys : list of str
        The swept settings.

    Returns
    -------
    str
    """
    if not rows:
        return "(no runs)\n"
    metrics = list(dict.fromkeys(k.rsplit(" ", 1)[0] for r in rows for k in r
                                 if k.endswith((" mean", " passed"))))
    head = [*config_keys, "runs", "failed", *metrics]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [_cell(r.get(k)) for k in (*config_keys, "runs", "failed")]
        for m in metrics:
            if f"{m} passed" in r:
                cells.append(f"{r[f'{m} passed']}/{r[f'{m} n']}")
            elif f"{m} mean" in r:
                std = r[f"{m} std"]
                cells.append(f"{_cell(r[f'{m} mean'])}"
                             f"{'' if std is None else ' ± ' + _cell(std)} (n={r[f'{m} n']})")
            else:
                cells.append("-")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def table(rows: list[dict[str, Any]], frame: bool | None = None) -> Any:
    """rows as a pandas DataFrame when pandas is installed (frame=None) or asked for (True),
    else the list of dicts itself.

    Parameters
    ----------
    rows : list of dict
        The rows.
    frame : bool, optional
        True: a DataFrame (pandas needed); False: the list.

    Returns
    -------
    DataFrame or list of dict
    """
    if frame is False:
        return rows
    try:
        import pandas as pd
    except ImportError:
        if frame:
            raise ImportError("a DataFrame needs pandas: pip install pandas") from None
        return rows
    return pd.DataFrame(rows, columns=columns(rows))
