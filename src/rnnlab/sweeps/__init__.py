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
summarises them (summary.py) and draws them (figures.py). Pool holds one cluster open for the
sweeps of the tour's experiments (`rnnlab tour --workers N`):

    with rl.sweeps.Pool(workers=2) as pool:           # one local cluster for every sweep
        result = rl.experiments.get("stability").run(quick=True, pool=pool)

The module is called `sweeps` so that `rl.sweep` stays the function even after
`import rnnlab.sweeps`.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import engine, figures, plan, store, summary
from .execute import plain, versions
from .plan import Run, canonical, parse_seeds
from .._types import StrPath

__all__ = ["sweep", "parse_seeds", "Pool"]


def sweep(target: str | Callable[[dict[str, Any], int], dict[str, Any]],
          grid: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
          seeds: int | Iterable[int] = 1, *, client: Any = None, out: StrPath | None = None,
          workers: int | None = None, metric: str | None = None, progress: bool = False,
          frame: bool | None = None, timeout: float = 10.0) -> Any:
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


def finish(out: Path, doc: dict[str, Any], runs: Sequence[Run], records: Sequence[dict[str, Any]],
           metric: str | None) -> None:
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


class Pool:
    """A Dask client held open for several sweeps, what `rnnlab tour --workers N` hands to the
    experiments (their run(..., pool=pool)), which call pool.map through
    rnnlab.experiments.parallel.map_runs. Where the runs go: a local Dask cluster of `workers`
    processes, the scheduler at `scheduler`, or a distributed.Client the caller holds
    (`client`). At most one of the three; none: a local cluster of one process per core.

    Use it as a context manager: the cluster starts (or the scheduler is reached) on entering,
    once for every map, and is shut down on leaving. map() outside a `with` connects for that
    call only.

    Parameters
    ----------
    workers : int, optional
        The number of worker processes of a local Dask cluster.
    scheduler : str, optional
        The address of a running scheduler, such as 'tcp://host:8786'.
    client : distributed.Client, optional
        A client the caller holds.
    timeout : float
        Seconds to reach a scheduler (ConnectionError after that).
    progress : bool or file
        True (stderr) or a stream for each sweep's progress line.
    out : str or Path, optional
        A sweep folder for every map (resumable; for a pool that maps one function, as
        benchmarks/longterm.py does), or None.

    Raises
    ------
    ValueError, TypeError
        Naming the argument: more than one of workers, scheduler and client, workers < 1, a
        scheduler that is not a string.
    """

    def __init__(self, workers: int | None = None, *, scheduler: str | None = None,
                 client: Any = None, timeout: float = 10.0, progress: Any = False,
                 out: str | os.PathLike[str] | None = None) -> None:
        given = [n for n, v in (("workers", workers), ("scheduler", scheduler),
                                ("client", client)) if v is not None]
        if len(given) > 1:
            raise ValueError(f"{given[1]}: give workers, a scheduler address or a client, not "
                             f"{' and '.join(given)}")
        if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                    or workers < 1):
            raise ValueError(f"workers: expected an integer >= 1, got {workers!r}")
        if scheduler is not None and not isinstance(scheduler, str):
            raise TypeError(f"scheduler: expected an address such as 'tcp://host:8786', got "
                            f"{type(scheduler).__name__}")
        self.workers, self.scheduler, self.client = workers, scheduler, client
        self.timeout, self.progress, self.out = timeout, progress, out
        self._held: Any = None             # the open connect() while inside `with`
        self._active: Any = None

    def __repr__(self) -> str:
        return f"Pool({self.describe()})"

    def describe(self) -> str:
        """Where the runs go, in words (for run.json and the report).

        Returns
        -------
        str

        Examples
        --------
        >>> Pool(workers=2).describe()
        'a local Dask cluster (2 worker processes)'
        """
        if self.client is not None:
            return "a Dask client given by the caller"
        if self.scheduler is not None:
            return f"the Dask cluster at {self.scheduler}"
        n = "one per core" if self.workers is None else self.workers
        return f"a local Dask cluster ({n} worker process{'' if n == 1 else 'es'})"

    def __enter__(self) -> Pool:
        if self._held is not None:
            raise RuntimeError("this Pool is already open")
        held = engine.connect(self.client if self.client is not None else self.scheduler,
                              workers=self.workers, timeout=self.timeout)
        self._active = held.__enter__()
        self._held = held
        return self

    def __exit__(self, *exc: Any) -> Any:
        held, self._held, self._active = self._held, None, None
        return held.__exit__(*exc)

    def map(self, fn: Callable[[dict[str, Any], int], dict[str, Any]],
            configs: Iterable[dict[str, Any]], seeds: Iterable[int]) -> list[dict[str, Any]]:
        """fn(config, seed) for every config and seed, through rl.sweep.

        Parameters
        ----------
        fn : callable
            A module-level function ``f(config, seed) -> dict``.
        configs : iterable of dict
            The runs' settings.
        seeds : iterable of int
            The seeds of each setting.

        Returns
        -------
        list of dict
            The results in the order of the configs, seeds innermost.

        Raises
        ------
        RuntimeError
            Naming the first failed run when any failed (its error and traceback are in the
            sweep's table and folder).
        """
        configs, seeds = [dict(c) for c in configs], list(seeds)
        if self._active is not None:
            where = {"client": self._active}
        else:
            where = {"client": self.client if self.client is not None else self.scheduler,
                     "workers": self.workers}
        rows = sweep(fn, grid=configs, seeds=seeds, out=self.out, progress=self.progress,
                     frame=False, timeout=self.timeout, **where)
        failed = [r for r in rows if r["status"] != "ok"]
        if failed:
            raise RuntimeError(f"{len(failed)} of {len(rows)} runs failed; the first, seed "
                               f"{failed[0]['seed']}: {failed[0]['error']}")
        return [summary.run_results(row, config) for row, config in
                zip(rows, (c for c in configs for _ in seeds))]
