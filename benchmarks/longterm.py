"""The long-lag comparison: Elman (tanh, with and without clipping), IRNN, LSTM and GRU on the
adding problem and the copy-memory task at several lengths, the same number of Adam steps for all.

    .venv/bin/python benchmarks/longterm.py --workers 2   # both tasks, T = 50 100 200 400, 3 seeds
    .venv/bin/python benchmarks/longterm.py --task adding --lengths 50 100 200   # one task, serial
    .venv/bin/python benchmarks/longterm.py --workers 2 --sweep-out DIR          # resumable
    .venv/bin/python benchmarks/longterm.py --task copy --scheduler tcp://head:8786

Every (task, length, model, seed) is one independent run (stability.remedy_run). Without
--workers / --scheduler they run here, one after another; with them, through rl.sweep on Dask (a
local cluster of N processes, or an existing cluster), with the same results; --sweep-out DIR
keeps the runs, so an interrupted comparison continues where it stopped.

Prints one table per task of final test errors against the memoryless baseline (markdown, for
docs/results.md) and, with --out DIR, writes runs.json (learning curves) and one
learning_curves[-TASK].png per task.
The defaults are the experiment's setting="long" (rnnlab.experiments.stability.SETTINGS).
BLAS runs on one thread unless --threads says otherwise: these small matrix products gain
nothing from two threads, and on a shared 2-core machine two threads per process thrash.
"""
from __future__ import annotations

import argparse
import os
import sys
import time


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--task", choices=("adding", "copy"), nargs="+", dest="tasks",
                   help="tasks (default: the setting's, adding and copy)")
    p.add_argument("--lengths", type=int, nargs="+")
    p.add_argument("--seeds", type=int, help="seeds per (model, length)")
    p.add_argument("--steps", type=int, help="Adam steps per run (the same for every model)")
    p.add_argument("--hidden", type=int)
    p.add_argument("--lr", type=float)
    p.add_argument("--batch", type=int)
    p.add_argument("--eval-every", type=int, dest="eval_every")
    p.add_argument("--n-test", type=int, dest="n_test")
    p.add_argument("--variants", nargs="+", help="names from rnnlab.experiments.stability.VARIANTS")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    p.add_argument("--out", help="folder for runs.json and learning_curves.png")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, help="run on a local Dask cluster of N processes")
    where.add_argument("--scheduler", help="run on the Dask cluster at this address")
    p.add_argument("--sweep-out", dest="sweep_out",
                   help="with --workers or --scheduler: the sweep's folder (resumable)")
    return p.parse_args(argv)


def markdown(table):
    """A Table as a markdown table (floats to 4 significant digits)."""
    def fmt(v):
        if v is None:
            return "-"
        return f"{v:.4g}" if isinstance(v, float) else str(v)
    lines = [f"**{table.title}**", "", "| " + " | ".join(table.columns) + " |",
             "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in table.rows]
    return "\n".join(lines + ["", table.note])


def save(out, runs, cfg, tables):
    import json
    from rnnlab import plots
    from rnnlab.experiments import stability as exp
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "runs.json"), "w") as f:
        json.dump({"config": cfg, "tables": {t: tab.as_dict() for t, tab in tables.items()},
                   "runs": runs}, f, indent=1)
    if plots.available():
        plt = plots.require()
        for i, task in enumerate(cfg["tasks"]):
            fig = plt.figure()
            exp.curves_figure(runs, cfg, task)(fig)
            name = "learning_curves" + ("" if i == 0 else f"-{task}")
            fig.savefig(os.path.join(out, f"{name}.png"), dpi=110, bbox_inches="tight")


def main(argv=None):
    args = parse(argv)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(args.threads))         # before NumPy is imported
    from rnnlab.experiments import stability as exp
    cfg = dict(exp.SETTINGS["long"])
    cfg.update({k: v for k, v in vars(args).items() if k in cfg and v is not None})
    cfg["variants"], cfg["tasks"] = tuple(cfg["variants"]), tuple(dict.fromkeys(cfg["tasks"]))
    unknown = [v for v in cfg["variants"] if v not in exp.VARIANTS]
    if unknown:
        sys.exit(f"unknown variants {unknown}; choose from {list(exp.VARIANTS)}")
    print(f"# {' '.join(sys.argv)}\n# settings: {cfg}", flush=True)
    if args.sweep_out and not (args.workers or args.scheduler):
        sys.exit("--sweep-out needs --workers or --scheduler")
    t0 = time.perf_counter()
    if args.workers or args.scheduler:
        from rnnlab.sweeps import Pool
        with Pool(args.workers, scheduler=args.scheduler, progress=True,
                  out=args.sweep_out) as pool:
            runs = exp.compare(cfg, seed=args.seed, progress=True, pool=pool)
    else:
        runs = exp.compare(cfg, seed=args.seed, progress=True)
    tables = {task: exp.remedy_table(runs, cfg, task) for task in cfg["tasks"]}
    for table in tables.values():
        print()
        print(markdown(table))
    print(f"\ntotal time {time.perf_counter() - t0:.0f} s (training time summed over the runs "
          f"{sum(r['time'] for r in runs):.0f} s)")
    if args.out:
        save(args.out, runs, cfg, tables)
    return 0


if __name__ == "__main__":
    sys.exit(main())
