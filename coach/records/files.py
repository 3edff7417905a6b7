"""Database files: their frame checks, their encoding and their migrations. The TinyDB
storage built on these is in coach.records.tinydb_storage, loaded on the first write; whether
each record fits its kind is coach.records.schema's business.

A file that does not parse, or parses but is not ours, raises StoreError and is never
written over.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from coach.errors import StoreError
from coach.records.order import micros
from coach.records.schema import MAX_DEPTH, record_tables, too_deep
from coach.system.files import NotRegular, read_regular

APP_TAG = "coach"
SCHEMA_VERSION = 2
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


class NewerFile(StoreError):
    """A database file written by a newer coach: left alone, never set aside."""


DOC_ID = re.compile(r"[1-9][0-9]{0,15}")
"""A document id as TinyDB writes it: "0001" or "²" would collide with "1" or crash int()."""
RECORD_TABLES = ("outcomes", "cramps", "events")
"""The tables of records; more can be registered by coach.records.schema."""


def _damaged(path: Path, why: str, hint: str = RESTORE_HINT) -> DamagedFile:
    return DamagedFile(f"{path}: the database is damaged ({why}); it was left untouched; {hint}")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json object hook: a key given twice would silently drop a record; refuse it."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return out


class _Duplicate(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(f"the key {key[:40]!r} appears twice in one object")


def _check_shape(data: dict[str, Any], path: Path) -> None:
    """The file's frame: tables of documents under canonical ids. Whether each record fits
    its kind is coach.records.schema's business (a misfit is set aside, not fatal)."""
    for name, table in data.items():
        if not isinstance(table, dict):
            raise _damaged(path, f"table {name[:40]!r} is not a table")
        for doc_id in table:
            if not DOC_ID.fullmatch(doc_id):
                raise _damaged(path, f"document {doc_id[:40]!r} of {name[:40]!r} is malformed")
    # Records are checked one by one (coach.records.schema); the other tables here.
    if any(too_deep(data[name]) for name in data if name not in record_tables()):
        raise _damaged(path, f"nested more than {MAX_DEPTH} levels deep")


def _stamp_v1(tables: Tables) -> Tables:
    """Schema 1 -> 2: give every record its place in the write order (`hlc`).

    Schema 1 ordered records by their wall-clock time, later documents winning ties; the
    stamp keeps exactly that order: [microseconds since the epoch, rank among the table's
    earlier documents with the same time]. A record whose time does not parse gets none,
    and the schema check sets it aside.
    """
    for name in RECORD_TABLES:
        table = tables.get(name)
        if not isinstance(table, dict):
            continue
        seen: dict[int, int] = {}
        for doc_id in sorted(table, key=lambda k: (len(k), k)):
            doc = table[doc_id]
            if not isinstance(doc, dict) or "hlc" in doc:
                continue
            try:
                at = datetime.fromisoformat(doc["at"])
            except (KeyError, TypeError, ValueError):
                continue
            if at.tzinfo is None:
                continue
            wall = micros(at)
            rank = seen.get(wall, 0)
            seen[wall] = rank + 1
            doc["hlc"] = [wall, rank]
    return tables


MIGRATIONS[1] = _stamp_v1


def parse_tables(raw: bytes, path: Path) -> Tables:
    """Parse and check one existing database file; raise StoreError if it is not usable."""
    if not raw.strip():
        # coach never writes an empty file, so an empty one is damage, not a new database.
        raise _damaged(path, "the file is empty")
    try:
        data = json.loads(raw, object_pairs_hook=_no_duplicates)
    except RecursionError:
        raise _damaged(path, "nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise _damaged(path, str(exc).splitlines()[0][:200]) from None
    meta = _meta_of(data) if isinstance(data, dict) else None
    version = meta.get("schema") if meta is not None else None
    if meta is None or not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StoreError(
            f"{path}: this is not a coach database; it was left untouched; "
            "move it away or point --data-dir elsewhere"
        )
    if version > SCHEMA_VERSION:
        raise NewerFile(
            f"{path}: written by a newer coach (schema {version}, this one reads "
            f"{SCHEMA_VERSION}); it was left untouched; upgrade coach"
        )
    _check_shape(data, path)
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data[META_TABLE] = {"1": {"app": APP_TAG, "schema": version}}
    return data  # type: ignore[no-any-return]


def encode_tables(data: Tables) -> bytes:
    """Compact JSON: the file is for programs; `coach history` is for people."""
    data.setdefault(META_TABLE, {"1": {"app": APP_TAG, "schema": SCHEMA_VERSION}})
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def read_tables(path: Path) -> Tables:
    """Read and check one database file (never a FIFO or device; bounded in size)."""
    return parse_tables(read_raw(path), path)


def read_raw(path: Path) -> bytes:
    """The bytes of one database file (never a FIFO or device; bounded in size), unchecked:
    `parse_tables` checks them."""
    try:
        return read_regular(path)
    except NotRegular as exc:
        raise StoreError(
            f"{path}: the database is damaged ({exc.strerror}); it was left untouched"
        ) from None
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror})") from None
