"""The data files train, eval and predict read: what each format becomes, and its spec.

    --data FILE.npz                      arrays X, Y (and mask), as np.savez writes them
    --data X.npy --targets Y.npy         two .npy files (predict: X.npy alone)
    --data FILE.csv --window N --target COLUMN[,COLUMN] [--horizon H] [--columns ...]
                                         one series in time order, cut into forecasting windows
                                         (rnnlab.data.windows): inputs of N steps, the target
                                         columns H steps after each window; a many-to-one model
    --text FILE_OR_FOLDER [--window N]   a character language model: one-hot characters in,
                                         the next character out (softmax, many-to-many); a
                                         folder is read as its .txt files joined in name order

A run records these options in its train.json spec (the paths resolved), so --resume, eval and
predict read the data the same way. Every refusal is a UsageError naming the file (and, for
CSV, its row and column: rnnlab.data's readers say them).
"""
from __future__ import annotations

import os
from pathlib import Path
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import io
from . import sizes
from .common import UsageError, plural

if TYPE_CHECKING:
    from ..data.vocab import Vocabulary

TEXT_WINDOW = 32          # --text: characters per training sequence when --window is not given
VOCAB = "vocab.json"      # the vocabulary of a character model, in its run folder
SERIES_KEYS = ("window", "horizon", "target", "columns")
SPEC_DEFAULTS = {"targets": None, "text": None, "window": None, "horizon": None,
                 "target": None, "columns": None}


def kind(path: Path) -> str:
    """"npz", "npy" or "csv": the format of a data file, from its first bytes, else its name."""
    with open(path, "rb") as f:
        head = f.read(6)
    if head.startswith(b"PK") or Path(path).suffix.lower() == ".npz":
        return "npz"
    if head.startswith(b"\x93NUMPY") or Path(path).suffix.lower() == ".npy":
        return "npy"
    return "csv"


def column_list(text: str) -> list[str]:
    """An argparse type: COLUMN[,COLUMN...], each a header name or a 0-based index."""
    import argparse
    items = [c.strip() for c in str(text).split(",")]
    if not items or not all(items):
        raise argparse.ArgumentTypeError(f"expected column names or indices separated by "
                                         f"commas, got {text!r}")
    return items


def _columns(items):
    """Names stay names; digits become 0-based indices."""
    return None if items is None else [int(c) if c.isdigit() else c for c in items]


def load_npz(path: Path, need: Sequence[str] = ("X", "Y"), command: str = "train") -> dict:
    """The arrays of an .npz file, with the named ones present (UsageError otherwise)."""
    if not os.path.lexists(path):
        raise UsageError(f"rnnlab {command}: error: data file {path} does not exist")
    try:
        arrays = io.read_npz(path)
    except io.CheckpointError as err:
        raise UsageError(f"rnnlab {command}: error: {err}") from None
    missing = [k for k in need if k not in arrays]
    if missing:
        raise UsageError(f"rnnlab {command}: error: {path} must hold arrays {', '.join(need)}; "
                         f"missing {', '.join(missing)} (found: {', '.join(arrays) or 'none'})")
    return arrays


def check_options(spec: Any, command: str) -> str:
    """Options that do not apply to the data's format are refused (they would be ignored)."""
    fmt = "text" if spec.get("text") else kind(spec["data"]) if spec.get("data") else "task"
    wrong = []
    if spec.get("targets") is not None and fmt != "npy":
        wrong.append("--targets")
    allowed = {"csv": SERIES_KEYS, "text": ("window",)}.get(fmt, ())
    wrong += [f"--{k}" for k in SERIES_KEYS if spec.get(k) is not None and k not in allowed]
    if wrong:
        what = {"task": "--task", "text": "--text"}.get(fmt, f"a .{fmt} file")
        raise UsageError(f"rnnlab {command}: error: {' and '.join(wrong)} "
                         f"{'applies' if len(wrong) == 1 else 'apply'} to other data than "
                         f"{what} (it would be ignored)")
    return fmt


def read(spec: Any, command: str = "train", need_y: bool = True,
         vocab: Vocabulary | None = None) -> dict:
    """{"X", "Y", "mask", "source", "vocab"} from a spec's data options. need_y=False (predict):
    the inputs only; a CSV then gives every window, the last one ending at the last row."""
    fmt = check_options(spec, command)
    if fmt == "text":
        return _text(spec, command, vocab)
    path = Path(spec["data"])
    if fmt == "npz":
        arrays = load_npz(path, need=("X", "Y") if need_y else ("X",), command=command)
        return dict(X=arrays["X"], Y=arrays.get("Y"), mask=arrays.get("mask"),
                    source=str(path), vocab=None)
    if fmt == "npy":
        return _npy(path, spec, command, need_y)
    return _csv(path, spec, command, need_y)


def _refuse(command, err):
    return UsageError(f"rnnlab {command}: error: {err}")


