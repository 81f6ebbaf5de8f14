"""Input validation shared by the model, the training loop and the CLI.

Every check raises TypeError or ValueError with a message that names the argument, what was
expected and what was given, so that a user never meets a bare broadcasting error from deep
inside a time loop.
"""
from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike


def as_array(value: Any, name: str, *, dtype: DTypeLike | None = None, ndim: int | None = None,
             finite: bool = True) -> np.ndarray:
    """`value` as a numeric ndarray (cast to `dtype` when given), checked for rank and finiteness.

    Accepted: bool, integer and real floating dtypes (float16 too); refused with a TypeError:
    complex, object, strings, dates. Finiteness is checked on the values as they are AND after
    the cast to `dtype`: a float64 1e39 that would become inf in float32 is a ValueError saying
    that `name` overflows float32, never a silent inf or NaN.
    """
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
    try:
        with warnings.catch_warnings():     # NumPy < 1.24 makes ragged nested lists an object
            warnings.simplefilter("error")  # array with a warning; 1.24 on raise ValueError
            arr = np.asarray(value)
    except (ValueError, TypeError, OverflowError, Warning) as err:
        raise TypeError(f"{name} must be an array of numbers: {err}") from None
    if arr.dtype.kind not in "biuf":
        what = {"c": "complex numbers are not supported", "O": "an object array",
                "U": "strings", "S": "bytes"}.get(arr.dtype.kind, f"dtype {arr.dtype}")
        raise TypeError(f"{name} must hold numbers (bool, int or float), got dtype {arr.dtype} "
                        f"({what})")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {want} dimensions, got shape {arr.shape}")
    if finite and arr.dtype.kind == "f" and not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} NaN or inf value(s); clean the data first")
    if dtype is not None and arr.dtype != dtype:
        with np.errstate(over="ignore", invalid="ignore"):
            cast = arr.astype(dtype)
        if finite and cast.dtype.kind == "f" and not np.isfinite(cast).all():
            raise ValueError(_overflow_message(arr, cast, name))
        arr = cast
    return arr


def _overflow_message(arr, cast, name):
    """What a cast that turned finite values into inf says: where, how large, the dtype's limit."""
    bad = ~np.isfinite(cast)
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    limit = np.finfo(cast.dtype).max
    return (f"{name} overflows {cast.dtype.name}: {int(bad.sum())} value(s) exceed its largest "
            f"finite value {limit:.4g} (e.g. {name}[{', '.join(map(str, first))}] = "
            f"{arr[first].item()!r}); scale the data or use dtype='float64'")


def check_finite_result(arr: np.ndarray, name: str, hint: str) -> np.ndarray:
    """`arr` if every value is finite, else a ValueError naming what produced it and why."""
    if not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name}: {bad} value(s) are not finite although the inputs are; {hint}")
    return arr


def as_mask(mask: Any, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """A boolean mask of exactly `shape` from 0/1 or bool values."""
    arr = as_array(mask, name)
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)} (batch, steps), got {arr.shape}")
    if arr.dtype != bool:
        if not np.isin(arr, (0, 1)).all():
            raise ValueError(f"{name} must hold only 0/1 or True/False values")
        arr = arr.astype(bool)
    return arr


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    """`value` if it is one of `choices`, else a ValueError listing them (a TypeError when the
    choices are names and `value` is not a string)."""
    if all(isinstance(c, str) for c in choices) and not isinstance(value, str):
        raise TypeError(f"{name} must be one of {', '.join(repr(c) for c in choices)}; got "
                        f"{type(value).__name__} {value!r}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(repr(c) for c in choices)}; got {value!r}")
    return value


def check_int(value: Any, name: str, *, minimum: int | None = None) -> int:
    """`value` as an int (bools refused), at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_float(value: Any, name: str, *, minimum: float | None = None,
                positive: bool = False) -> float:
    """`value` as a finite float, > 0 when positive, >= minimum when given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def check_bool(value: Any, name: str) -> bool:
    """`value` if it is True or False (numpy bools too), else a TypeError."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def check_random_state(random_state: Any, name: str = "random_state") -> np.random.Generator:
    """A numpy Generator from None, an int seed >= 0, a sequence of them (a seed sequence's
    entropy, e.g. [seed, round]), a SeedSequence or a Generator (returned as it is)."""
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.SeedSequence):
        return np.random.default_rng(random_state)
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        return np.random.default_rng(check_int(random_state, name, minimum=0))
    if isinstance(random_state, (list, tuple)) and random_state:
        return np.random.default_rng([check_int(v, f"{name}[{i}]", minimum=0)
                                      for i, v in enumerate(random_state)])
    raise TypeError(f"{name} must be None, an int, a list of ints or a numpy Generator, "
                    f"got {type(random_state).__name__} {random_state!r}")


def check_optional_bool(value: Any, name: str) -> bool | None:
    """None, or `value` as True/False (TypeError otherwise)."""
    return None if value is None else check_bool(value, name)


def check_callable(value: Any, name: str, *, optional: bool = True) -> Any:
    """`value` if it is callable (or None when optional), else a TypeError."""
    if (value is None and optional) or callable(value):
        return value
    raise TypeError(f"{name} must be a callable{' or None' if optional else ''}, "
                    f"got {type(value).__name__} {value!r}")
