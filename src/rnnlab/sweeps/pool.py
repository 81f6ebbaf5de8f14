"""A Dask client held open for several sweeps: what `rnnlab tour --workers N` hands to the
experiments, whose independent runs (the seeds of the benefit of recurrence, the models x lengths
x seeds of the long-lag comparison) then run through rl.sweep on it.

    import rnnlab as rl
    from rnnlab.experiments import stability

    with rl.sweeps.Pool(workers=2) as pool:           # one local cluster for every sweep
        result = stability.run(quick=True, pool=pool)
    with rl.sweeps.Pool(scheduler="tcp://head:8786") as pool:    # an existing cluster
        ...

An experiment calls pool.map(f, configs, seeds) through rnnlab.experiments.parallel.map_runs,
which also runs them here, one after another, when there is no pool.
"""
from __future__ import annotations

from .engine import connect
from .summary import RUN_COLUMNS


class Pool:
    """Where an experiment's runs go: a local Dask cluster of `workers` processes, the scheduler
    at `scheduler`, or a distributed.Client the caller holds (`client`). At most one of the three;
    none: a local cluster of one process per core.

    timeout:  seconds to reach a scheduler (ConnectionError after that)
    progress: True (stderr) or a stream for each sweep's progress line
    out:      a sweep folder for every map (resumable; for a pool that maps one function, as
              benchmarks/longterm.py does), or None

    Use it as a context manager: the cluster starts (or the scheduler is reached) on entering,
    once for every map, and is shut down on leaving. map() outside a `with` connects for that
    call only.
    """

    def __init__(self, workers=None, *, scheduler=None, client=None, timeout=10.0,
                 progress=False, out=None):
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
        self._held = None                  # the open connect() while inside `with`
        self._active = None

    def __repr__(self):
        return f"Pool({self.describe()})"

    def describe(self) -> str:
        """Where the runs go, in words (for run.json and the report)."""
        if self.client is not None:
            return "a Dask client given by the caller"
        if self.scheduler is not None:
            return f"the Dask cluster at {self.scheduler}"
        n = "one per core" if self.workers is None else self.workers
        return f"a local Dask cluster ({n} worker process{'' if n == 1 else 'es'})"

    def __enter__(self):
        if self._held is not None:
            raise RuntimeError("this Pool is already open")
        held = connect(self.client if self.client is not None else self.scheduler,
                       workers=self.workers, timeout=self.timeout)
        self._active = held.__enter__()
        self._held = held
        return self

    def __exit__(self, *exc):
        held, self._held, self._active = self._held, None, None
        return held.__exit__(*exc)

    def map(self, fn, configs, seeds) -> list:
        """fn(config, seed) for every config and seed, through rl.sweep: the results (dicts) in
        the order of the configs, seeds innermost. RuntimeError naming the first failed run
        when any failed (its error and traceback are in the sweep's table and folder)."""
        from . import sweep
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
        return [results(row, config) for row, config in
                zip(rows, (c for c in configs for _ in seeds))]


def results(row: dict, config: dict) -> dict:
    """The results of one run from its row of the sweep's table: every column that is not the
    run's own (run, seed, status, the config, error, seconds, host), with the "result." prefix
    removed from those whose name collided with one of those."""
    own = {*RUN_COLUMNS, *config, "error", "seconds", "host"}
    return {(k[len("result."):] if k.startswith("result.") else k): v for k, v in row.items()
            if k.startswith("result.") or k not in own}
