"""How much memory this machine has free, and a check that a request fits before it is made.

A model or a data set that cannot fit should fail with a ValueError that says how many bytes it
needs and how many are available, before anything is allocated: not with a MemoryError (or the
kernel's out-of-memory killer) half-way through building it.
"""
from __future__ import annotations

import os


def available_bytes() -> int | None:
    """Bytes of memory available to a new allocation (Linux: MemAvailable), None when unknown."""
    try:
        with open("/proc/meminfo", "rb") as f:
            for line in f:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def human(nbytes: float) -> str:
    """1536 -> '1.5 KB' (powers of 1024)."""
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if abs(nbytes) < 1024 or unit == "TB":
            return f"{nbytes:.0f} {unit}" if unit == "bytes" else f"{nbytes:.1f} {unit}"
        nbytes /= 1024
    return f"{nbytes:.1f} TB"


def check_fits(nbytes: int, what: str) -> None:
    """ValueError when `what` needs more than the memory available now (no check when unknown)."""
    free = available_bytes()
    if free is not None and nbytes > free:
        raise ValueError(f"{what} needs {human(nbytes)}, more than the {human(free)} of memory "
                         f"available on this machine")
