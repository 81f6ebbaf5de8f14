"""Reading .npz archives of plain arrays, checked before a byte of data is read.

An .npz file is a zip of NAME.npy members. `read_npz` checks it in a fixed order:

1. The member names come from the zip directory. With `specs` (the names, shapes and dtypes the
   reader expects), a missing member or one that should not be there is refused at this point.
   Nothing has been decompressed yet.
2. Each member must use a compression method that numpy writes (stored or deflated) and must not
   be encrypted. Its .npy header (format version, dtype, shape, order) is read through the zip
   without reading the data behind it. Object arrays are refused, so nothing is ever unpickled.
   A header that disagrees with the specs is refused, and so is a size declared in the directory
   that disagrees with the header.
3. The total size is checked against the memory available (and against `max_bytes`) before
   anything is allocated.
4. The data are then read straight into their arrays. The zip layer checks each member's CRC-32.
   Any failure on the way, whatever exception the zip or npy layers raise, becomes one
   CheckpointError that names the file.
"""
from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.lib import format as npy
from numpy.typing import DTypeLike

from .. import _memory
from .files import CheckpointError, open_regular
from .._types import Array, StrPath

METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
KINDS = "biufc"                # bool, integers, floats, complex: the plain numbers


class _CallerError(Exception):
    """Carries an error of the caller's (the targets function) through the archive's handlers."""

    def __init__(self, original):
        super().__init__(str(original))
        self.original = original


def _member_headers(zf, infos, shown):
    """{key: (shape, fortran_order, dtype, header_bytes)} for each member, from its .npy header
    (a few hundred bytes are decompressed per member, never the data)."""
    out = {}
    for key, info in infos.items():
        if info.compress_type not in METHODS:
            raise CheckpointError(f"{shown}: member {info.filename} uses compression method "
                                  f"{info.compress_type}; numpy writes stored or deflated only")
        if info.flag_bits & 0x1:
            raise CheckpointError(f"{shown}: member {info.filename} is encrypted")
        with zf.open(info) as f:
            version = npy.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = npy.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, fortran, dtype = npy.read_array_header_2_0(f)
            else:
                raise CheckpointError(f"{shown}: member {info.filename} has .npy format version "
                                      f"{version}; rnnlab reads 1.0 and 2.0")
            header = f.tell()
        if dtype.hasobject or dtype.kind not in KINDS or dtype.fields is not None:
            raise CheckpointError(f"{shown}: {key} has dtype {dtype}; rnnlab reads arrays of plain "
                                  f"numbers only (never pickled objects)")
        nbytes = _nbytes(shape, dtype)
        if info.file_size != header + nbytes:
            raise CheckpointError(f"{shown}: {key} declares {info.file_size} bytes, but its header "
                                  f"(shape {shape}, {dtype}) means {header + nbytes}")
        out[key] = (shape, fortran, dtype, header)
    return out


def _nbytes(shape: tuple[int, ...], dtype: DTypeLike) -> int:
    n = np.dtype(dtype).itemsize
    for d in shape:
        n *= int(d)
    return n


def _directory(zf, shown, specs):
    """{key: ZipInfo} of the archive's members, checked against `specs` by name only."""
    infos = {}
    for info in zf.infolist():
        name = info.filename
        if not name.endswith(".npy") or name[:-4] in infos:
            raise CheckpointError(f"{shown}: member {name!r} is not one .npy array of an .npz "
                                  f"archive")
        infos[name[:-4]] = info
    if specs is not None:
        missing, extra = sorted(set(specs) - set(infos)), sorted(set(infos) - set(specs))
        if missing or extra:
            raise CheckpointError(f"{shown} does not match the model's configuration: missing "
                                  f"{missing or 'none'}, unexpected {extra or 'none'}")
    return infos


def _check_specs(headers, specs, shown):
    for key, (shape, dtype) in specs.items():
        got_shape, _, got_dtype, _ = headers[key]
        if tuple(got_shape) != tuple(shape) or got_dtype != np.dtype(dtype):
            raise CheckpointError(f"{shown}: {key} has shape {tuple(got_shape)} and dtype "
                                  f"{got_dtype}, the configuration needs {tuple(shape)} and "
                                  f"{np.dtype(dtype)}")


