"""Folders that appear whole or not at all, and reading a folder as one consistent version.

write_folder(path, files) writes every file into a temporary sibling folder (.NAME.rnnlab-tmp-HEX).
The files are fsynced, and the temporary folder is renamed to `path`. When `path` already holds a
folder being replaced, the two are swapped in one step with renameat2(RENAME_EXCHANGE) (Linux),
and the old folder, now under the temporary name, is deleted. At every instant `path` holds the
complete old folder or the complete new one. A process killed at any moment leaves one or the
other, plus at most a temporary that the next successful write of `path` removes. Where the
atomic swap is not available, the old folder is moved aside and the new one renamed in. That
leaves a gap of two renames, and the README says so.

Folder(path) opens a folder once and reads every file relative to that handle. A reader that
races with a swap therefore reads all its files from the old folder or all from the new one,
never a mix of the two.
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
import stat
import sys
from pathlib import Path
from collections.abc import Callable, Iterable
from typing import Any

from . import files
from .files import CheckpointError
from .._types import StrPath

RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap the names a and b in one atomic step. False where the system cannot do it."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def listing(path: Path) -> list[str] | None:
    """The names in folder `path`; None when there is nothing there. Anything else that is
    not a folder (a file, a symbolic link) is refused.

    Parameters
    ----------
    path : Path
        The folder.

    Returns
    -------
    list of str or None
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISDIR(st.st_mode):
        raise FileExistsError(f"{path} exists and is not a folder")
    return sorted(os.listdir(path))


