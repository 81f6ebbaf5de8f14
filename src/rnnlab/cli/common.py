"""What every command shares: argument types, the usage error, output folders, the command line.

Each command group (lecture.py, train.py, bench.py) imports from here, never from the entry
module, so the command-line package has no import cycle.
"""
from __future__ import annotations

import argparse
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


def command_line(args) -> str:
    """The command line as given (for run.json and the report)."""
    import shlex
    return "rnnlab " + shlex.join(args.argv)
