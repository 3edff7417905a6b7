"""The diary: one object through which the app, the command line and the daemon read and
change what was recorded. It knows the night rules (no night after tonight), keeps a cramp
log from being replaced without saying so, and takes records back (undo, forget) by writing
tombstones, so two copies of the data still merge.

Settings and clock are passed in; nothing here knows about Textual.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from coach.clock import Clock, SystemClock
from coach.diary.wording import clock_text, describe_cramps, night_label
from coach.errors import CoachError
from coach.planner import current_night, last_slept_night
from coach.records.backup import Backups
from coach.records.store import (
    BANDS,
    LEGS,
    MUSCLES,
    TOMBSTONES,
    CrampLog,
    Event,
    Leg,
    Muscle,
    Outcome,
    StepRecord,
    Store,
    Tombstone,
    decode,
    open_store,
    stamp_of,
)
from coach.settings.model import Settings, config_set, config_unset, load_settings
from coach.system.paths import Paths

if TYPE_CHECKING:
    from coach.diary.nights import Diary, NightFacts
    from coach.safety.rules import RedFlag

__all__ = [
    "BANDS",
    "EPISODE",
    "LEGS",
    "MUSCLES",
    "Context",
    "CrampLog",
    "DiaryService",
    "Event",
    "FutureNight",
    "Leg",
    "Logged",
    "Muscle",
    "Outcome",
    "StepRecord",
    "Store",
    "Tombstone",
    "describe_episodes",
]

EPISODE = "cramp-episode"
_Change = tuple[tuple[int, int, str, str], str, dict[str, Any]]
"""A change a user made: its write-order key (coach.records.order), its table, its document."""
PAUSE = "pause"
FIRST_USE_KEY = "diary.first-use"
"""State key: when coach was first used in this data folder (ISO time with zone)."""
UNDOABLE_EVENTS = frozenset({EPISODE, PAUSE})
"""Events a user makes (a cramp, a paused night); reminders' own log is not undone."""


class FutureNight(CoachError):
    """A night after tonight: nothing can have happened on it yet."""


class Logged(NamedTuple):
    """A cramp log written, and the one it replaced, if the night had one."""

    log: CrampLog
    replaced: CrampLog | None


