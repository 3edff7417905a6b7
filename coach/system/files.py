"""Crash-safe file writes, bounded reads and user-only folders: the only way this app
writes a file, and the way it reads one it did not just write."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
MAX_FILE_BYTES = 16 * 1024 * 1024
"""A month of records is a few kB; anything this large is not ours and is not read whole."""


LINK = "a link, which coach does not follow"


class NotDurable(OSError):
    """The new file is in place, but the folder could not be synced: a power cut might
    still undo the write. The data was written; it is not known to be durable."""


class NotRegular(OSError):
    """A FIFO, a device or a folder where a data file belongs: refused, never opened."""


def ensure_dir(path: Path) -> Path:
    """Create a user-only folder (and its missing parents, user-only too) if it is missing.

    Each new folder is chmod-ed after mkdir, so a umask (even 000) cannot widen it.
    """
    if path.is_dir():
        return path
    if not path.parent.is_dir() and path.parent != path:
        ensure_dir(path.parent)
    try:
        os.mkdir(path, DIR_MODE)
    except FileExistsError:
        if not path.is_dir():
            raise
    else:
        os.chmod(path, DIR_MODE)
    return path


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in this folder survive a power cut."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file.

    Write a temp file in the same folder (created new, user-only, never through a link),
    fsync it, rename it over the target, then fsync the folder so the rename itself is
    durable. Any failure before the rename leaves the old file and raises OSError; a
    failure to sync the folder after it raises NotDurable. A cache, which is checked when
    read and rebuilt when lost, passes `durable=False`: no syncing, the rename alone.
    """
    folder = ensure_dir(path.parent)
    tmp = folder / f".{path.name}.{os.urandom(6).hex()}.tmp"
    fd = os.open(
        tmp,
        os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
        FILE_MODE,
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if not durable:
        return
    try:
        fsync_dir(folder)
    except OSError:
        try:
            fsync_dir(folder)  # once more: a transient error should not alarm anyone
        except OSError as exc:
            raise NotDurable(exc.errno, exc.strerror, str(folder)) from None


def read_regular(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file, at most `limit` of them.

    A FIFO, device, folder or link is refused from its metadata without being opened for
    reading (NotRegular); a file larger than `limit` raises NotRegular too, with EFBIG.
    FileNotFoundError passes through.
    """
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise NotRegular(errno.ELOOP, LINK, str(path))
    if not stat.S_ISREG(info.st_mode):
        raise NotRegular(errno.EINVAL, "not a regular file", str(path))
    # O_NONBLOCK: if the file is swapped for a FIFO after the check, open does not hang;
    # O_NOFOLLOW: nor is a link followed that was put in its place.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOFOLLOW)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotRegular(errno.ELOOP, LINK, str(path)) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(errno.EINVAL, "not a regular file", str(path))
        if info.st_size > limit:
            raise NotRegular(errno.EFBIG, f"larger than {limit // (1024 * 1024)} MB", str(path))
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise NotRegular(errno.EFBIG, f"larger than {limit // (1024 * 1024)} MB", str(path))
        return b"".join(chunks)
    finally:
        os.close(fd)


def unsafe_folder(path: Path) -> str | None:
    """Why an existing data folder must not be trusted, or None if it is fine (or absent)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be checked ({exc.strerror})"
    if not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    if info.st_uid != os.geteuid():
        return "belongs to another user"
    if info.st_mode & (stat.S_IWOTH | stat.S_IWGRP):
        who = "everyone" if info.st_mode & stat.S_IWOTH else "its group"
        return f"can be written by other users ({who})"
    return None


def regular_or_new(path: Path) -> str | None:
    """Why coach must not write `path` (a device, a FIFO, a folder, a link), or None when it
    is a regular file or nothing is there yet."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be checked ({exc.strerror})"
    if stat.S_ISLNK(info.st_mode):
        return "is a link, which coach does not follow"
    if stat.S_ISDIR(info.st_mode):
        return "is a folder"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a device or a pipe)"
    return None
