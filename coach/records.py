"""What the user did each night and how their nights went, kept in TinyDB files.

Layout: one TinyDB file per calendar month of nights (`db/2026-11.json`), holding the tables
`outcomes`, `cramps` and `events`, plus `db/state.json` for small app state. Records are
append-only events; for a night and step the latest one wins. A write locks `db.lock`,
rewrites only its month's file (a few kB), and leaves ten years of history untouched.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from coach.clock import Clock
from coach.errors import CoachError, StoreError
from coach.fsutil import ensure_dir
from coach.storage import Tables, file_lock, parse_tables

if TYPE_CHECKING:
    from tinydb import TinyDB

Outcome = Literal["done", "skipped", "missed"]
OUTCOMES: tuple[str, ...] = get_args(Outcome)
LEGS: tuple[str, ...] = ("left", "right", "both")
STATE_FILE = "state.json"
PAUSE_EVENT = "pause"
SHARD_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9].json"
RECORD_TABLES = ("outcomes", "cramps", "events", "tombstones")
TOMBSTONES = "tombstones"
"""Records that take back others by id (undo, forget): see coach.diary."""
BANDS: tuple[str, ...] = ("under 1", "1-5", "5-10", "over 10")
"""The longest-cramp bands of the morning check-in, in minutes; kept as bands, not numbers."""


def _open_db(path: Path) -> TinyDB:
    """TinyDB on one month's file through the crash-safe storage; hold the lock first.

    Imported here, on the first write: reading the records needs no TinyDB, and the app's
    start is a read.
    """
    from tinydb import TinyDB

    from coach.durable import DurableStorage

    return TinyDB(path, storage=DurableStorage)


def new_id() -> str:
    return uuid.uuid4().hex


def default_origin(kind: str) -> str:
    """Where a record was written: which part of the app, on which machine."""
    return f"{kind}@{os.uname().nodename or 'localhost'}"


@dataclass(frozen=True)
class StepRecord:
    """One outcome of one step on one night."""

    night: date
    step: str
    outcome: str
    at: datetime
    origin: str
    id: str = field(default_factory=new_id)
    reason: str | None = None
    late: bool = False
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CrampLog:
    """The morning log of one night's cramps; count 0 means a night without cramps."""

    night: date
    count: int
    at: datetime
    origin: str
    severity: int | None = None
    minutes: float | None = None
    leg: str | None = None
    disturbance: int | None = None
    notes: str = ""
    muscle: str | None = None
    id: str = field(default_factory=new_id)
    band: str | None = None
    """The longest cramp as a band of BANDS (the check-in), when not timed or typed."""


@dataclass(frozen=True)
class Event:
    """Anything else that happened on a night: a cramp episode, a reminder sent, a pause."""

    night: date
    kind: str
    at: datetime
    origin: str
    data: Mapping[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=new_id)


@dataclass(frozen=True)
class Tombstone:
    """Takes back records of one night by id, as if they had never been written."""

    night: date
    action: str
    """'undo' or 'forget'."""
    targets: tuple[str, ...]
    what: str
    """What was taken back, in words."""
    at: datetime
    origin: str
    id: str = field(default_factory=new_id)


def _encode(record: StepRecord | CrampLog | Event | Tombstone) -> dict[str, Any]:
    doc = asdict(record)
    doc["night"] = record.night.isoformat()
    doc["at"] = record.at.isoformat()
    if "detail" in doc:
        doc["detail"] = dict(record.detail)  # type: ignore[union-attr]
    if "targets" in doc:
        doc["targets"] = list(doc["targets"])
    return doc


