"""The long-lag comparison: Elman (tanh, with and without clipping), IRNN, LSTM and GRU on the
adding problem (or the copy task) at several lengths, the same number of Adam steps for all.

    .venv/bin/python benchmarks/longterm.py                      # T = 50 100 200, 3 seeds
    .venv/bin/python benchmarks/longterm.py --lengths 50 100 200 400 --steps 5000
    .venv/bin/python benchmarks/longterm.py --task copy --lengths 50 100

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
