"""How many bytes a command will need, estimated before anything large is allocated.

A size that cannot fit (`--samples 1000000000`, `--hidden 100000`, `--steps 10**12`) is refused
with a UsageError naming the options, instead of a MemoryError (or the kernel's out-of-memory
killer) half-way through. The estimates are exact for the arrays that must exist (the task's
data, the parameters) and deliberately rough for the working memory of training; they are
computed with Python integers from tiny probes, so an absurd size never reaches NumPy:

- a task's arrays grow linearly in the number of samples and in its length knob, so their
  shapes at any size follow from two tiny generated samples;
- a model's parameter count is a polynomial of degree 2 in n_hidden and 1 in n_layers, so it
  follows exactly from param_specs (no allocation) at n_hidden 1, 2, 3 and n_layers 1, 2.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .. import _memory
from .common import UsageError

PROBE_SAMPLES = 2
FLOAT = 4                              # bytes of a float32, the CLI's models' dtype


def task_shapes(spec: Any, samples: int, length: int) -> dict:
    """{"X": (shape, itemsize), "Y": ...} of spec.make(samples, length), from two tiny probes."""
    l1 = spec.length
    a = spec.make(PROBE_SAMPLES, l1, 0)
    b = spec.make(PROBE_SAMPLES, l1 + 1, 0)
    out = {}
    for name, x, y in zip(("X", "Y"), a, b):
        dims = [max(0, d1 + (length - l1) * (d2 - d1))
                for d1, d2 in zip(x.shape[1:], y.shape[1:])]
        out[name] = ((samples, *dims), x.dtype.itemsize)
    return out


def nbytes(shape: Sequence[int], itemsize: int) -> int:
    size = 1
    for d in shape:
        size *= int(d)
    return size * itemsize


def data_bytes(shapes: Mapping[str, tuple[tuple[int, ...], int]]) -> int:
    """The arrays, their generation's temporaries (as much again) and the model's float32 copy."""
    return sum(2 * nbytes(s, i) + nbytes(s, FLOAT) for s, i in shapes.values())


def _count(config: Mapping[str, Any], n_hidden: int, n_layers: int) -> tuple[int, int]:
    """(number of parameters, gates per cell) of a model built from config at tiny sizes."""
    from ..model import param_specs
    specs = param_specs(dict(config, n_hidden=n_hidden, n_layers=n_layers))
    n = sum(nbytes(shape, 1) for shape, _ in specs.values())
    gates = next(shape[0] for key, (shape, _) in specs.items() if key.endswith("W11")) // n_hidden
    return n, gates


def model_size(config: Mapping[str, Any]) -> tuple[int, int]:
    """(number of parameters, gates per cell) of RNN(**config), without building it (exact)."""
    H, L = config["n_hidden"], config.get("n_layers", 1)
    per_h = []
    for h in (1, 2, 3):                                # degree 2 in H: three points
        c1, gates = _count(config, h, 1)
        c2 = _count(config, h, 2)[0] if L > 1 else c1
        per_h.append(c1 + (L - 1) * (c2 - c1))          # degree 1 in L: two points
    q1, q2, q3 = per_h                                 # Newton's form through H = 1, 2, 3
    n = q1 + (H - 1) * (q2 - q1) + (H - 1) * (H - 2) * (q3 - 2 * q2 + q1) // 2
    return n, gates


def training_bytes(config: Mapping[str, Any], batch: int, steps: int) -> int:
    """Parameters, gradients, a backup and two optimizer slots (Adam's moments) per parameter,
    plus the training step's buffers: (5 gates + 4) values per hidden unit, step, sequence,
    layer and direction (pre-activations, gate values and states forward, their gradients
    back), an upper estimate of what tracemalloc measures (tests/cli/test_sizes.py)."""
    n, gates = model_size(config)
    units = config["n_hidden"] * config.get("n_layers", 1) * (2 if config.get("bidirectional") else 1)
    return 5 * n * FLOAT + (5 * gates + 4) * units * batch * steps * FLOAT


def check(nbytes_needed: int, what: str, command: str) -> None:
    """UsageError when `what` needs more memory than is available now."""
    try:
        _memory.check_fits(nbytes_needed, what)
    except ValueError as err:
        raise UsageError(f"rnnlab {command}: error: {err}") from None


def shape_text(shapes: Mapping[str, tuple[tuple[int, ...], int]]) -> str:
    return ", ".join(f"{k} {tuple(s)}" for k, (s, _) in shapes.items())


def float_array(shape: Sequence[int]) -> int:
    """Bytes of a float32 array of `shape` (Python integers: no overflow)."""
    return nbytes(shape, np.dtype(np.float32).itemsize)
