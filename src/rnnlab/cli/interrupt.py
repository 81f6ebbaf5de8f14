"""Ctrl-C during training: the first one stops cleanly, a second one stops at once.

The first SIGINT raises KeyboardInterrupt where the program is, except while a checkpoint is
being written: then the checkpoint is finished first and the KeyboardInterrupt comes right
after it, so the run stops with that epoch saved. A second SIGINT raises KeyboardInterrupt at
once, even inside a checkpoint write: that write is abandoned (its temporary files are removed as
the exception unwinds) and train.json still names the previous, complete checkpoint, because it
is written last. Either way the command returns 130 without a traceback.

When the command owns its process (`rnnlab ...`, `python -m rnnlab ...`), SIGINT stays ignored
after an interrupted run, while the process exits: a further Ctrl-C then can neither print a
traceback from outside main() nor kill the process by signal (exit status 130 either way).
In-process callers (main([...]) from Python) get their previous handler back.
"""
from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager
from collections.abc import Iterator
from typing import Any, TextIO


class Interrupts:
    """A context manager that owns SIGINT while training runs (main thread only: elsewhere
    Python cannot install a handler and the default KeyboardInterrupt applies)."""

    previous: Any                  # the SIGINT handler to restore on exit

    def __init__(self, stream: TextIO | None = None, owns_process: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.owns_process = owns_process
        self.count = 0              # SIGINTs received
        self.writing = False        # inside a checkpoint write
        self.pending = False        # a first SIGINT waits for the write to finish
        self.previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc):
        if self.previous is not None:
            stopping = self.count > 0 and self.owns_process
            signal.signal(signal.SIGINT, signal.SIG_IGN if stopping else self.previous)
            self.previous = None
        return False

    def _handle(self, signum, frame):
        self.count += 1
        if self.count == 1 and self.writing:
            self.pending = True
            self.stream.write("\ninterrupted: finishing the checkpoint being written, then "
                              "stopping (Ctrl-C again to stop at once)\n")
            self.stream.flush()
            return
        raise KeyboardInterrupt

    @contextmanager
    def checkpoint(self) -> Iterator[None]:
        """Protect a checkpoint write from the first Ctrl-C (not from a second)."""
        self.writing = True
        try:
            yield
        finally:
            self.writing = False
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt
