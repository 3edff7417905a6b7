"""The session: one object through which the app, the command line and the daemon read and
change everything in one data folder: steps, cramp logs and episodes, undo and forget, the
settings, the personal experiment, red flags, pause and snooze.

It knows the night rules (no night after tonight), keeps a cramp log from being replaced
without saying so, and takes records back (undo, forget) by writing tombstones, so two
copies of the data still merge. Every change to a night goes through it, so `after_save`
(the red-flag check) runs after every save. The store, the settings and the backups are
built on first use; nothing here knows about Textual.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple

from coach.clock import Clock, SystemClock
from coach.diary.episodes import UNKNOWN_EVENT, CountedStore
from coach.diary.wording import clock_text, describe_cramps, night_label
from coach.errors import CoachError
from coach.planner import (
    DUE_WINDOW,
    MAX_PAUSE_NIGHTS,
    Plan,
    current_night,
    last_slept_night,
    plan_night,
)
from coach.records.backup import Backups
from coach.records.schema import LEGS, Leg, Outcome
from coach.records.store import (
    BANDS,
    MUSCLES,
    PAUSE_EVENT,
    TOMBSTONES,
    CrampLog,
    Event,
    Muscle,
    StepRecord,
    Store,
    Tombstone,
    decode,
    open_store,
    order_key,
    stamp_of,
)
from coach.settings.model import Settings, config_change, load_settings
from coach.system.paths import Paths

if TYPE_CHECKING:
    from coach.diary.nights import Diary, NightFacts
    from coach.experiment.protocol import (
        ExperimentResult,
        NightAssignment,
        Protocol,
        RunIn,
        StartOutcome,
    )
    from coach.safety.flags import RaisedFlag
    from coach.safety.rules import RedFlag

__all__ = [
    "BANDS",
    "EPISODE",
    "LEGS",
    "MUSCLES",
    "CrampLog",
    "Event",
    "FewerThanEpisodes",
    "FutureNight",
    "Leg",
    "Logged",
    "Muscle",
    "Outcome",
    "Session",
    "StepRecord",
    "Tombstone",
    "describe_episodes",
]

EPISODE = "cramp-episode"
_Change = tuple[tuple[int, int, str, str], str, dict[str, Any]]
"""A change a user made: its write-order key (coach.records.order), its table, its document."""
PAUSE = "pause"
FIRST_USE_KEY = "diary.first-use"
"""State key: when coach was first used in this data folder (ISO time with zone)."""
UNKNOWN = UNKNOWN_EVENT
"""The check-in's "don't remember" for a night's cramps (coach.diary.checkin)."""
UNDOABLE_EVENTS = frozenset({EPISODE, PAUSE, UNKNOWN})
"""Events a user makes (a cramp, a paused night); reminders' own log is not undone."""


FAR_BEFORE_FIRST = timedelta(days=60)
"""A night this far before the first record is asked about before it is recorded (a
typed year, say): History would otherwise start there, with every night since missed."""


class FutureNight(CoachError):
    """A night after tonight: nothing can have happened on it yet."""


class FewerThanEpisodes(CoachError):
    """A morning count below the cramps logged during that night: said, not saved."""


class Logged(NamedTuple):
    """A cramp log written, and the one it replaced, if the night had one."""

    log: CrampLog
    replaced: CrampLog | None


MAX_SNOOZES = 3
"""How many times one step may be snoozed on one night."""
SNOOZE_EVENT = "snooze"


