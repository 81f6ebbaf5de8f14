"""Saved models: a folder with config.json and params.npz, written whole and read with checks.

    FOLDER/config.json   {"format": "rnnlab-model", "version": 1, "rnnlab": "x.y.z",
                          "config": {...the constructor arguments (RNN.get_config())...}}
    FOLDER/params.npz    one array per parameter path ("layers.0.W11", "output.W1", ...)

The "format" field marks a folder that rnnlab wrote: only such a folder is replaced by a save
(with overwrite=True), and only when it holds nothing besides these files (and a training
checkpoint's optimizer.npz). This module never imports the model. read_model takes two
functions from it: one that computes the parameter shapes a configuration implies (without
allocating), and one that builds the model.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from .arrays import read_npz
from . import files
from .files import CheckpointError
from .folders import Folder, write_folder
from .._types import Array, StrPath

FORMAT, VERSION = "rnnlab-model", 1
FILES = ("config.json", "params.npz")
EXTRAS = ("optimizer.npz",)                   # what a training checkpoint adds
READ_ATTEMPTS = 10                            # reads of a folder that saves keep replacing


def is_model_folder(path: StrPath) -> bool:
    """Whether folder `path` holds a config.json in rnnlab's model format.

    Parameters
    ----------
    path : str or Path
        The folder.

    Returns
    -------
    bool
    """
    try:
        with Folder(path) as folder:
            doc = folder.read_json("config.json")
    except CheckpointError:
        return False
    return isinstance(doc, dict) and doc.get("format") == FORMAT


def npz_writer(arrays: dict) -> Callable[[BinaryIO], None]:
    """write(file_object) for an .npz of `arrays` (plain arrays only, never pickled).

    Parameters
    ----------
    arrays : dict of str to ndarray
        The arrays, by name.

    Returns
    -------
    callable
        ``write(file_object)``, as `write_folder` and `atomic_write` take.
    """
    return lambda f: files.savez_plain(f, arrays)


def write_model(path: StrPath, config: dict, arrays: dict, *, overwrite: bool = False,
                extra: dict[str, Callable[[BinaryIO], object]] | None = None) -> Path:
    """Write a saved-model folder at `path`, atomically (rnnlab.io.folders.write_folder):
    params.npz from `arrays`, config.json from `config`, and `extra` {name: write(f)} files.
    Everything that can fail before writing (the configuration as JSON) is done first.

    Parameters
    ----------
    path : str or Path
        The model's folder.
    config : dict
        The model's configuration (JSON-ready).
    arrays : dict of str to ndarray
        The parameters, by path ("layers.0.W11").
    overwrite : bool
        Whether an existing model folder is replaced.
    extra : dict of str to callable, optional
        More files, ``{name: write(file_object)}``.

    Returns
    -------
    Path
        The folder.
    """
    from .. import __version__
    doc = {"format": FORMAT, "version": VERSION, "rnnlab": __version__, "config": config}
    text = json.dumps(doc, indent=2).encode()
    contents = {"params.npz": npz_writer(arrays), "config.json": lambda f: f.write(text),
                **(extra or {})}
    return write_folder(path, contents, overwrite=overwrite, ours=is_model_folder,
                        allowed=FILES + EXTRAS, kind="saved model")


def read_config(folder: Folder) -> dict:
    """The configuration in `folder`/config.json, checked for rnnlab's format.

    Parameters
    ----------
    folder : Folder
        The model's folder, opened.

    Returns
    -------
    dict

    Raises
    ------
    CheckpointError
        Naming the file.
    """
    shown = folder.path / "config.json"
    if not folder.exists("config.json"):
        raise CheckpointError(f"{folder.path} is not a saved model: {shown} is missing")
    doc = folder.read_json("config.json")
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(
            doc.get("config"), dict):
        raise CheckpointError(f"{shown} is not an rnnlab model configuration")
    if doc.get("version") != VERSION or isinstance(doc.get("version"), bool):
        raise CheckpointError(f"{shown} has format version {doc.get('version')!r}; this rnnlab "
                              f"reads version {VERSION}")
    return doc["config"]


def read_model(path: StrPath,
               specs_of: Callable[[dict[str, Any]], dict[str, tuple[tuple[int, ...], Any]]],
               build: Callable[[dict[str, Any]], tuple[Any, dict[str, Array]]]) -> Any:
    """The model saved in folder `path`, checked before it is built:

    specs_of(config) -> {key: (shape, dtype)}, raising for a configuration the model refuses;
    build(config) -> (model, {key: its live array}) makes the model; its arrays are filled
    from params.npz only after every name, shape, dtype and size has been checked. Every
    failure is a CheckpointError that names the file. A folder replaced by a save while it
    was being read is read again (a reader sees the old model or the new one).

    Parameters
    ----------
    path : str or Path
        The model's folder.
    specs_of : callable
        ``specs_of(config) -> {key: (shape, dtype)}``.
    build : callable
        ``build(config) -> (model, {key: live array})``.

    Returns
    -------
    object
        The model `build` made, with its arrays filled.

    Raises
    ------
    CheckpointError
        For any problem, naming the file.
    """

    for attempt in range(READ_ATTEMPTS):
        with Folder(path) as here:
            try:
                return _read_model(here, specs_of, build)
            except CheckpointError:
                if attempt == READ_ATTEMPTS - 1 or not here.changed():
                    raise


def _read_model(here: Folder, specs_of: Callable[[dict[str, Any]], dict[str, Any]],
                build: Callable[[dict[str, Any]], tuple[Any, dict[str, Array]]]) -> Any:
    """read_model on the opened folder `here`."""
    config = read_config(here)
    try:
        specs = specs_of(config)
    except Exception as err:          # noqa: BLE001 -- any refusal of the configuration
        raise CheckpointError(f"{here.path / 'config.json'} holds an invalid configuration: "
                              f"{err}") from None
    made = []

    def targets():
        model, arrays = build(config)
        made.append(model)
        return arrays
    shown = here.path / "params.npz"
    arrays = read_npz("params.npz", specs=specs, targets=targets, follow=False,
                      dir_fd=here.fd, shown=shown)
    for key, a in arrays.items():
        if not np.isfinite(a).all():
            raise CheckpointError(f"{shown}: {key} contains NaN or inf")
    return made[0]
