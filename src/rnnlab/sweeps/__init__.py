"""Sweeps: many seeds and settings of one experiment or function, run on Dask.

    import rnnlab as rl

    def train(config, seed):                     # any function f(config, seed) -> dict
        ...
        return {"loss": loss, "exact": bool(acc == 1.0)}

    table = rl.sweep(train, grid={"hidden": [4, 8], "lr": [0.01, 0.03]}, seeds=range(10),
                     out="sweep-lr")             # a local cluster, one process per core
    table = rl.sweep("benefit", grid={"quick": [True]}, seeds=range(3),
                     client="tcp://scheduler:8786", out="sweep-benefit")   # an existing cluster

Dask's distributed scheduler runs the runs (the `dask` extra); this package plans them
(plan.py), runs one on a worker (execute.py), talks to Dask (engine.py), stores them (store.py),
summarises them (summary.py) and draws them (figures.py). The module is called `sweeps` so that
`rl.sweep` stays the function even after `import rnnlab.sweeps`.
"""
from __future__ import annotations

import sys

from . import engine, figures, plan, store, summary
from .execute import plain, versions
from .plan import canonical, parse_seeds

__all__ = ["sweep", "parse_seeds"]


def sweep(target, grid=None, seeds=1, *, client=None, out=None, workers=None, metric=None,
          progress=False, frame=None, timeout=10.0):
    """Run target for every setting of grid and every seed; returns the table of runs.

    Parameters
    ----------
    target : str or callable
        An experiment name ("benefit"; its grid takes only `quick`), a function
        ``f(config: dict, seed: int) -> dict`` of results, or "module:function" /
        "file.py:function".
    grid : dict of lists, list of dicts or None
        A dict of lists (the Cartesian product) or a list of dicts; None: one empty config.
    seeds : int or list of int
        A list of seeds, or n for 0 .. n-1. Each run gets its seed, never a worker's.
    client : None, str or distributed.Client
        None (a local cluster of `workers` processes, one per core by default, shut down
        afterwards), a scheduler address ("tcp://host:8786", reached within `timeout` seconds
        or ConnectionError), or a distributed.Client to use as it is.
    out : str or Path, optional
        A folder for runs/ID/{run.json,results.json}, sweep.json, summary.csv/md and
        figure-PARAM.png; a run finished there before is not run again. None: nothing saved.
    workers : int, optional
        The number of processes of the local cluster (client=None).
    metric : str, optional
        The numeric result the figures show (default: the first one).
    progress : bool or file-like
        True (stderr) or a stream for a progress line.
    frame : bool, optional
        Whether to return a pandas DataFrame (see ``rnnlab.sweeps.summary.table``).
    timeout : float
        Seconds to wait for a scheduler given by address.

    Returns
    -------
    DataFrame or list of dict
        One row per run, in the grid's order (run, seed, status, the config, the results,
        error, seconds, host): a pandas DataFrame when pandas is installed, else a list of
        dicts. A run that raises is a row with status "failed" and its error; the others go on.

    Examples
    --------
    >>> def square(config, seed):                           # doctest: +SKIP
    ...     return {"y": config["x"] ** 2 + seed}
    >>> rows = rl.sweep(square, grid={"x": [1, 2]}, seeds=2, workers=1)  # doctest: +SKIP
    """

    tgt = plan.resolve_target(target)
    runs = plan.plan(grid, seeds, tgt)
    records = {}
    if out is not None:
        out = store.check(out, tgt.name)
        for run in runs:
            rec = store.finished(out, run.id)
            if rec is not None:
                records[run.id] = rec
    todo = [r for r in runs if r.id not in records]
    stream = sys.stderr if progress is True else (progress or None)
    doc = {"target": tgt.name, "kind": "experiment" if tgt.is_experiment else "function",
           "grid": plain({k: list(v) for k, v in grid.items()} if isinstance(grid, dict)
                         else grid), "seeds": sorted({r.seed for r in runs}),
           "runs": [r.id for r in runs], "versions": versions(), "started": store.now(),
           "status": "running"}

    def start():                         # the folder appears only once the runs can start
        if out is not None:
            store.create(out)
            store.save_sweep(out, doc)

    def on_done(run, record):
        if out is not None:
            store.save_run(out, run, tgt.name, record)
        records[run.id] = record

    try:
        if todo:
            with engine.connect(client, workers=workers, timeout=timeout) as c:
                start()
                engine.run_all(c, tgt, todo, on_done, progress=stream,
                               skipped=len(runs) - len(todo), total=len(runs))
        else:
            start()
            if stream:
                print(f"sweep: all {len(runs)} runs were done before", file=stream)
    except KeyboardInterrupt:
        if out is not None:
            store.save_sweep(out, dict(doc, status="interrupted", finished=store.now()))
        raise
    ordered = [records[r.id] for r in runs]
    rows = summary.run_rows(runs, ordered)
    if out is not None:
        finish(out, doc, runs, ordered, metric)
    return summary.table(rows, frame)


def finish(out, doc, runs, records, metric):
    """Write summary.csv, summary.md, the figures and the final sweep.json.

    Parameters
    ----------
    out : Path
        The sweep's folder.
    doc : dict
        The sweep.json document.
    runs : list of Run
        The plan.
    records : dict
        The record of every finished run, by run id.
    metric : str or None
        The result the figures show.
    """
    configs = list({canonical(r.config): r.config for r in runs}.values())
    settings = summary.setting_rows(runs, records)
    config_keys = list(dict.fromkeys(k for c in configs for k in c))
    store.write_text(out / "summary.csv", summary.to_csv(settings))
    store.write_text(out / "summary.md", summary.to_markdown(settings, config_keys))
    store.write_text(out / "runs.csv", summary.to_csv(summary.run_rows(runs, records)))
    numeric = list(dict.fromkeys(k[:-5] for s in settings for k in s if k.endswith(" mean")))
    names, bad = [], None
    if metric is not None and metric not in numeric:
        bad = (f"metric: no numeric result {metric!r}; the runs returned "
               f"{', '.join(map(repr, numeric)) or 'none'}")
    metric = metric or (numeric[0] if numeric else None)
    note = bad
    if bad is None:
        try:
            names = figures.save(out, settings, configs, metric)
        except ImportError as err:
            note = str(err)
    store.save_sweep(out, dict(doc, status="complete", finished=store.now(), metric=metric,
                               figures=names, figures_skipped=note,
                               failed=sum(r["status"] != "ok" for r in records)))
    if bad is not None:                      # the runs are saved; only the figures are missing
        raise ValueError(bad)
