"""What the user did each night and how their nights went, kept in TinyDB files.

Layout: one TinyDB file per calendar month of nights (`db/2026-11.json`), holding the tables
`outcomes`, `cramps` and `events`, plus `db/state.json` for small app state. Records are
append-only events; for a night and step the latest written wins, in the write order of
coach.records.order (not the wall clock): one clock for the whole folder, so a record
written now stands above every record of every month, merged ones included. A write locks
`db.lock`, rewrites only its month's file (a few kB), and leaves ten years of history
untouched. Every record is checked against its kind's schema (coach.records.schema) on
read, merge and restore; a misfit is set aside in `quarantine/` and reported once, never
fatal.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar, get_args

from coach.clock import Clock
from coach.errors import CoachError, StoreError
from coach.records.digest import (
    Digest,
    digest_path,
    is_current,
    read_digest,
    source_hash,
    write_digest,
)
from coach.records.files import (
    NewerFile,
    Tables,
    encode_tables,
    parse_tables,
    read_raw,
    read_tables,
)
from coach.records.order import (
    Stamp,
    in_write_order,
    is_foreign,
    latest,
    micros,
    next_stamp,
    order_key,
)
from coach.records.schema import (
    BANDS,
    LEGS,
    OUTCOMES,
    Leg,
    Outcome,
    misfit,
    record_tables,
    state_misfit,
)
from coach.records.schema import (
    stamp as stamp_check,
)
from coach.system.files import FILE_MODE, NotDurable, atomic_write, ensure_dir, read_regular
from coach.system.locks import FileLock
from coach.system.text import printable

if TYPE_CHECKING:
    from tinydb import TinyDB

Muscle = Literal["calf", "thigh", "foot"]
MUSCLES: tuple[Muscle, ...] = get_args(Muscle)
"""The muscles the check-in and `coach cramp --muscle` offer. A stored log may name
another (the schema takes free text, as older and merged records may hold it)."""
NO_DATA: Mapping[str, Any] = MappingProxyType({})
"""The empty `detail` / `data` of a record (immutable: one instance is shared)."""
STATE_FILE = "state.json"
PAUSE_EVENT = "pause"
SHARD_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9].json"
_SHARD_NAME = re.compile(r"[0-9]{4}-[0-9]{2}\.json")
"""A month file's name, as SHARD_GLOB matches it."""
QUARANTINE_DIR = "quarantine"
NOTICES_FILE = "notices.txt"
NOTICE_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
TOMBSTONES = "tombstones"
"""Records that take back others by id (undo, forget, redo): see coach.session. A tombstone
may take back another tombstone (an undo of a forget, a redo of an undo); one taken back
takes nothing back."""


def _open_db(path: Path) -> TinyDB:
    """TinyDB on one month's file through the crash-safe storage; hold the lock first.

    Imported here, on the first write: reading the records needs no TinyDB, and the app's
    start is a read.
    """
    from tinydb import TinyDB

    from coach.records.tinydb_storage import DurableStorage

    return TinyDB(path, storage=DurableStorage)


def new_id() -> str:
    return uuid.uuid4().hex


def default_origin(kind: str) -> str:
    """Where a record was written: which part of the app, on which machine."""
    return f"{kind}@{os.uname().nodename or 'localhost'}"


class StepRecord(NamedTuple):
    """One outcome of one step on one night."""

    night: date
    step: str
    outcome: Outcome
    at: datetime
    origin: str
    id: str
    """Unique (`new_id()`): merges match records by it."""
    reason: str | None = None
    late: bool = False
    detail: Mapping[str, Any] = NO_DATA
    hlc: Stamp = (0, 0)
    """Its place in the write order (coach.records.order); `at` is for display."""


class CrampLog(NamedTuple):
    """The morning log of one night's cramps; 0 cramps means a night without cramps."""

    night: date
    cramps: int
    """How many cramps; stored under the key "count" (a NamedTuple field cannot be named
    `count`, and the data contract keeps its key)."""
    at: datetime
    origin: str
    id: str
    severity: int | None = None
    minutes: float | None = None
    leg: Leg | None = None
    disturbance: int | None = None
    notes: str = ""
    muscle: str | None = None
    band: str | None = None
    """The longest cramp as a band of BANDS (the check-in), when not timed or typed."""
    hlc: Stamp = (0, 0)


class Event(NamedTuple):
    """Anything else that happened on a night: a cramp episode, a reminder sent, a pause."""

    night: date
    kind: str
    at: datetime
    origin: str
    id: str
    data: Mapping[str, Any] = NO_DATA
    hlc: Stamp = (0, 0)


class Tombstone(NamedTuple):
    """Takes back records of one night by id, as if they had never been written."""

    night: date
    action: str
    """'undo', 'forget' or 'redo' (which takes back an undo)."""
    targets: tuple[str, ...]
    at: datetime
    origin: str
    id: str
    what: str = ""
    """What was taken back, in words."""
    hlc: Stamp = (0, 0)


Record = StepRecord | CrampLog | Event | Tombstone
Built = tuple[bool, dict[str, Any]] | None
R = TypeVar("R", StepRecord, CrampLog, Event, Tombstone)


DOC_KEYS: dict[str, str] = {"cramps": "count"}
"""Fields stored under another key: the data contract's key, where a NamedTuple field
cannot take its name."""


def _encode(record: Record) -> dict[str, Any]:
    """The record as a JSON object (never a list: a NamedTuple is a tuple to `json`)."""
    doc = {DOC_KEYS.get(name, name): value for name, value in record._asdict().items()}
    doc["night"] = record.night.isoformat()
    doc["at"] = record.at.isoformat()
    doc["hlc"] = list(record.hlc)
    for name in ("detail", "data"):
        if name in doc:
            doc[name] = dict(doc[name])
    if "targets" in doc:
        doc["targets"] = list(doc["targets"])
    return doc