def _npy(path, spec, command, need_y):
    from ..data import read_npy
    if need_y and spec.get("targets") is None:
        raise UsageError(f"rnnlab {command}: error: {path} is a .npy file (one array): give the "
                         f"targets as a second one with --targets Y.npy, or both in an .npz "
                         f"archive (np.savez(path, X=X, Y=Y))")
    try:
        X = read_npy(path)
        Y = read_npy(spec["targets"]) if need_y else None
    except (ValueError, OSError) as err:
        raise _refuse(command, err) from None
    source = str(path) if Y is None else f"{path} and {spec['targets']}"
    return dict(X=X, Y=Y, mask=None, source=source, vocab=None)


def _csv(path, spec, command, need_y):
    from ..data import read_csv, windows
    if spec.get("window") is None or spec.get("target") is None:
        raise UsageError(f"rnnlab {command}: error: {path} is a CSV file: give --window N and "
                         f"--target COLUMN to cut its series into forecasting windows")
    target = _columns(spec["target"])
    inputs = _columns(spec.get("columns"))
    wanted = None if inputs is None else inputs + [t for t in target if t not in inputs]
    try:
        values, names = read_csv(path, columns=wanted)
    except (ValueError, TypeError, OSError) as err:
        raise _refuse(command, err) from None
    picked = [_index(t, names, wanted, path, command) for t in target]
    window, horizon = spec["window"], spec.get("horizon") or 1
    n = max(0, len(values) - window - (horizon if need_y else 0) + 1)
    sizes.check(sizes.float_array((n, window, values.shape[1])), f"the windows of {path} "
                f"with --window {window} ({n}, {window}, {values.shape[1]})", command)
    try:
        if need_y:
            X, Y = windows(values, window, horizon=horizon, target=picked)
        else:                                          # every window, to the last row
            pad = np.zeros((horizon, values.shape[1]), values.dtype)
            X, Y = windows(np.concatenate([values, pad]), window, horizon=horizon)[0], None
    except ValueError as err:
        raise _refuse(command, f"{path}: {err}") from None
    return dict(X=X, Y=Y, mask=None, source=str(path), vocab=None, window=window,
                horizon=horizon, target_names=[names[i] for i in picked])


def _index(t, names, wanted, path, command):
    """The position among the columns read of a --target item (a name or a file index)."""
    if isinstance(t, str):
        if t not in names:
            raise UsageError(f"rnnlab {command}: error: {path} has no column {t!r}; its columns "
                             f"are {', '.join(map(repr, names))}")
        return names.index(t)
    if wanted is None:
        if t >= len(names):
            raise UsageError(f"rnnlab {command}: error: {path} has {len(names)} columns; "
                             f"--target index {t} is out of range")
        return t
    return wanted.index(t)


def read_text_source(path: Path, command: str) -> str:
    """The text of a file, or of a folder's .txt files joined in name order."""
    from ..data import read_text
    files = sorted(p for p in path.iterdir() if p.suffix == ".txt" and p.is_file()) \
        if path.is_dir() else [path]
    if not files:
        raise UsageError(f"rnnlab {command}: error: folder {path} holds no .txt file")
    try:
        text = "\n".join(read_text(p) for p in files)
    except (ValueError, OSError) as err:
        raise _refuse(command, err) from None
    return text


def _text(spec, command, vocab):
    from ..data import Vocabulary
    path = Path(spec["text"])
    text = read_text_source(path, command)
    vocab = vocab or Vocabulary.from_text(text, level="char")
    T = spec.get("window") or TEXT_WINDOW
    ids = vocab.encode(text)
    n = (len(ids) - 1) // T
    if n < 1:
        raise UsageError(f"rnnlab {command}: error: {path} holds "
                         f"{plural(len(ids), 'character')}; sequences of --window {T} need at "
                         f"least {T + 1}")
    sizes.check(sizes.float_array((n, T, len(vocab))), f"{path} as one-hot characters "
                f"({n}, {T}, {len(vocab)})", command)
    X = vocab.one_hot(ids[:n * T].reshape(n, T))              # (n, T, V)
    Y = ids[1:n * T + 1].reshape(n, T)                         # the next character of each step
    return dict(X=X, Y=Y, mask=None, source=str(path), vocab=vocab)


def write_vocab(folder: Path, vocab: Vocabulary) -> None:
    """vocab.json: {"symbols": [...], "level": "char"}, so rl.data.Vocabulary(**doc) reads it
    (index 0, the unknown symbol, is implied)."""
    io.write_json(folder / VOCAB, {"symbols": vocab.symbols[1:], "level": vocab.level},
                  overwrite=True)


def read_vocab(folder: Path, command: str) -> Vocabulary:
    """The vocabulary a character model's run folder holds (UsageError when it has none)."""
    from ..data import Vocabulary
    path = Path(folder) / VOCAB
    if not path.is_file():
        raise UsageError(f"rnnlab {command}: error: {folder} holds no {VOCAB}: it is not a "
                         f"character model trained with rnnlab train --text")
    doc = io.read_json(path)
    try:
        return Vocabulary(doc["symbols"], level=doc["level"])
    except (KeyError, TypeError, ValueError) as err:
        raise UsageError(f"rnnlab {command}: error: {path} is not a vocabulary: {err}") from None