def _decode_common(doc: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(doc)
    values["night"] = date.fromisoformat(doc["night"])
    values["at"] = datetime.fromisoformat(doc["at"])
    return values


def _month_key(night: date) -> str:
    return f"{night.year:04d}-{night.month:02d}"


def _months(start: date, end: date) -> Iterator[str]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


class Store:
    """The records of one data folder. Safe to use from several threads and processes."""

    def __init__(self, db_dir: Path, lock_file: Path, clock: Clock, origin: str) -> None:
        self.db_dir = db_dir
        self.lock_file = lock_file
        self.clock = clock
        self.origin = origin
        self._cache: dict[Path, tuple[tuple[int, int, int], Tables]] = {}
        self._cache_lock = threading.Lock()
        self._swept = False
        self.before_write: list[Callable[[], object]] = []
        """Callables run under the lock before each write (the daily backup hooks in)."""

    # --- writing ---------------------------------------------------------------------

    def record_step(
        self,
        night: date,
        step: str,
        outcome: str,
        *,
        reason: str | None = None,
        late: bool = False,
        detail: Mapping[str, Any] | None = None,
    ) -> StepRecord:
        if outcome not in OUTCOMES:
            raise CoachError(f"unknown outcome {outcome!r}; use one of: {', '.join(OUTCOMES)}")
        record = StepRecord(
            night=night,
            step=step,
            outcome=outcome,
            at=self.clock.now(),
            origin=self.origin,
            reason=reason or None,
            late=late,
            detail=dict(detail or {}),
        )
        self._insert(night, "outcomes", _encode(record))
        return record

    def record_cramps(
        self,
        night: date,
        count: int,
        *,
        severity: int | None = None,
        minutes: float | None = None,
        leg: str | None = None,
        disturbance: int | None = None,
        notes: str = "",
        muscle: str | None = None,
        band: str | None = None,
    ) -> CrampLog:
        _check_cramps(count, severity, minutes, leg, disturbance, band)
        log = CrampLog(
            night=night,
            count=count,
            at=self.clock.now(),
            origin=self.origin,
            severity=severity,
            minutes=minutes,
            leg=leg,
            disturbance=disturbance,
            notes=notes.strip(),
            muscle=muscle,
            band=band,
        )
        self._insert(night, "cramps", _encode(log))
        return log

    def add_event(self, night: date, kind: str, data: Mapping[str, Any] | None = None) -> Event:
        event = Event(
            night=night, kind=kind, at=self.clock.now(), origin=self.origin, data=dict(data or {})
        )
        self._insert(night, "events", _encode(event))
        return event

    def take_back(self, night: date, action: str, targets: Iterable[str], what: str) -> Tombstone:
        """Write a tombstone: the records `targets` (of `night`) count as never written."""
        stone = Tombstone(
            night=night,
            action=action,
            targets=tuple(targets),
            what=what,
            at=self.clock.now(),
            origin=self.origin,
        )
        self._insert(night, TOMBSTONES, _encode(stone))
        return stone

    def _insert(self, night: date, table: str, doc: dict[str, Any]) -> None:
        path = self.db_dir / f"{_month_key(night)}.json"
        with self.locked():
            db = _open_db(path)
            try:
                db.table(table).insert(doc)
            finally:
                db.close()

    def merge_from(self, other_db_dir: Path) -> int:
        """Add every record of another copy of the data that this copy lacks.

        Records are matched by id, so merging twice, or merging back and forth between two
        machines, adds nothing the second time. Returns how many records were added.
        """
        sources = sorted(other_db_dir.glob(SHARD_GLOB)) if other_db_dir.is_dir() else []
        if not sources:
            raise CoachError(f"{other_db_dir}: no coach records there")
        # Check every file of the other copy before taking anything from it.
        incoming: list[tuple[Path, Tables]] = []
        for source in sources:
            try:
                incoming.append((source, parse_tables(source.read_bytes(), source)))
            except OSError as exc:
                raise StoreError(
                    f"{source}: cannot be read ({exc.strerror}); nothing was merged"
                ) from None
            except StoreError as exc:
                reason = str(exc).split("; ")[0]
                raise StoreError(f"{reason}; in the other copy; nothing was merged") from None
        added = 0
        for source, theirs in incoming:
            with self.locked():
                added += self.absorb_locked(source.name, theirs)
        return added

    def absorb_locked(self, file_name: str, theirs: Tables) -> int:
        """Add the records of `theirs` that file `file_name` lacks, matched by id.

        The caller holds `locked()`: flock is per open file, so taking it again here would
        wait on ourselves.
        """
        db = _open_db(self.db_dir / file_name)
        added = 0
        try:
            for name in RECORD_TABLES:
                docs = theirs.get(name, {})
                if not docs:
                    continue
                table = db.table(name)
                have = {doc.get("id") for doc in table.all()}
                new = [docs[key] for key in sorted(docs, key=int) if docs[key]["id"] not in have]
                if new:
                    table.insert_multiple(new)
                    added += len(new)
        finally:
            db.close()
        return added

    def locked(self, *, hooks: bool = True) -> _WriteLock:
        """The write lock, with the once-per-process sweep and (unless told not to) the
        before-write hooks."""
        return _WriteLock(self, hooks=hooks)

    # --- reading ---------------------------------------------------------------------

    def _tables(self, path: Path) -> Tables:
        """One month's tables, re-read only when the file changed (a write is a new inode)."""
        try:
            stat = path.stat()
        except FileNotFoundError:
            return {}
        key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        with self._cache_lock:
            cached = self._cache.get(path)
            if cached is not None and cached[0] == key:
                return cached[1]
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise StoreError(f"{path}: cannot be read ({exc.strerror})") from None
        tables = parse_tables(raw, path)
        with self._cache_lock:
            self._cache[path] = (key, tables)
        return tables

    def _docs(self, table: str, start: date, end: date) -> Iterator[dict[str, Any]]:
        """Standing documents of `table` for nights start..end (inclusive), in write order:
        those no tombstone took back."""
        first, last = start.isoformat(), end.isoformat()
        for month in _months(start, end):
            tables = self._tables(self.db_dir / f"{month}.json")
            gone = taken_back(tables)
            docs = tables.get(table, {})
            for doc_id in sorted(docs, key=int):
                doc = docs[doc_id]
                if first <= doc["night"] <= last and doc["id"] not in gone:
                    yield doc

    def standing(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(table, document) of every record not taken back, month by month in write order."""
        for month in sorted(p.stem for p in self._shards()):
            tables = self._tables(self.db_dir / f"{month}.json")
            gone = taken_back(tables)
            for name in RECORD_TABLES:
                if name == TOMBSTONES:
                    continue
                docs = tables.get(name, {})
                for doc_id in sorted(docs, key=int):
                    if docs[doc_id]["id"] not in gone:
                        yield name, docs[doc_id]

    def tombstones(self, start: date, end: date) -> list[Tombstone]:
        """The tombstones of nights start..end, in write order."""
        stones = []
        for doc in self._docs(TOMBSTONES, start, end):
            values = _decode_common(doc)
            values["targets"] = tuple(values.get("targets", ()))
            stones.append(Tombstone(**values))
        return stones

    def step_records(self, start: date, end: date) -> list[StepRecord]:
        """Every step record of nights start..end, in the order they were written."""
        return [StepRecord(**_decode_common(doc)) for doc in self._docs("outcomes", start, end)]

    def latest_outcomes(self, start: date, end: date) -> dict[tuple[date, str], StepRecord]:
        """For each (night, step), the record that wins: the latest written."""
        return _latest(lambda r: (r.night, r.step), self.step_records(start, end))

    def cramp_records(self, start: date, end: date) -> list[CrampLog]:
        """Every morning log of nights start..end, in the order they were written."""
        return [CrampLog(**_decode_common(doc)) for doc in self._docs("cramps", start, end)]

    def cramp_logs(self, start: date, end: date) -> dict[date, CrampLog]:
        """For each night, its latest morning log."""
        return _latest(lambda log: log.night, self.cramp_records(start, end))

    def events(self, start: date, end: date, kind: str | None = None) -> list[Event]:
        return [
            Event(**_decode_common(doc))
            for doc in self._docs("events", start, end)
            if kind is None or doc["kind"] == kind
        ]

    def paused_nights(self, start: date, end: date) -> set[date]:
        """Nights start..end the user paused: they neither break nor extend a streak."""
        return paused_from(self.events(start, end, PAUSE_EVENT))

    def first_night(self) -> date | None:
        """The earliest night with any record, or None for a new store."""
        months = sorted(p.stem for p in self._shards())
        for month in months:
            tables = self._tables(self.db_dir / f"{month}.json")
            gone = taken_back(tables)
            nights = [
                doc["night"]
                for name in RECORD_TABLES
                if name != TOMBSTONES
                for doc in tables.get(name, {}).values()
                if doc["id"] not in gone
            ]
            if nights:
                return date.fromisoformat(min(nights))
        return None

    def _shards(self) -> list[Path]:
        if not self.db_dir.is_dir():
            return []
        return list(self.db_dir.glob(SHARD_GLOB))

    def check(self) -> int:
        """Read every file once; raise StoreError on the first bad one. Returns the count."""
        shards = self._shards()
        for path in shards:
            self._tables(path)
        self._state_tables()
        return len(shards)

    # --- small app state (first-run flags and the like) -------------------------------

    def _state_tables(self) -> Tables:
        return self._tables(self.db_dir / STATE_FILE)

    def get_state(self, key: str, default: Any = None) -> Any:
        doc = self._state_tables().get("state", {}).get("1", {})
        return doc.get(key, default)

    def set_state(self, key: str, value: Any) -> None:
        path = self.db_dir / STATE_FILE
        with self.locked():
            db = _open_db(path)
            try:
                table = db.table("state")
                if table.contains(doc_id=1):
                    table.update({key: value}, doc_ids=[1])
                else:
                    table.insert({key: value})
            finally:
                db.close()


def taken_back(tables: Tables) -> set[str]:
    """Ids of the records that the tombstones in one month's tables take back."""
    gone: set[str] = set()
    for doc in tables.get(TOMBSTONES, {}).values():
        targets = doc.get("targets")
        if isinstance(targets, list):
            gone.update(t for t in targets if isinstance(t, str))
    return gone


def paused_from(events: Iterable[Event]) -> set[date]:
    """Nights whose latest "pause" event pauses them (an undo writes paused=False)."""
    state: dict[date, bool] = {}
    for event in events:
        if event.kind == PAUSE_EVENT:
            state[event.night] = bool(event.data.get("paused", True))
    return {night for night, paused in state.items() if paused}


def _latest(key: Any, records: Iterable[Any]) -> dict[Any, Any]:
    """Keep the last record written for each key; `records` come in write order."""
    winners: dict[Any, Any] = {}
    for record in records:
        k = key(record)
        current = winners.get(k)
        if current is None or record.at >= current.at:
            winners[k] = record
    return winners


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
        self._lock = file_lock(store.lock_file)

    def __enter__(self) -> None:
        self._lock.__enter__()
        try:
            store = self._store
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
            self._lock.__exit__(None, None, None)
            raise

    def __exit__(self, *exc: object) -> None:
        self._lock.__exit__(*exc)  # type: ignore[arg-type]


def open_store(db_dir: Path, lock_file: Path, clock: Clock, kind: str) -> Store:
    """A store for one part of the app ('cli', 'tui', 'daemon')."""
    return Store(db_dir, lock_file, clock, default_origin(kind))