def write_folder(path: StrPath, contents: dict, *, overwrite: bool = False,
                 ours: Callable[[Path], bool] | None = None, allowed: Iterable[str] = (),
                 flag: str = "overwrite=True", kind: str = "folder") -> Path:
    """Make folder `path` hold exactly `contents` ({file name: write(file_object)}), atomically.

    A missing or empty `path` is simply created. A folder that holds anything is replaced only
    with overwrite=True, only when ours(path) says rnnlab wrote it, and only when it holds no names
    outside `allowed` (nothing that rnnlab did not write is ever deleted). A symbolic link at
    `path` is followed: its target folder is the one replaced.

    Parameters
    ----------
    path : str or Path
        The folder.
    contents : dict of str to callable
        ``{file name: write(file_object)}``.
    overwrite : bool
        Whether a folder that holds anything may be replaced.
    ours : callable, optional
        ``ours(path) -> bool``: whether rnnlab wrote the folder there.
    allowed : tuple of str
        Names besides `contents` the replaced folder may hold.
    flag : str
        The option the error message names for replacing.
    kind : str
        What the folder is, for the error messages.

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    FileExistsError
        If the folder holds anything and may not be replaced.
    """
    path = Path(path)
    if os.path.islink(path):
        path = Path(os.path.realpath(path))
    path = Path(os.path.abspath(path))
    names = listing(path)
    if names:
        foreign = sorted(set(names) - set(allowed))
        if foreign or (ours is not None and not ours(path)):
            some = foreign or names
            shown = ", ".join(some[:5]) + (" ..." if len(some) > 5 else "")
            raise FileExistsError(f"{path} is not empty and is not a {kind} that rnnlab wrote "
                                  f"(it holds {shown}); choose a new or empty folder")
        if not overwrite:
            raise FileExistsError(f"{path} already holds a {kind}; pass {flag} to replace it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp, fd = files.create_locked(path, lambda name: (os.mkdir(name, 0o777), os.open(  # type: ignore[func-returns-value]  # mkdir's None is dropped: [1]
            name, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC))[1])
    except OSError as err:
        raise files.named(err, path) from None
    try:
        for name, write in contents.items():
            files.write_new(tmp / name, write)
        files.fsync_folder(tmp)
        _install(tmp, path, names)
    except OSError as err:
        shutil.rmtree(tmp, ignore_errors=True)
        raise (err if isinstance(err, FileExistsError) else files.named(err, path)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        os.close(fd)
    files.fsync_folder(path.parent)
    files.clean_stale(path)
    return path


def _install(tmp: Path, path: Path, names: list[str] | None) -> None:
    """Put the finished folder `tmp` at `path`: a rename when `path` is absent or empty, a swap
    when it holds the folder being replaced (then the old one is deleted)."""
    if not names:
        try:
            os.rename(tmp, path)              # replaces an empty folder atomically
            return
        except OSError as err:
            if err.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
            raise FileExistsError(f"{path} was filled by another program while rnnlab wrote it; "
                                  f"nothing was replaced") from None
    if _exchange(tmp, path):
        shutil.rmtree(tmp, ignore_errors=True)          # tmp now holds the old folder
        return
    aside = files.temporary_name(path)               # the fallback: two renames, a short gap
    os.rename(path, aside)
    os.rename(tmp, path)
    shutil.rmtree(aside, ignore_errors=True)


def remove_folder(path: StrPath) -> None:
    """Delete the folder `path` (not a link, not a file) so that it vanishes at once: it is
    renamed to a temporary name first, then deleted (a crash mid-way leaves a temporary that
    the next write of the same name removes).

    Parameters
    ----------
    path : str or Path
        The folder.
    """
    path = Path(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(st.st_mode):
        raise CheckpointError(f"{path} is {files.kind_of(st.st_mode)}; "
                              f"rnnlab removes only folders it wrote")
    aside = files.temporary_name(path)
    os.rename(path, aside)
    shutil.rmtree(aside, ignore_errors=True)


def plain_name(name: object, shown: StrPath) -> str:
    """`name` when it is one plain entry of a folder (no separator, not '.' or '..').

    Parameters
    ----------
    name : str
        The entry's name.
    shown : str
        What the error message calls it.

    Returns
    -------
    str
    """
    if (not isinstance(name, str) or not name or name in (".", "..") or "/" in name
            or "\\" in name or "\0" in name):
        raise CheckpointError(f"{shown} names {name!r}, which is not a plain name inside its "
                              f"folder")
    return name


class Folder:
    """A folder opened once for reading: every file is opened relative to this handle, so a
    folder swapped meanwhile is read entirely old or entirely new. Use as a context manager.

    Parameters
    ----------
    path : str or Path
        The folder (relative to `parent` when given).
    parent : Folder, optional
        An open folder `path` is inside.
    follow : bool
        Whether a symbolic link at `path` is followed.
    """


    path: Path
    fd: int | None

    def __init__(self, path: StrPath, *, parent: "Folder | None" = None,
                 follow: bool = True) -> None:
        self.path = Path(path) if parent is None else parent.path / path
        flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC | os.O_NONBLOCK
        if not follow:
            flags |= os.O_NOFOLLOW
        try:
            st = os.stat(path, dir_fd=None if parent is None else parent.fd,
                         follow_symlinks=follow)
            if not stat.S_ISDIR(st.st_mode):
                raise CheckpointError(f"{self.path} is {files.kind_of(st.st_mode)}")
            self.fd = os.open(path, flags, dir_fd=None if parent is None else parent.fd)
            self.inode = os.fstat(self.fd).st_ino
        except FileNotFoundError:
            raise CheckpointError(f"{self.path} does not exist") from None
        except OSError as err:
            raise CheckpointError(f"{self.path} cannot be opened as a folder: "
                                  f"{err.strerror or err}") from None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        """Close the folder's handle (also at the end of a with block).
        """
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def changed(self) -> bool:
        """Whether the path now names another folder than the one opened (a save swapped it).

        Returns
        -------
        bool
        """
        try:
            return os.stat(self.path).st_ino != self.inode
        except OSError:
            return True

    def sub(self, name: str) -> "Folder":
        """The folder `name` inside this one: a plain name, not a symbolic link.

        Parameters
        ----------
        name : str
            A plain name in this folder.

        Returns
        -------
        Folder
        """
        return Folder(plain_name(name, self.path), parent=self, follow=False)

    def exists(self, name: str) -> bool:
        """Whether `name` exists in this folder (a link is not followed).

        Parameters
        ----------
        name : str
            A plain name in this folder.

        Returns
        -------
        bool
        """
        try:
            os.stat(name, dir_fd=self.fd, follow_symlinks=False)
            return True
        except FileNotFoundError:
            return False

    def open(self, name: str) -> tuple[int, int]:
        """(fd, size) of the regular file `name` in this folder (no link, no FIFO, no device).

        Parameters
        ----------
        name : str
            A plain name in this folder.

        Returns
        -------
        (int, int)
            The open file descriptor and the size.
        """
        return files.open_regular(name, dir_fd=self.fd, shown=self.path / name)

    def read_json(self, name: str, *, limit: int = files.JSON_LIMIT) -> Any:
        """The JSON document in the regular file `name` of this folder (at most `limit` bytes).

        Parameters
        ----------
        name : str
            A plain name in this folder.
        limit : int
            The largest size accepted.

        Returns
        -------
        object
        """
        return files.read_json(name, limit=limit, dir_fd=self.fd, shown=self.path / name)
