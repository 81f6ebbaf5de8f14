"""An experiment's independent runs (one per seed, or per setting and seed), run here one after
another or on a pool of Dask workers.

An experiment puts the work of one run into a module-level function f(config, seed) -> dict
(the workers import it by name, so it must not be a closure or a lambda), lists its runs as
configs x seeds and calls map_runs:

    results = map_runs(train_seed, [{"task": "addition", ...}, ...], seeds=[0, 1, 2], pool=pool)

pool=None runs them here, one after another, with NumPy alone. A pool (rnnlab.sweeps.Pool, the
`dask` extra; `rnnlab tour --workers N` makes one) runs them through rl.sweep on its Dask
cluster. Either way the results come back in the order of the configs, seeds innermost, as
JSON-ready values (lists where f returned tuples or arrays), and each depends only on its
(config, seed): never on the process it ran in, the number of workers or the order in which
they finished. This module imports no Dask: the pool is handed in by the caller.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import numpy as np

Run = Callable[[dict[str, Any], int], dict[str, Any]]      # f(config, seed) -> results


class RunPool(Protocol):
    """What map_runs needs of a pool (rnnlab.sweeps.Pool is one): map(fn, configs, seeds) -> the
    results of fn(config, seed), configs outer, seeds inner."""

    def map(self, fn: Run, configs: list[dict[str, Any]], seeds: list[int]) -> list[Any]:
        """Run fn on every (config, seed).

        Parameters
        ----------
        fn : callable
            A module-level function ``f(config, seed) -> dict``.
        configs : list of dict
            The runs' settings.
        seeds : list of int
            The seeds of each setting.

        Returns
        -------
        list
            ``fn(config, seed)`` for each, configs outer, seeds inner.
        """
        ...


def plain(obj: Any) -> Any:
    """JSON-ready values: NumPy scalars and arrays as Python numbers and lists, tuples as lists.

    Parameters
    ----------
    obj : object
        A value, or dicts, lists and tuples of them (nested).

    Returns
    -------
    object
        The same value with NumPy scalars and arrays as Python numbers and lists, tuples as lists
        and dict keys as strings.

    Examples
    --------
    >>> plain({"acc": np.float64(0.5), 1: (np.arange(2), "x")})
    {'acc': 0.5, '1': [[0, 1], 'x']}
    """
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return obj


def map_runs(fn: Run, configs: Iterable[dict[str, Any]], seeds: Iterable[int],
             pool: RunPool | None = None, *,
             report: Callable[[dict[str, Any], int, Any], None] | None = None) -> list[Any]:
    """[fn(config, seed) for config in configs for seed in seeds], each made plain().

    Parameters
    ----------
    fn : callable
        A module-level function ``f(config: dict, seed: int) -> dict``.
    configs : iterable of dict
        The runs' settings.
    seeds : iterable of int
        The seeds each setting runs with.
    pool : RunPool, optional
        None (here, one after another) or an object with ``map(fn, configs, seeds)`` -> the
        same list, such as rnnlab.sweeps.Pool (a Dask cluster).
    report : callable, optional
        Called as ``report(config, seed, result)`` for every run, in order (here: as each
        finishes; on a pool: once all have finished, which shows its own progress line).

    Returns
    -------
    list
        The plain() results, configs outer, seeds inner.

    Raises
    ------
    RuntimeError
        When the pool returns a different number of results than runs.

    Examples
    --------
    >>> def count(config, seed):
    ...     return (config["n"], np.int64(seed))
    >>> map_runs(count, [{"n": 1}, {"n": 2}], seeds=[0, 1])
    [[1, 0], [1, 1], [2, 0], [2, 1]]
    """
    configs, seeds = [dict(c) for c in configs], [int(s) for s in seeds]
    if pool is None:
        out: list[Any] = []
        for config in configs:
            for seed in seeds:
                out.append(plain(fn(dict(config), seed)))
                if report is not None:
                    report(config, seed, out[-1])
        return out
    out = [plain(r) for r in pool.map(fn, configs, seeds)]
    if len(out) != len(configs) * len(seeds):
        raise RuntimeError(f"the pool returned {len(out)} results for "
                           f"{len(configs) * len(seeds)} runs")
    if report is not None:
        for i, r in enumerate(out):
            report(configs[i // len(seeds)], seeds[i % len(seeds)], r)
    return out


def takes_pool(run: Callable[..., Any]) -> bool:
    """Whether an experiment's run() takes a `pool` keyword (experiments without independent
    runs to spread do not, and the runner then calls them without one).

    Parameters
    ----------
    run : callable
        An experiment's run function.

    Returns
    -------
    bool
        True when it takes `pool` (by name or through ``**kwargs``).

    Examples
    --------
    >>> takes_pool(lambda *, quick=False, pool=None: None), takes_pool(lambda quick=False: None)
    (True, False)
    """
    try:
        params = inspect.signature(run).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "pool" and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
               or p.kind == p.VAR_KEYWORD for p in params)
