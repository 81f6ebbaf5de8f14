"""Type aliases for the package's annotations (no behaviour).

Array is any NumPy array; State a cell's state tuple, (h,) or (h, c), each (B, H); Params one
cell's (or the output layer's) parameters by name, as in DESIGN.md section 3; StrPath a
file or folder path (a str or an os.PathLike such as pathlib.Path); Seed what a random_state
argument takes (None, an int, a sequence of ints, a SeedSequence or a Generator); Batches a
batch source for fit: a callable returning an iterable of (X_b, Y_b[, mask_b]), or such an iterable;
MetricSpec the metrics fit takes: None, a name or a function f(y_pred, Y, mask, output), or a list.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

Array: TypeAlias = NDArray[Any]
State: TypeAlias = tuple[Array, ...]
Params: TypeAlias = dict[str, Array]
StrPath: TypeAlias = str | os.PathLike[str]
Seed: TypeAlias = int | Sequence[int] | np.random.SeedSequence | np.random.Generator | None
MetricSpec: TypeAlias = str | Callable[..., float] | Sequence[str | Callable[..., float]] | None
Batches: TypeAlias = Callable[[], Iterable[tuple[Any, ...]]] | Iterable[tuple[Any, ...]]
