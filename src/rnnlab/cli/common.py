"""What every command shares: argument types, the usage error, the exit-status policy, output
folders, the command line.

Each command group (lecture.py, train.py, bench.py) imports from here, never from the entry
module, so the command-line package has no import cycle.

Exit statuses (EPILOG says the same to the user): 0 done; 2 bad input (an argument, a data or
model file, a size that cannot fit in memory), with one line on stderr that names it; 1 an
internal error (a bug), with one line that says so and how to see the traceback; 130
interrupted (Ctrl-C).
"""
from __future__ import annotations

import argparse
import os
import stat
import sys
from datetime import datetime
from pathlib import Path
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NoReturn

DEBUG_VARIABLE = "RNNLAB_DEBUG"

EPILOG = f"""\
exit status: 0 done; 2 bad input (an argument, a file, a size that cannot fit in memory),
explained in one line on stderr; 1 an internal error of rnnlab (one line; run again with
{DEBUG_VARIABLE}=1 in the environment to see the traceback, and please report it);
130 interrupted (Ctrl-C)."""


class UsageError(Exception):
    """Bad input from the command line: exit status 2 and this one line."""


def count(minimum: int) -> Callable[[str], int]:
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


def positive_float(text: str) -> float:
    """An argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


def fraction(text: str) -> float:
    """An argparse type: a number in [0, 1)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must lie in [0, 1), got {text}")
    return value


def _stat(text):
    """os.stat of an existing path (following links), or ArgumentTypeError saying why not."""
    if not text:
        raise argparse.ArgumentTypeError("expected a path, got an empty string")
    try:
        return os.stat(text)
    except FileNotFoundError:
        raise argparse.ArgumentTypeError(f"{text} does not exist") from None
    except (OSError, ValueError) as err:             # ValueError: a NUL byte in the path
        # the reason first: a very long path would push it out of the one line
        raise argparse.ArgumentTypeError(f"{getattr(err, 'strerror', None) or err}: "
                                         f"{text}") from None


def npz_file(text: str) -> Path:
    """An argparse type: an existing regular file that starts like an .npz archive (a zip).

    Looked at before anything reads it: a folder, a FIFO or device, a .npy file, an empty file
    and text are refused with a message that says which of these it is."""
    st = _stat(text)
    if stat.S_ISDIR(st.st_mode):
        raise argparse.ArgumentTypeError(f"{text} is a folder, expected an .npz file")
    if not stat.S_ISREG(st.st_mode):
        raise argparse.ArgumentTypeError(f"{text} is not a regular file, expected an .npz file")
    if st.st_size == 0:
        raise argparse.ArgumentTypeError(f"{text} is empty, expected an .npz file")
    try:
        with open(text, "rb") as f:
            head = f.read(6)
    except OSError as err:
        raise argparse.ArgumentTypeError(f"{err.strerror or err}: {text}") from None
    if head.startswith(b"\x93NUMPY"):
        raise argparse.ArgumentTypeError(
            f"{text} is a .npy file (one array); expected an .npz archive of named arrays, "
            f"as np.savez(path, X=X, Y=Y) writes")
    if not head.startswith(b"PK"):
        raise argparse.ArgumentTypeError(f"{text} is not an .npz archive (it is not a zip "
                                         f"file; np.savez(path, X=X, Y=Y) writes one)")
    return Path(text)


def data_file(text: str) -> Path:
    """An argparse type: an existing, non-empty regular file (.npz, .npy or CSV; see
    formats.py). A name ending in .npz, or a zip, gets npz_file's checks."""
    st = _stat(text)
    if stat.S_ISDIR(st.st_mode):
        raise argparse.ArgumentTypeError(f"{text} is a folder, expected a data file (.npz, .npy "
                                         f"or .csv)")
    if not stat.S_ISREG(st.st_mode):
        raise argparse.ArgumentTypeError(f"{text} is not a regular file, expected a data file")
    if st.st_size == 0:
        raise argparse.ArgumentTypeError(f"{text} is empty, expected a data file")
    try:
        with open(text, "rb") as f:
            head = f.read(6)
    except OSError as err:
        raise argparse.ArgumentTypeError(f"{err.strerror or err}: {text}") from None
    if text.lower().endswith(".npz") or head.startswith(b"PK"):
        return npz_file(text)
    return Path(text)


def text_source(text: str) -> Path:
    """An argparse type: an existing regular file or folder (of .txt files)."""
    st = _stat(text)
    if not (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)):
        raise argparse.ArgumentTypeError(f"{text} is not a regular file or a folder")
    return Path(text)


def folder(text: str) -> Path:
    """An argparse type: an existing folder (a model or a training folder)."""
    st = _stat(text)
    if not stat.S_ISDIR(st.st_mode):
        raise argparse.ArgumentTypeError(f"{text} is not a folder")
    return Path(text)


def given(args: argparse.Namespace) -> dict:
    """{dest: option string} of the options given on the command line (not defaulted)."""
    return dict(getattr(args, GIVEN, {}))


GIVEN = "given_options"


def _mark(action, parser, namespace, option_string):
    """Record that `action` was given; an option given twice is a usage error."""
    seen = vars(namespace).setdefault(GIVEN, {})
    if action.dest in seen and action.option_strings:
        raise argparse.ArgumentError(action, "given more than once")
    seen[action.dest] = option_string or action.dest


class Store(argparse.Action):
    """argparse's "store", refusing an option given twice and recording the given ones."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        _mark(self, parser, namespace, option_string)
        setattr(namespace, self.dest, values)


class StoreTrue(argparse.Action):
    """argparse's "store_true", refusing a flag given twice and recording the given ones."""

    def __init__(self, option_strings: Sequence[str], dest: str, default: Any = False,
                 required: bool = False, help: str | None = None, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, const=True, default=default,
                         required=required, help=help, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        _mark(self, parser, namespace, option_string)
        setattr(namespace, self.dest, True)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """The description and epilog as written; every option's help ends with its default (when
    it has one that says something: not None, not False)."""

    def _get_help_string(self, action):
        text = action.help or ""
        default = action.default
        if (action.option_strings and not any(default is v for v in (None, False, argparse.SUPPRESS))
                and "default" not in text and "%(default)" not in text):
            text += " (default: %(default)s)"
        return text


def examples(*lines: str) -> str:
    """An epilog: example command lines, then the exit-status policy."""
    return "examples:\n" + "\n".join(f"  {line}" for line in lines) + "\n\n" + EPILOG


class Parser(argparse.ArgumentParser):
    """argparse with errors as one line (no usage block), no sys.exit from inside, options
    that may be given once, and the exit-status policy in every --help."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("epilog", EPILOG)
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self.register("action", None, Store)
        self.register("action", "store", Store)
        self.register("action", "store_true", StoreTrue)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message} (see {self.prog} --help)")


def one_line(message: str, limit: int = 2000) -> str:
    """`message` on one line (whitespace runs collapsed), at most `limit` characters."""
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def fail(message: str, status: int = 2) -> int:
    print(one_line(message), file=sys.stderr)
    return status


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 epoch', '3 epochs'."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def new_folder(prefix: str) -> Path:
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


def writable_folder(path: Path, *, refuse: Iterable[str] = (), force: str | None = None) -> Path:
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


def empty_or_new_folder(path: Path, *, what: str = "", create: bool = True) -> Path:
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


def command_line(args: argparse.Namespace) -> str:
    """The command line as given (for run.json and the report)."""
    import shlex
    return "rnnlab " + shlex.join(args.argv)
