"""Rotating daily backups of the database folder, and the one-command restore."""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from coach.clock import Clock
from coach.errors import CoachError, StoreError
from coach.records.files import Tables, encode_tables, parse_tables, read_tables
from coach.records.store import Month, Store, month_of, sort_docs
from coach.system.files import MAX_FILE_BYTES, NotDurable, atomic_write, fsync_dir, read_regular

if TYPE_CHECKING:
    import zipfile

KEEP = 7
DAILY = re.compile(r"^coach-([0-9]{4}-[0-9]{2}-[0-9]{2})\.zip$")
DB_FILE = re.compile(r"([0-9]{4}-[0-9]{2}|state)\.json")
"""The files a backup holds: the month files and the app state, nothing else in db/."""
MAX_ZIP_BYTES = 256 * 1024 * 1024
MAX_MEMBERS = 2000
"""Ten years are 121 files; a backup with far more is not one coach made."""


class Restored(NamedTuple):
    """What a restore did."""

    source: Path
    changed: bool
    """False when the database already held exactly what was asked for."""
    before: Path | None
    """The zip of the state before the restore, if anything changed."""


class Preview(NamedTuple):
    """What a restore would change, counted in records (matched by id) before it is done."""

    source: Path
    removes: int
    """Records in the database that the backup lacks: written since it was made."""
    adds: int
    """Records in the backup that the database lacks."""
    since: datetime | None
    """When the earliest record that would go was written."""

    def words(self, tz: tzinfo) -> str:
        """'removes 231 records written since Mon 23 Nov 08:00 and adds 0'."""
        removes = f"removes {self.removes} record{'s' if self.removes != 1 else ''}"
        if self.since is not None:
            removes += f" written since {self.since.astimezone(tz):%a %d %b %H:%M}"
        return f"{removes} and adds {self.adds}"


class Contents(NamedTuple):
    """What one backup holds."""

    path: Path
    nights: int
    records: int
    first: date | None
    last: date | None
    problem: str | None = None


def _damaged_backup(path: Path, why: str) -> StoreError:
    return StoreError(f"{path}: the backup is damaged ({why}); it was left untouched")


def read_backup(path: Path) -> dict[str, tuple[bytes, Tables]]:
    """Every database file a backup holds, checked: {name: (bytes, tables)}.

    Raises StoreError, in one line naming the zip, for anything a coach backup never
    holds: another kind of member, a duplicate, a compression method other than stored
    or deflated, an encrypted or oversized member, a damaged archive or file.
    """
    import zipfile
    import zlib

    try:
        info = os.lstat(path)
    except OSError as exc:
        raise StoreError(f"{path}: the backup cannot be read ({exc.strerror})") from None
    if stat.S_ISLNK(info.st_mode):
        raise _damaged_backup(path, "a link, which coach does not follow")
    if not stat.S_ISREG(info.st_mode):
        raise _damaged_backup(path, "not a regular file")
    if info.st_size > MAX_ZIP_BYTES:
        raise _damaged_backup(path, f"larger than {MAX_ZIP_BYTES // (1024 * 1024)} MB")
    try:
        raw = read_regular(path, MAX_ZIP_BYTES)
    except OSError as exc:
        raise StoreError(f"{path}: the backup cannot be read ({exc.strerror})") from None
    members: dict[str, tuple[bytes, Tables]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise _damaged_backup(path, f"more than {MAX_MEMBERS} members")
            for member in infos:
                data = _read_member(path, archive, member)
                members[member.filename] = (data, parse_tables(data, path / member.filename))
    except StoreError as exc:
        text = str(exc)
        if text.startswith(f"{path}: the backup"):
            raise
        raise _damaged_backup(path, text.split(": ", 1)[-1].split("; ")[0]) from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
        OSError,
    ) as exc:
        raise _damaged_backup(path, f"{type(exc).__name__}: {exc}"[:200]) from None
    return members


