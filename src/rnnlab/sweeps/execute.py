"""One run, on a worker: call the target, time it, and say where it ran.

execute() never raises for an error of the run itself: it returns a record with status "failed",
the error and its traceback, so one bad setting never stops a sweep. What a run computes depends
only on (config, seed), never on the worker, the number of workers or the order of completion.
"""
from __future__ import annotations

import os
import platform
import socket
import time
import traceback
from importlib import metadata
from typing import Any

import numpy as np

from ..experiments.parallel import plain
from .plan import Target


def versions() -> dict:
    """Versions of Python and of the libraries that shape results (None: not installed).

    Returns
    -------
    dict
    """
    from .. import __version__
    out = {"python": platform.python_version(), "rnnlab": __version__, "numpy": np.__version__}
    for dist in ("dask", "distributed"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def call(name: str, payload: bytes | None, config: dict, seed: int) -> tuple[dict, dict]:
    """(results, extra files) of one run; raises what the target raises.

    Parameters
    ----------
    name : str
        The experiment or the function's name.
    payload : bytes or None
        See `payload`.
    config : dict
        The run's settings.
    seed : int
        Its seed.

    Returns
    -------
    results : dict
    files : dict
        Extra files by name.
    """
    if payload is None:                                     # an experiment of the registry
        from .. import experiments
        res = experiments.get(name).run(quick=config["quick"], seed=seed, progress=False)
        results = {str(label): value for label, value in res.summary}
        if res.skipped:
            results["skipped"] = res.skipped
        return plain(results), {"tables.json": {k: t.as_dict() for k, t in res.tables.items()},
                                "config.json": plain(res.config)}
    import cloudpickle
    results = cloudpickle.loads(payload)(dict(config), seed)
    if not isinstance(results, dict):
        raise TypeError(f"the target {name} must return a dict of results, got "
                        f"{type(results).__name__}")
    return plain(results), {}


def payload(target: Target) -> bytes | None:
    """What travels to the workers: None for an experiment, else the function pickled with
    cloudpickle (by value when it lives in __main__ or a file, so workers need not import it;
    unpickled inside execute(), so a function a worker cannot load is a failed run, not a hang).

    Parameters
    ----------
    target : Target
        What each run calls.

    Returns
    -------
    bytes or None
    """
    if target.is_experiment:
        return None
    import cloudpickle
    return cloudpickle.dumps(target.fn)


def where() -> dict:
    """Where a run ran: the host name, the process id and, on a Dask worker, its address.

    Returns
    -------
    dict
    """
    out = {"host": socket.gethostname(), "pid": os.getpid()}
    try:
        from distributed import get_worker
        out["worker"] = get_worker().address
    except (ImportError, ValueError):
        out["worker"] = None
    return out


def execute(name: str, payload: bytes | None, config: dict, seed: int) -> dict:
    """The record of one run: status, results (or error and traceback), seconds, host.

    name: the experiment or the function's name; payload: see payload() above.

    Parameters
    ----------
    name : str
        The experiment or the function's name.
    payload : bytes or None
        See `payload`.
    config : dict
        The run's settings.
    seed : int
        Its seed.

    Returns
    -------
    dict
    """
    start = time.perf_counter()
    record: dict[str, Any] = {"status": "ok", "error": None, "results": {}, "files": {}}
    try:
        record["results"], record["files"] = call(name, payload, config, seed)
    except Exception as err:                       # the run failed; the sweep goes on
        record.update(status="failed", error=f"{type(err).__name__}: {err}",
                      traceback=traceback.format_exc())
    record.update(seconds=round(time.perf_counter() - start, 4), versions=versions(), **where())
    return record
