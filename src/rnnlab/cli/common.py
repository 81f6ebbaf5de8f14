"""What every command shares: argument types, the usage error, output folders, the command line.

Each command group (lecture.py, train.py, bench.py) imports from here, never from the entry
module, so the command-line package has no import cycle.
"""
from __future__ import annotations

import argparse
import os
import sys
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


class Parser(argparse.ArgumentParser):
    """argparse with errors as one line (no usage block) and no sys.exit from inside."""

    def error(self, message):
        raise UsageError(f"{self.prog}: error: {message} (see {self.prog} --help)")


def fail(message) -> int:
    print(" ".join(str(message).split()), file=sys.stderr)   # one line, whatever the message
    return 2


def new_folder(prefix) -> Path:
    """A new, empty folder under the current directory, named PREFIX-DATE-TIME[-N]. It is created
    here (mkdir, which fails if the name exists), so two runs never share it."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path, i = Path(f"{prefix}-{stamp}"), 1
    while True:
        try:
            path.mkdir()
            return path
        except FileExistsError:
            i += 1
            path = Path(f"{prefix}-{stamp}-{i}")
        except OSError as err:
            raise UsageError(f"rnnlab: error: cannot create {path}: "
                             f"{err.strerror or err}") from None


def writable_folder(path: Path, *, refuse=(), force=None) -> Path:
    """Create `path` (parents too) or raise UsageError.

    refuse: names inside `path` that must not exist yet (what the command would replace). They
    are refused unless force is True; force=None means the command has no --force, and the
    message asks for a new folder. Nothing is written to test the folder: the command's own
    atomic writes fail with an error naming the file when it cannot be written."""
    if os.path.lexists(path) and not path.is_dir():
        raise UsageError(f"rnnlab: error: {path} exists and is not a folder; choose a new --out")
    present = [name for name in refuse if os.path.lexists(path / name)]
    if present and not force:
        how = "choose a new --out folder" if force is None else \
            "pass --force to replace it, or choose a new --out folder"
        raise UsageError(f"rnnlab: error: {path / present[0]} exists; {how}")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"rnnlab: error: cannot write to {path}: {err.strerror or err}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"rnnlab: error: cannot write to {path}: permission denied")
    return path


def empty_or_new_folder(path: Path, *, what="", create=True) -> Path:
    """Like writable_folder, for a command that fills a folder of its own: `path` must be new or
    empty (a folder holding anything else is refused, naming what is there). create=False only
    checks."""
    if os.path.lexists(path) and path.is_dir():
        names = sorted(os.listdir(path))
        if names:
            shown = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
            raise UsageError(f"rnnlab: error: {path} is not empty (it holds {shown}){what}; "
                             f"choose a new or empty --out folder")
    return writable_folder(path) if create else path


def command_line(args) -> str:
    """The command line as given (for run.json and the report)."""
    import shlex
    return "rnnlab " + shlex.join(args.argv)