class DiaryService:
    """Reads and changes one data folder's diary. Safe to share between threads."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        clock: Clock,
        *,
        config_path: Path | None = None,
    ) -> None:
        self._store = store
        self.settings = settings
        self.clock = clock
        self.config_path = config_path
        self.after_save: list[Callable[[date], object]] = []
        """Called with the night after every change to it (a step, a log, an episode, an
        undo or forget): where checks that must run on every save, like red flags, hook in."""

    def _saved(self, night: date) -> None:
        for hook in self.after_save:
            hook(night)

    @property
    def store(self) -> Store:
        """The records underneath: for the core's own readers (reminders, backups)."""
        return self._store

    # --- nights ---------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def tonight(self) -> date:
        """The night now belongs to (it rolls over at noon)."""
        return current_night(self.settings, self.clock.now())

    def last_slept(self) -> date:
        """The latest night whose bedtime has passed: the one a morning log is about."""
        return last_slept_night(self.settings, self.clock.now())

    def parse_night(self, text: str) -> date:
        """'tonight', 'yesterday' or YYYY-MM-DD, refused if after tonight."""
        word = text.strip().lower()
        if word == "tonight":
            return self.tonight()
        if word == "yesterday":
            return self.tonight() - timedelta(days=1)
        try:
            night = date.fromisoformat(word)
        except ValueError:
            raise CoachError(
                f"{text!r} is not a night; use YYYY-MM-DD, tonight or yesterday"
            ) from None
        return self.check_night(night)

    def check_night(self, night: date) -> date:
        """The night itself, or FutureNight if it is after tonight."""
        tonight = self.tonight()
        if night > tonight:
            raise FutureNight(
                f"the night of {night:%a %d %b %Y} is in the future "
                f"(tonight is {tonight:%a %d %b %Y}); nothing was recorded"
            )
        return night

    def _first_use_recorded(self) -> datetime | None:
        value = self._store.get_state(FIRST_USE_KEY)
        try:
            return datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    def first_use(self) -> datetime:
        """When coach was first used in this folder; the first call remembers now."""
        recorded = self._first_use_recorded()
        if recorded is not None:
            return recorded
        now = self.clock.now()
        self._store.set_state(FIRST_USE_KEY, now.isoformat())
        return now

    def first_use_or_none(self) -> datetime | None:
        """`first_use()`, or None when the store cannot be read or written (the caller
        carries on and the store's problem is reported where it is read)."""
        try:
            return self.first_use()
        except CoachError:
            return None

    def first_night(self) -> date | None:
        """Where history starts: the first night with a record, or of the first use."""
        nights = [self._store.first_night()]
        recorded = self._first_use_recorded()
        if recorded is not None:
            nights.append(current_night(self.settings, recorded))
        return min((night for night in nights if night is not None), default=None)

    # --- reading --------------------------------------------------------------------

    def load(self, start: date | None = None, end: date | None = None) -> Diary:
        """Every night start..end (default: the first night to tonight), with statistics."""
        from coach.diary.nights import Diary  # the statistics load when first asked for

        first = self.first_night()
        if start is None or (first is not None and start < first):
            start = first or self.tonight()
        return Diary.load(self._store, self.settings, self.clock.now(), start=start, end=end)

    def night(self, night: date) -> NightFacts:
        """One night as the statistics see it (its steps, log, episodes)."""
        from coach.diary.nights import Diary

        diary = Diary.load(self._store, self.settings, self.clock.now(), start=night, end=night)
        return diary.nights[0]

    def outcomes(self, start: date, end: date) -> dict[tuple[date, str], StepRecord]:
        return self._store.latest_outcomes(start, end)

    def cramp_log(self, night: date) -> CrampLog | None:
        return self._store.cramp_logs(night, night).get(night)

    def events(self, start: date, end: date, kind: str | None = None) -> list[Event]:
        return self._store.events(start, end, kind)

    def get_state(self, key: str, default: Any = None) -> Any:
        return self._store.get_state(key, default)

    def set_state(self, key: str, value: Any) -> None:
        self._store.set_state(key, value)

    def take_notices(self) -> list[str]:
        """Records set aside (damaged or not fitting their schema) since the user was last
        told, by any process; each notice is given out once."""
        return self._store.take_notices()

    # --- writing --------------------------------------------------------------------

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
        """Record a step's outcome for a night (the latest record wins)."""
        self.check_night(night)
        record = self._store.record_step(
            night, step, outcome, reason=reason, late=late, detail=detail
        )
        self._saved(night)
        return record

    def log_cramps(
        self,
        night: date,
        count: int,
        *,
        severity: int | None = None,
        minutes: float | None = None,
        band: str | None = None,
        leg: Leg | None = None,
        disturbance: int | None = None,
        notes: str | None = None,
        muscle: str | None = None,
    ) -> Logged:
        """Log a night's cramps, replacing its log if it has one. `notes` None keeps the
        note of the log it replaces; "" clears it."""
        self.check_night(night)
        before = self.cramp_log(night)
        if notes is None:
            notes = before.notes if before is not None else ""
        log = self._store.record_cramps(
            night,
            count,
            severity=severity,
            minutes=minutes,
            band=band,
            leg=leg,
            disturbance=disturbance,
            notes=notes,
            muscle=muscle,
        )
        self._saved(night)
        return Logged(log=log, replaced=before)

    def add_event(self, night: date, kind: str, data: Mapping[str, Any] | None = None) -> Event:
        self.check_night(night)
        event = self._store.add_event(night, kind, data)
        self._saved(night)
        return event

    # --- taking back ----------------------------------------------------------------

    def undo(self) -> Tombstone | None:
        """Take back the latest change still standing; None when there is nothing left."""
        latest: _Change | None = None
        for key, table, doc in self._changes():
            if latest is None or key > latest[0]:
                latest = (key, table, doc)
        if latest is None:
            return None
        _, table, doc = latest
        night = date.fromisoformat(doc["night"])
        targets = [doc["id"]]
        if table == "events" and doc["kind"] == EPISODE:
            # An episode is written twice (as it starts, and when it eases): both go.
            started = doc.get("data", {}).get("started")
            targets = [
                event.id
                for event in self._store.events(night, night, EPISODE)
                if event.data.get("started") == started
            ]
        stone = self._store.take_back(night, "undo", targets, self._describe(table, doc))
        self._saved(night)
        return stone

    def forget(self, night: date, *, step: str | None = None, cramps: bool = False) -> Tombstone:
        """Take back a night's records: one step's, its cramps (log and episodes), or all
        of them. CoachError if there is nothing to forget."""
        self.check_night(night)
        targets: list[str] = []
        if step is not None or not cramps:
            targets += [
                record.id
                for record in self._store.step_records(night, night)
                if step is None or record.step == step
            ]
        if step is None:
            targets += [log.id for log in self._store.cramp_records(night, night)]
            targets += [
                event.id
                for event in self._store.events(night, night)
                if event.kind in UNDOABLE_EVENTS and (not cramps or event.kind == EPISODE)
            ]
        if step is not None:
            what = f"{self._title(step)} on the night of {night_label(night)}"
        elif cramps:
            what = f"the cramp log and episodes of the night of {night_label(night)}"
        else:
            what = f"every record of the night of {night_label(night)}"
        if not targets:
            raise CoachError(f"nothing to forget: no record of {what.split(' on the ')[0]}")
        stone = self._store.take_back(night, "forget", targets, what)
        self._saved(night)
        return stone

    def _changes(self) -> Iterator[_Change]:
        """Every change a user made that is still standing, with its write-order key.
        Red flags and reminders are the app's own notes, not changes a user made."""
        cancelled: set[tuple[str, object]] = set()
        standing = list(self._store.standing())
        for table, doc in standing:
            if table == "events" and doc["kind"] == EPISODE and doc["data"].get("cancelled"):
                cancelled.add((doc["night"], doc["data"].get("started")))
        for table, doc in standing:
            if table == TOMBSTONES:
                continue
            if str(doc.get("origin", "")).startswith("daemon@") and table != "outcomes":
                continue  # the daemon's own notes; a step it recorded was a user's button
            if table == "outcomes" and doc.get("detail", {}).get("why"):
                continue  # recorded missed by the reminders, not by the user
            if table == "events":
                if doc["kind"] not in UNDOABLE_EVENTS:
                    continue
                if (doc["night"], doc["data"].get("started")) in cancelled:
                    continue
            # The write order of coach.records.order: the same on every copy, whatever the clocks.
            yield (*stamp_of(doc), doc["origin"], doc["id"]), table, doc

    def _title(self, step: str) -> str:
        try:
            return self.settings.routine.step(step).title
        except KeyError:
            return step

    def _describe(self, table: str, doc: Mapping[str, Any]) -> str:
        night = date.fromisoformat(doc["night"])
        when = f"night of {night_label(night)}"
        if table == "outcomes":
            return f"{self._title(doc['step'])} {doc['outcome']}, {when}"
        if table == "cramps":
            log = decode(CrampLog, doc)
            return f"the cramp log of the {when} ({describe_cramps(log, full=False)})"
        if doc["kind"] == EPISODE:
            minutes = doc["data"].get("minutes")
            length = f" ({clock_text(float(minutes) * 60)})" if minutes is not None else ""
            return f"a cramp episode{length}, {when}"
        paused = doc["data"].get("paused", True)
        return f"reminders {'paused' if paused else 'back on'}, {when}"

    # --- red flags shown once --------------------------------------------------------

    def unshown_flags(self, flags: Sequence[RedFlag]) -> list[RedFlag]:
        """The flags not yet shown to the user (a later night of a pattern shows again)."""
        from coach.safety.rules import unshown

        return unshown(self._store, flags)

    def mark_flags_shown(self, flags: Sequence[RedFlag]) -> None:
        from coach.safety.rules import mark_shown

        mark_shown(self._store, flags)

    # --- settings -------------------------------------------------------------------

    def change_settings(self, changes: list[tuple[str, str | None]]) -> Settings:
        """Write config keys (None removes one), all or nothing, and use the new settings.

        The changes are first tried on a copy, so a bad value (ConfigError) leaves
        config.toml untouched.
        """
        if self.config_path is None:
            raise CoachError("this diary has no config file to change")
        with tempfile.TemporaryDirectory() as folder:
            trial = Path(folder) / "config.toml"
            if self.config_path.exists():
                shutil.copyfile(self.config_path, trial)
            for key, value in changes:
                _apply(trial, key, value)
        settings = self.settings
        for key, value in changes:
            settings = _apply(self.config_path, key, value)
        self.settings = settings
        return settings

    @property
    def exports_dir(self) -> Path:
        """Where exports go by default: `exports` beside the database folder."""
        return self._store.db_dir.parent / "exports"

    def export(self, folder: Path, weeks: int | None = None) -> tuple[Path, Path]:
        """The doctor's report and the CSV of every night, written into `folder`."""
        from coach.report.build import DEFAULT_WEEKS, export_files

        return export_files(self, folder, weeks or DEFAULT_WEEKS)


