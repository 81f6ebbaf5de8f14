"""The long-lag comparison: Elman (tanh, with and without clipping), IRNN, LSTM and GRU on the
adding problem (or the copy task) at several lengths, the same number of Adam steps for all.

    .venv/bin/python benchmarks/longterm.py                      # T = 50 100 200, 3 seeds
    .venv/bin/python benchmarks/longterm.py --lengths 50 100 200 400 --steps 5000
    .venv/bin/python benchmarks/longterm.py --task copy --lengths 50 100
    .venv/bin/python benchmarks/longterm.py --lengths 50 100 200 400 --workers 2 --sweep-out DIR
    .venv/bin/python benchmarks/longterm.py --task copy --scheduler tcp://head:8786

With --workers N or --scheduler ADDRESS every (model, length, seed) is one run of rl.sweep on
Dask (a local cluster of N processes, or an existing cluster), with the same results as the
serial loop; --sweep-out DIR keeps the runs, so an interrupted comparison continues.

Prints the table of final test errors against the memoryless baseline (markdown, for the
README) and, with --out DIR, writes runs.json (learning curves) and learning_curves.png.
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
    p.add_argument("--task", choices=("adding", "copy"), default="adding")
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
    p.add_argument("--sweep-out", dest="sweep_out", help="the sweep's folder (resumable)")
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


def save(out, runs, cfg, table):
    import json
    from rnnlab import plots
    from rnnlab.experiments import stability as exp
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "runs.json"), "w") as f:
        json.dump({"config": cfg, "table": table.as_dict(), "runs": runs}, f, indent=1)
    if plots.available():
        plt = plots.require()
        fig = plt.figure()
        exp.curves_figure(runs, cfg)(fig)
        fig.savefig(os.path.join(out, "learning_curves.png"), dpi=110, bbox_inches="tight")


def train_run(config, seed):
    """One run of the sweep: config is the comparison's settings plus its variant and T."""
    from rnnlab.experiments import stability as exp
    cfg = dict(config)
    rec = exp.train_one(cfg.pop("variant"), cfg.pop("T"), cfg, seed=seed)
    rec["time"] = None                         # wall time lives in the sweep's run.json
    return rec


def sweep_compare(cfg, args):
    """exp.compare's runs, in its order, computed by rl.sweep on Dask."""
    import rnnlab as rl
    grid = [dict(cfg, variant=v, T=T) for T in cfg["lengths"] for v in cfg["variants"]]
    rows = rl.sweep(train_run, grid=grid, seeds=[args.seed + s for s in range(cfg["seeds"])],
                    client=args.scheduler, workers=args.workers, out=args.sweep_out,
                    progress=True, frame=False)
    failed = [r for r in rows if r["status"] != "ok"]
    if failed:
        sys.exit(f"{len(failed)} run(s) failed, e.g. {failed[0]['error']}")
    keys = ("variant", "T", "seed", "baseline", "error", "curve", "steps", "stopped", "ratio")
    got = [{k: r.get(f"result.{k}", r.get(k)) for k in keys} for r in rows]   # see run_rows
    return [dict(g, time=r["seconds"]) for g, r in zip(got, rows)]


def main(argv=None):
    args = parse(argv)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(args.threads))         # before NumPy is imported
    from rnnlab.experiments import stability as exp
    cfg = dict(exp.SETTINGS["long"], task=args.task)
    cfg.update({k: v for k, v in vars(args).items()
                if k in cfg and v is not None and k != "task"})
    cfg["variants"] = tuple(cfg["variants"])
    unknown = [v for v in cfg["variants"] if v not in exp.VARIANTS]
    if unknown:
        sys.exit(f"unknown variants {unknown}; choose from {list(exp.VARIANTS)}")
    print(f"# {' '.join(sys.argv)}\n# settings: {cfg}", flush=True)
    t0 = time.perf_counter()
    if args.workers or args.scheduler:
        runs = sweep_compare(cfg, args)
    else:
        runs = exp.compare(cfg, seed=args.seed, progress=True)
    table = exp.remedy_table(runs, cfg)
    print()
    print(markdown(table))
    print(f"\ntotal time {time.perf_counter() - t0:.0f} s")
    if args.out:
        save(args.out, runs, cfg, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
