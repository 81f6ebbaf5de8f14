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

The package: common.py holds what every command shares (argument types, UsageError, output
folders); one module per command group (lecture.py: tour, list, run; train.py: train, eval,
predict; bench.py: bench) defines `add_commands(subparsers)` and its `cmd_*` functions. A new
command goes into the module of its group (or a new one listed in GROUPS below).
"""
from __future__ import annotations

import argparse
import os
import sys

from .common import Parser, UsageError, fail


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__
    from . import bench, lecture, sweep, train
    p = Parser(prog="rnnlab", description="Recurrent neural networks from first principles: "
               "the lecture's experiments, training, evaluation and prediction.")
    p.add_argument("--version", action="version", version=f"rnnlab {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for group in (lecture, train, bench, sweep):          # GROUPS, in the order --help lists them
        group.add_commands(sub)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stdout)
            return 0
        args.argv = list(sys.argv[1:] if argv is None else argv)
        from .._malloc import tune_malloc
        tune_malloc()                                   # the command owns its process
        return args.func(args)
    except SystemExit as exit_:                         # --help and --version
        return int(exit_.code or 0)
    except UsageError as err:
        return fail(str(err))
    except (ValueError, TypeError, OSError, ImportError, NotImplementedError) as err:
        if os.environ.get("RNNLAB_DEBUG"):
            raise
        return fail(f"rnnlab: error: {err}")
    except KeyboardInterrupt:
        print("rnnlab: interrupted", file=sys.stderr)
        return 130