_NIGHT, _AT, _HLC, _TARGETS, _SHOWN, _AS_IS = range(6)
_PLANS: dict[type, tuple[tuple[int, str, Any], ...]] = {}
"""Per record class, for each field in order: how `decode` reads it, its document key and
its default."""
SAFE_AS_STORED = frozenset(
    {"id", "outcome", "count", "severity", "minutes", "leg", "disturbance", "band", "late"}
)
"""Document keys whose values a fitting record holds to what `printable` would return
unchanged, so reading skips it (a hot path): an id has no control and no space; the others
are numbers, true or false, or words of a fixed list (OUTCOMES, LEGS, BANDS). A test holds
each schema check of these keys to refusing any text `printable` would change."""
_REQUIRED = object()
"""No default: the schema requires the field, so a fitting document has it."""


def _plan(cls: type[Record]) -> tuple[tuple[int, str, Any], ...]:
    special = {"night": _NIGHT, "at": _AT, "hlc": _HLC, "targets": _TARGETS}
    plan = tuple(
        (
            special.get(name, _AS_IS if DOC_KEYS.get(name, name) in SAFE_AS_STORED else _SHOWN),
            DOC_KEYS.get(name, name),
            cls._field_defaults.get(name, _REQUIRED),
        )
        for name in cls._fields
    )
    _PLANS[cls] = plan
    return plan


def decode(cls: type[R], doc: Mapping[str, Any]) -> R:
    """A record from a document that fits its schema: known fields by name, others
    (a newer coach's) ignored.

    Every load of the diary decodes some 2,000 records a year, so each class's fields are
    planned once and the record is built in field order."""
    plan = _PLANS.get(cls) or _plan(cls)
    at = datetime.fromisoformat(doc["at"])
    values: list[Any] = []
    for how, key, default in plan:
        if how >= _SHOWN:
            value = doc.get(key, default)
            if value is _REQUIRED:
                raise KeyError(key)  # not a fitting document: the schema requires it
            values.append(_shown(value) if how == _SHOWN and value is not default else value)
        elif how == _NIGHT:
            values.append(date.fromisoformat(doc["night"]))
        elif how == _AT:
            values.append(at)
        elif how == _HLC:
            hlc = doc.get("hlc")
            values.append((hlc[0], hlc[1]) if hlc is not None else (micros(at), 0))
        else:  # _TARGETS (a tombstone's, required)
            values.append(tuple(_shown(doc[key])))
    return cls._make(values)


def _shown(value: Any) -> Any:
    """A stored value as the program shows it: text is data, never terminal control
    (coach.system.text); ids and times are checked by the schema and left as they are."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: _shown(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shown(item) for item in value]
    return value


def stamp_of(doc: Mapping[str, Any]) -> Stamp:
    """A fitting document's write stamp; one without (hand-written) stands at its wall time."""
    hlc = doc.get("hlc")
    if hlc is not None:
        return (hlc[0], hlc[1])
    return (micros(datetime.fromisoformat(doc["at"])), 0)


def _month_key(night: date) -> str:
    return f"{night.year:04d}-{night.month:02d}"


def _months(start: date, end: date) -> Iterator[str]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


class Misfit(NamedTuple):
    """A document that does not fit its record kind."""

    table: str
    doc_id: str
    why: str
    doc: object

    def describe(self) -> str:
        return f"{self.table} #{self.doc_id}: {self.why}"


class Month(NamedTuple):
    """One parsed file: its records that fit, by table in id order, and its misfits."""

    tables: Tables
    valid: dict[str, list[dict[str, Any]]]
    misfits: list[Misfit]
    source: str = ""
    """The hash of the bytes it was read from (coach.records.digest), "" if not read."""


class MonthRows(NamedTuple):
    """What the diary reads of one month's file: its standing records (none taken back),
    from the file's digest (coach.records.digest) or the file itself."""

    steps: Mapping[date, Mapping[str, Outcome]]
    """For each night, each step's latest outcome."""
    logs: Mapping[date, CrampLog]
    """For each night, its latest morning log."""
    events: tuple[Event, ...]
    """Every event, in the file's order."""

    @property
    def first_night(self) -> date | None:
        nights = [*self.steps, *self.logs]
        nights.extend(event.night for event in self.events)
        return min(nights, default=None)


_NO_ROWS = MonthRows(steps=MappingProxyType({}), logs=MappingProxyType({}), events=())


def month_of(name: str) -> str | None:
    """The month a file of records holds ("2026-11" for "2026-11.json"), or None for a
    file of no month (state.json)."""
    stem = name.removesuffix(".json")
    return None if stem == "state" else stem


def sort_docs(tables: Tables, month: str | None = None) -> Month:
    """Split a parsed file's records into those that fit their schema and the misfits;
    with `month` (the file's), a record of another month's night is a misfit too."""
    valid: dict[str, list[dict[str, Any]]] = {}
    misfits: list[Misfit] = []
    for name in record_tables():
        table = tables.get(name)
        if not table:
            continue
        good = valid.setdefault(name, [])
        for doc_id in sorted(table, key=lambda k: (len(k), k)):
            doc = table[doc_id]
            why = misfit(name, doc, month)
            if why is None:
                good.append(doc)
            else:
                misfits.append(Misfit(table=name, doc_id=doc_id, why=why, doc=doc))
    return Month(tables=tables, valid=valid, misfits=misfits)


def highest_stamp(month: Month) -> Stamp | None:
    """The highest write stamp among a file's records that fit, or None for none."""
    return max((stamp_of(doc) for docs in month.valid.values() for doc in docs), default=None)