class Session:
    """One data folder's records, settings and clock, for one process. Safe to share
    between threads.

    `kind` ('cli', 'tui', 'daemon', ...) is stamped on the records this process writes;
    it is fixed when the session is made. `store` and `settings` may be handed in (tests,
    benchmarks, a second session on the same store); otherwise they are opened on first use.
    """

    def __init__(
        self,
        paths: Paths,
        *,
        kind: str = "cli",
        clock: Clock | None = None,
        store: Store | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.paths = paths
        self._kind = kind
        self.clock: Clock = clock if clock is not None else SystemClock()
        self._store = store
        self._settings = settings
        self._backups: Backups | None = None
        self._opening = threading.RLock()
        self.after_save: list[Callable[[date], object]] = []
        """Called with the night after every change to it (a step, a log, an episode, an
        undo or forget, a pause or snooze): where checks that must run on every save, like
        red flags, hook in."""

    # --- what the session is built on ------------------------------------------------

    @property
    def kind(self) -> str:
        """Which part of coach this is: 'cli', 'tui' or 'daemon'; stamped on records."""
        return self._kind

    @property
    def settings(self) -> Settings:
        """The settings in force: read from config.toml on first use."""
        settings = self._settings
        if settings is None:
            with self._opening:
                if self._settings is None:
                    self._settings = load_settings(self.paths.config_file)
                settings = self._settings
        return settings

    @property
    def settings_loaded(self) -> Settings | None:
        """The settings if they were read already (None: nothing asked for them)."""
        return self._settings

    def use_settings(self, settings: Settings) -> None:
        """Use these settings from now on (read from config.toml by a watcher that waits
        for a whole, valid file: `coach.settings.watch`)."""
        with self._opening:
            self._settings = settings

    def reload_settings(self) -> Settings:
        """Read config.toml again (after `config set` or an edit) and use what it says."""
        with self._opening:
            self._settings = None
        return self.settings

    @property
    def backups(self) -> Backups:
        with self._opening:
            if self._backups is None:
                self._backups = Backups(self.paths.db_dir, self.paths.backups_dir, self.clock)
            return self._backups

    @property
    def store(self) -> Store:
        """The records underneath, opened on first use: for the core's own readers
        (reminders, reports, backups). Screens never use it."""
        store = self._store
        if store is None:
            with self._opening:
                if self._store is None:
                    opened = open_store(
                        self.paths.db_dir, self.paths.lock_file, self.clock, self._kind
                    )
                    self.backups.attach(opened)
                    self._store = opened
                store = self._store
        return store

    @property
    def store_opened(self) -> bool:
        """Whether the store was opened (or handed in) already."""
        return self._store is not None

    @property
    def writes(self) -> int:
        """Records this process made durable so far."""
        return self._store.writes if self._store is not None else 0

    def _saved(self, night: date) -> None:
        for hook in self.after_save:
            hook(night)

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

    def far_night(self, night: date) -> str | None:
        """Why a night looks like a slip (more than FAR_BEFORE_FIRST before the first record,
        or more than a year ago), in words; None when it does not."""
        tonight = self.tonight()
        if night < tonight - timedelta(days=365):
            years = (tonight - night).days // 365
            return (
                f"the night of {night:%a %d %b %Y} is {years} year{'s' if years != 1 else ''} ago"
            )
        first = self.store.first_night()
        if first is not None and night < first - FAR_BEFORE_FIRST:
            days = (first - night).days
            return (
                f"the night of {night:%a %d %b %Y} is {days} days before your first record "
                f"({first:%a %d %b %Y})"
            )
        return None

    def _first_use_recorded(self) -> datetime | None:
        value = self.store.get_state(FIRST_USE_KEY)
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
        self.store.set_state(FIRST_USE_KEY, now.isoformat())
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
        nights = [self.store.first_night()]
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
        return Diary.load(self.store, self.settings, self.clock.now(), start=start, end=end)

    def night(self, night: date) -> NightFacts:
        """One night as the statistics see it (its steps, log, episodes)."""
        from coach.diary.nights import Diary

        diary = Diary.load(self.store, self.settings, self.clock.now(), start=night, end=night)
        return diary.nights[0]

    def outcomes(self, start: date, end: date) -> dict[tuple[date, str], StepRecord]:
        return self.store.latest_outcomes(start, end)

    def cramp_log(self, night: date) -> CrampLog | None:
        return self.store.cramp_logs(night, night).get(night)

    def cramp_logs(self, start: date, end: date) -> dict[date, CrampLog]:
        """The standing cramp log of each night start..end that has one."""
        return self.store.cramp_logs(start, end)

    def first_record_night(self) -> date | None:
        """The first night with a record (first use aside: see `first_night`)."""
        return self.store.first_night()

    def events(self, start: date, end: date, kind: str | None = None) -> list[Event]:
        return self.store.events(start, end, kind)

    def get_state(self, key: str, default: Any = None) -> Any:
        return self.store.get_state(key, default)

    def set_state(self, key: str, value: Any) -> None:
        self.store.set_state(key, value)

    def take_notices(self) -> list[str]:
        """Records set aside (damaged or not fitting their schema) since the user was last
        told, by any process; each notice is given out once."""
        return self.store.take_notices()

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
        record = self.store.record_step(
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
        note of the log it replaces; "" clears it.

        A count below the cramps logged at night that night is refused (FewerThanEpisodes,
        saying what was logged): no view may show fewer cramps than the episodes. A worst pain
        of 0 with cramps is refused as the command line refuses it (a cramp hurts)."""
        self.check_night(night)
        if count > 0 and severity == 0:
            raise CoachError(
                "a cramp's worst pain is from 1 (mild) to 10: 0 is no cramp at all "
                "(a night without cramps is logged as none)"
            )
        episodes = self.episodes(night)
        if count < len(episodes):
            raise FewerThanEpisodes(self._fewer_text(night, count, episodes))
        before = self.cramp_log(night)
        if notes is None:
            notes = before.notes if before is not None else ""
        log = self.store.record_cramps(
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

    def episodes(self, night: date) -> list[Event]:
        """The cramps logged at night on `night` (one per episode, none cancelled), in the
        order they began."""
        from coach.diary.episodes import cramp_episodes, episode_time

        return sorted(cramp_episodes(self.store.events(night, night, EPISODE)), key=episode_time)

    def _fewer_text(self, night: date, count: int, episodes: Sequence[Event]) -> str:
        from coach.diary.wording import episode_times

        logged = len(episodes)
        said = "no cramps" if count == 0 else f"{count} cramp{'s' if count != 1 else ''}"
        return (
            f"you logged {logged} cramp{'s' if logged != 1 else ''} during the night of "
            f"{night_label(night)} (at {episode_times(episodes, self.settings.tz)}), so "
            f"{said} cannot be right; give a count of {logged} or more, or take a "
            "cramp back first (`coach undo`, `coach forget --cramps`)"
        )

    def not_remembered(self, night: date) -> bool:
        """Whether the night's cramps were answered "don't remember" (`dont_remember`)."""
        return bool(self.store.events(night, night, UNKNOWN))

    def dont_remember(self, night: date) -> bool:
        """The check-in's "don't remember" for a night's cramps: not asked again, and the
        night stays unknown (never "no cramps"). False if it was marked so already; refused
        (CoachError, saying what is logged) for a night whose cramps are logged."""
        self.check_night(night)
        with self.store.locked():  # what is logged cannot change between look and write
            log, episodes = self.cramp_log(night), self.episodes(night)
            if log is not None or episodes:
                plural = "s" if len(episodes) != 1 else ""
                logged = (
                    f"a morning log ({describe_cramps(log)})"
                    if log is not None
                    else f"{len(episodes)} cramp{plural} logged at night"
                )
                raise CoachError(
                    f"the night of {night_label(night)} has {logged}, so it is not unknown; "
                    f"`coach forget --night {night.isoformat()} --cramps` takes that back first"
                )
            if self.not_remembered(night):
                return False
            self.store.add_event(night, UNKNOWN)
        self._saved(night)
        return True

    def log_episode(
        self,
        *,
        minutes: float | None = None,
        leg: Leg | None = None,
        muscle: str | None = None,
        severity: int | None = None,
    ) -> Event:
        """A cramp now (the night-time log), on the night it began in."""
        if minutes is not None and not 0 <= minutes <= 24 * 60:
            raise CoachError(f"minutes {minutes:g} is out of range; allowed: 0 to 1440")
        if leg is not None and leg not in LEGS:
            raise CoachError(f"leg {leg!r} is not allowed; use one of: {', '.join(LEGS)}")
        data: dict[str, Any] = {
            "started": self.clock.now().isoformat(),
            "minutes": minutes,
            "severity": severity,
            "leg": leg,
        }
        if muscle is not None:
            data["muscle"] = muscle
        return self.add_event(self.tonight(), EPISODE, data)

    def add_event(self, night: date, kind: str, data: Mapping[str, Any] | None = None) -> Event:
        self.check_night(night)
        event = self.store.add_event(night, kind, data)
        self._saved(night)
        return event

    # --- taking back ----------------------------------------------------------------

    def undo(self) -> Tombstone | None:
        """Take back the latest change still standing, whatever its kind (a step, a cramp
        log, an episode, a pause, a forget, a redo), deciding and writing under one hold
        of the lock, so two undos at once take back two changes. None when there is
        nothing left."""
        with self.store.locked():
            latest: _Change | None = None
            for change in self._changes():
                if latest is None or change[0] > latest[0]:
                    latest = change
            for stone in self._standing_stones("forget", "redo"):
                key = order_key(stone)
                if latest is None or key > latest[0]:
                    latest = (key, TOMBSTONES, _stone_doc(stone))
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
                    for event in self.store.events(night, night, EPISODE)
                    if event.data.get("started") == started
                ]
            span = doc.get("data", {}).get("span") if table == "events" else None
            if doc.get("kind") == PAUSE and isinstance(span, str):
                return self._undo_span(span, doc)
            if table == TOMBSTONES:
                what = doc.get("what", "")
                what = f"the redo of {what}" if doc["action"] == "redo" else f"forgetting {what}"
            else:
                what = self._describe(table, doc)
            stone = self.store.take_back(night, "undo", targets, what)
        self._saved(night)
        return stone

    def redo(self) -> Tombstone | None:
        """Put back what the latest undo took, if nothing was changed since (other than
        by undo and redo); None when there is nothing to redo. Redo again for the undo
        before it."""
        with self.store.locked():
            undos = self._standing_stones("undo")
            if not undos:
                return None
            last = undos[-1]
            key = order_key(last)
            newer = any(change[0] > key for change in self._changes()) or any(
                order_key(stone) > key for stone in self._standing_stones("forget")
            )
            if newer:
                return None
            what = last.what.removeprefix("the redo of ")
            # An undo of a pause for a while wrote one tombstone per month: one change.
            group = [
                stone
                for stone in undos
                if stone.what == last.what
                and stone.origin == last.origin
                and abs((stone.at - last.at).total_seconds()) < 5
            ]
            done = [self.store.take_back(s.night, "redo", [s.id], what) for s in group]
        self._saved(last.night)
        return done[-1]

    def _standing_stones(self, *actions: str) -> list[Tombstone]:
        """The tombstones of these actions that still stand, in write order."""
        return [
            stone for stone, stands in self.store.tombstones() if stands and stone.action in actions
        ]

    def _undo_span(self, span: str, doc: Mapping[str, Any]) -> Tombstone:
        """Take back a pause for a while as one change: its nights' events, a tombstone in
        each month's file (a tombstone takes back records of its own file)."""
        first, _, last = span.partition("..")
        start, end = date.fromisoformat(first), date.fromisoformat(last)
        by_month: dict[tuple[int, int], tuple[date, list[str]]] = {}
        paused = doc["data"].get("paused", True)
        for event in self.store.events(start, end, PAUSE):
            if event.data.get("span") == span and event.data.get("paused", True) == paused:
                key = (event.night.year, event.night.month)
                by_month.setdefault(key, (event.night, []))[1].append(event.id)
        what = (
            f"reminders {'paused' if paused else 'back on'}, "
            f"nights of {night_label(start)} to {night_label(end)}"
        )
        stone: Tombstone | None = None
        with self.store.locked():
            for night, ids in by_month.values():
                stone = self.store.take_back(night, "undo", ids, what)
        if stone is None:  # the span's events were read as none: take back this one
            stone = self.store.take_back(
                date.fromisoformat(doc["night"]), "undo", [doc["id"]], what
            )
        self._saved(start)
        return stone

    def forget(self, night: date, *, step: str | None = None, cramps: bool = False) -> Tombstone:
        """Take back a night's records: one step's, its cramps (log and episodes), or all
        of them. CoachError if there is nothing to forget. `undo` brings them back."""
        self.check_night(night)
        targets: list[str] = []
        if step is not None or not cramps:
            targets += [
                record.id
                for record in self.store.step_records(night, night)
                if step is None or record.step == step
            ]
        if step is None:
            targets += [log.id for log in self.store.cramp_records(night, night)]
            targets += [
                event.id
                for event in self.store.events(night, night)
                if event.kind in UNDOABLE_EVENTS
                and (not cramps or event.kind in (EPISODE, UNKNOWN))
            ]
        if step is not None:
            what = f"{self._title(step)} on the night of {night_label(night)}"
            nothing = f"no record of {self._title(step)} on the night of {night_label(night)}"
        elif cramps:
            what = f"the cramp log and episodes of the night of {night_label(night)}"
            nothing = f"no cramp log or episode on the night of {night_label(night)}"
        else:
            what = f"every record of the night of {night_label(night)}"
            nothing = f"no record on the night of {night_label(night)}"
        if not targets:
            raise CoachError(f"nothing to forget: {nothing}")
        stone = self.store.take_back(night, "forget", targets, what)
        self._saved(night)
        return stone

    def _changes(self) -> Iterator[_Change]:
        """Every change a user made that is still standing, with its write-order key.
        Red flags and reminders are the app's own notes, not changes a user made."""
        cancelled: set[tuple[str, object]] = set()
        standing = list(self.store.standing())
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
        if doc["kind"] == UNKNOWN:
            return f'"don\'t remember" for the cramps of the {when}'
        if doc["kind"] == EPISODE:
            from coach.diary.episodes import episode_minutes, episode_time

            event = decode(Event, doc)
            began = episode_time(event).astimezone(self.settings.tz)
            minutes = episode_minutes(event)
            length = f", {minutes:g} min" if minutes is not None else ""
            return f"a cramp logged at night ({began:%H:%M}{length}), {when}"
        paused = doc["data"].get("paused", True)
        return f"reminders {'paused' if paused else 'back on'}, {when}"

    # --- red flags ------------------------------------------------------------------

    def check_flags(self, night: date) -> list[RaisedFlag]:
        """Run the red-flag rules on a night just saved; store and return what is new."""
        from coach.safety.rules import check_after_save

        return check_after_save(self.store, self.settings, self.clock.now(), night)

    def urgent_flags(self) -> list[RaisedFlag]:
        """The urgent flags raised here and not yet acknowledged (cheap: the state file)."""
        from coach.safety.flags import urgent_unacknowledged

        return urgent_unacknowledged(self.store)

    def reindex_flags(self) -> list[RaisedFlag]:
        """After a merge or restore: the flags as the records now hold them, wherever they
        were raised; returns the open urgent ones (the app opens on them)."""
        from coach.safety.flags import reindex

        return reindex(self.store, self.tonight())

    def raised_flags(self, start: date, end: date) -> list[RaisedFlag]:
        """The flags raised on nights start..end, acknowledged or not."""
        from coach.safety.flags import flags_in

        return flags_in(self.store, start, end)

    def every_flag(self) -> list[RaisedFlag]:
        """Every flag raised, whatever its night, acknowledged or not."""
        from coach.safety.flags import every_flag

        return every_flag(self.store, self.tonight())

    def open_flags(self) -> list[RaisedFlag]:
        """Every flag raised and not yet acknowledged, wherever it was raised."""
        from coach.safety.flags import open_flags

        return open_flags(self.store, self.tonight())

    def acknowledge_flag(self, flag_id: str) -> RaisedFlag:
        """Record that the user has read a flag; CoachError for an unknown id."""
        from coach.safety.flags import acknowledge

        return acknowledge(self.store, flag_id)

    def unshown_flags(self, flags: Sequence[RedFlag]) -> list[RedFlag]:
        """The flags not yet shown to the user (a later night of a pattern shows again)."""
        from coach.safety.rules import unshown

        return unshown(self.store, flags)

    def mark_flags_shown(self, flags: Sequence[RedFlag]) -> None:
        from coach.safety.rules import mark_shown

        mark_shown(self.store, flags)

    # --- reminders: pause and snooze (the rule is `check_snooze`, below) ---------------

    def snooze(self, night: date, step_id: str, *, interval: timedelta | None = None) -> datetime:
        """Remind about a due step again later (after `interval`, default
        notifications.snooze_minutes); returns when. Refused (CoachError, saying why) as
        `check_snooze` says: the same rule and the same plan (the experiment's) wherever it
        is asked."""
        self.check_night(night)
        wake = record_snooze(self.store, self.settings, self.clock.now(), night, step_id, interval)
        self._saved(night)
        return wake

    def snoozes_left(self, night: date, step_id: str) -> int:
        return snoozes_left(self.store, night, step_id)

    def set_paused(self, night: date, paused: bool = True) -> bool:
        """Silence (or unsilence) a night's reminders; a paused night records nothing
        missed and counts neither for nor against a streak. False, writing nothing, when
        the night is so already (a second pause would need a second undo)."""
        self.check_night(night)
        with self.store.locked():
            if (night in self.store.paused_nights(night, night)) == paused:
                return False
            record_pause(self.store, night, paused)
        self._saved(night)
        return True

    def pause_nights(self, last: date) -> list[date]:
        """Silence the reminders from tonight to the night of `last` (a trip, an illness):
        nothing is sent or recorded missed, and the nights count neither for nor against a
        streak. Returns the nights newly paused. CoachError for a night before tonight or a
        pause longer than MAX_PAUSE_NIGHTS; nothing is written then."""
        first = self.tonight()
        if last < first:
            raise CoachError(
                f"{last:%a %d %b %Y} is before tonight ({first:%a %d %b %Y}); "
                "a pause runs from tonight to a night still ahead"
            )
        count = (last - first).days + 1
        if count > MAX_PAUSE_NIGHTS:
            raise CoachError(
                f"a pause of {count} nights is too long: at most {MAX_PAUSE_NIGHTS} "
                f"(to {first + timedelta(days=MAX_PAUSE_NIGHTS - 1):%a %d %b %Y})"
            )
        span = f"{first.isoformat()}..{last.isoformat()}"
        nights = [first + timedelta(days=n) for n in range(count)]
        with self.store.locked():
            already = self.store.paused_nights(first, last)
            new = [night for night in nights if night not in already]
            for night in new:
                self.store.add_event(night, PAUSE_EVENT, {"paused": True, "span": span})
        self._saved(first)
        return new

    def end_pause(self) -> list[date]:
        """Reminders back on from tonight: every paused night from tonight on (a pause
        for a while, or tonight's). Returns the nights turned back on."""
        first = self.tonight()
        last = first + timedelta(days=MAX_PAUSE_NIGHTS)
        with self.store.locked():
            nights = sorted(self.store.paused_nights(first, last))
            if nights:
                span = f"{nights[0].isoformat()}..{nights[-1].isoformat()}"
                for night in nights:
                    self.store.add_event(night, PAUSE_EVENT, {"paused": False, "span": span})
        if nights:
            self._saved(first)
        return nights

    def paused_until(self, night: date) -> date | None:
        """The last night of the pause `night` is in (paused nights in a row), or None
        when its reminders are on."""
        paused = self.store.paused_nights(night, night + timedelta(days=MAX_PAUSE_NIGHTS))
        if night not in paused:
            return None
        last = night
        while last + timedelta(days=1) in paused:
            last += timedelta(days=1)
        return last

    def pauses(self, start: date, end: date) -> list[tuple[date, date]]:
        """The pauses for a while (two nights or more in a row) that touch nights
        start..end, as (first, last); one running on past `end` shows its real last night.
        A single paused night is marked on its night alone."""
        paused = sorted(self.store.paused_nights(start, end + timedelta(days=MAX_PAUSE_NIGHTS)))
        spans: list[tuple[date, date]] = []
        for night in paused:
            if spans and night == spans[-1][1] + timedelta(days=1):
                spans[-1] = (spans[-1][0], night)
            else:
                spans.append((night, night))
        return [
            (first, last)
            for first, last in spans
            if first <= end and last >= start and last > first
        ]

    # --- the personal experiment (coach.experiment) -------------------------------------

    def plan(self, night: date, *, bedtime: time | None = None) -> Plan:
        """The night's plan as the experiment wants it (no stretch on a no-stretch night)."""
        return self.plan_and_assignment(night, bedtime=bedtime)[0]

    def plan_and_assignment(
        self, night: date, *, bedtime: time | None = None
    ) -> tuple[Plan, NightAssignment | None]:
        """The night's plan, and what the experiment assigned to it (None: no experiment)."""
        from coach.experiment.night import plan_for

        return plan_for(self.settings, self.store, night, bedtime=bedtime)

    def _counted(self) -> CountedStore:
        """The store as the experiment reads it: each night's cramps counted as History
        counts them, cramps logged at night included (coach.diary.episodes)."""
        return CountedStore(self.store)

    def experiment(self) -> Protocol | None:
        """The stored experiment, as it is (reading never writes); CoachError when the
        stored plan cannot be read."""
        from coach.experiment.protocol import load_protocol

        return load_protocol(self.store)

    def experiment_or_none(self) -> Protocol | None:
        """The stored experiment, or None when there is none or it cannot be read."""
        from coach.experiment.protocol import safe_protocol

        return safe_protocol(self.store)

    def run_in(self) -> RunIn:
        """The experiment's run-in as it stands: the fortnight to the last night slept (the
        night before, while that one runs on with nothing logged)."""
        from coach.experiment.protocol import run_in_now

        return run_in_now(self._counted(), self.settings, self.clock.now())

    def start_experiment(
        self, *, anyway: bool = False, rng: random.Random | None = None
    ) -> StartOutcome:
        from coach.experiment.protocol import start

        return start(self._counted(), self.settings, self.clock.now(), rng, anyway=anyway)

    def stop_experiment(self) -> Protocol:
        from coach.experiment.protocol import stop

        return stop(self.store, self.settings, self.clock.now())

    def advance_experiment(
        self, *, looks: bool = True, rng: random.Random | None = None
    ) -> Protocol | None:
        """Bring the experiment up to date: a finished run-in draws its plan, and, unless
        `looks` is False, the interim looks that are due are taken (the model loads)."""
        from coach.experiment.protocol import advance

        return advance(self._counted(), self.settings, self.clock.now(), rng, looks=looks)

    def experiment_due(self) -> bool:
        """Whether `advance_experiment` has work to do: a look is due, or a finished run-in
        can draw its plan (cheap: no model)."""
        from coach.experiment.night import work_due

        return work_due(self._counted(), self.settings, self.clock.now())

    def look_due(self) -> bool:
        """Whether an interim look of the experiment is waiting (cheap: no model)."""
        from coach.experiment.protocol import look_due

        protocol = self.experiment_or_none()
        return look_due(protocol, self._counted(), self.settings, self.clock.now())

    def take_looks(self) -> Protocol | None:
        """Take the experiment's interim looks that are due (the model loads)."""
        from coach.experiment.protocol import take_looks

        protocol = self.experiment_or_none()
        return take_looks(self._counted(), self.settings, self.clock.now(), protocol)

    def experiment_result(self) -> ExperimentResult | None:
        """The experiment's state and answer (taking the looks that are due), or None."""
        from coach.experiment.protocol import experiment_result

        return experiment_result(self._counted(), self.settings, self.clock.now())

    # --- settings -------------------------------------------------------------------

    def change_settings(self, changes: Sequence[tuple[str, str | None]]) -> Settings:
        """Write config keys (None removes one) in one atomic write of config.toml, all or
        nothing, and use the new settings. A bad value (ConfigError) changes nothing."""
        settings = config_change(self.paths.config_file, changes)
        with self._opening:
            self._settings = settings
        return settings


def _stone_doc(stone: Tombstone) -> dict[str, Any]:
    """What undo needs of a tombstone it takes back."""
    return {
        "night": stone.night.isoformat(),
        "id": stone.id,
        "action": stone.action,
        "what": stone.what,
    }


def describe_episodes(episodes: Sequence[Event], tz: tzinfo) -> list[str]:
    """One line per cramp logged at night, in the order they began: 'Cramp at 03:05, 1:30'."""
    from coach.diary.episodes import episode_time

    lines = []
    for episode in sorted(episodes, key=episode_time):
        minutes = episode.data.get("minutes")
        length = f", {clock_text(float(minutes) * 60)}" if minutes is not None else ""
        lines.append(f"Cramp at {episode_time(episode).astimezone(tz):%H:%M}{length}")
    return lines


# --- pause and snooze: the one rule ---------------------------------------------------


class NightState(NamedTuple):
    """What the store says about one night's reminders: snoozes (in order) and pause."""

    snoozes: dict[str, list[datetime]]
    paused: bool


def night_state(events: list[Event], night: date) -> NightState:
    """Read a night's snoozes and pause from its events (written order)."""
    snoozes: dict[str, list[datetime]] = {}
    paused = False
    for event in events:
        if event.night != night:
            continue
        if event.kind == SNOOZE_EVENT:
            wake = parse_instant(event.data.get("until"))
            step = event.data.get("step")
            if wake is not None and isinstance(step, str):
                snoozes.setdefault(step, []).append(wake)
        elif event.kind == PAUSE_EVENT:
            paused = bool(event.data.get("paused", True))
    return NightState(snoozes=snoozes, paused=paused)


def parse_instant(value: object) -> datetime | None:
    """An aware datetime from an ISO-8601 string in a record; None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def check_snooze(
    settings: Settings,
    plan: Plan,
    step_id: str,
    now: datetime,
    state: NightState,
    recorded: str | None,
    interval: timedelta | None = None,
) -> datetime:
    """When a snooze asked now would remind again; CoachError saying why if it may not.

    `recorded`: the step's latest outcome that night ('done', 'skipped', 'missed') or None.
    `interval`: how long until the repeat (default: notifications.snooze_minutes).
    """
    tz = settings.tz
    step = plan.step(step_id)
    if step is None:
        raise CoachError(f"step {step_id!r} is not on the plan for the night of {plan.night}")
    if now < step.at:
        raise CoachError(
            f"{step.title} is not due yet: it is due at {step.at.astimezone(tz):%H:%M} "
            f"on {step.at.astimezone(tz):%a %d %b}; snooze works once a step is due"
        )
    if recorded in ("done", "skipped"):
        raise CoachError(f"{step.title} is already recorded {recorded} for that night")
    # The night's reminders end at bedtime; a step due at bedtime itself (the sleep
    # position) stays snoozable as long as it stays due.
    until = plan.bedtime if step.at < plan.bedtime else step.at + DUE_WINDOW
    if now >= until:
        raise CoachError(
            f"bedtime was {plan.bedtime.astimezone(tz):%H:%M} on "
            f"{plan.bedtime.astimezone(tz):%a %d %b}: the night's reminders are over, so "
            f"{step.title} cannot be snoozed; mark it done or skip it"
        )
    if state.paused:
        raise CoachError(
            "reminders are paused for that night; `coach pause --undo` turns them back on"
        )
    if len(state.snoozes.get(step_id, [])) >= MAX_SNOOZES:
        raise CoachError(f"already snoozed {MAX_SNOOZES} times tonight; mark it done or skip it")
    if interval is None:
        interval = timedelta(minutes=settings.notifications.snooze_minutes)
    # Never a promise past the night's last reminder: a snooze shortly before bedtime
    # reminds at bedtime.
    return min(now + interval, until)


def record_snooze(
    store: Store,
    settings: Settings,
    now: datetime,
    night: date,
    step_id: str,
    interval: timedelta | None = None,
) -> datetime:
    """Record a snooze of a due step; returns when it will remind again (see check_snooze;
    `interval` replaces notifications.snooze_minutes).

    The plan is the night's as the experiment wants it (`plan_for`): on a no-stretch night
    the stretch is not on it, so it cannot be snoozed, whoever asks."""
    from coach.experiment.protocol import plan_for

    plan, assigned = plan_for(settings, store, night)
    if (
        assigned is not None
        and plan.step(step_id) is None
        and plan_night(settings, night).step(step_id)
    ):
        raise CoachError(
            f"{settings.routine.step(step_id).title}: not on the plan for the night of "
            f"{night:%a %d %b}, a {assigned.arm} night of your experiment; nothing to snooze"
        )
    state = night_state(store.events(night, night), night)
    latest = store.latest_outcomes(night, night).get((night, step_id))
    recorded = latest.outcome if latest is not None else None
    wake = check_snooze(settings, plan, step_id, now, state, recorded, interval)
    taken = len(state.snoozes.get(step_id, []))
    store.add_event(
        night, SNOOZE_EVENT, {"step": step_id, "until": wake.isoformat(), "repeat": taken + 1}
    )
    return wake


def snoozes_left(store: Store, night: date, step_id: str) -> int:
    state = night_state(store.events(night, night), night)
    return MAX_SNOOZES - len(state.snoozes.get(step_id, []))


def record_pause(store: Store, night: date, paused: bool = True) -> None:
    """Silence (or unsilence) a night's reminders; a paused night records nothing missed."""
    store.add_event(night, PAUSE_EVENT, {"paused": paused})
