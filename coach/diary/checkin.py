"""When to offer the morning check-in: pure rules on the diary, so the app decides without
loading the dialog.

The rule: once a day, about the night slept last, and only once that night's bedtime is
CHECKIN_AFTER behind. At 3 a.m. after a 22:30 bedtime the night is still running; a
check-in then would be about half a night, so the app waits until 05:30.

Gaps: the same first start of the day first offers each night of the week before with
nothing known about its cramps (no morning log, no cramp logged at night, not answered
"don't remember", not paused), oldest first; "don't remember" is kept (UNKNOWN_EVENT) so
the night is not asked again, and it stays unknown, never "no cramps".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from coach.diary.episodes import UNKNOWN_EVENT, night_cramps
from coach.planner import plan_night

if TYPE_CHECKING:
    from coach.records.store import CrampLog, Event
    from coach.settings.model import Settings


class CheckinSource(Protocol):
    """What the rule reads and writes: the session (coach.session.Session) has it all."""

    @property
    def settings(self) -> Settings: ...

    def now(self) -> datetime: ...

    def last_slept(self) -> date: ...

    def cramp_log(self, night: date) -> CrampLog | None: ...

    def episodes(self, night: date) -> list[Event]: ...

    def not_remembered(self, night: date) -> bool: ...

    def get_state(self, key: str, default: Any = None) -> Any: ...

    def set_state(self, key: str, value: Any) -> None: ...


class GapSource(CheckinSource, Protocol):
    """What the gaps rule reads besides: the first night, the logs and the events."""

    def first_night(self) -> date | None: ...

    def cramp_logs(self, start: date, end: date) -> dict[date, CrampLog]: ...

    def events(self, start: date, end: date, kind: str | None = None) -> list[Event]: ...


ASKED_KEY = "checkin_asked"
"""State key: the local date on which the check-in was last offered."""
CHECKIN_AFTER = timedelta(hours=7)
"""The morning check-in is offered from a night's bedtime plus a night's sleep."""
GAP_NIGHTS = 7
"""How far back the check-in asks about nights not logged."""


class MorningRound(NamedTuple):
    """What the first start of a day asks: the nights not logged before last night (oldest
    first), then last night if it has no log and was not answered "don't remember" (None:
    nothing to ask of it)."""

    gaps: tuple[date, ...]
    night: date | None


def morning_round(diary: GapSource) -> MorningRound | None:
    """What to ask now, on the first start of the day (None: asked today already, too
    early, or nothing to ask)."""
    night = _morning_of(diary)
    if night is None:
        return None
    first = diary.first_night()
    if first is None or first > night:
        return None  # a brand-new diary: no night behind it
    gaps = tuple(gap_nights(diary, night, first))
    last = night if _unanswered(diary, night) else None
    if not gaps and last is None:
        return None
    return MorningRound(gaps=gaps, night=last)


def gap_nights(diary: GapSource, night: date, first: date) -> list[date]:
    """The nights of the GAP_NIGHTS before `night` (from `first` on), oldest first, with
    nothing known of their cramps and not paused or answered "don't remember"."""
    from coach.diary.episodes import cramp_episodes
    from coach.records.store import paused_from

    start = max(first, night - timedelta(days=GAP_NIGHTS))
    end = night - timedelta(days=1)
    if end < start:
        return []
    logs = diary.cramp_logs(start, end)
    events = diary.events(start, end)
    known = {e.night for e in cramp_episodes(events)}
    known |= {e.night for e in events if e.kind == UNKNOWN_EVENT}
    known |= paused_from(events)
    nights = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [n for n in nights if n not in logs and n not in known]


def checkin_due(diary: CheckinSource) -> date | None:
    """The night to ask about now, on the first start of the day, when it has no log yet."""
    night = _morning_of(diary)
    if night is None or not _unanswered(diary, night):
        return None
    return night


def _unanswered(diary: CheckinSource, night: date) -> bool:
    """Whether the check-in has something to ask of the night: it has no morning log, and
    its cramps were not answered "don't remember" (never asked again)."""
    return diary.cramp_log(night) is None and not diary.not_remembered(night)


def mark_asked(diary: CheckinSource) -> None:
    """Remember that the check-in was offered today, answered or not."""
    diary.set_state(ASKED_KEY, diary.now().astimezone(diary.settings.tz).date().isoformat())


class Prefill(NamedTuple):
    """What the check-in form opens with for a night: its morning log, if any, and the
    cramps logged during it; `count` is the night's count (None: nothing known)."""

    log: CrampLog | None
    episodes: tuple[Event, ...]

    @property
    def cramps(self) -> int | None:
        return night_cramps(self.log.cramps if self.log is not None else None, len(self.episodes))

    def words(self, tz: tzinfo) -> str:
        """'You logged 3 cramps at night: 03:05, 03:40, 04:10.' or '' without episodes."""
        from coach.diary.wording import episode_times

        if not self.episodes:
            return ""
        n = len(self.episodes)
        return (
            f"You logged {n} cramp{'s' if n != 1 else ''} at night: "
            f"{episode_times(self.episodes, tz)}."
        )


def prefill(diary: CheckinSource, night: date) -> Prefill:
    """The check-in's opening values for a night, read as every other view reads it."""
    return Prefill(log=diary.cramp_log(night), episodes=tuple(diary.episodes(night)))


def _morning_of(diary: CheckinSource) -> date | None:
    """The night slept last, when its morning questions are due now: not asked today yet
    and late enough after its bedtime (None otherwise)."""
    now = diary.now()
    if diary.get_state(ASKED_KEY) == now.astimezone(diary.settings.tz).date().isoformat():
        return None
    night = diary.last_slept()
    if now < plan_night(diary.settings, night).bedtime + CHECKIN_AFTER:
        return None
    return night
