"""The `rnnlab` command (also `python -m rnnlab`). main(argv=None) -> exit status.

    rnnlab tour [--out DIR] [--quick] [--seed N]     every experiment, one report
    rnnlab list                                      the experiments, one line each
    rnnlab docs-results RUN_DIR [--page docs/results.md]   the tour's tables into the docs page
    rnnlab run EXPERIMENT [--quick] [--out DIR] [--seed N]
    rnnlab train --task TASK | --data FILE | --text FILE ... --out DIR  (or --resume DIR,
                 --config FILE.json); FILE: .npz, .npy (with --targets), CSV (with --window ...)
    rnnlab eval --model DIR (--task TASK | --data FILE | --text FILE) [--json]
    rnnlab predict --model DIR --data FILE --out FILE.npz|FILE.csv
    rnnlab sample RUN --prompt TEXT [--length N] [--temperature T] [--seed S]
    rnnlab bench [--cell elman|lstm|gru|all] [--quick]
    rnnlab export RUN_OR_MODEL --to onnx|torch --out FILE      rnnlab import FILE.pt --cell ...

Exit statuses: 0 done; 2 bad input (an argument, a file, a size that cannot fit in memory),
with one line on stderr naming it; 1 an internal error (a bug in rnnlab), with one line that
says so (RNNLAB_DEBUG=1 shows the traceback instead); 130 interrupted by Ctrl-C. Never a bare
traceback. Warnings raised while a command runs are printed after it, one line each, when it
succeeds (a failing command prints its one error line only).

The package: common.py holds what every command shares (argument types that check files and
folders before anything reads them, options that may be given once, UsageError, output
folders); sizes.py estimates the memory a command needs before it allocates; interrupt.py owns
Ctrl-C during training. One module per command group (lecture.py: tour, list, run; train.py:
train; evaluate.py: eval, predict; sample.py: sample; formats.py: the data files they read; bench.py: bench; interop.py: export, import) defines `add_commands(subparsers)` and its `cmd_*`
functions. A new command goes into the module of its group (or a new one listed in GROUPS
below); it raises UsageError (or lets the library's ValueError through) for bad input, and
main() turns everything into an exit status and one line.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import warnings
from collections.abc import Sequence

from .common import DEBUG_VARIABLE, Parser, UsageError, fail, one_line


def build_parser() -> argparse.ArgumentParser:
    """The `rnnlab` argument parser, with every command group's subcommands.

    Returns
    -------
    argparse.ArgumentParser
    """
    from .. import __version__
    from . import bench, evaluate, interop, lecture, pages, sample, sweep, train
    p = Parser(prog="rnnlab", description="Recurrent neural networks from first principles:\n"
               "the lecture's experiments, training, evaluation and prediction.")
    p.add_argument("--version", action="version", version=f"rnnlab {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for group in (lecture, pages, train, evaluate, sample, bench, interop, sweep):   # GROUPS, in
        group.add_commands(sub)                                      # --help's order
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit status (see the module docstring for the policy).

    Parameters
    ----------
    argv : list of str, optional
        The arguments; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status: 0 done, 2 bad input, 1 an internal error, 130 interrupted.

    Examples
    --------
    >>> main(["list"]) == 0                  # doctest: +ELLIPSIS
    forward ...
    True
    """
    owns_process = argv is None                         # the program, not a Python caller
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = "rnnlab"
    with warnings.catch_warnings(record=True) as caught:
        try:
            parser = build_parser()
            args = parser.parse_args(argv)
            if args.command is None:
                parser.print_help(sys.stdout)
                return 0
            prog = f"rnnlab {args.command}"
            args.argv, args.owns_process = argv, owns_process
            from .._malloc import tune_malloc
            tune_malloc()                               # the command owns its process
            status = args.func(args)
        except SystemExit as exit_:                     # --help and --version
            return exit_.code if isinstance(exit_.code, int) else 0 if exit_.code is None else 1
        except UsageError as err:                       # the command's name, when the
            message = str(err)                          # raiser did not know it
            if message.startswith("rnnlab: ") and prog != "rnnlab":
                message = prog + message[len("rnnlab"):]
            return fail(message)
        except KeyboardInterrupt:
            if owns_process:                            # the process is ending: a further
                _ignore_sigint()                        # Ctrl-C must not kill it by signal
            print(f"{prog}: interrupted", file=sys.stderr)
            status = 130
        except Exception as err:                        # noqa: BLE001 - the policy lives here
            if os.environ.get(DEBUG_VARIABLE, "0") not in ("", "0"):
                raise
            return fail(*_explain(err, prog))
    for w in _unique(caught):
        print(f"{prog}: warning: {one_line(w.message)}", file=sys.stderr)
    return status


def _explain(err: BaseException, prog: str) -> tuple[str, int]:
    """(message, exit status) for an exception no command turned into a UsageError.

    ValueError is the library's refusal of its input (it names the argument), ImportError a
    missing optional extra (it names the extra to install), NotImplementedError a combination
    the library does not support: status 2.
    OSError is the file system's (a file that cannot be read or written, a full disk): status 2,
    naming the file when the error knows it. MemoryError: the input asks for more memory than
    there is (the commands estimate before allocating, so this is rare): status 2. Anything
    else is a bug: status 1 and how to see its traceback."""
    if isinstance(err, (ValueError, ImportError, NotImplementedError)):
        return f"{prog}: error: {err}", 2
    if isinstance(err, OSError):
        names = " -> ".join(str(f) for f in (err.filename, err.filename2) if f is not None)
        return f"{prog}: error: {names + ': ' if names else ''}{err.strerror or err}", 2
    if isinstance(err, MemoryError):
        return (f"{prog}: error: out of memory: the data or the model is too large for this "
                f"machine (try smaller sizes)"), 2
    return (f"{prog}: internal error: {type(err).__name__}: {err} (a bug in rnnlab; run again "
            f"with {DEBUG_VARIABLE}=1 to see the traceback, and please report it)"), 1


def _ignore_sigint():
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:                                  # not the main thread
        pass


def _unique(caught):
    """The recorded warnings, each message once, in order."""
    seen, out = set(), []
    for w in caught:
        key = (w.category, str(w.message))
        if key not in seen:
            seen.add(key)
            out.append(w)
    return out
