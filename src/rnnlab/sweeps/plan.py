"""What a sweep runs: the target, the settings of the grid, the seeds, and one stable id per run.

A target is an experiment of the registry (by name) or a function f(config, seed) -> dict. The
grid is a dict of lists (their Cartesian product, in the order of the keys) or a list of dicts
(the settings themselves). Every run is a (config, seed) pair named by a hash of its canonical
JSON, so the same run has the same id in every process, on every machine, in every re-run.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import itertools
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from collections.abc import Iterable, Mapping, Sequence

SCALARS = (bool, int, float, str, type(None))
EXPERIMENT_KEYS = ("quick",)        # what an experiment's run() takes besides its seed


@dataclass(frozen=True)
class Target:
    """What one run calls: an experiment by name (fn is None) or a function f(config, seed).

    Parameters
    ----------
    name : str
        The experiment's or the function's name.
    fn : callable or None
        The function; None for an experiment.
    """
    name: str                         # the experiment's name, or "module:qualname"
    fn: Callable | None = None

    @property
    def is_experiment(self) -> bool:
        """Whether the target is an experiment of rnnlab.experiments.

        Returns
        -------
        bool
        """
        return self.fn is None


@dataclass(frozen=True)
class Run:
    """One run of a sweep: its id, settings and seed.

    Parameters
    ----------
    id : str
        See `run_id`.
    config : dict
        The settings.
    seed : int
        The seed.
    """
    id: str
    config: dict
    seed: int


def resolve_target(target: str | Callable[[dict[str, Any], int], dict[str, Any]] | Target
                   ) -> Target:
    """An experiment name, a function, or a spec "pkg.module:function" / "path/file.py:function".

    Parameters
    ----------
    target : str or callable
        See above.

    Returns
    -------
    Target
    """
    if callable(target):
        return Target(f"{getattr(target, '__module__', None)}:"
                      f"{getattr(target, '__qualname__', repr(target))}", target)
    if not isinstance(target, str):
        raise TypeError(f"target: expected an experiment name or a function f(config, seed), "
                        f"got {type(target).__name__}")
    if ":" in target:
        return Target(target, load_function(target))
    from .. import experiments
    experiments.get(target)           # ValueError naming the experiments when unknown
    return Target(target)


def load_function(spec: str) -> Callable:
    """The function named by "pkg.module:function" or "path/to/file.py:function".

    A function from a file is sent to the workers by value (cloudpickle), so they need not see the
    file; a module must be importable on the workers (a local cluster shares this sys.path).

    Parameters
    ----------
    spec : str
        "pkg.module:function" or "path/to/file.py:function".

    Returns
    -------
    callable
    """
    where, _, name = spec.rpartition(":")
    if not where or not name:
        raise ValueError(f"target: expected 'module:function' or 'file.py:function', got {spec!r}")
    if where.endswith(".py"):
        path = Path(where)
        if not path.is_file():
            raise ValueError(f"target: no file {where!r} (from {spec!r})")
        modname = f"rnnlab_sweep_{path.stem}_{hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]}"
        mod_spec = importlib.util.spec_from_file_location(modname, path)
        if mod_spec is None or mod_spec.loader is None:
            raise ValueError(f"target: {where!r} cannot be imported (from {spec!r})")
        module = importlib.util.module_from_spec(mod_spec)
        sys.modules[modname] = module
        mod_spec.loader.exec_module(module)
        try:                                          # cloudpickle comes with distributed;
            import cloudpickle                        # without it the engine refuses the
        except ImportError:                           # sweep and names the dask extra
            pass
        else:
            cloudpickle.register_pickle_by_value(module)
    else:
        if "" not in sys.path and "." not in sys.path:
            sys.path.insert(0, "")                   # a module in the current folder
        try:
            module = importlib.import_module(where)
        except ImportError as err:
            raise ValueError(f"target: cannot import module {where!r} (from {spec!r}): {err}") \
                from None
    fn = getattr(module, name, None)
    if not callable(fn):
        raise ValueError(f"target: {where!r} has no function {name!r}")
    return fn


def settings(grid: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None,
             target: Target) -> list[dict]:
    """The list of configs a grid stands for (grid None: one empty config).

    Parameters
    ----------
    grid : dict of lists, list of dicts or None
        The grid.
    target : Target
        What each run calls.

    Returns
    -------
    list of dict

    Examples
    --------
    >>> settings({"a": [1, 2], "b": [0]}, Target("f", print))
    [{'a': 1, 'b': 0}, {'a': 2, 'b': 0}]
    """
    if grid is None:
        configs: list[dict[str, Any]] = [{}]
    elif isinstance(grid, dict):
        if not grid:
            raise ValueError("grid: empty dict; give lists of values, or grid=None for no "
                             "parameters")
        values = []
        for key, vals in grid.items():
            if isinstance(vals, (str, bytes)) or not hasattr(vals, "__iter__"):
                raise TypeError(f"grid[{key!r}]: expected a list of values, got "
                                f"{type(vals).__name__} {vals!r}")
            vals = list(vals)
            if not vals:
                raise ValueError(f"grid[{key!r}]: empty list of values")
            values.append(vals)
        configs = [dict(zip(grid, combo)) for combo in itertools.product(*values)]
    elif isinstance(grid, (list, tuple)):
        if not grid:
            raise ValueError("grid: empty list of settings; give at least one dict, or grid=None")
        bad = [type(c).__name__ for c in grid if not isinstance(c, dict)]
        if bad:
            raise TypeError(f"grid: a list of settings must hold dicts, got {bad[0]}")
        configs = [dict(c) for c in grid]
    else:
        raise TypeError(f"grid: expected a dict of lists or a list of dicts, got "
                        f"{type(grid).__name__}")
    for config in configs:
        check_config(config, target)
    if target.is_experiment:
        configs = [{"quick": False, **c} for c in configs]
    keys = [canonical(c) for c in configs]
    if len(set(keys)) != len(keys):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise ValueError(f"grid: the setting {dup} appears more than once")
    return configs


def check_config(config: dict, target: Target) -> None:
    """Refuse a config the target cannot take (TypeError or ValueError naming the key).

    Parameters
    ----------
    config : dict
        The settings.
    target : Target
        What each run calls.
    """
    for key, value in config.items():
        if not isinstance(key, str):
            raise TypeError(f"grid: parameter names must be strings, got {key!r}")
        if not (isinstance(value, SCALARS) or (isinstance(value, (list, tuple)) and
                                              all(isinstance(v, SCALARS) for v in value))):
            raise TypeError(f"grid[{key!r}]: values must be numbers, strings, booleans, None or "
                            f"lists of them (JSON), got {type(value).__name__} {value!r}")
    if target.is_experiment:
        unknown = sorted(set(config) - set(EXPERIMENT_KEYS))
        if unknown:
            raise ValueError(
                f"grid: unknown parameter {unknown[0]!r} for experiment {target.name!r}: an "
                f"experiment takes only {', '.join(EXPERIMENT_KEYS)} (and the seeds); sweep other "
                f"settings with a function target f(config, seed)")
        if "quick" in config and not isinstance(config["quick"], bool):
            raise TypeError(f"grid['quick']: expected true or false, got {config['quick']!r}")


def seed_list(seeds: int | Iterable[int]) -> list[int]:
    """Seeds as a list of distinct non-negative ints (an int n stands for 0 .. n-1).

    Parameters
    ----------
    seeds : int or list of int
        n, or the seeds.

    Returns
    -------
    list of int

    Examples
    --------
    >>> seed_list(3), seed_list([5, 1])
    ([0, 1, 2], [5, 1])
    """
    if isinstance(seeds, bool):
        raise TypeError(f"seeds: expected an int or a list of ints, got {seeds!r}")
    if isinstance(seeds, int):
        if seeds < 1:
            raise ValueError(f"seeds: expected a count >= 1, got {seeds}")
        return list(range(seeds))
    try:
        out = list(seeds)
    except TypeError:
        raise TypeError(f"seeds: expected an int or a list of ints, got "
                        f"{type(seeds).__name__}") from None
    if not out:
        raise ValueError("seeds: empty; give at least one seed")
    for s in out:
        if isinstance(s, bool) or not isinstance(s, int) and not hasattr(s, "__index__"):
            raise TypeError(f"seeds: expected ints, got {type(s).__name__} {s!r}")
        if int(s) < 0:
            raise ValueError(f"seeds: expected seeds >= 0, got {s}")
    out = [int(s) for s in out]
    if len(set(out)) != len(out):
        raise ValueError(f"seeds: {next(s for s in out if out.count(s) > 1)} appears twice")
    return out


def parse_seeds(text: str) -> list[int]:
    """"0-9", "0,3,7" or "0-4,10-12" as a list of seeds.

    Parameters
    ----------
    text : str
        The seeds as written.

    Returns
    -------
    list of int

    Examples
    --------
    >>> parse_seeds("0-2,7")
    [0, 1, 2, 7]
    """
    out = []
    for part in text.split(","):
        part = part.strip()
        lo, dash, hi = part.partition("-")
        try:
            out += list(range(int(lo), int(hi) + 1)) if dash else [int(part)]
        except ValueError:
            raise ValueError(f"seeds: expected ranges like 0-9 or lists like 0,3,7, got "
                             f"{text!r}") from None
        if dash and int(hi) < int(lo):
            raise ValueError(f"seeds: empty range {part!r} in {text!r}")
    return seed_list(out)


def canonical(obj: Any) -> str:
    """The canonical JSON text of `obj` (sorted keys, no spaces): what run ids hash.

    Parameters
    ----------
    obj : object
        JSON-ready values.

    Returns
    -------
    str
    """
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=True)


def run_id(config: dict, seed: int) -> str:
    """A stable name for the run (config, seed): 16 hex digits of a SHA-256.

    Parameters
    ----------
    config : dict
        The settings.
    seed : int
        The seed.

    Returns
    -------
    str

    Examples
    --------
    >>> run_id({"a": 1}, 0) == run_id({"a": 1}, 0) != run_id({"a": 1}, 1)
    True
    """
    return hashlib.sha256(canonical({"config": config, "seed": seed}).encode()).hexdigest()[:16]


def plan(grid: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None, seeds: int | Iterable[int],
         target: Target) -> list[Run]:
    """Every run, setting by setting, seeds in the order given.

    Parameters
    ----------
    grid : dict of lists, list of dicts or None
        The grid.
    seeds : int or list of int
        The seeds.
    target : Target
        What each run calls.

    Returns
    -------
    list of Run
    """
    return [Run(run_id(c, s), c, s) for c in settings(grid, target) for s in seed_list(seeds)]
