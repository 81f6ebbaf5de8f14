"""`rnnlab tour`, `rnnlab list` and `rnnlab run`: the lecture's experiments.

Without --workers or --scheduler every run of an experiment goes here, one after another (NumPy
alone). With them, the experiments that have independent runs (the seeds of `benefit`, the
trainings of `stability`'s comparison) send them to Dask (the `dask` extra) through one
rnnlab.sweeps.Pool, started (or reached) once before the first experiment, with the same results.
"""
from __future__ import annotations

import sys
import time
import warnings
from contextlib import nullcontext
from pathlib import Path
import argparse
from typing import Any

from .common import (UsageError, command_line, count, examples, new_folder, positive_float,
                     writable_folder)


def add_commands(sub: Any) -> None:
    t = sub.add_parser("tour", help="run every experiment of the lecture and write one report",
                       epilog=examples("rnnlab tour --quick", "rnnlab tour --only parity,stability "
                                       "--out report", "rnnlab tour --workers 2"))
    t.add_argument("--out", type=Path, help="report folder (default: a new rnnlab-report-* here)")
    t.add_argument("--quick", action="store_true", help="small settings: about 2 minutes")
    t.add_argument("--seed", type=count(0), default=0, help="seed of every experiment")
    t.add_argument("--only", help="comma-separated experiments to run (default: all)")
    _pool_options(t)
    t.set_defaults(func=cmd_tour)

    s = sub.add_parser("list", help="list the experiments", epilog=examples("rnnlab list"))
    s.set_defaults(func=cmd_list)

    r = sub.add_parser("run", help="run one experiment",
                       epilog=examples("rnnlab list", "rnnlab run parity --quick --out parity"))
    r.add_argument("experiment", help="its name, as rnnlab list shows")
    r.add_argument("--out", type=Path, help="output folder (default: a new rnnlab-run-* here)")
    r.add_argument("--quick", action="store_true", help="small settings")
    r.add_argument("--seed", type=count(0), default=0, help="seed of the experiment")
    r.add_argument("--force", action="store_true", help="replace the results of an earlier run")
    _pool_options(r)
    r.set_defaults(func=cmd_run)


def _pool_options(p):
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=count(1), metavar="N",
                       help="run the independent runs (seeds, models x lengths) on a local Dask "
                            "cluster of N processes (the dask extra; default: here, one after "
                            "another); the results are the same")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run them on an existing Dask cluster, e.g. tcp://head:8786")
    p.add_argument("--timeout", type=positive_float, default=10.0, metavar="S",
                   help="seconds to reach the scheduler")


def _pool(args, exps):
    """The rnnlab.sweeps.Pool the options ask for (entered by the caller), or a null context
    when they ask for none or no experiment of `exps` has independent runs to spread (a
    warning says so)."""
    if args.workers is None and args.scheduler is None:
        return nullcontext()
    from ..experiments.parallel import takes_pool
    if not any(takes_pool(e.run) for e in exps):
        names = ", ".join(e.name for e in exps)
        warnings.warn(f"{names} {'has' if len(exps) == 1 else 'have'} no independent runs to "
                      f"spread over workers; --workers/--scheduler ignored, running here")
        return nullcontext()
    from ..sweeps import Pool
    return Pool(args.workers, scheduler=args.scheduler, timeout=args.timeout,
                progress=sys.stderr.isatty())


def _experiment(name, command="run"):
    from .. import experiments
    try:
        return experiments.get(name)
    except ValueError as err:
        raise UsageError(f"rnnlab {command}: error: {err}") from None


def _selection(text: str) -> list:
    """The experiments named by --only, checked before any work: none empty, none unknown, none
    twice (an empty selection is an error, never "all")."""
    names = [n.strip() for n in text.split(",")]
    if not any(names):
        raise UsageError(f"rnnlab tour: error: argument --only: expected experiment names "
                         f"separated by commas, got {text!r} (leave out --only to run all)")
    if "" in names:
        raise UsageError(f"rnnlab tour: error: argument --only: an empty name in {text!r}")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise UsageError(f"rnnlab tour: error: argument --only: {', '.join(twice)} listed "
                         f"more than once")
    return [_experiment(name, "tour") for name in names]   # unknown names fail before any work


def cmd_list(args: argparse.Namespace) -> int:
    from .. import experiments
    for name, exp in experiments.registry().items():
        print(f"{name:<12} {exp.title}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from ..experiments import report as reports, runner
    exp = _experiment(args.experiment)
    with _pool(args, [exp]) as pool:     # a scheduler that does not answer fails before any file
        out = writable_folder(args.out or new_folder(f"rnnlab-run-{exp.name}"), force=args.force,
                              refuse=("results.json", "run.json", "report.md", "report.html"))
        where = "" if pool is None else f", runs on {pool.describe()}"
        print(f"running {exp.name} ({'quick' if args.quick else 'full'}, seed {args.seed}"
              f"{where}) ...", file=sys.stderr)
        doc = runner.run_one(exp, out, quick=args.quick, seed=args.seed,
                             progress=sys.stderr.isatty(), command=command_line(args),
                             pool=pool).docs[0]
    if doc["skipped"]:
        print(doc["skipped"] if doc["skipped"].startswith("skipped") else
              f"skipped: {doc['skipped']}")
    for t in doc["tables"].values():
        print(f"\n{t['title']}\n{reports.markdown_table(t)}")
    for c in doc.get("claims") or []:
        print(f"{reports.MARKS[c['passed']]} {c['text']}"
              + (f" ({reports.UNTESTED})" if c["passed"] is None else ""))
    print(f"\n{exp.name} took {doc['seconds']:.1f} s; report: {out / 'report.html'} "
          f"(and report.md, results.json)")
    if doc.get("figures_skipped"):
        print(doc["figures_skipped"])
    return 0


def cmd_tour(args: argparse.Namespace) -> int:
    from ..experiments import report as reports, runner
    exps = None if args.only is None else _selection(args.only)
    from .. import experiments
    exps = exps or experiments.select()
    start = time.perf_counter()
    with _pool(args, exps) as pool:      # a scheduler that does not answer fails before any file
        out = writable_folder(args.out or new_folder("rnnlab-report"), refuse=(
            "report.md", "report.html", "summary.png", *(e.name for e in exps)))
        report = runner.tour(out, exps, quick=args.quick, seed=args.seed, progress=False,
                             command=command_line(args), pool=pool)
    print("\n" + reports.markdown_table(report.summary))
    print(f"\ntour finished in {time.perf_counter() - start:.0f} s; report: {out / 'report.html'} "
          f"(and report.md)")
    failed = report.failed
    if failed:
        print(f"failed: {', '.join(failed)} (see the report)", file=sys.stderr)
        return 1
    return 0
