"""`rnnlab sweep`: seeds and settings of an experiment or a function, run on Dask.

    rnnlab sweep benefit --quick --seeds 0-9 --workers 2 --out sweep-benefit
    rnnlab sweep trials.py:train --grid hidden=4,8 --grid lr=0.01,0.03 --seeds 0-4 --out s1
    rnnlab sweep mypkg.trials:train --grid lr=0.01 --scheduler tcp://head:8786 --out s2
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
import argparse
from collections.abc import Sequence
from typing import Any

from .common import UsageError, count, examples, positive_float

KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*$")


def add_commands(sub: Any) -> None:
    s = sub.add_parser("sweep", help="run seeds x settings of an experiment or a function on "
                       "Dask (a local cluster or an existing one)",
                       epilog=examples("rnnlab sweep benefit --quick --seeds 0-9 --workers 2 "
                                       "--out sweep-benefit",
                                       "rnnlab sweep trials.py:trial --grid hidden=4,16 "
                                       "--seeds 0-4 --out sweep-hidden"))
    s.add_argument("target", metavar="EXPERIMENT_OR_SPEC",
                   help="an experiment (see rnnlab list), or module:function / file.py:function "
                        "for a function f(config, seed) -> dict")
    s.add_argument("--grid", action="append", default=[], metavar="KEY=V1,V2",
                   help="a parameter and its values (repeat for more; values are read as JSON: "
                        "numbers, true/false, null, else text)")
    s.add_argument("--seeds", default="0", help="seeds, e.g. 0-9 or 0,3,7 (default: 0)")
    s.add_argument("--quick", action="store_true",
                   help="for an experiment: its small settings (the same as --grid quick=true)")
    where = s.add_mutually_exclusive_group()
    where.add_argument("--workers", type=count(1),
                       help="processes of a local cluster (default: one per core)")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="an existing Dask scheduler, e.g. tcp://head:8786")
    s.add_argument("--timeout", type=positive_float, default=10.0,
                   help="seconds to reach the scheduler")
    s.add_argument("--metric", help="the numeric result the figures show (default: the first)")
    s.add_argument("--out", type=Path, required=True,
                   help="the sweep folder; running the same command again skips finished runs")
    s.set_defaults(func=cmd_sweep)


def value(text: str) -> Any:
    """A grid value: JSON when it parses (1, 0.5, true, null, "x"), else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_grid(items: Sequence[str], quick: bool = False) -> dict | None:
    """["lr=0.01,0.03", "hidden=8"] -> {"lr": [0.01, 0.03], "hidden": [8]} (UsageError if bad)."""
    grid = {}
    for item in items:
        key, eq, values = item.partition("=")
        key = key.strip()
        if not eq or not KEY.match(key):
            raise UsageError(f"rnnlab sweep: error: --grid expects KEY=V1,V2,..., got {item!r}")
        if key in grid:
            raise UsageError(f"rnnlab sweep: error: --grid {key} given twice")
        parts = [v.strip() for v in values.split(",")]
        if not values.strip() or any(not p for p in parts):
            raise UsageError(f"rnnlab sweep: error: --grid {key} has an empty value in {item!r}")
        grid[key] = [value(p) for p in parts]
    if quick:
        if "quick" in grid:
            raise UsageError("rnnlab sweep: error: give --quick or --grid quick=..., not both")
        grid["quick"] = [True]
    return grid or None


def cmd_sweep(args: argparse.Namespace) -> int:
    from ..sweeps import parse_seeds, sweep
    grid = parse_grid(args.grid, args.quick)
    try:
        seeds = parse_seeds(args.seeds)
    except (ValueError, TypeError) as err:
        raise UsageError(f"rnnlab sweep: error: --{err}") from None
    out = args.out                      # created by the sweep once its runs can start
    try:
        rows = sweep(args.target, grid=grid, seeds=seeds, client=args.scheduler,
                     workers=args.workers, out=out, metric=args.metric, progress=True,
                     frame=False, timeout=args.timeout)
    except KeyboardInterrupt:
        print(f"rnnlab sweep: interrupted; the finished runs are kept in {out}/runs "
              f"(run the same command again to do the rest)", file=sys.stderr)
        return 130
    print("\n" + (out / "summary.md").read_text())
    failed = [r for r in rows if r["status"] != "ok"]
    for r in failed[:5]:
        print(f"failed: run {r['run']} (seed {r['seed']}): {r['error']}", file=sys.stderr)
    figures = json.loads((out / "sweep.json").read_text()).get("figures") or []
    print(f"{len(rows)} runs, {len(failed)} failed; results in {out}/ (summary.csv, summary.md"
          f"{', ' + ', '.join(figures) if figures else ''}, runs/)")
    return 1 if failed else 0
