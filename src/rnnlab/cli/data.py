"""User data for train, eval and predict: the arrays of an .npz file checked before any use,
and the model shape they call for.

Every refusal is a UsageError naming the file and the array (X, Y or mask), so that a scalar
Y, a string array or a float64 value float32 cannot hold never reaches NumPy or the model as
a confusing error.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .common import UsageError
from .._types import Array


def check_arrays(arrays: Mapping[str, Array], source: str, command: str) -> None:
    """The arrays of a data file, checked before any use: numbers only (a UsageError naming the
    file and the array otherwise), one row per sequence, values that float32 can hold. How
    the shapes fit a model is the model's check (check_data), made next."""
    f32 = float(np.finfo(np.float32).max)
    for name in ("X", "Y", "mask"):
        if name not in arrays:
            continue
        a = arrays[name]
        what = f"rnnlab {command}: error: {source}: {name}"
        if a.dtype.kind not in "biuf":
            raise UsageError(f"{what} must hold numbers (bool, int or float), got dtype {a.dtype}")
        if a.ndim == 0:
            raise UsageError(f"{what} must have one row per sequence, got a scalar")
        if len(a) == 0:
            raise UsageError(f"{what} holds no sequences (shape {a.shape})")
        if a.dtype.kind == "f" and name != "mask":
            bad = a.size - int(np.count_nonzero(np.isfinite(a)))
            if bad:
                raise UsageError(f"{what} contains {bad} NaN or inf value(s); clean the data "
                                 f"first")
            if a.size and float(np.abs(a).max()) > f32:
                raise UsageError(f"{what} overflows float32, the model's dtype (largest "
                                 f"magnitude {float(np.abs(a).max()):.3g} > {f32:.3g})")


def infer_model_args(X: Array, Y: Array, output: str | None, mapping: str | None,
                     source: str) -> tuple[int, int, str, str]:
    """(n_in, n_out, output, mapping) for user data."""
    if X.ndim != 3:
        raise UsageError(f"rnnlab train: error: {source}: X must have shape (batch, steps, "
                         f"features), got {X.shape}")
    if 0 in X.shape:
        raise UsageError(f"rnnlab train: error: {source}: X must have at least one step and "
                         f"one feature, got shape {X.shape}")
    labels = Y.dtype.kind in "iub" and output == "softmax"
    if mapping is None:
        aligned = Y.ndim == 3 or (labels and Y.ndim == 2 and Y.shape[1] == X.shape[1])
        mapping = "many-to-many" if aligned else "many-to-one"
    if labels and Y.size and int(Y.min()) < 0:
        raise UsageError(f"rnnlab train: error: {source}: Y holds class labels for "
                         f"--output softmax, which must be >= 0; got {int(Y.min())}")
    n_out = (int(Y.max()) + 1 if Y.size else 1) if labels else (Y.shape[-1] if Y.ndim > 1 else 1)
    if n_out < 1:
        raise UsageError(f"rnnlab train: error: {source}: Y has shape {Y.shape}: no output "
                         f"features")
    return X.shape[-1], max(n_out, 2) if labels else n_out, output or "identity", mapping
