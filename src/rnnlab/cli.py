"""The `rnnlab` command (also `python -m rnnlab`). main(argv=None) -> exit status.

    rnnlab tour [--out DIR] [--quick] [--seed N]     every experiment, one report
    rnnlab list                                      the experiments, one line each
    rnnlab run EXPERIMENT [--quick] [--out DIR] [--seed N]
    rnnlab train --task TASK | --data FILE.npz ... --out DIR      (or --resume DIR)
    rnnlab eval --model DIR (--task TASK | --data FILE.npz)
    rnnlab predict --model DIR --data FILE.npz --out FILE.npz
    rnnlab bench [--cell elman|lstm|gru|all] [--quick]

Bad input ends with exit status 2 and one line on stderr, never a traceback; Ctrl-C ends with
status 130 after saying what was kept.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime
from pathlib import Path


class UsageError(Exception):
    """Bad input from the command line: exit status 2 and this one line."""


def count(minimum):
    """An argparse type: an integer >= minimum (the error names the option)."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {value}")
        return value
    return parse


def positive_float(text):
    """An argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse with errors as one line (no usage block) and no sys.exit from inside."""

    def error(self, message):
        raise UsageError(f"{self.prog}: error: {message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    from .cli_train import add_train_commands
    p = _Parser(prog="rnnlab", description="Recurrent neural networks from first principles: "
                "the lecture's experiments, training, evaluation and prediction.")
    p.add_argument("--version", action="version", version=f"rnnlab {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    t = sub.add_parser("tour", help="run every experiment of the lecture and write one report")
    t.add_argument("--out", type=Path, help="report folder (default: a new rnnlab-report-* here)")
    t.add_argument("--quick", action="store_true", help="small settings: about 2 minutes")
    t.add_argument("--seed", type=count(0), default=0)
    t.add_argument("--only", help="comma-separated experiments to run (default: all)")
    t.set_defaults(func=cmd_tour)

    s = sub.add_parser("list", help="list the experiments")
    s.set_defaults(func=cmd_list)

    r = sub.add_parser("run", help="run one experiment")
    r.add_argument("experiment")
    r.add_argument("--out", type=Path, help="output folder (default: a new rnnlab-run-* here)")
    r.add_argument("--quick", action="store_true")
    r.add_argument("--seed", type=count(0), default=0)
    r.set_defaults(func=cmd_run)

    add_train_commands(sub)

    b = sub.add_parser("bench", help="speed against PyTorch (when installed), as a table of ratios")
    b.add_argument("--cell", choices=("elman", "lstm", "gru", "all"), default="elman")
    b.add_argument("--quick", action="store_true", help="two small sizes, two rounds")
    b.add_argument("--rounds", type=count(1), default=5)
    b.set_defaults(func=cmd_bench)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stdout)
            return 0
        args.argv = list(sys.argv[1:] if argv is None else argv)
        from ._malloc import tune_malloc
        tune_malloc()                                   # the command owns its process
        return args.func(args)
    except SystemExit as exit_:                         # --help and --version
        return int(exit_.code or 0)
    except UsageError as err:
        return _fail(str(err))
    except (ValueError, TypeError, OSError, ImportError, NotImplementedError) as err:
        if os.environ.get("RNNLAB_DEBUG"):
            raise
        return _fail(f"rnnlab: error: {err}")
    except KeyboardInterrupt:
        print("rnnlab: interrupted", file=sys.stderr)
        return 130


def _fail(message) -> int:
    print(" ".join(str(message).split()), file=sys.stderr)   # one line, whatever the message
    return 2


def new_folder(prefix) -> Path:
    """A folder name under the current directory that does not exist yet."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path, i = Path(f"{prefix}-{stamp}"), 1
    while path.exists():
        i += 1
        path = Path(f"{prefix}-{stamp}-{i}")
    return path


def writable_folder(path: Path, *, refuse=None) -> Path:
    """Create `path` (parents too) or raise UsageError; refuse a folder that holds `refuse`."""
    if refuse and (path / refuse).exists():
        raise UsageError(f"rnnlab: error: {path / refuse} exists; choose a new --out folder "
                         f"(a report is never overwritten)")
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".rnnlab-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise UsageError(f"rnnlab: error: cannot write to {path}: {err.strerror or err}") from None
    return path


def _experiment(name, command="run"):
    from . import experiments
    try:
        return experiments.get(name)
    except ValueError as err:
        raise UsageError(f"rnnlab {command}: error: {err}") from None


def cmd_list(args) -> int:
    from . import experiments
    for name, exp in experiments.registry().items():
        print(f"{name:<12} {exp.title}")
    return 0


def cmd_run(args) -> int:
    from .experiments import runner
    exp = _experiment(args.experiment)
    out = writable_folder(args.out or new_folder(f"rnnlab-run-{exp.name}"))
    print(f"running {exp.name} ({'quick' if args.quick else 'full'}, seed {args.seed}) ...",
          file=sys.stderr)
    doc = runner.run_experiment(exp.name, quick=args.quick, seed=args.seed, out_dir=out,
                                progress=sys.stderr.isatty(), command=_command(args))
    if doc["skipped"]:
        print(doc["skipped"] if doc["skipped"].startswith("skipped") else
              f"skipped: {doc['skipped']}")
    for t in doc["tables"].values():
        print(f"\n{t['title']}\n{runner.markdown_table(t)}")
    print(f"\n{exp.name} took {doc['seconds']:.1f} s; results in {out}/")
    if doc.get("figures_skipped"):
        print(doc["figures_skipped"])
    return 0


def cmd_tour(args) -> int:
    from .experiments import runner
    only = None
    if args.only:
        only = [n.strip() for n in args.only.split(",") if n.strip()]
        for name in only:
            _experiment(name, "tour")                    # unknown names fail before any work
    out = writable_folder(args.out or new_folder("rnnlab-report"), refuse="report.md")
    start = time.perf_counter()
    docs = runner.tour(out, quick=args.quick, seed=args.seed, progress=False,
                       command=_command(args), only=only)
    summary = runner.summary_table(docs)
    print("\n" + runner.markdown_table(summary))
    print(f"\ntour finished in {time.perf_counter() - start:.0f} s; report: {out / 'report.html'} "
          f"(and report.md)")
    failed = [d["experiment"] for d in docs if d.get("error")]
    if failed:
        print(f"failed: {', '.join(failed)} (see the report)", file=sys.stderr)
        return 1
    return 0


def cmd_bench(args) -> int:
    from . import bench
    cells = ("elman", "lstm", "gru") if args.cell == "all" else (args.cell,)
    print(f"# {bench.versions()}", flush=True)
    for cell in cells:
        sizes = bench.SIZES_QUICK if args.quick else getattr(bench, f"SIZES_{cell.upper()}",
                                                             bench.SIZES_ELMAN)
        rows = bench.run(cell=cell, sizes=sizes, rounds=2 if args.quick else args.rounds,
                         min_time=0.05 if args.quick else 0.2)
        print(bench.table(rows, cell), flush=True)
    if bench._torch() is None:
        print("PyTorch is not installed: rnnlab times only (pip install 'rnnlab[test]' brings it)")
    return 0


def _command(args) -> str:
    """The command line as given (for run.json and the report)."""
    import shlex
    return "rnnlab " + shlex.join(args.argv)
