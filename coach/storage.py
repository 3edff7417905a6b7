"""Database files: their checks, their encoding, and the lock that lets several processes
share them. The TinyDB storage built on these is in coach.durable, loaded on the first write.

A file that does not parse, or parses but is not ours, raises StoreError and is never
written over.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from coach.errors import StoreError
from coach.fsutil import FILE_MODE, ensure_dir

APP_TAG = "coach"
SCHEMA_VERSION = 1
META_TABLE = "_meta"

Tables = dict[str, dict[str, Any]]
Migration = Callable[[Tables], Tables]

MIGRATIONS: dict[int, Migration] = {}
"""MIGRATIONS[n] turns a schema-n file into schema n+1. Add one when the layout changes."""

RESTORE_HINT = "restore a backup with `coach restore latest` (see `coach restore --list`)"


def _meta_of(data: Tables) -> dict[str, Any] | None:
    meta = data.get(META_TABLE)
    if not isinstance(meta, dict):
        return None
    doc = meta.get("1")
    return doc if isinstance(doc, dict) and doc.get("app") == APP_TAG else None


class DamagedFile(StoreError):
    """A database file that cannot be used as it is."""


RECORD_FIELDS: dict[str, tuple[str, ...]] = {
    "outcomes": ("id", "night", "at", "step", "outcome"),
    "cramps": ("id", "night", "at", "count"),
    "events": ("id", "night", "at", "kind"),
    "tombstones": ("id", "night", "at", "action"),
}
"""The fields every document of a record table must have, so readers can trust them."""


def _damaged(path: Path, why: str, hint: str = RESTORE_HINT) -> DamagedFile:
    return DamagedFile(f"{path}: the database is damaged ({why}); it was left untouched; {hint}")


def _check_shape(data: dict[str, Any], path: Path) -> None:
    for name, table in data.items():
        if not isinstance(table, dict):
            raise _damaged(path, f"table {name!r} is not a table")
        for doc_id, doc in table.items():
            if not doc_id.isdigit() or not isinstance(doc, dict):
                raise _damaged(path, f"document {doc_id!r} of {name!r} is malformed")
            for needed in RECORD_FIELDS.get(name, ()):
                if not isinstance(doc.get(needed), str | int) or isinstance(doc[needed], bool):
                    raise _damaged(path, f"document {doc_id} of {name!r} has no {needed!r}")
            if name in RECORD_FIELDS:
                try:
                    date.fromisoformat(doc["night"])
                    written = datetime.fromisoformat(doc["at"])
                except (TypeError, ValueError):
                    raise _damaged(path, f"document {doc_id} of {name!r} has a bad date") from None
                if written.tzinfo is None:
                    raise _damaged(path, f"document {doc_id} of {name!r} has a time without zone")


def parse_tables(raw: bytes, path: Path) -> Tables:
    """Parse and check one existing database file; raise StoreError if it is not usable."""
    if not raw.strip():
        # coach never writes an empty file, so an empty one is damage, not a new database.
        raise _damaged(path, "the file is empty")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _damaged(path, str(exc)) from None
    meta = _meta_of(data) if isinstance(data, dict) else None
    version = meta.get("schema") if meta is not None else None
    if meta is None or not isinstance(version, int) or version < 1:
        raise StoreError(
            f"{path}: this is not a coach database; it was left untouched; "
            "move it away or point --data-dir elsewhere"
        )
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: written by a newer coach (schema {version}, this one reads "
            f"{SCHEMA_VERSION}); it was left untouched; upgrade coach"
        )
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data[META_TABLE] = {"1": {"app": APP_TAG, "schema": version}}
    _check_shape(data, path)
    return data  # type: ignore[no-any-return]


def encode_tables(data: Tables) -> bytes:
    """Compact JSON: the file is for programs; `coach history` is for people."""
    data.setdefault(META_TABLE, {"1": {"app": APP_TAG, "schema": SCHEMA_VERSION}})
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@contextmanager
def file_lock(path: Path, timeout: float = 15.0) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created user-only) for the block.

    flock locks belong to an open file description, so this serialises threads of one
    process as well as separate processes.
    """
    try:
        ensure_dir(path.parent)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as exc:
        raise StoreError(f"{path}: cannot open the lock file ({exc.strerror})") from None
    try:
        deadline = time.monotonic() + timeout
        pause = 0.0005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"{path}: the database stayed busy for {timeout:.0f} s; "
                        "another coach process may be stuck"
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.02)
        yield
    finally:
        os.close(fd)
