"""Saving and loading models: a folder with params.npz and config.json, never a pickle.

    path/config.json   {"format": "rnnlab-model", "version": 1, "rnnlab": "x.y.z", "config": {...}}
    path/params.npz    one array per parameter path ("layers.0.W11", "output.W1", ...)

Each file is written to a temporary name in the same folder and renamed into place, so a reader
never sees a half-written file. rnnlab.load() rebuilds the model from the configuration, and
assign() refuses any archive whose arrays do not match it (missing, extra, wrong shape or
dtype). This module reads and writes files only: it never imports the model.
"""
from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from ._tree import leaves, path_str

FORMAT, VERSION = "rnnlab-model", 1


def atomic_write(path, write):
    """Call write(file_object) on a temporary file beside `path`, then rename it to `path`."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_model(path, config: dict, arrays: dict):
    """Write a model's configuration and arrays (keyed by parameter path) into folder `path`:
    params.npz, then config.json. Everything that can fail (the configuration as JSON) is
    prepared before the first write."""
    from . import __version__
    doc = {"format": FORMAT, "version": VERSION, "rnnlab": __version__, "config": config}
    text = json.dumps(doc, indent=2).encode()
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    atomic_write(path / "params.npz", lambda f: np.savez(f, **arrays))
    atomic_write(path / "config.json", lambda f: f.write(text))


def read_config(path) -> dict:
    """The model configuration stored in folder `path` (ValueError when absent or malformed)."""
    path = Path(path)
    try:
        doc = json.loads((path / "config.json").read_text())
    except FileNotFoundError:
        raise ValueError(f"{path} is not a saved model: {path / 'config.json'} is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{path / 'config.json'} is not readable JSON: {err}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or "config" not in doc:
        raise ValueError(f"{path / 'config.json'} is not an rnnlab model configuration")
    if doc.get("version") != VERSION:
        raise ValueError(f"{path / 'config.json'} has format version {doc.get('version')!r}; "
                         f"this rnnlab reads version {VERSION}")
    return doc["config"]


def load_arrays(file) -> dict:
    """All arrays of an .npz file, refusing pickled objects (ValueError on any problem)."""
    try:
        with np.load(file, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except FileNotFoundError:
        raise ValueError(f"{file} is missing") from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as err:
        raise ValueError(f"{file} is not a readable .npz archive of plain arrays: {err}") from None


def read_model(path) -> tuple[dict, dict]:
    """The configuration and the arrays stored in model folder `path` (ValueError on any problem).
    The model builds itself from them (rnnlab.load); this module never imports the model."""
    path = Path(path)
    return read_config(path), load_arrays(path / "params.npz")


def assign(params, arrays, source="arrays"):
    """Copy arrays (keyed by parameter path) into the live parameter tree `params`, checking
    names, shapes, dtypes and finiteness of every array before the first copy."""
    expected = {path_str(p): a for p, a in leaves(params)}
    missing = sorted(set(expected) - set(arrays))
    extra = sorted(set(arrays) - set(expected))
    if missing or extra:
        raise ValueError(f"{source} does not match the model's configuration: "
                         f"missing {missing or 'none'}, unexpected {extra or 'none'}")
    for key, target in expected.items():
        arr = arrays[key]
        if arr.shape != target.shape or arr.dtype != target.dtype:
            raise ValueError(f"{source}: {key} has shape {arr.shape} and dtype {arr.dtype}, the "
                             f"configuration needs {target.shape} and {target.dtype}")
        if not np.isfinite(arr).all():
            raise ValueError(f"{source}: {key} contains NaN or inf")
    for key, target in expected.items():
        target[...] = arrays[key]
