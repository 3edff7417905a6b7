"""The crash-safe TinyDB storage. Imported on the first write: reading needs no TinyDB.

Every write goes through `atomic_write` (temp file, fsync, rename, fsync of the folder), so
a crash or SIGKILL leaves either the old file or the new one, never a torn one.
"""

from __future__ import annotations

import os
from pathlib import Path

from tinydb.storages import Storage

from coach.errors import StoreError
from coach.records.files import Tables, encode_tables, read_tables
from coach.system.files import NotDurable, atomic_write


class DurableStorage(Storage):
    """TinyDB storage: reads check the file is ours; writes are atomic and durable.

    It reads the file once per open and keeps what it wrote, so a read-modify-write under
    the caller's lock touches the disk once each way. Open it only while holding the lock.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = Path(path)
        self._data: Tables | None = None
        self._loaded = False

    def read(self) -> Tables | None:
        if not self._loaded:
            try:
                self._data = read_tables(self._path)
            except FileNotFoundError:
                self._data = None  # a new month
            self._loaded = True
        return self._data

    def write(self, data: Tables) -> None:
        try:
            atomic_write(self._path, encode_tables(data))
        except NotDurable:
            # In place but not known to be durable: the caller says so, honestly.
            self._data = data
            self._loaded = True
            raise
        except OSError as exc:
            raise StoreError(
                f"{self._path}: cannot be written ({exc.strerror}); nothing was changed"
            ) from None
        self._data = data
        self._loaded = True

    def close(self) -> None:
        self._data = None
        self._loaded = False
