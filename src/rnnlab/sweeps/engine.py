"""Running runs on Dask's distributed scheduler (the `dask` extra): a local cluster of processes,
a scheduler at an address, or a Client the caller already holds.

Dask does the scheduling and the fault tolerance: each run is one task; when a worker process
dies, the scheduler hands its task to another worker (up to the scheduler's allowed-failures,
then the run is recorded as failed with the KilledWorker error). This module only submits the
runs, collects them as they finish, shows progress, and cancels what is left on Ctrl-C.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
import time
import uuid
import warnings
from contextlib import contextmanager
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType
from typing import Any, TextIO

from .execute import execute, payload
from .plan import Run, Target


def require() -> ModuleType:
    """The distributed package, or ImportError naming the extra.

    Returns
    -------
    module
        distributed.

    Raises
    ------
    ImportError
        Naming the extra.
    """
    try:
        import distributed
    except ImportError:
        raise ImportError("sweeps run on Dask: pip install 'rnnlab[dask]' "
                          "(dask and distributed)") from None
    return distributed


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while the local workers start: they inherit it, so Ctrl-C reaches only this
    process, which cancels the runs and shuts the cluster down (no traceback from every worker)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def local_worker_config() -> Any:
    """Dask settings for the workers of our own local cluster (never a user's cluster).

    glibc's allocator: Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also turns
    off glibc's dynamic mmap threshold, so every step's buffers are unmapped and faulted in again;
    the thresholds of rnnlab.tune_malloc (what the `rnnlab` command sets for itself) keep them in
    the process. The statistical profiler samples every 10 ms for a dashboard a sweep does not
    open. Environment variables reach restarted workers too.

    Returns
    -------
    dict
        Dask configuration values.
    """
    import dask
    env = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}) or {})
    env.update(MALLOC_TRIM_THRESHOLD_=str(256 << 20), MALLOC_MMAP_THRESHOLD_=str(32 << 20))
    return dask.config.set({"distributed.nanny.pre-spawn-environ": env,
                            "distributed.worker.profile.enabled": False})


@contextmanager
def connect(client: Any = None, *, workers: int | None = None,
            timeout: float = 10.0) -> Iterator[Any]:
    """A Client for the sweep, closed afterwards unless the caller gave it.

    client: None (a local cluster of `workers` processes, one per core by default, one thread
    each), a scheduler address such as "tcp://host:8786", or a distributed.Client.

    Parameters
    ----------
    client : None, str or distributed.Client
        See above.
    workers : int, optional
        Processes of a local cluster.
    timeout : float
        Seconds to reach a scheduler.

    Yields
    ------
    distributed.Client
    """
    distributed = require()
    if isinstance(client, distributed.Client):
        if workers is not None:
            raise ValueError("workers: give workers or a client, not both")
        yield client
    elif isinstance(client, str):
        if workers is not None:
            raise ValueError("workers: give workers or a scheduler address, not both")
        try:
            c = distributed.Client(client, timeout=timeout)
        except ValueError as err:
            raise ValueError(f"scheduler: {client!r} is not a scheduler address such as "
                             f"tcp://host:8786 ({err})") from None
        except (OSError, TimeoutError) as err:
            raise ConnectionError(f"scheduler: cannot reach a Dask scheduler at {client!r} "
                                  f"within {timeout:g} s ({type(err).__name__}: "
                                  f"{' '.join(str(err).split())[:200]})") from None
        try:
            yield c
        finally:
            c.close(timeout=5)
    elif client is None:
        n = (os.cpu_count() or 1) if workers is None else workers
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"workers: expected an integer >= 1, got {workers!r}")
        try:
            with warnings.catch_warnings(), sigint_ignored(), local_worker_config():
                warnings.filterwarnings("ignore", message="Port .* already in use")  # harmless
                cluster = distributed.LocalCluster(
                    n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                    silence_logs=logging.ERROR)
        except RuntimeError as err:
            raise RuntimeError(
                f"could not start a local Dask cluster of {n} processes ({err}); a script that "
                f"calls rl.sweep must do so under `if __name__ == '__main__':`, since every "
                f"worker process imports the script") from err
        try:
            c = distributed.Client(cluster)
            try:
                yield c
            finally:
                c.close(timeout=5)
        finally:
            cluster.close(timeout=10)
    else:
        raise TypeError(f"client: expected None, a scheduler address or a distributed.Client, "
                        f"got {type(client).__name__}")


class Progress:
    """done / running / failed and the time left, on one line (rewritten on a terminal).

    Parameters
    ----------
    total : int
        The number of runs.
    skipped : int
        Runs finished before (not run again).
    stream : file-like, optional
        Where the line goes; default stderr.
    """

    def __init__(self, total: int, skipped: int, stream: TextIO | None = None) -> None:
        self.total, self.skipped, self.done, self.failed = total, skipped, 0, 0
        self.stream = stream
        self.tty = bool(stream) and getattr(stream, "isatty", lambda: False)()
        self.start = time.perf_counter()
        self.last = 0.0

    def line(self, running: int) -> str:
        """The progress line.

        Parameters
        ----------
        running : int
            The runs in progress.

        Returns
        -------
        str
        """
        elapsed = time.perf_counter() - self.start
        left = self.total - self.skipped - self.done
        eta = "" if not self.done else f", about {elapsed / self.done * left:.0f} s left"
        skip = f" ({self.skipped} already done)" if self.skipped else ""
        return (f"sweep: {self.skipped + self.done}/{self.total} done{skip}, {running} running, "
                f"{self.failed} failed, {elapsed:.0f} s{eta}")

    def show(self, running: Callable[[], int], force: bool = False) -> None:
        """Print the line (running() counts the runs in progress; asked only when printing):
        on a terminal at most twice a second, elsewhere only when forced (a run finished).

        Parameters
        ----------
        running : callable
            ``running() -> int``.
        force : bool
            Print even when it is not time yet.
        """
        if not self.stream or not (force or self.tty and time.perf_counter() - self.last > 0.5):
            return
        self.last = time.perf_counter()
        end = "" if self.tty else "\n"
        print(("\r\x1b[K" if self.tty else "") + self.line(running()), end=end,
              file=self.stream, flush=True)

    def close(self) -> None:
        """End the line (a newline on a terminal).
        """
        if self.stream and self.tty:
            print(file=self.stream, flush=True)


def failure(exc: BaseException) -> dict:
    """The record of a run whose task itself failed (its worker died too often, or it was lost).

    Parameters
    ----------
    exc : BaseException
        What the task raised.

    Returns
    -------
    dict
        The run's record.
    """
    name = type(exc).__name__
    why = ("its worker process died each time it ran it" if name == "KilledWorker" else str(exc))
    return {"status": "failed", "error": f"{name}: {why}", "results": {}, "files": {},
            "seconds": None}


def run_all(client: Any, target: Target, runs: Sequence[Run],
            on_done: Callable[[Run, dict[str, Any]], object], *, progress: TextIO | None = None,
            skipped: int = 0, total: int | None = None) -> None:
    """Submit every run, call on_done(run, record) as each finishes (in completion order).

    Ctrl-C cancels the runs not finished yet and re-raises KeyboardInterrupt; what on_done
    already saved stays saved.

    Parameters
    ----------
    client : distributed.Client
        The cluster.
    target : Target
        What each run calls.
    runs : list of Run
        The runs to do.
    on_done : callable
        ``on_done(run, record)``.
    progress : Progress, optional
        The progress line.
    skipped : int
        Runs finished before.
    total : int, optional
        All runs of the sweep.
    """
    distributed = require()
    show = Progress(total if total is not None else len(runs), skipped, progress)
    tag = uuid.uuid4().hex[:8]
    fn = payload(target)
    futures = {client.submit(execute, target.name, fn, r.config, r.seed,
                             key=f"rnnlab-{r.id}-{tag}", pure=False): r for r in runs}
    ac = distributed.as_completed(list(futures))
    running = lambda: _running(client)                  # noqa: E731
    try:
        show.show(lambda: 0, force=True)
        while not ac.is_empty():
            batch = ac.next_batch(block=False)
            for fut in batch:
                record = _record(fut)
                on_done(futures[fut], record)
                show.failed += record["status"] != "ok"
                show.done += 1
                show.show(running, force=not show.tty)
            if not batch:
                time.sleep(0.05)
                show.show(running)
    except BaseException:
        client.cancel([f for f in futures if not f.done()])
        raise
    finally:
        show.close()


def _record(fut: Any) -> dict:
    if fut.status == "finished":
        return fut.result()
    exc = fut.exception() if fut.status == "error" else None
    if isinstance(exc, KeyboardInterrupt):          # Ctrl-C reached the worker first
        raise KeyboardInterrupt
    return failure(exc if exc is not None else RuntimeError(f"the task was {fut.status}"))


def _running(client: Any) -> int:
    try:
        return sum(len(keys) for keys in client.processing().values())
    except Exception:                                  # progress never stops a sweep
        return 0
