"""The sweep folder on disk.

    OUT/sweep.json                  the target, the grid, the seeds, the runs' ids, versions
    OUT/runs/ID/run.json            config, seed, status, error, seconds, host, versions
    OUT/runs/ID/results.json        what the run returned (a dict)
    OUT/summary.csv, summary.md     per setting: mean, std and n of every numeric result
    OUT/figure-PARAM.png            one per swept parameter

A run's folder is written under a temporary name and renamed into place, so a folder that exists
is complete; a run whose run.json says "ok" is finished and a re-run skips it (a failed run is
run again). Every file is written atomically, so an interrupted sweep leaves no half-written file.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import io
from .._types import StrPath
from .plan import Run

RUN_FILES = ("run.json", "results.json", "tables.json", "config.json", "error.txt")


def write_json(path: StrPath, doc: dict[str, Any]) -> None:
    """Write `doc` as JSON at `path`, atomically, replacing it.

    Parameters
    ----------
    path : Path
        The file.
    doc : object
        JSON-ready values.
    """
    io.atomic_write(path, lambda f: f.write(json.dumps(doc, indent=2).encode()), overwrite=True)


def write_text(path: StrPath, text: str) -> None:
    """Write `text` at `path`, atomically, replacing it.

    Parameters
    ----------
    path : Path
        The file.
    text : str
        The content.
    """
    io.atomic_write(path, lambda f: f.write(text.encode()), overwrite=True)


def now() -> str:
    """The current UTC time, ISO 8601 to the second.

    Returns
    -------
    str
    """
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def check(out: StrPath, target_name: str) -> Path:
    """OUT as a Path; refuse a folder that holds a sweep of another target (creates nothing).

    Parameters
    ----------
    out : str or Path
        The folder.
    target_name : str
        The sweep's target.

    Returns
    -------
    Path
    """
    out = Path(out)
    previous = out / "sweep.json"
    if previous.exists():
        try:
            old = json.loads(previous.read_text()).get("target")
        except (OSError, ValueError):
            old = None
        if old is not None and old != target_name:
            raise ValueError(f"out: {out} holds a sweep of {old!r}, not {target_name!r}; "
                             f"choose another folder")
    return out


def create(out: Path) -> None:
    """Create the sweep's folder and its runs/ folder (existing ones are kept).

    Parameters
    ----------
    out : Path
        The sweep's folder.
    """
    (out / "runs").mkdir(parents=True, exist_ok=True)


def finished(out: Path, run_id: str) -> dict | None:
    """The stored record of a finished (status ok) run, else None.

    Parameters
    ----------
    out : Path
        The sweep's folder.
    run_id : str
        The run.

    Returns
    -------
    dict or None
    """
    folder = out / "runs" / run_id
    try:
        meta = json.loads((folder / "run.json").read_text())
        results = json.loads((folder / "results.json").read_text())
    except (OSError, ValueError):
        return None
    if meta.get("status") != "ok":
        return None
    return dict(meta, results=results)


def save_run(out: Path, run: Run, target_name: str, record: dict) -> dict:
    """Write the run's folder atomically (replacing an earlier failed attempt). Returns run.json.

    Parameters
    ----------
    out : Path
        The sweep's folder.
    run : Run
        The run.
    target_name : str
        The sweep's target.
    record : dict
        What execute returned.

    Returns
    -------
    dict
        run.json.
    """
    runs = out / "runs"
    meta = {"id": run.id, "target": target_name, "config": run.config, "seed": run.seed,
            "status": record["status"], "error": record["error"],
            "seconds": record["seconds"], "host": record.get("host"), "pid": record.get("pid"),
            "worker": record.get("worker"), "versions": record.get("versions"),
            "finished": now()}
    docs = {"run.json": meta, "results.json": record["results"], **record.get("files", {})}
    contents = {name: _writer(json.dumps(doc, indent=2)) for name, doc in docs.items()}
    if record.get("traceback"):
        contents["error.txt"] = _writer(record["traceback"])
    # a folder that exists is complete: written aside, swapped in (replacing a failed attempt)
    io.write_folder(runs / run.id, contents, overwrite=True, allowed=RUN_FILES, kind="run")
    return meta


def _writer(text):
    return lambda f: f.write(text.encode())


def save_sweep(out: Path, doc: dict) -> None:
    """Write sweep.json.

    Parameters
    ----------
    out : Path
        The sweep's folder.
    doc : dict
        The sweep's document.
    """
    write_json(out / "sweep.json", doc)