def _fill(zf, info, header, target, fortran):
    """Read one member's data into `target` (C order; a Fortran-order member through a buffer)."""
    buf = np.empty(target.shape[::-1], target.dtype).T if fortran else target
    raw = memoryview(buf.T if fortran else buf).cast("B") if buf.size else memoryview(b"")
    with zf.open(info) as f:
        f.read(header)
        done = 0
        while done < len(raw):
            n = f.readinto(raw[done:])
            if not n:
                raise CheckpointError("ended before its data")
            done += n
        if f.read(1):                  # also where zipfile checks the CRC-32
            raise CheckpointError("holds more data than its header says")
    if fortran:
        target[...] = buf


def read_npz(path: StrPath, *, specs: dict[str, tuple[tuple[int, ...], Any]] | None = None,
             targets: Callable[[], dict[str, Array]] | None = None, max_bytes: int | None = None,
             follow: bool = True, dir_fd: int | None = None, shown: StrPath | None = None) -> dict:
    """{key: array} of the .npz file `path`, checked as the module docstring says.

    specs: {key: (shape, dtype)} that must match exactly (None: any plain arrays).
    targets: a function called once everything is checked and before any data is read; it
    returns {key: array} to read into (e.g. a new model's parameters). By default new arrays.
    max_bytes: refuse archives whose arrays hold more.

    Parameters
    ----------
    path : str or Path
        The .npz file.
    specs : dict, optional
        ``{key: (shape, dtype)}`` that must match exactly.
    targets : callable, optional
        ``targets() -> {key: array}`` to read into.
    max_bytes : int, optional
        The largest total size accepted.
    follow : bool
        Whether a symbolic link at `path` is followed.
    dir_fd : int, optional
        A folder's file descriptor that `path` is relative to.
    shown : str, optional
        The name errors show for the file.

    Returns
    -------
    dict of str to ndarray

    Raises
    ------
    CheckpointError
        For any problem (and only that).
    """

    shown = shown or path
    fd, size = open_regular(path, follow=follow, dir_fd=dir_fd, shown=shown)
    if os.pread(fd, 6, 0) == b"\x93NUMPY":
        os.close(fd)
        raise CheckpointError(f"{shown} is a .npy file (one array); an .npz archive is needed "
                              f"(np.savez(path, X=..., Y=...))")
    if specs is not None:              # the directory is parsed before any check: bound it first
        largest = sum(_nbytes(s, d) for s, d in specs.values()) + 4096 * len(specs) + 65536
        if size > largest:
            os.close(fd)
            raise CheckpointError(f"{shown} is {size} bytes, larger than an archive of the "
                                  f"configuration's arrays can be ({largest} bytes at most)")
    try:
        with os.fdopen(fd, "rb") as f:
            return _read(f, size, shown, specs, targets, max_bytes)
    except _CallerError as err:
        raise err.original
    except CheckpointError as err:
        message = str(err)
        raise CheckpointError(message if message.startswith(str(shown))
                              else f"{shown}: {message}") from None
    except Exception as err:     # noqa: BLE001 -- a damaged zip raises many types; all are one
        raise CheckpointError(f"{shown} is not a readable .npz archive of plain arrays "
                              f"({type(err).__name__}: {err})") from None


def _read(f, size, shown, specs, targets, max_bytes):
    with zipfile.ZipFile(f) as zf:
        infos = _directory(zf, shown, specs)
        headers = _member_headers(zf, infos, shown)
        if specs is not None:
            _check_specs(headers, specs, shown)
        total = sum(_nbytes(h[0], h[2]) for h in headers.values())
        if max_bytes is not None and total > max_bytes:
            raise CheckpointError(f"{shown} holds {total} bytes of arrays, more than the "
                                  f"{max_bytes} expected")
        try:
            _memory.check_fits(total, f"reading {shown}")
        except ValueError as err:
            raise CheckpointError(str(err)) from None
        try:
            out = targets() if targets is not None else {
                k: np.empty(h[0], h[2]) for k, h in headers.items()}
        except Exception as err:                                  # noqa: BLE001
            raise _CallerError(err) from None
        for key, info in infos.items():
            shape, fortran, dtype, header = headers[key]
            target = out[key]
            if target.shape != tuple(shape) or target.dtype != dtype or not (
                    target.flags.c_contiguous and target.flags.writeable):
                raise _CallerError(ValueError(f"cannot read {key} into the array given"))
            try:
                _fill(zf, info, header, target, fortran)
            except CheckpointError as err:
                raise CheckpointError(f"{shown}: {key} {err}") from None
        return out
