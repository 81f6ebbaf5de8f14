"""Single files: the one path by which rnnlab reads and writes a file.

Reading: `open_regular` accepts regular files only. It checks with stat before opening, opens
with O_NONBLOCK (a FIFO cannot block it) and O_NOFOLLOW unless told to follow a link, and checks
the open file again with fstat. `read_json` adds a size limit, and every failure is a
CheckpointError that names the file.

Writing: `atomic_write` writes a temporary file beside the target, locked while it is written and
created with mode 0o666 so that the umask applies as it does for open(). The file is fsynced, then
renamed into place, and the folder is fsynced. The target appears whole or not at all. An existing
file is replaced only with overwrite=True. An OSError (a full disk, say) names the target, not the
temporary. Temporaries left by a process that died are removed by the next successful write of the
same target.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
from pathlib import Path
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from .._types import StrPath

try:
    import fcntl
except ImportError:                                   # Windows: no advisory locks, no cleaning
    fcntl = None  # type: ignore[assignment]  # the module is optional: None marks its absence

TMP = ".rnnlab-tmp-"          # .NAME.rnnlab-tmp-HEX: a temporary beside its target NAME
JSON_LIMIT = 1 << 20          # config.json and similar small documents: 1 MiB


class CheckpointError(ValueError):
    """A file or folder that rnnlab reads is missing, damaged, hostile or not one of rnnlab's: a
    saved model, a training run, a data archive. The message names the file. It is a ValueError,
    so code that caught ValueError before keeps working."""


def kind_of(mode: int) -> str:
    """What a file of stat mode `mode` is, in words ("a folder", "a FIFO", ...).

    Parameters
    ----------
    mode : int
        ``os.stat(...).st_mode``.

    Returns
    -------
    str
    """
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return name
    return "not a regular file"


def open_regular(path: StrPath, *, follow: bool = False, dir_fd: int | None = None,
                 shown: StrPath | None = None) -> tuple[int, int]:
    """(fd, size): `path` opened for reading, a regular file. Anything else is refused with a
    CheckpointError and never opened in a way that blocks or reads forever: a FIFO, a device, a
    folder, a socket, and a symbolic link unless follow=True (then its target must be regular).

    Parameters
    ----------
    path : str or Path
        The file.
    follow : bool
        Whether a symbolic link at `path` is followed (its target must be regular).
    dir_fd : int, optional
        A folder's file descriptor that `path` is relative to.
    shown : str, optional
        The name errors show for the file.

    Returns
    -------
    (int, int)
        The open file descriptor and the file's size.

    Raises
    ------
    CheckpointError
        For anything but a regular file.
    """
    shown = shown or path
    try:
        st = os.stat(path, dir_fd=dir_fd, follow_symlinks=follow)
    except FileNotFoundError:
        raise CheckpointError(f"{shown} is missing") from None
    except OSError as err:
        raise CheckpointError(f"{shown} cannot be read: {err.strerror or err}") from None
    if not stat.S_ISREG(st.st_mode):
        raise CheckpointError(f"{shown} is {kind_of(st.st_mode)}; rnnlab reads regular files only")
    flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
             | getattr(os, "O_CLOEXEC", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0)))
    try:
        fd = os.open(path, flags, dir_fd=dir_fd)
    except OSError as err:
        raise CheckpointError(f"{shown} cannot be opened: {err.strerror or err}") from None
    now = os.fstat(fd)
    if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
        os.close(fd)
        raise CheckpointError(f"{shown} changed while it was being opened")
    return fd, now.st_size


def read_bytes(path: StrPath, *, limit: int, follow: bool = False, dir_fd: int | None = None,
               shown: StrPath | None = None) -> bytes:
    """The content of the regular file `path`, refused (CheckpointError) beyond `limit` bytes.

    Parameters
    ----------
    path : str or Path
        The file.
    limit : int
        The largest size accepted.
    follow : bool
        Whether a symbolic link at `path` is followed (its target must be regular).
    dir_fd : int, optional
        A folder's file descriptor that `path` is relative to.
    shown : str, optional
        The name errors show for the file.

    Returns
    -------
    bytes

    Raises
    ------
    CheckpointError
        Beyond `limit`, or for anything but a regular file.
    """
    shown = shown or path
    fd, size = open_regular(path, follow=follow, dir_fd=dir_fd, shown=shown)
    with os.fdopen(fd, "rb") as f:
        if size > limit:
            raise CheckpointError(f"{shown} holds {size} bytes, more than the {limit} a file of "
                                  f"its kind may hold")
        try:
            data = f.read(limit + 1)
        except OSError as err:
            raise CheckpointError(f"{shown} cannot be read: {err.strerror or err}") from None
    if len(data) > limit:
        raise CheckpointError(f"{shown} grew beyond {limit} bytes while it was read")
    return data


def parse_json(data: bytes, shown: StrPath) -> Any:
    """The JSON document in `data` (UTF-8), or a CheckpointError naming `shown`.

    Parameters
    ----------
    data : bytes
        UTF-8 JSON.
    shown
        The file's name for the error.

    Returns
    -------
    object

    Raises
    ------
    CheckpointError
        For bytes that are not UTF-8 JSON.
    """
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise CheckpointError(f"{shown} is not UTF-8 text: {err}") from None
    except RecursionError:
        raise CheckpointError(f"{shown} is nested too deeply to be a document rnnlab "
                              f"wrote") from None
    except ValueError as err:
        raise CheckpointError(f"{shown} is not valid JSON: {err}") from None


def read_json(path: StrPath, *, limit: int = JSON_LIMIT, follow: bool = False,
              dir_fd: int | None = None, shown: StrPath | None = None) -> Any:
    """The JSON document in the regular file `path` (at most `limit` bytes).

    Parameters
    ----------
    path : str or Path
        The file.
    limit : int
        The largest size accepted.
    follow : bool
        Whether a symbolic link at `path` is followed (its target must be regular).
    dir_fd : int, optional
        A folder's file descriptor that `path` is relative to.
    shown : str, optional
        The name errors show for the file.

    Returns
    -------
    object

    Raises
    ------
    CheckpointError
        For a file that is not JSON, too large or not regular.
    """
    shown = shown or path
    return parse_json(read_bytes(path, limit=limit, follow=follow, dir_fd=dir_fd, shown=shown),
                      shown)


# -- writing ---------------------------------------------------------------------------------------
def named(err: OSError, path: StrPath) -> OSError:
    """The OSError `err`, made to name `path` (the file the user asked for, not a temporary).

    Parameters
    ----------
    err : OSError
        The error.
    path : str or Path
        The file to name.

    Returns
    -------
    OSError
    """
    if err.errno is None:
        return OSError(f"cannot write {path}: {err}")
    return OSError(err.errno, err.strerror or str(err), str(path))


def lock(fd: int) -> None:
    """An exclusive advisory lock, held until fd is closed: a temporary being written is locked,
    so that a cleaner can tell a live writer from a dead one.

    Parameters
    ----------
    fd : int
        An open file descriptor.
    """
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)


def temporary_name(path: Path) -> Path:
    """A fresh temporary name beside `path` (.NAME.rnnlab-tmp-HEX).

    Parameters
    ----------
    path : Path
        The file the temporary will become.

    Returns
    -------
    Path
    """
    return path.parent / f".{path.name}{TMP}{secrets.token_hex(6)}"


def create_locked(path: Path, make: Callable[[Path], int]) -> tuple[Path, int]:
    """(name, fd): a fresh temporary beside `path`, created by make(name) -> fd and locked.
    Retried when a cleaner removed it between its creation and the lock.

    Parameters
    ----------
    path : Path
        The file the temporary will become.
    make : callable
        ``make(name) -> fd`` creates the temporary.

    Returns
    -------
    (Path, int)
        The temporary's name and its locked descriptor.
    """
    for _ in range(5):
        tmp = temporary_name(path)
        fd = make(tmp)
        lock(fd)
        try:
            if os.stat(tmp, follow_symlinks=False).st_ino == os.fstat(fd).st_ino:
                return tmp, fd
        except FileNotFoundError:
            pass
        os.close(fd)
    raise OSError(f"cannot create a temporary file beside {path}")


def clean_stale(path: Path) -> None:
    """Remove the temporaries of `path` (.NAME.rnnlab-tmp-*) whose writer has died: those not
    locked. Only names of this form are touched, and only when their lock can be taken.

    Parameters
    ----------
    path : Path
        The file whose temporaries are cleaned.
    """
    prefix = f".{path.name}{TMP}"
    _clean(path.parent, lambda n: n.startswith(prefix))


def clean_temporaries(folder: StrPath) -> None:
    """Remove every rnnlab temporary (.NAME.rnnlab-tmp-HEX) in `folder` whose writer has died.

    Parameters
    ----------
    folder : str or Path
        The folder.
    """
    _clean(Path(folder), lambda n: n.startswith(".") and TMP in n)


def _clean(folder: Path, match: Callable[[str], bool]) -> None:
    if fcntl is None:
        return
    try:
        names = [n for n in os.listdir(folder) if match(n)]
    except OSError:
        return
    for name in names:
        entry = folder / name
        try:
            fd = os.open(entry, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                shutil.rmtree(entry, ignore_errors=True)
            else:
                os.unlink(entry)
        except OSError:
            pass                                       # locked: a live writer; or gone already
        finally:
            os.close(fd)


def fsync_folder(folder: StrPath) -> None:
    """Make a rename in `folder` durable (no-op where folders cannot be opened).

    Parameters
    ----------
    folder : str or Path
        The folder.
    """
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def refuse_existing(path: Path, flag: str) -> None:
    """Refuse an existing `path` (a file, a folder or a link).

    Parameters
    ----------
    path : Path
        The file.
    flag : str
        The option the error names.

    Raises
    ------
    FileExistsError
        If `path` exists.
    """
    if os.path.lexists(path):
        raise FileExistsError(f"{path} exists; rnnlab does not overwrite files silently "
                              f"(pass {flag} to replace it)")


CREATE = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
          | getattr(os, "O_CLOEXEC", 0))


def write_new(path: StrPath, write: Callable[[BinaryIO], object]) -> None:
    """Create the file `path` (it must not exist; mode 0o666 less the umask), call
    write(file_object), and fsync it. For files inside a folder nobody else sees yet.

    Parameters
    ----------
    path : str or Path
        The file.
    write : callable
        ``write(file_object)`` writes the content.
    """
    with os.fdopen(os.open(path, CREATE, 0o666), "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())


def atomic_write(path: StrPath, write: Callable[[BinaryIO], object], *, overwrite: bool = False,
                 flag: str = "overwrite=True") -> Path:
    """Call write(file_object) on a temporary beside `path`, then rename it to `path`.

    overwrite=False refuses an existing `path` (FileExistsError naming `flag`, the option that
    allows it) and installs the file without a window in which another writer could slip in.
    OSErrors name `path`. Returns `path`.

    Parameters
    ----------
    path : str or Path
        The file.
    write : callable
        ``write(file_object)`` writes the content.
    overwrite : bool
        Whether an existing file is replaced.
    flag : str
        The option the error names.

    Returns
    -------
    Path
        `path`.

    Raises
    ------
    FileExistsError
        If `path` exists and `overwrite` is False.
    """
    path = Path(path)
    if not overwrite:
        refuse_existing(path, flag)
    try:
        tmp, fd = create_locked(path, lambda name: os.open(name, CREATE, 0o666))
    except OSError as err:
        raise named(err, path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
            install_file(tmp, path, overwrite, flag)
    except OSError as err:
        _discard(tmp)
        raise (err if isinstance(err, FileExistsError) else named(err, path)) from None
    except BaseException:
        _discard(tmp)
        raise
    fsync_folder(path.parent)
    clean_stale(path)
    return path


def install_file(tmp: Path, path: Path, overwrite: bool, flag: str) -> None:
    """Rename the finished temporary to `path`; without overwrite, never replace a file that
    appeared meanwhile (a hard link fails if the name exists).

    Parameters
    ----------
    tmp : Path
        The finished temporary.
    path : Path
        The file.
    overwrite : bool
        Whether an existing file is replaced.
    flag : str
        The option the error names.
    """
    if overwrite:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path, follow_symlinks=False)
    except FileExistsError:
        refuse_existing(path, flag)
        raise
    except OSError:                                    # no hard links here: check, then rename
        refuse_existing(path, flag)
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def _discard(tmp: Path) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


def write_bytes(path: StrPath, data: bytes, **kw: Any) -> Path:
    """Write `data` into the file `path`, atomically (`atomic_write`).

    Parameters
    ----------
    path : str or Path
        The file.
    data : bytes
        The content.
    **kw
        `overwrite` and `flag`, as for `atomic_write`.

    Returns
    -------
    Path
    """
    return atomic_write(path, lambda f: f.write(data), **kw)


def write_text(path: StrPath, text: str, **kw: Any) -> Path:
    """Write `text` (UTF-8) into the file `path`, atomically (`atomic_write`).

    Parameters
    ----------
    path : str or Path
        The file.
    text : str
        The content.
    **kw
        `overwrite` and `flag`, as for `atomic_write`.

    Returns
    -------
    Path

    Examples
    --------
    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_text(os.path.join(tmp, "a.txt"), "one")
    ...     write_text(path, "two", overwrite=True) == path, open(path).read()
    (True, 'two')
    """
    return write_bytes(path, text.encode("utf-8"), **kw)


def write_json(path: StrPath, doc: Any, *, default: Callable[[Any], Any] | None = None,
               **kw: Any) -> Path:
    """`doc` as indented JSON. The text is made before anything is written, so an object that
    cannot be serialised leaves no file.

    Parameters
    ----------
    path : str or Path
        The file.
    doc : object
        The JSON document.
    default : callable, optional
        As for json.dumps.
    **kw
        `overwrite` and `flag`, as for `atomic_write`.

    Returns
    -------
    Path
    """
    return write_bytes(path, json.dumps(doc, indent=2, default=default).encode("utf-8"), **kw)


def write_npz(path: StrPath, arrays: dict, **kw: Any) -> Path:
    """The arrays as an .npz archive (np.savez; never pickled: object arrays are refused).

    Parameters
    ----------
    path : str or Path
        The file.
    arrays : dict of str to ndarray
        The arrays, by name.
    **kw
        `overwrite` and `flag`, as for `atomic_write`.

    Returns
    -------
    Path
    """
    savez_plain(None, arrays)                          # the check only, before any file exists
    return atomic_write(path, lambda f: savez_plain(f, arrays), **kw)


def savez_plain(f: BinaryIO | None, arrays: dict) -> None:
    """An .npz archive, as np.savez writes it, of plain (numeric or boolean) arrays only: an
    object array, which np.savez would pickle, is refused first (np.savez takes allow_pickle=
    only from NumPy 2.1 on). f=None: check only.

    Parameters
    ----------
    f : file-like or None
        Where the archive goes; None: only check.
    arrays : dict of str to ndarray
        The arrays, by name.

    Raises
    ------
    ValueError
        For an object array.
    """
    import numpy as np
    for key, a in arrays.items():
        if np.asarray(a).dtype.hasobject:
            raise ValueError(f"array {key!r} holds Python objects; rnnlab writes plain arrays "
                             f"only")
    if f is not None:
        # what np.savez writes (one stored .npy entry per array), with the archive closed by a
        # with block: an exception inside the write (a second Ctrl-C) closes it before the file
        # goes away. NumPy before 2.0 left its ZipFile open then, and its __del__ at exit wrote
        # to the closed file and printed a traceback.
        import zipfile
        with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for key, a in arrays.items():
                with zf.open(f"{key}.npy", "w", force_zip64=True) as entry:
                    np.lib.format.write_array(entry, np.asanyarray(a), allow_pickle=False)


def check_distinct(output: StrPath, inputs: Iterable[StrPath], *, what: str = "output") -> None:
    """ValueError when the file `output` is one of `inputs` (the same file by any name, through
    symbolic links or hard links): a command never writes over what it reads.

    Parameters
    ----------
    output : str or Path
        The file a command writes.
    inputs : list of str or Path
        The files it reads.
    what : str
        What the error calls `output`.

    Raises
    ------
    ValueError
        When `output` is one of `inputs`.
    """
    out = Path(output)
    for source in inputs:
        source = Path(source)
        same = os.path.realpath(out) == os.path.realpath(source)
        if not same and out.exists() and source.exists():
            try:
                same = os.path.samefile(out, source)
            except OSError:
                pass
        if same:
            raise ValueError(f"the {what} {output} is the input {source}: choose another file")