def _apply(path: Path, key: str, value: str | None) -> Settings:
    return config_unset(path, key) if value is None else config_set(path, key, value)


def describe_episodes(episodes: tuple[Event, ...] | list[Event]) -> list[str]:
    """One line per cramp episode: 'Cramp episode, 1:30'."""
    lines = []
    for episode in episodes:
        minutes = episode.data.get("minutes")
        length = f", {clock_text(float(minutes) * 60)}" if minutes is not None else ""
        lines.append(f"Cramp episode{length}")
    return lines


@dataclass
class Context:
    """Paths, clock, and (built on first use) settings, store and backups."""

    paths: Paths
    kind: str = "cli"
    """Which part of the app this is: 'cli', 'tui' or 'daemon'; stamped on records."""
    clock: Clock = field(default_factory=SystemClock)

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.paths.config_file)

    @cached_property
    def backups(self) -> Backups:
        return Backups(self.paths.db_dir, self.paths.backups_dir, self.clock)

    @cached_property
    def store(self) -> Store:
        store = open_store(self.paths.db_dir, self.paths.lock_file, self.clock, self.kind)
        self.backups.attach(store)
        return store

    @cached_property
    def diary(self) -> DiaryService:
        """The diary API on this folder's store, settings and clock."""
        return DiaryService(
            self.store, self.settings, self.clock, config_path=self.paths.config_file
        )

    def reload_settings(self) -> Settings:
        """Forget the cached settings (after `config set` or an edit) and read them again."""
        self.__dict__.pop("settings", None)
        self.__dict__.pop("diary", None)
        return self.settings
