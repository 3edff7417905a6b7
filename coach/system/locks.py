"""The one lock module: flock(2) lock files for the database, config.toml and the reminder
sender.

A lock file is opened without following symbolic links, created user-only, and must be a
regular file we own: a link or a FIFO planted in the data folder is refused, never
followed, truncated or opened for reading. flock locks belong to the open file, so the
kernel frees them when their holder dies, however it dies.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from coach.errors import CoachError, StoreError
from coach.system.files import FILE_MODE, ensure_dir

OPEN_FLAGS = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK


def open_lock_file(path: Path, what: str) -> int:
    """Open (creating it user-only) the lock file at `path`; return its descriptor.

    Raises CoachError, in one line, if it cannot be opened or is not a plain file of ours.
    """
    try:
        ensure_dir(path.parent)
        # Look before opening: a FIFO or a device is refused without being opened.
        with contextlib.suppress(FileNotFoundError):
            mode = os.lstat(path).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
                raise CoachError(
                    f"{path}: {what} is not a plain file; coach will not use it; remove it"
                )
        fd = os.open(path, OPEN_FLAGS, FILE_MODE)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise CoachError(
                f"{path}: {what} is a symbolic link; coach does not follow links in its "
                "data folder; remove it"
            ) from None
        raise CoachError(f"{path}: cannot open {what} ({exc.strerror})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
        os.close(fd)
        raise CoachError(
            f"{path}: {what} is not a plain file of this user; coach will not use it; remove it"
        )
    return fd


class _Held:
    """One process-wide holder of a re-entrant lock file: a thread lock plus the flock."""

    def __init__(self, *, reentrant: bool = True) -> None:
        # A sender lock is taken in one thread and may be released from another: a plain
        # Lock allows that; the re-entrant database lock is always released where taken.
        self.thread_lock: threading.RLock | threading.Lock = (
            threading.RLock() if reentrant else threading.Lock()
        )
        self.depth = 0
        self.fd: int | None = None


_REENTRANT: dict[str, _Held] = {}
_REGISTRY_LOCK = threading.Lock()


class FileLock:
    """An exclusive lock on a lock file.

    `reentrant=True` (the database, config.toml): every FileLock on the same path in this
    process shares one holder, so a thread that holds it may take it again (a write inside
    a merge, a conditional write inside the reminder service's own locked block), and
    other threads of the process wait as other processes do. Otherwise (the reminder
    sender) each FileLock is its own open file: a second one, even in this process, finds
    the lock taken.
    """

    def __init__(
        self,
        path: Path,
        *,
        what: str = "the lock file",
        timeout: float = 15.0,
        reentrant: bool = True,
    ) -> None:
        self.path = path
        self.what = what
        self.timeout = timeout
        self.reentrant = reentrant
        self._own = _Held(reentrant=False)
        self._held: _Held | None = None

    def _holder(self) -> _Held:
        if not self.reentrant:
            return self._own
        key = os.path.abspath(self.path)
        with _REGISTRY_LOCK:
            return _REENTRANT.setdefault(key, _Held())

    @property
    def fd(self) -> int | None:
        """The lock file's descriptor while held (the sender writes its pid there)."""
        return self._held.fd if self._held is not None else None

    def acquire(self, *, blocking: bool = True) -> bool:
        """Take the lock; False only when not blocking and someone else holds it."""
        held = self._holder()
        deadline = time.monotonic() + self.timeout
        if not held.thread_lock.acquire(timeout=self.timeout if blocking else 0):
            if not blocking:
                return False
            raise self._busy()
        try:
            if held.depth == 0:
                held.fd = self._flock(deadline, blocking)
                if held.fd is None:
                    held.thread_lock.release()
                    return False
            held.depth += 1
        except BaseException:
            held.thread_lock.release()
            raise
        self._held = held
        return True

    def _flock(self, deadline: float, blocking: bool) -> int | None:
        fd = open_lock_file(self.path, self.what)
        pause = 0.0005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise CoachError(
                        f"{self.path}: cannot lock {self.what} ({exc.strerror})"
                    ) from None
                if not blocking:
                    os.close(fd)
                    return None
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise self._busy() from None
                time.sleep(pause)
                pause = min(pause * 2, 0.02)

    def _busy(self) -> StoreError:
        return StoreError(
            f"{self.path}: {self.what} stayed busy for {self.timeout:.0f} s; "
            "another coach process may be stuck"
        )

    def release(self) -> None:
        held = self._held
        if held is None:
            return
        held.depth -= 1
        if held.depth == 0:
            if held.fd is not None:
                os.close(held.fd)  # closing the file drops the flock
            held.fd = None
            self._held = None
        held.thread_lock.release()

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


LOCK_NAME = "reminders.lock"
"""The reminder sender's lock file, in the data folder."""


class Holder(NamedTuple):
    """The process that holds the sender lock."""

    pid: int
    kind: str
    """'daemon' or 'tui'."""


class SenderLock:
    """An exclusive, non-blocking lock file: whoever holds it sends the reminders.

    flock(2) locks belong to the open file, so the kernel frees the lock when its holder
    dies, however it dies; no stale pid file to clean up.
    """

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind
        self._fd: int | None = None
        self._lock: FileLock | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock if it is free; True if this process holds it now."""
        if self._fd is not None:
            return True
        lock = FileLock(self.path, what="the reminder lock", reentrant=False)
        if not lock.acquire(blocking=False) or lock.fd is None:
            return False
        self._lock = lock
        fd = lock.fd
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {self.kind}\n".encode(), 0)
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        if self._lock is not None:
            self._lock.release()  # closing the file drops the flock
        self._lock = None
        self._fd = None

    def holder(self) -> Holder | None:
        """Who holds the lock now (this process included), or None if nobody does."""
        return sender_holder(self.path)


def sender_holder(path: Path) -> Holder | None:
    """Who holds the sender lock at `path`, or None if nobody does (or it is not a plain
    file: nobody could hold it)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            text = os.pread(fd, 100, 0).decode("utf-8", "replace").split()
            pid = int(text[0]) if text and text[0].isascii() and text[0].isdigit() else 0
            return Holder(pid=pid, kind=text[1] if len(text) > 1 else "unknown")
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
