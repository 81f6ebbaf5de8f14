"""Which code runs the cells' time loops: NumPy (the reference, always there) or compiled loops
(numba, the optional `fast` extra: pip install 'rnnlab[fast]').

    rl.set_backend("auto" | "numpy" | "compiled")      or   RNNLAB_BACKEND=... in the environment

"numpy" runs the loops of nn/<cell>.py; "compiled" runs nn/compiled/<cell>.py (same arrays, same
results to rounding); "auto" (the default) runs the compiled loops where they are faster, which
`rnnlab bench --backend` measures: at small B x H, where a NumPy step costs its calls rather
than its arithmetic (AUTO_MAX_BH below, measured on this project's machines). Without numba,
"auto" is "numpy" and nothing warns; "compiled" without numba is an ImportError naming the
extra. Nothing compiles at import: a loop compiles on its first call (a few seconds, then
cached on disk by numba).
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from types import ModuleType

NAMES = ("auto", "numpy", "compiled")
ENV = "RNNLAB_BACKEND"
# auto: the compiled loops where B * H is at most this, per cell, for training (forward and
# backward) and for inference (infer); measured with `rnnlab bench --page` (numpy and compiled
# side by side, interleaved): see docs/speed.md. Larger sizes are bound by BLAS, where the
# NumPy loops' feature-major layout multiplies as fast or faster.
AUTO_MAX_BH = {"elman": 256, "lstm": 32768, "gru": 8192}
AUTO_MAX_BH_INFER = {"lstm": 256, "gru": 256}      # cells absent here: AUTO_MAX_BH

_chosen: list = []                     # [name] once set or read from the environment
_found: list = []                      # [whether numba is installed] once looked up


def set_backend(name: str) -> None:
    """Choose the backend for every cell from now on (see the module docstring).

    Parameters
    ----------
    name : {"auto", "numpy", "compiled"}
        "numpy": the NumPy loops; "compiled": numba's (the `fast` extra); "auto": the compiled
        loops where they are faster (small B x H) and numba is installed.

    Raises
    ------
    ValueError
        If `name` is not one of these.
    ImportError
        For "compiled" without numba.

    Examples
    --------
    >>> rl.set_backend("numpy")
    >>> rl.get_backend()
    'numpy'
    >>> rl.set_backend("auto")
    """
    _check(name, "backend")
    if name == "compiled":
        _require()
    _chosen[:] = [name]


def get_backend() -> str:
    """The backend in force: set_backend's choice, else $RNNLAB_BACKEND, else "auto".

    Returns
    -------
    str
        "auto", "numpy" or "compiled".
    """
    if not _chosen:
        name = os.environ.get(ENV, "auto") or "auto"
        _check(name, f"${ENV}")
        _chosen[:] = [name]
    return _chosen[0]


def available() -> bool:
    """Whether the compiled loops can run (numba is installed).

    Returns
    -------
    bool
    """
    if "numba" in sys.modules:
        return True
    if not _found:                                    # look on the path once per process
        _found.append(importlib.util.find_spec("numba") is not None)
    return _found[0]


def loops(cell: str, batch: int, n_hidden: int, infer: bool = False) -> ModuleType | None:
    """The compiled-loop module for `cell` at this size, or None for the NumPy loops.

    Parameters
    ----------
    cell : str
        The cell's name ("elman", "lstm", "gru").
    batch, n_hidden : int
        The batch size B and the hidden size H (the "auto" backend decides by B x H).
    infer : bool
        For inference (its own thresholds, ``AUTO_MAX_BH_INFER``), not training.

    Returns
    -------
    module or None
        ``rnnlab.nn.compiled.<cell>``, or None where the NumPy loops run.
    """
    name = get_backend()
    if name == "numpy" or cell not in AUTO_MAX_BH:
        return None
    if name == "auto" and auto_choice(cell, batch, n_hidden, infer) == "numpy":
        return None
    return compiled(cell)


def auto_choice(cell: str, batch: int, n_hidden: int, infer: bool = False) -> str:
    """The loops "auto" runs for `cell` at this size: "compiled" or "numpy".

    Parameters
    ----------
    cell : str
        The cell's name ("elman", "lstm", "gru").
    batch, n_hidden : int
        The batch size B and the hidden size H ("auto" decides by B x H).
    infer : bool
        For inference (``AUTO_MAX_BH_INFER``), not training (``AUTO_MAX_BH``).

    Returns
    -------
    str
        "compiled" or "numpy".

    Examples
    --------
    >>> auto_choice("elman", 1, 10 ** 6)
    'numpy'
    """
    limit = AUTO_MAX_BH.get(cell, -1)
    if infer:
        limit = AUTO_MAX_BH_INFER.get(cell, limit)
    return "compiled" if batch * n_hidden <= limit and available() else "numpy"


def compiled(cell: str) -> ModuleType:
    """The compiled-loop module of `cell` (nn/compiled/<cell>.py).

    Parameters
    ----------
    cell : str
        The cell's name ("elman", "lstm", "gru").

    Returns
    -------
    module
        ``rnnlab.nn.compiled.<cell>``.

    Raises
    ------
    ImportError
        Without numba (the `fast` extra).
    """
    module = sys.modules.get(f"rnnlab.nn.compiled.{cell}")      # every pass asks: keep it cheap
    if module is None:
        _require()
        module = importlib.import_module(f"rnnlab.nn.compiled.{cell}")
    return module


def _check(name, what):
    if name not in NAMES:
        raise ValueError(f"{what} must be one of {', '.join(map(repr, NAMES))}; got {name!r}")


def _require():
    if not available():
        raise ImportError("the compiled backend needs numba: pip install 'rnnlab[fast]'")