def _read_member(path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    import zipfile

    name = member.filename
    shown = repr(name[:60])
    if not DB_FILE.fullmatch(name):
        raise _damaged_backup(path, f"member {shown} is not a coach database file")
    if member.flag_bits & 0x1:
        raise _damaged_backup(path, f"member {shown} is encrypted")
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _damaged_backup(
            path, f"member {shown} uses compression method {member.compress_type}"
        )
    if member.file_size > MAX_FILE_BYTES:
        raise _damaged_backup(path, f"member {shown} is larger than {MAX_FILE_BYTES} bytes")
    if sum(1 for other in archive.infolist() if other.filename == name) > 1:
        raise _damaged_backup(path, f"member {shown} appears twice")
    with archive.open(member) as handle:
        # Read one byte past the limit: a member whose header understates its size
        # (a zip bomb) stops there instead of filling the memory.
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _damaged_backup(path, f"member {shown} is larger than {MAX_FILE_BYTES} bytes")
    return data


def _member(name: str, clock: Clock) -> zipfile.ZipInfo:
    """A zip member stamped with the clock's time, kept within what a zip can hold (1980
    to 2107): a clock set to 1970 or far ahead never stops the backup."""
    import zipfile

    try:
        local = clock.now().astimezone()
        stamp = (local.year, local.month, local.day, local.hour, local.minute, local.second)
    except (OverflowError, ValueError, OSError):
        stamp = (1980, 1, 1, 0, 0, 0)
    stamp = max((1980, 1, 1, 0, 0, 0), min((2107, 12, 31, 23, 59, 58), stamp))
    member = zipfile.ZipInfo(name, date_time=stamp)
    member.compress_type = zipfile.ZIP_DEFLATED
    member.external_attr = 0o600 << 16
    return member


def _is_regular(path: Path) -> bool:
    """A regular file, not a link to one."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


class Backups:
    """Keeps the last `keep` daily zips of `db/`, taken before the day's first write."""

    def __init__(self, db_dir: Path, backups_dir: Path, clock: Clock, keep: int = KEEP) -> None:
        self.db_dir = db_dir
        self.backups_dir = backups_dir
        self.clock = clock
        self.keep = keep
        self._checked: date | None = None
        self._swept = False

    def attach(self, store: Store) -> None:
        """Take the day's backup inside the store's write lock, before its first write."""
        store.before_write.append(self.backup_if_due)

    def _sweep(self) -> None:
        """Temp files of a backup whose writer was killed; call with the store's lock."""
        if self._swept:
            return
        self._swept = True
        if self.backups_dir.is_dir():
            for stale in self.backups_dir.glob(".*.tmp"):
                with contextlib.suppress(OSError):
                    stale.unlink()

    def backup_if_due(self) -> Path | None:
        """Call with the store's lock held. Returns the new backup, if one was made."""
        today = self.clock.now().astimezone().date()  # the machine's local day
        if self._checked == today:
            return None
        self._sweep()
        target = self.backups_dir / f"coach-{today.isoformat()}.zip"
        # Only a backup coach made counts: a link (or a FIFO) planted at today's name is
        # replaced by the real backup, never taken for one.
        if _is_regular(target):
            self._checked = today
            return None
        try:
            made = self._write_zip(target)
        except NotDurable:
            made = target  # in place; the write that follows syncs the data itself
        except OSError as exc:
            raise StoreError(
                f"{target}: the daily backup cannot be written ({exc.strerror}); "
                "nothing was changed"
            ) from None
        if made is not None:  # with nothing to save yet, look again at the next write
            self._checked = today
            self._prune()
        return made

    def _db_files(self) -> list[Path]:
        if not self.db_dir.is_dir():
            return []
        return sorted(p for p in self.db_dir.glob("*.json") if DB_FILE.fullmatch(p.name))

    def _write_zip(self, target: Path, *, check: bool = True) -> Path | None:
        files = self._db_files()
        if not files:
            return None
        import zipfile  # only when a backup is due: once a day

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                try:
                    raw = read_regular(path)
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    if not check:
                        continue  # a FIFO or a giant file: nothing of ours to keep
                    raise StoreError(
                        f"{path}: cannot be read for the daily backup ({exc.strerror}); "
                        "nothing was changed"
                    ) from None
                if check:
                    # A damaged file stops the backup (and the write) rather than rotating
                    # the good backups out one day at a time.
                    parse_tables(raw, path)
                archive.writestr(_member(path.name, self.clock), raw)
        atomic_write(target, buffer.getvalue())
        return target

    def _prune(self) -> None:
        daily = sorted(p for p in self.backups_dir.glob("coach-*.zip") if DAILY.match(p.name))
        for old in daily[: max(0, len(daily) - self.keep)]:
            old.unlink(missing_ok=True)

    def list(self) -> list[Path]:
        """Every backup, newest first (regular files only: links are not followed)."""
        if not self.backups_dir.is_dir():
            return []
        found = (p for p in self.backups_dir.glob("*.zip") if _is_regular(p))
        return sorted(found, key=lambda p: p.name, reverse=True)

    def contents(self, path: Path) -> Contents:
        """The nights and records a backup holds (its records that fit their schema)."""
        try:
            members = read_backup(path)
        except StoreError as exc:
            return Contents(
                path=path,
                nights=0,
                records=0,
                first=None,
                last=None,
                problem=str(exc).split(": ", 1)[-1],
            )
        nights: set[str] = set()
        records = 0
        for member, (_, tables) in members.items():
            for docs in sort_docs(tables, month_of(member)).valid.values():
                records += len(docs)
                nights.update(doc["night"] for doc in docs)
        first = date.fromisoformat(min(nights)) if nights else None
        last = date.fromisoformat(max(nights)) if nights else None
        return Contents(path=path, nights=len(nights), records=records, first=first, last=last)

    def find(self, name: str) -> Path:
        daily = [p for p in self.list() if DAILY.match(p.name)]
        if name == "latest":
            if not daily:
                raise CoachError(f"no backups yet in {self.backups_dir}")
            return daily[0]
        for path in self.list():
            if path.name in (name, f"{name}.zip", f"coach-{name}.zip"):
                return path
        raise CoachError(
            f"no backup named {name!r} in {self.backups_dir}; see `coach restore --list`"
        )

    def preview(self, name: str, store: Store, *, merge: bool = False) -> Preview:
        """What `restore` would remove and add, read without changing anything."""
        source = self.find(name)
        theirs: dict[str, str] = {}
        for member, (_, tables) in read_backup(source).items():
            for docs in sort_docs(tables, month_of(member)).valid.values():
                theirs.update((doc["id"], doc["at"]) for doc in docs)
        mine = store.record_times()
        gone = [] if merge else [at for key, at in mine.items() if key not in theirs]
        since = min((datetime.fromisoformat(at) for at in gone), default=None)
        adds = sum(1 for key in theirs if key not in mine)
        return Preview(source=source, removes=len(gone), adds=adds, since=since)

    def restore(self, name: str, store: Store, *, merge: bool = False) -> Restored:
        """Put the database back exactly as a backup holds it (`merge=False`), or add the
        backup's records to it (`merge=True`: nothing written since is lost; a damaged or
        missing file is replaced by the backup's copy).

        The backup is checked whole first; records in it that do not fit their schema are
        set aside in quarantine/. Everything as it was before is zipped first, unless the
        restore would change nothing.
        """
        source = self.find(name)
        members = read_backup(source)
        months = {
            member: sort_docs(tables, month_of(member)) for member, (_, tables) in members.items()
        }
        # No before-write hooks: the daily backup refuses a damaged file, and a damaged
        # file is what a restore is for.
        with store.locked(hooks=False):
            for member, month in months.items():
                if month.misfits:
                    store._quarantine(source / member, month.misfits)
            changed = self._merge_plan(months) if merge else self._differs(members)
            if not changed:
                return Restored(source=source, changed=False, before=None)
            stamp = self.clock.now().strftime("%Y-%m-%dT%H%M%S")
            before = self._write_zip(self.backups_dir / f"before-restore-{stamp}.zip", check=False)
            try:
                if merge:
                    self._merge_in(months, store)
                else:
                    self._put_back(members, months)
            except OSError as exc:
                kept = f"; the state before it is in {before}" if before else ""
                raise StoreError(
                    f"{self.db_dir}: the restore stopped ({exc.strerror or exc}), maybe part "
                    f"way{kept}; free some space and run the same restore again"
                ) from None
        return Restored(source=source, changed=True, before=before)

    def _current(self, path: Path) -> Tables | None:
        try:
            return read_tables(path)
        except (OSError, StoreError):
            return None

    def _differs(self, members: dict[str, tuple[bytes, Tables]]) -> bool:
        present = {p.name for p in self._db_files()}
        if present != set(members):
            return True
        return any(self._current(self.db_dir / m) != tables for m, (_, tables) in members.items())

    def _put_back(self, members: dict[str, tuple[bytes, Tables]], months: dict[str, Month]) -> None:
        for member, (raw, tables) in members.items():
            month = months[member]
            if month.misfits:
                for item in month.misfits:
                    tables.get(item.table, {}).pop(item.doc_id, None)
                raw = encode_tables(tables)
            atomic_write(self.db_dir / member, raw)
        for path in self._db_files():
            if path.name not in members:
                path.unlink()
        fsync_dir(self.db_dir)

    def _merge_plan(self, months: dict[str, Month]) -> bool:
        for member, month in months.items():
            current = self._current(self.db_dir / member)
            if current is None:
                return True
            have = {
                doc.get("id")
                for table in current.values()
                for doc in table.values()
                if isinstance(doc, dict)
            }
            if any(doc["id"] not in have for docs in month.valid.values() for doc in docs):
                return True
        return False

    def _merge_in(self, months: dict[str, Month], store: Store) -> None:
        for member, month in months.items():
            path = self.db_dir / member
            if self._current(path) is None:
                tables = {
                    name: {str(i): doc for i, doc in enumerate(docs, 1)}
                    for name, docs in month.valid.items()
                }
                atomic_write(path, encode_tables(tables))
            else:
                store.absorb_locked(member, month.valid)
