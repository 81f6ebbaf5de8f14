"""Readers for the files people keep their data in: CSV, .npy, .npz and plain text.

Every reader accepts regular files only (a FIFO or a device would block or never end), never
unpickles anything, and names the file (and the row and column, for CSV) in its errors.
"""
from __future__ import annotations

import csv
import io
import math
import os
import stat
import zipfile
from pathlib import Path
from collections.abc import Sequence

import numpy as np
from numpy.typing import DTypeLike

from .._types import Array, StrPath

MISSING = {"", "na", "nan", "n/a", "null", "none", "-", "?"}


def _regular(path: StrPath, what: str) -> Path:
    """`path` as a Path if it names a regular file (symlinks to one are fine), else an error."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what} path must be a str or a path, got {type(path).__name__}")
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    except OSError as err:
        raise ValueError(f"{path}: cannot read: {err.strerror or err}") from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise ValueError(f"{path} is {kind}; expected a {what} file")
    return path


def read_csv(path: StrPath, columns: Sequence[int | str] | None = None,
             header: bool | str = "infer", delimiter: str = ",",
             dtype: DTypeLike = np.float64) -> tuple[Array, list[str]]:
    """A table of numbers from a CSV file.

    Parameters
    ----------
    path : str or path
    columns : list of str or int, optional
        The columns to keep, by header name or by index (0-based); default all.
    header : {"infer", True, False}
        Whether the first row names the columns. "infer": it does when any of its cells is not
        a number.
    delimiter : str
    dtype : numpy float dtype

    Returns
    -------
    values : ndarray (N, C)
    names : list of str
        The column names (from the header, else "0", "1", ...).

    Raises
    ------
    ValueError
        Naming the file, row (1-based, as an editor shows it) and column of a missing value, a
        cell that is not a number, a row with another number of cells, an empty file, or bytes
        that are not text.
    """
    path = _regular(path, "CSV")
    if header not in ("infer", True, False):
        raise ValueError(f"header must be 'infer', True or False, got {header!r}")
    text = read_text(path, what="CSV")
    rows = [(n, r) for n, r in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter),
                                         start=1) if any(c.strip() for c in r)]
    if not rows:
        raise ValueError(f"{path} is empty: no rows")
    first = [c.strip() for c in rows[0][1]]
    has_header = header is True or (header == "infer" and not all(_is_number(c) for c in first))
    names = first if has_header else [str(i) for i in range(len(first))]
    body = rows[1:] if has_header else rows
    if not body:
        raise ValueError(f"{path} has a header but no data rows")
    keep = _pick(columns, names, path)
    out = np.empty((len(body), len(keep)), dtype=dtype)
    for i, (line, row) in enumerate(body):
        if len(row) != len(names):
            raise ValueError(f"{path}, row {line}: {len(row)} cells, expected {len(names)} "
                             f"(as in row {rows[0][0]})")
        for j, c in enumerate(keep):
            cell = row[c].strip()
            if cell.lower() in MISSING:
                raise ValueError(f"{path}, row {line}, column {names[c]!r}: missing value "
                                 f"{cell!r}; fill or drop it before training")
            try:
                v = float(cell)
            except ValueError:
                raise ValueError(f"{path}, row {line}, column {names[c]!r}: {cell!r} is not a "
                                 f"number") from None
            if not math.isfinite(v):
                raise ValueError(f"{path}, row {line}, column {names[c]!r}: {cell!r} is not "
                                 f"finite")
            out[i, j] = v
    if not np.isfinite(out).all():
        raise ValueError(f"{path}: a value overflows {np.dtype(dtype).name}")
    return out, [names[c] for c in keep]


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _pick(columns, names, path):
    if columns is None:
        return list(range(len(names)))
    items = [columns] if isinstance(columns, (str, int)) else list(columns)
    if not items:
        raise ValueError("columns must name at least one column")
    out = []
    for c in items:
        if isinstance(c, str):
            if c not in names:
                raise ValueError(f"{path} has no column {c!r}; its columns are "
                                 f"{', '.join(map(repr, names))}")
            out.append(names.index(c))
        elif isinstance(c, (int, np.integer)) and not isinstance(c, bool):
            if not -len(names) <= c < len(names):
                raise ValueError(f"{path} has {len(names)} columns; column index {c} is out "
                                 f"of range")
            out.append(int(c) % len(names))
        else:
            raise TypeError(f"columns must hold names or indices, got {type(c).__name__}")
    return out


def read_npy(path: StrPath) -> Array:
    """The array in a .npy file (no pickled objects).

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    ndarray

    Raises
    ------
    ValueError
        If the file is not a readable .npy file of plain numbers (an .npz archive included).
    """
    path = _regular(path, ".npy")
    try:
        arr = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as err:
        raise ValueError(f"{path} is not a readable .npy file of plain numbers: {err}") from None
    if not isinstance(arr, np.ndarray):
        raise ValueError(f"{path} is an .npz archive, not an .npy file; read it with read_npz")
    return arr


def read_npz(path: StrPath, names: Sequence[str] | None = None) -> dict:
    """The arrays of an .npz file, by name (no pickled objects).

    Parameters
    ----------
    path : str or Path
        The file.
    names : list of str, optional
        The arrays to read; default all.

    Returns
    -------
    dict of str to ndarray

    Raises
    ------
    ValueError
        If the file is not a readable .npz archive of plain arrays, or lacks one of `names`.
    """
    path = _regular(path, ".npz")
    try:
        z = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, NotImplementedError,
            RuntimeError) as err:
        raise ValueError(f"{path} is not a readable .npz archive of plain arrays: {err}") from None
    if isinstance(z, np.ndarray):
        raise ValueError(f"{path} is an .npy file, not an .npz archive; read it with read_npy")
    with z:
        missing = [n for n in (names or ()) if n not in z.files]
        if missing:
            raise ValueError(f"{path} has no array {missing[0]!r} (it has "
                             f"{', '.join(z.files) or 'none'})")
        try:
            return {k: z[k] for k in (names or z.files)}
        except (ValueError, OSError, EOFError, zipfile.BadZipFile, NotImplementedError,
                RuntimeError) as err:
            raise ValueError(f"{path} is not a readable .npz archive of plain arrays: "
                             f"{err}") from None


def read_text(path: StrPath, encoding: str = "utf-8", what: str = "text") -> str:
    """The text of a file; a binary file (NUL bytes, or bytes that are not `encoding`) is
    refused with the byte offset.

    Parameters
    ----------
    path : str or Path
        The file.
    encoding : str
        The text's encoding.
    what : str
        What the file should hold, for the error messages.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If the file holds a NUL byte or bytes that are not `encoding`.
    """

    path = _regular(path, what)
    data = path.read_bytes()
    nul = data.find(b"\0")
    if nul >= 0:
        raise ValueError(f"{path} is a binary file (a NUL byte at offset {nul}), not {what}")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise ValueError(f"{path} is not {encoding} text (byte offset {err.start})") from None
