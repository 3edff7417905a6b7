"""Rotating daily backups of the database folder, and the one-command restore."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

from coach.clock import Clock
from coach.errors import CoachError, StoreError
from coach.fsutil import atomic_write
from coach.records import Store
from coach.storage import parse_tables

KEEP = 7
DAILY = re.compile(r"^coach-(\d{4}-\d{2}-\d{2})\.zip$")
DB_FILE = re.compile(r"(\d{4}-\d{2}|state)\.json")
"""The files a backup holds: the month files and the app state, nothing else in db/."""


class Backups:
    """Keeps the last `keep` daily zips of `db/`, taken before the day's first write."""

    def __init__(self, db_dir: Path, backups_dir: Path, clock: Clock, keep: int = KEEP) -> None:
        self.db_dir = db_dir
        self.backups_dir = backups_dir
        self.clock = clock
        self.keep = keep
        self._checked: date | None = None

    def attach(self, store: Store) -> None:
        """Take the day's backup inside the store's write lock, before its first write."""
        store.before_write.append(self.backup_if_due)

    def backup_if_due(self) -> Path | None:
        """Call with the store's lock held. Returns the new backup, if one was made."""
        today = self.clock.now().astimezone().date()  # the machine's local day
        if self._checked == today:
            return None
        target = self.backups_dir / f"coach-{today.isoformat()}.zip"
        if target.exists():
            self._checked = today
            return None
        try:
            made = self._write_zip(target)
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
                    raw = path.read_bytes()
                except OSError as exc:
                    raise StoreError(
                        f"{path}: cannot be read for the daily backup ({exc.strerror}); "
                        "nothing was changed"
                    ) from None
                if check:
                    # A damaged file stops the backup (and the write) rather than rotating
                    # the good backups out one day at a time.
                    parse_tables(raw, path)
                archive.writestr(path.name, raw)
        atomic_write(target, buffer.getvalue())
        return target

    def _prune(self) -> None:
        daily = sorted(p for p in self.backups_dir.glob("coach-*.zip") if DAILY.match(p.name))
        for old in daily[: max(0, len(daily) - self.keep)]:
            old.unlink(missing_ok=True)

    def list(self) -> list[Path]:
        """Every backup, newest first."""
        if not self.backups_dir.is_dir():
            return []
        return sorted(self.backups_dir.glob("*.zip"), key=lambda p: p.name, reverse=True)

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

    def restore(self, name: str, store: Store) -> Path:
        """Bring back what a backup holds without losing anything written since.

        Records are append-only, so a healthy file already holds what its backup holds;
        the backup's records are merged into it by id. A damaged or missing file is replaced
        by the backup's copy. Everything as it was before is zipped first.
        """
        import zipfile

        source = self.find(name)
        try:
            with zipfile.ZipFile(source) as archive:
                members = {
                    info.filename: archive.read(info)
                    for info in archive.infolist()
                    if DB_FILE.fullmatch(info.filename)
                }
        except (zipfile.BadZipFile, OSError) as exc:
            raise StoreError(f"{source}: the backup cannot be read ({exc})") from None
        backed_up = {member: parse_tables(raw, source / member) for member, raw in members.items()}
        # No before-write hooks: the daily backup refuses a damaged file, and a damaged
        # file is what a restore is for.
        with store.locked(hooks=False):
            stamp = self.clock.now().strftime("%Y-%m-%dT%H%M%S")
            self._write_zip(self.backups_dir / f"before-restore-{stamp}.zip", check=False)
            for member, tables in backed_up.items():
                path = self.db_dir / member
                try:
                    parse_tables(path.read_bytes(), path)
                except (OSError, StoreError):
                    atomic_write(path, members[member])
                else:
                    store.absorb_locked(member, tables)
        return source