class Store:
    """The records of one data folder. Safe to use from several threads and processes."""

    def __init__(self, db_dir: Path, lock_file: Path, clock: Clock, origin: str) -> None:
        self.db_dir = db_dir
        self.lock_file = lock_file
        self.clock = clock
        self.origin = origin
        self._cache: dict[Path, tuple[tuple[int, int, int], Month]] = {}
        self._rows_cache: dict[Path, tuple[tuple[int, int, int], MonthRows]] = {}
        self._cache_lock = threading.Lock()
        self._lock = FileLock(lock_file, what="the database lock")
        self._swept = False
        self.before_write: list[Callable[[], object]] = []
        """Callables run under the lock before each write (the daily backup hooks in)."""
        self.notices: list[str] = []
        """Things to tell the user once (records set aside); the caller shows and clears."""
        self._noticed: set[str] = set()
        self.writes = 0
        """How many records this store has made durable (the CLI's honest outcome)."""
        self.set_aside_state: dict[str, str] = {}
        """Keys of state.json set aside by this store (a value that did not fit), and why."""

    @property
    def quarantine_dir(self) -> Path:
        return self.db_dir.parent / QUARANTINE_DIR

    @property
    def notices_file(self) -> Path:
        """Notices not yet shown: a daemon or the app sets records aside too, and the next
        command tells the user."""
        return self.quarantine_dir / NOTICES_FILE

    def _notice(self, text: str, *, keep: bool = True) -> None:
        """Tell the user once. With `keep`, the line is also kept in quarantine/ until a
        command shows it (`take_notices`), whichever process wrote it."""
        if text in self._noticed:
            return
        self._noticed.add(text)
        if keep:
            try:
                ensure_dir(self.quarantine_dir)
                fd = os.open(self.notices_file, NOTICE_FLAGS, FILE_MODE)
                try:
                    os.write(fd, (text.replace("\n", " ") + "\n").encode("utf-8"))
                finally:
                    os.close(fd)
                return
            except OSError:
                pass  # kept in memory only: this process shows it or nobody does
        self.notices.append(text)

    def take_notices(self) -> list[str]:
        """Every notice not yet shown, this process's and those kept by others; each is
        given out once."""
        found, self.notices = self.notices, []
        raw = b""
        try:
            info = os.lstat(self.notices_file)
        except FileNotFoundError:
            return list(dict.fromkeys(found))
        except OSError as exc:
            found.append(f"{self.quarantine_dir}: cannot be read ({exc.strerror})")
            return list(dict.fromkeys(found))
        if stat.S_ISLNK(info.st_mode):
            # Never followed (its target is not shown): a link there is not coach's.
            with contextlib.suppress(OSError):
                self.notices_file.unlink()
                found.append(f"{self.notices_file}: a link was found there and removed")
        elif self.notices_file.exists():
            try:
                with self.locked(hooks=False):
                    raw = read_regular(self.notices_file, 1024 * 1024)
                    self.notices_file.unlink()
            except (CoachError, OSError):
                raw = b""  # left for the next command
            # Read back like any file: a line holding an escape shows it as a mark.
            lines = raw.decode("utf-8", "replace").splitlines()
            found += [printable(line, one_line=True) for line in lines if line]
        return list(dict.fromkeys(found))

    # --- writing ---------------------------------------------------------------------

    def record_step(
        self,
        night: date,
        step: str,
        outcome: Outcome,
        *,
        reason: str | None = None,
        late: bool = False,
        detail: Mapping[str, Any] | None = None,
    ) -> StepRecord:
        record = self._record_step(night, step, outcome, reason, late, detail, only_first=False)
        assert record is not None
        return record

    def record_step_unless_recorded(
        self,
        night: date,
        step: str,
        outcome: Outcome,
        *,
        reason: str | None = None,
        late: bool = False,
        detail: Mapping[str, Any] | None = None,
    ) -> StepRecord | None:
        """Record an outcome only if the night's step has none yet, deciding and writing
        under one hold of the lock; None if one was there (nothing written)."""
        return self._record_step(night, step, outcome, reason, late, detail, only_first=True)

    def _record_step(
        self,
        night: date,
        step: str,
        outcome: Outcome,
        reason: str | None,
        late: bool,
        detail: Mapping[str, Any] | None,
        *,
        only_first: bool,
    ) -> StepRecord | None:
        if outcome not in OUTCOMES:
            raise CoachError(f"unknown outcome {outcome!r}; use one of: {', '.join(OUTCOMES)}")
        night_text = night.isoformat()

        def build(month: Month, stamp: Stamp) -> Built:
            same = [
                doc
                for doc in month.valid.get("outcomes", [])
                if doc["night"] == night_text and doc["step"] == step
            ]
            if only_first and same:
                return None
            record = StepRecord(
                night=night,
                step=step,
                outcome=outcome,
                at=self.clock.now(),
                origin=self.origin,
                id=new_id(),
                reason=reason or None,
                late=late,
                detail=dict(detail or {}),
                hlc=stamp,
            )
            doc = _encode(record)
            repeat = self._retry_of(month, same, doc, ("outcome", "reason", "late", "detail"))
            return (False, repeat) if repeat is not None else (True, doc)

        found = self._write(night, "outcomes", build)
        return None if found is None else decode(StepRecord, found)

    def _retry_of(
        self,
        month: Month,
        same: list[dict[str, Any]],
        doc: dict[str, Any],
        content: tuple[str, ...],
    ) -> dict[str, Any] | None:
        """The record `doc` would repeat, if it is a retry: the file's last write, by this
        origin, for the same key and with the same content. A retried command (after an
        error that left its record saved) then adds nothing."""
        if not same:
            return None
        winner = max(same, key=lambda d: (*stamp_of(d), d["origin"], d["id"]))
        top = highest_stamp(month)
        if top is None or stamp_of(winner) != top or winner["origin"] != doc["origin"]:
            return None
        if any(winner.get(name) != doc.get(name) for name in content):
            return None
        return winner

    def record_cramps(
        self,
        night: date,
        count: int,
        *,
        severity: int | None = None,
        minutes: float | None = None,
        leg: Leg | None = None,
        disturbance: int | None = None,
        notes: str = "",
        muscle: str | None = None,
        band: str | None = None,
    ) -> CrampLog:
        _check_cramps(count, severity, minutes, leg, disturbance, band)
        night_text = night.isoformat()

        def build(month: Month, stamp: Stamp) -> Built:
            log = CrampLog(
                night=night,
                cramps=count,
                at=self.clock.now(),
                origin=self.origin,
                id=new_id(),
                severity=severity,
                minutes=minutes,
                leg=leg,
                disturbance=disturbance,
                notes=notes.strip(),
                muscle=muscle,
                band=band,
                hlc=stamp,
            )
            doc = _encode(log)
            same = [d for d in month.valid.get("cramps", []) if d["night"] == night_text]
            content = (
                "count",
                "severity",
                "minutes",
                "band",
                "leg",
                "disturbance",
                "notes",
                "muscle",
            )
            repeat = self._retry_of(month, same, doc, content)
            return (False, repeat) if repeat is not None else (True, doc)

        found = self._write(night, "cramps", build)
        assert found is not None
        return decode(CrampLog, found)

    def add_event(self, night: date, kind: str, data: Mapping[str, Any] | None = None) -> Event:
        def build(month: Month, stamp: Stamp) -> Built:
            event = Event(
                night=night,
                kind=kind,
                at=self.clock.now(),
                origin=self.origin,
                id=new_id(),
                data=dict(data or {}),
                hlc=stamp,
            )
            return True, _encode(event)

        found = self._write(night, "events", build)
        assert found is not None
        return decode(Event, found)

    def take_back(self, night: date, action: str, targets: Iterable[str], what: str) -> Tombstone:
        """Write a tombstone: the records `targets` (of `night`) count as never written."""

        def build(month: Month, stamp: Stamp) -> Built:
            stone = Tombstone(
                night=night,
                action=action,
                targets=tuple(targets),
                what=what,
                at=self.clock.now(),
                origin=self.origin,
                id=new_id(),
                hlc=stamp,
            )
            return True, _encode(stone)

        found = self._write(night, TOMBSTONES, build)
        assert found is not None
        return decode(Tombstone, found)

    def _write(
        self,
        night: date,
        table: str,
        build: Callable[[Month, Stamp], Built],
    ) -> dict[str, Any] | None:
        """Under the lock: set aside the file's misfits, ask `build` for the new document
        (given the file and the next write stamp), and insert it.

        `build` returns (True, a document to insert), (False, the document already there
        that this write would repeat: a retry, nothing written) or None (nothing to
        write). Returns the new or found document, or None.
        """
        path = self.db_dir / f"{_month_key(night)}.json"
        with self.locked():
            db = _open_db(path)
            try:
                tables = db.storage.read() or {}
                month = sort_docs(tables, _month_key(night))
                if month.misfits:
                    self._set_aside_locked(path, month.misfits, tables)
                    month = sort_docs(tables, _month_key(night))
                stamp = next_stamp(self.clock.now(), self._folder_high(path, month))
                built = build(month, stamp)
                if built is None:
                    return None
                new, doc = built
                if new:
                    self._check_built(table, doc)
                    self._durably(lambda: db.table(table).insert(doc), path)
                    self.writes += 1
                return doc
            finally:
                db.close()

    def _folder_high(self, path: Path, month: Month) -> Stamp | None:
        """The highest write stamp in the whole folder (`month`: the file at `path`, read
        under the lock): a new record's stamp goes above it, whatever month its night is
        in, so "latest" and undo mean written last across months and merged copies.

        Call with the lock held. Each other file's highest stamp is kept in STAMPS_CACHE,
        keyed by the file's inode, mtime and size (a write is a new inode), so a command
        reads only the files changed since the last one did, not ten years."""
        cache_path = self.db_dir / STAMPS_CACHE
        cache = _read_stamps_cache(cache_path)
        changed = False
        highs = [highest_stamp(month)]
        for shard in self._shards():
            if shard == path:
                continue
            try:
                info = shard.stat()
            except FileNotFoundError:
                continue
            key = [info.st_ino, info.st_mtime_ns, info.st_size]
            entry = cache.get(shard.name)
            if entry is None or entry[0] != key:
                high = highest_stamp(self._month(shard))
                entry = (key, high)
                cache[shard.name] = entry
                changed = True
            highs.append(entry[1])
        if changed:
            _write_stamps_cache(cache_path, cache)
        return max((h for h in highs if h is not None), default=None)

    @staticmethod
    def _check_built(table: str, doc: dict[str, Any]) -> None:
        why = misfit(table, doc)
        if why is not None:
            raise CoachError(f"this {table} record cannot be saved: {why}")

    def _durably(self, write: Callable[[], object], path: Path) -> None:
        try:
            write()
        except NotDurable as exc:
            self.writes += 1
            raise StoreError(
                f"{path}: the record was saved, but the folder could not be synced "
                f"({exc.strerror}), so a power cut might still lose it; running the same "
                "command again does not duplicate it"
            ) from None

    def _set_aside_locked(self, path: Path, misfits: list[Misfit], tables: Tables) -> Path:
        """Move misfits out of `tables` (the file at `path`, read under the lock) into a
        file of their own in quarantine/, report them once, and write the file without
        them."""
        kept = self._quarantine(path, misfits)
        for item in misfits:
            tables.get(item.table, {}).pop(item.doc_id, None)
        try:
            atomic_write(path, encode_tables(tables))
        except NotDurable:
            pass  # in place; the write that follows syncs the folder again
        except OSError as exc:
            raise StoreError(
                f"{path}: cannot be written ({exc.strerror}); the records that do not fit "
                f"stay in it, and a copy is in {kept}"
            ) from None
        return kept

    def _quarantine(self, source: Path, misfits: list[Misfit]) -> Path:
        """Keep misfits aside, whole, in quarantine/; report them once. Returns the file."""
        stamp = self.clock.now().strftime("%Y%m%dT%H%M%S")
        target = self.quarantine_dir / f"{source.stem}-{stamp}-{os.urandom(3).hex()}.json"
        body = {
            "from": str(source),
            "set_aside_at": self.clock.now().isoformat(),
            "records": [
                {"table": m.table, "doc_id": m.doc_id, "why": m.why, "record": m.doc}
                for m in misfits
            ],
        }
        try:
            atomic_write(target, json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8"))
        except OSError as exc:
            raise StoreError(
                f"{target}: cannot keep the records that do not fit ({exc.strerror}); "
                "nothing was changed"
            ) from None
        count = len(misfits)
        self._notice(
            f"{source}: {count} record{'s' if count != 1 else ''} did not fit and "
            f"{'were' if count != 1 else 'was'} set aside in {target} "
            f"({misfits[0].describe()})"
        )
        return target

    def merge_from(self, other_db_dir: Path) -> int:
        """Add every record of another copy of the data that this copy lacks.

        Records are matched by id, so merging twice, or merging back and forth between two
        machines, adds nothing the second time. Records that do not fit their schema are
        not taken; they are set aside in quarantine/ and reported. Returns how many records
        were added.
        """
        sources = sorted(other_db_dir.glob(SHARD_GLOB)) if other_db_dir.is_dir() else []
        if not sources:
            raise CoachError(f"{other_db_dir}: no coach records there")
        # Check every file of the other copy before taking anything from it.
        incoming: list[tuple[Path, Month]] = []
        for source in sources:
            try:
                incoming.append((source, sort_docs(read_tables(source), month_of(source.name))))
            except FileNotFoundError:
                continue
            except StoreError as exc:
                reason = str(exc).split("; ")[0]
                raise StoreError(f"{reason}; in the other copy; nothing was merged") from None
        # And every file of this copy they go into: a damaged one stops the merge before
        # anything is written, not halfway (the months before it merged, the rest not).
        for source, _ in incoming:
            try:
                self._month(self.db_dir / source.name)
            except StoreError as exc:
                reason = str(exc).split("; ")[0]
                raise StoreError(f"{reason}; nothing was merged") from None
        added = 0
        for source, theirs in incoming:
            if theirs.misfits:
                self._quarantine(source, theirs.misfits)
            with self.locked():
                added += self.absorb_locked(source.name, theirs.valid)
        return added

    def absorb_locked(self, file_name: str, theirs: Mapping[str, list[dict[str, Any]]]) -> int:
        """Add the records of `theirs` (documents that fit, by table) that file `file_name`
        lacks, matched by id. Call with `locked()` held."""
        path = self.db_dir / file_name
        db = _open_db(path)
        added = 0
        try:
            tables = db.storage.read() or {}
            mine = sort_docs(tables, month_of(file_name))
            if mine.misfits:
                self._set_aside_locked(path, mine.misfits, tables)
            for name in record_tables():
                docs = theirs.get(name, [])
                if not docs:
                    continue
                table = db.table(name)
                have = {doc["id"] for doc in tables.get(name, {}).values()}
                new = []
                for doc in docs:
                    if doc["id"] not in have:
                        have.add(doc["id"])
                        new.append(doc)
                if new:
                    self._durably(partial(table.insert_multiple, new), path)
                    added += len(new)
        finally:
            db.close()
        self.writes += added
        return added

    def locked(self, *, hooks: bool = True) -> _WriteLock:
        """The write lock (re-entrant in a thread), with the once-per-process sweep and
        (unless told not to) the before-write hooks."""
        return _WriteLock(self, hooks=hooks)

    # --- reading ---------------------------------------------------------------------

    def forget_reads(self) -> None:
        """Drop what this store has read (as a new process starts): the next read goes to
        the files (and the digests) again."""
        with self._cache_lock:
            self._cache.clear()
            self._rows_cache.clear()

    @staticmethod
    def _file_key(path: Path) -> tuple[int, int, int] | None:
        """What says a file changed (a write is a new inode), or None if there is none."""
        try:
            info = path.stat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"{path}: cannot be read ({exc.strerror})") from None
        return (info.st_ino, info.st_mtime_ns, info.st_size)

    def _month(self, path: Path) -> Month:
        """One file's records, re-read only when the file changed.

        Misfits found on reading are set aside (under the lock) and reported once; if
        that cannot be done, they are skipped and reported.
        """
        key = self._file_key(path)
        if key is None:
            return Month(tables={}, valid={}, misfits=[])
        with self._cache_lock:
            cached = self._cache.get(path)
            if cached is not None and cached[0] == key:
                return cached[1]
        try:
            raw = read_raw(path)
        except FileNotFoundError:
            return Month(tables={}, valid={}, misfits=[])
        return self._parse_month(path, key, raw)

    def _parse_month(self, path: Path, key: tuple[int, int, int], raw: bytes) -> Month:
        tables = parse_tables(raw, path)
        month = sort_docs(tables, month_of(path.name))._replace(source=source_hash(raw))
        if month.misfits:
            self._set_aside_on_read(path, month)
        with self._cache_lock:
            self._cache[path] = (key, month)
        return month

    def _rows(self, month: str) -> MonthRows:
        """What the diary reads of one month: from the month's digest while it is current,
        else from the file itself (and a digest is kept of a file whose records all fit)."""
        path = self.db_dir / f"{month}.json"
        key = self._file_key(path)
        if key is None:
            return _NO_ROWS
        with self._cache_lock:
            cached = self._rows_cache.get(path)
            if cached is not None and cached[0] == key:
                return cached[1]
            parsed = self._cache.get(path)
        where = digest_path(self.db_dir, month)
        read: Month | None = None
        found: Digest | None = None
        if parsed is not None and parsed[0] == key:
            read = parsed[1]  # read in this process already (to write, or whole records)
            stale = not is_current(where, read.source)
        else:
            try:
                raw = read_raw(path)
            except FileNotFoundError:
                return _NO_ROWS
            found = read_digest(where, source_hash(raw), month)
            read = self._parse_month(path, key, raw) if found is None else None
            stale = found is None
        if read is not None:
            found = digest_of(read)
            if stale and read.source and not read.misfits:  # kept for the next process
                write_digest(where, found, read.source)
        assert found is not None
        rows = rows_of(found)
        with self._cache_lock:
            self._rows_cache[path] = (key, rows)
        return rows

    def _set_aside_on_read(self, path: Path, month: Month) -> None:
        try:
            with self.locked(hooks=False):
                tables = read_tables(path)
                now = sort_docs(tables, month_of(path.name))
                if now.misfits:
                    self._set_aside_locked(path, now.misfits, tables)
        except (CoachError, OSError) as exc:
            count = len(month.misfits)
            self._notice(
                keep=False,
                text=f"{path}: {count} record{'s' if count != 1 else ''} did not fit and "
                f"{'were' if count != 1 else 'was'} skipped ({month.misfits[0].describe()}); "
                f"they could not be set aside: {exc}",
            )

    def _docs(self, table: str, start: date, end: date) -> Iterator[dict[str, Any]]:
        """Standing documents of `table` that fit, for nights start..end (inclusive): those
        no tombstone took back."""
        first, last = start.isoformat(), end.isoformat()
        for month in _months(start, end):
            parsed = self._month(self.db_dir / f"{month}.json")
            gone = taken_back(parsed)
            for doc in parsed.valid.get(table, []):
                if first <= doc["night"] <= last and doc["id"] not in gone:
                    yield doc

    def standing(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(table, document) of every record that fits and was not taken back, month by
        month; tombstones themselves are not records of the diary and are left out."""
        for month in self._month_names():
            parsed = self._month(self.db_dir / f"{month}.json")
            gone = taken_back(parsed)
            for name, docs in parsed.valid.items():
                if name == TOMBSTONES:
                    continue
                for doc in docs:
                    if doc["id"] not in gone:
                        yield name, doc

    def tombstones(self) -> list[tuple[Tombstone, bool]]:
        """Every tombstone in the folder, in write order, each with whether it stands (no
        standing tombstone took it back)."""
        found: list[tuple[Tombstone, bool]] = []
        for month in self._month_names():
            parsed = self._month(self.db_dir / f"{month}.json")
            gone = taken_back(parsed)
            for doc in parsed.valid.get(TOMBSTONES, []):
                found.append((decode(Tombstone, doc), doc["id"] not in gone))
        return sorted(found, key=lambda pair: order_key(pair[0]))

    def record_times(self) -> dict[str, str]:
        """Every record in the folder that fits (tombstones and records taken back too), by
        id, with when it was written (ISO): what a restore compares. A file that cannot be
        read (what a restore may be for) holds nothing that can be kept."""
        found: dict[str, str] = {}
        for shard in self._shards():
            try:
                month = self._month(shard)
            except CoachError:
                continue
            for docs in month.valid.values():
                found.update((doc["id"], doc["at"]) for doc in docs)
        return found

    def cramp_records(self, start: date, end: date) -> list[CrampLog]:
        """Every morning log of nights start..end, in write order."""
        return in_write_order(decode(CrampLog, d) for d in self._docs("cramps", start, end))

    def step_records(self, start: date, end: date) -> list[StepRecord]:
        """Every step record of nights start..end, in the order they were written."""
        return in_write_order(decode(StepRecord, d) for d in self._docs("outcomes", start, end))

    def latest_outcomes(self, start: date, end: date) -> dict[tuple[date, str], StepRecord]:
        """For each (night, step), the record that wins: the latest written (compared by
        write stamp, so the records need no sorting first)."""
        records = (decode(StepRecord, d) for d in self._docs("outcomes", start, end))
        return latest(records, lambda r: (r.night, r.step))

    def latest_steps(self, start: date, end: date) -> dict[date, Mapping[str, Outcome]]:
        """For each night start..end with a step record, each step's latest outcome:
        `latest_outcomes` without the rest of each record, read from the months' digests
        (the mappings are shared: not to be changed)."""
        found: dict[date, Mapping[str, Outcome]] = {}
        for month in _months(start, end):
            steps = self._rows(month).steps
            found.update((night, v) for night, v in steps.items() if start <= night <= end)
        return found

    def cramp_logs(self, start: date, end: date) -> dict[date, CrampLog]:
        """For each night, its latest morning log."""
        found: dict[date, CrampLog] = {}
        for month in _months(start, end):
            logs = self._rows(month).logs
            found.update((night, log) for night, log in logs.items() if start <= night <= end)
        return found

    def events(self, start: date, end: date, kind: str | None = None) -> list[Event]:
        """Events of nights start..end (of one kind, if given), in write order."""
        return in_write_order(
            event
            for month in _months(start, end)
            for event in self._rows(month).events
            if start <= event.night <= end and (kind is None or event.kind == kind)
        )

    def paused_nights(self, start: date, end: date) -> set[date]:
        """Nights start..end the user paused: they neither break nor extend a streak."""
        return paused_from(self.events(start, end, PAUSE_EVENT))

    def first_night(self) -> date | None:
        """The earliest night with any record, or None for a new store."""
        for month in self._month_names():
            first = self._rows(month).first_night
            if first is not None:
                return first
        return None

    def _shards(self) -> list[Path]:
        return [self.db_dir / f"{month}.json" for month in self._month_names()]

    def _month_names(self) -> list[str]:
        """The months that have a file ("2026-11"), oldest first."""
        try:
            names = os.listdir(self.db_dir)
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError as exc:
            raise StoreError(f"{self.db_dir}: cannot be read ({exc.strerror})") from None
        return sorted(name[:-5] for name in names if _SHARD_NAME.fullmatch(name))

    def check(self) -> int:
        """Read every file once; raise StoreError on the first bad one. Returns the count."""
        shards = self._shards()
        for path in shards:
            self._month(path)
        self._state_tables()
        return len(shards)

    # --- small app state (first-run flags and the like) -------------------------------

    def _state_tables(self) -> Tables:
        """state.json, read and checked. A file that cannot be used (damaged, not ours) is
        set aside whole in quarantine/ and reported: it holds small app state, never a
        record, and must not stop the diary (or `coach experiment stop`)."""
        path = self.db_dir / STATE_FILE
        try:
            return read_tables(path)
        except FileNotFoundError:
            return {}
        except NewerFile:
            raise
        except StoreError as exc:
            self._set_aside_state_file(path, str(exc))
            return {}

    def _set_aside_state_file(self, path: Path, why: str) -> None:
        try:
            with self.locked(hooks=False):
                try:
                    read_tables(path)
                    return  # put right meanwhile
                except FileNotFoundError:
                    return
                except NewerFile:
                    raise
                except StoreError:
                    pass
                ensure_dir(self.quarantine_dir)
                stamp = self.clock.now().strftime("%Y%m%dT%H%M%S")
                target = self.quarantine_dir / f"state-{stamp}-{os.urandom(3).hex()}.json"
                os.replace(path, target)
        except (CoachError, OSError) as exc:
            raise StoreError(f"{why}; it could not be set aside ({exc})") from None
        reason = why.split(" (", 1)[1].split(")", 1)[0] if " (" in why else why
        self._notice(
            f"{path}: the app's small state file could not be used ({reason}) and was set "
            f"aside in {target}; the diary's records are untouched, and settings such as "
            "an experiment plan start afresh"
        )

    def get_state(self, key: str, default: Any = None) -> Any:
        """A value of the small app state; one that does not fit its rule
        (`coach.records.schema.register_state`) is set aside and reported, and reads as
        `default`."""
        doc = self._state_tables().get("state", {}).get("1", {})
        if not isinstance(doc, dict) or key not in doc:
            return default
        value = doc[key]
        why = state_misfit(key, value)
        if why is None:
            return value
        self._set_aside_state(key, value, why)
        return default

    def _set_aside_state(self, key: str, value: Any, why: str) -> None:
        """Move a state value that does not fit into quarantine/ and drop it from
        state.json (if it is still the one read); reported once."""
        path = self.db_dir / STATE_FILE
        stamp = self.clock.now().strftime("%Y%m%dT%H%M%S")
        target = self.quarantine_dir / f"state-{key}-{stamp}-{os.urandom(3).hex()}.json"
        body = {"from": str(path), "key": key, "why": why, "value": value}
        try:
            with self.locked(hooks=False):
                db = _open_db(path)
                try:
                    doc = (db.storage.read() or {}).get("state", {}).get("1", {})
                    if not isinstance(doc, dict) or doc.get(key) != value:
                        return  # changed meanwhile: the next read judges the new value
                    atomic_write(
                        target, json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
                    )
                    table = db.table("state")
                    self._durably(lambda: table.update({key: None}, doc_ids=[1]), path)
                finally:
                    db.close()
        except (CoachError, OSError) as exc:
            self._notice(
                keep=False,
                text=f"{path}: {why}, so it is not used; it could not be set aside ({exc})",
            )
            return
        self.set_aside_state[key] = why
        self._notice(f"{path}: {why}; it was set aside in {target}")

    def set_state(self, key: str, value: Any) -> None:
        path = self.db_dir / STATE_FILE
        with self.locked():
            db = _open_db(path)
            try:
                table = db.table("state")
                if table.contains(doc_id=1):
                    self._durably(lambda: table.update({key: value}, doc_ids=[1]), path)
                else:
                    self._durably(lambda: table.insert({key: value}), path)
            finally:
                db.close()


STAMPS_CACHE = "stamps.cache"
"""Beside the month files: each file's highest write stamp, by its inode, mtime and size.
Only a cache (never backed up, rebuilt when missing or damaged): see Store._folder_high."""
_CacheEntry = tuple[list[int], Stamp | None]


def _read_stamps_cache(path: Path) -> dict[str, _CacheEntry]:
    """The cache of each month file's highest stamp, each entry checked as a record's stamp
    is (an edited entry is dropped and its file read again)."""
    try:
        raw = json.loads(read_regular(path, 1024 * 1024))
    except (OSError, CoachError, ValueError):
        return {}
    found: dict[str, _CacheEntry] = {}
    if not isinstance(raw, dict):
        return found
    for name, value in raw.items():
        try:
            key, high = value
            if len(key) != 3 or not all(type(k) is int for k in key):
                continue
            if high is None:
                found[name] = (list(key), None)
            elif stamp_check(high) is None:  # a stamp a record could hold, nothing else
                found[name] = (list(key), (high[0], high[1]))
        except (TypeError, ValueError):
            continue
    return found


def _write_stamps_cache(path: Path, cache: Mapping[str, _CacheEntry]) -> None:
    body = {
        name: [key, None if high is None else list(high)] for name, (key, high) in cache.items()
    }
    with contextlib.suppress(OSError):  # only a cache: the next write reads the files again
        atomic_write(path, json.dumps(body).encode("utf-8"))


def taken_back(month: Month) -> set[str]:
    """Ids of the records (and tombstones) that the standing tombstones of one month's file
    take back. A tombstone only names records written before it, so reading them newest
    first settles each before it acts: one taken back takes nothing back (a redo brings
    back what its undo took; an undo of a forget, what the forget took)."""
    stones = sorted(
        month.valid.get(TOMBSTONES, []),
        key=lambda doc: (*stamp_of(doc), doc["origin"], doc["id"]),
        reverse=True,
    )
    gone: set[str] = set()
    for doc in stones:
        if doc["id"] not in gone:
            gone.update(doc["targets"])
    return gone


def _later(doc: Mapping[str, Any], than: Mapping[str, Any]) -> bool:
    """Whether `doc` was written after `than`: `order_key` on documents (the origin as
    a decoded record holds it, so both agree on a tie)."""
    mine, theirs = stamp_of(doc), stamp_of(than)
    if mine != theirs:
        return mine > theirs
    return (printable(doc["origin"]), doc["id"]) > (printable(than["origin"]), than["id"])


def digest_of(month: Month) -> Digest:
    """A month's digest (coach.records.digest): its standing step outcomes, morning logs
    and events, the latest of each where the diary takes the latest."""
    gone = taken_back(month)
    steps: dict[tuple[str, str], dict[str, Any]] = {}
    for doc in month.valid.get("outcomes", []):
        if doc["id"] in gone:
            continue
        key = (doc["night"], doc["step"])
        held = steps.get(key)
        if held is None or _later(doc, held):
            steps[key] = doc
    logs: dict[str, dict[str, Any]] = {}
    for doc in month.valid.get("cramps", []):
        held = logs.get(doc["night"])
        if doc["id"] not in gone and (held is None or _later(doc, held)):
            logs[doc["night"]] = doc
    by_night: dict[str, dict[str, str]] = {}
    for (night, step), doc in steps.items():
        by_night.setdefault(night, {})[step] = doc["outcome"]
    return Digest(
        steps=by_night,
        cramps=[_slim(doc, CrampLog) for doc in logs.values()],
        events=[
            _slim(doc, Event) for doc in month.valid.get("events", []) if doc["id"] not in gone
        ],
    )


def _slim(doc: Mapping[str, Any], cls: type[Record]) -> dict[str, Any]:
    """What a digest keeps of a fitting document: the keys `decode` reads, less those that
    hold the record's default (a morning log of no cramps is mostly empty fields), so the
    digest is read and checked in less time and decodes to the very same record."""
    slim = {}
    for _, key, default in _PLANS.get(cls) or _plan(cls):
        if key in doc:
            value = doc[key]
            if type(value) is not type(default) or value != default:
                slim[key] = value
    return slim


def rows_of(digest: Digest) -> MonthRows:
    """A month's digest as records: only its morning logs and events are decoded."""
    shown: dict[str, str] = {}  # each step id cleaned once (a month holds a handful)
    steps: dict[date, dict[str, Outcome]] = {}
    for night, outcomes in digest.steps.items():
        kept: dict[str, Outcome] = {}
        for step, outcome in outcomes.items():
            name = shown.get(step)
            if name is None:
                name = shown[step] = printable(step)
            kept[name] = outcome  # type: ignore[assignment]
        steps[date.fromisoformat(night)] = kept
    return MonthRows(
        steps=steps,
        logs={log.night: log for log in (decode(CrampLog, doc) for doc in digest.cramps)},
        events=tuple(decode(Event, doc) for doc in digest.events),
    )


def paused_from(events: Iterable[Event]) -> set[date]:
    """Nights whose latest "pause" event pauses them (an undo writes paused=False)."""
    pauses = latest((e for e in events if e.kind == PAUSE_EVENT), lambda e: e.night)
    return {night for night, event in pauses.items() if bool(event.data.get("paused", True))}


def _check_cramps(
    count: int,
    severity: int | None,
    minutes: float | None,
    leg: str | None,
    disturbance: int | None,
    band: str | None = None,
) -> None:
    if count < 0 or count > 50:
        raise CoachError(f"cramp count {count} is out of range; allowed: 0 to 50")
    if severity is not None and not 0 <= severity <= 10:
        raise CoachError(f"severity {severity} is out of range; allowed: 0 to 10")
    if disturbance is not None and not 0 <= disturbance <= 10:
        raise CoachError(f"sleep disturbance {disturbance} is out of range; allowed: 0 to 10")
    if minutes is not None and not 0 <= minutes <= 24 * 60:
        raise CoachError(f"minutes {minutes:g} is out of range; allowed: 0 to 1440")
    if count == 0 and any(v is not None for v in (severity, minutes, leg, band)):
        raise CoachError("a night without cramps takes no severity, minutes or leg")
    if band is not None and band not in BANDS:
        raise CoachError(f"duration band {band!r} is not allowed; use one of: {', '.join(BANDS)}")
    if band is not None and minutes is not None:
        raise CoachError("give the longest cramp as minutes or as a band, not both")
    if leg is not None and leg not in LEGS:
        raise CoachError(f"leg {leg!r} is not allowed; use one of: {', '.join(LEGS)}")


class _WriteLock:
    """Context manager: the store's file lock plus its first-write housekeeping."""

    def __init__(self, store: Store, *, hooks: bool) -> None:
        self._store = store
        self._hooks = hooks

    def __enter__(self) -> None:
        store = self._store
        store._lock.acquire()
        try:
            ensure_dir(store.db_dir)
            if not store._swept:
                # Temp files left by a writer killed mid-write; we hold the lock, so
                # no live writer owns one.
                for stale in store.db_dir.glob(".*.tmp"):
                    stale.unlink(missing_ok=True)
                store._swept = True
            for hook in store.before_write if self._hooks else ():
                hook()
        except BaseException:
            store._lock.release()
            raise

    def __exit__(self, *exc: object) -> None:
        self._store._lock.release()


def open_store(db_dir: Path, lock_file: Path, clock: Clock, kind: str) -> Store:
    """A store for one part of the app ('cli', 'tui', 'daemon')."""
    return Store(db_dir, lock_file, clock, default_origin(kind))


__all__ = [
    "BANDS",
    "CrampLog",
    "Event",
    "StepRecord",
    "Store",
    "Tombstone",
    "is_foreign",
    "order_key",
]
