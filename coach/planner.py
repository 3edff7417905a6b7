"""Bedtime and routine -> a night's step times, by the night rules of DESIGN.md.

A night is named by the date of its evening and runs from noon to noon in the configured
zone, so a bedtime before noon (say 00:30) falls on the next calendar day. Step times are
wall-clock offsets from bedtime, resolved with zoneinfo: a wall time inside a spring-forward
gap moves to the first instant after the gap, an ambiguous one takes its first occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from coach.settings.model import Settings

NIGHT_STARTS = time(12, 0)
"""A night runs from noon on its date to noon on the next day, local time."""


DUE_WINDOW = timedelta(minutes=30)
"""How long the last step of the night stays due before it counts as late."""

MAX_PAUSE_NIGHTS = 92
"""The longest pause of the reminders (`coach pause --until/--days`): about three months."""


class PlannedStep(NamedTuple):
    """One step of one night, at a real instant."""

    id: str
    title: str
    at: datetime
    offset_minutes: int


class Plan(NamedTuple):
    """A night's schedule: its bedtime and every enabled step, in time order."""

    night: date
    timezone: str
    bedtime: datetime
    steps: tuple[PlannedStep, ...]

    def step(self, step_id: str) -> PlannedStep | None:
        for step in self.steps:
            if step.id == step_id:
                return step
        return None

    @property
    def ends_at(self) -> datetime:
        """When the night is over: noon the next day, or after its last step if later."""
        noon = resolve_local(
            datetime.combine(self.night + timedelta(days=1), NIGHT_STARTS), ZoneInfo(self.timezone)
        )
        last = max((step.at for step in self.steps), default=self.bedtime)
        return max(noon, last + timedelta(minutes=1))

    def to_json(self) -> dict[str, Any]:
        return {
            "night": self.night.isoformat(),
            "timezone": self.timezone,
            "bedtime": self.bedtime.isoformat(timespec="seconds"),
            "steps": [
                {"id": s.id, "title": s.title, "at": s.at.isoformat(timespec="seconds")}
                for s in self.steps
            ],
        }


def resolve_local(wall: datetime, tz: ZoneInfo) -> datetime:
    """The instant a naive wall-clock time names in `tz`.

    Ambiguous (fall back): the first occurrence. Non-existent (spring forward): the first
    valid instant after it, which is the moment the clocks jumped.
    """
    first = wall.replace(tzinfo=tz, fold=0)
    back = first.astimezone(UTC).astimezone(tz)
    if back.replace(tzinfo=None) == wall:
        return back
    # In a gap. fold=1 reads the wall time with the offset after the jump, which lands
    # before the gap; fold=0 lands after it. Search between them for the jump itself.
    low = int(wall.replace(tzinfo=tz, fold=1).timestamp())
    high = int(first.timestamp())
    if low > high:
        low, high = high, low
    while low < high:
        middle = (low + high) // 2
        local = datetime.fromtimestamp(middle, tz).replace(tzinfo=None)
        if local >= wall:
            high = middle
        else:
            low = middle + 1
    return datetime.fromtimestamp(high, tz)


def bedtime_wall(night: date, bedtime: time) -> datetime:
    """The naive wall time of a night's bedtime: before noon means the next morning."""
    day = night + timedelta(days=1) if bedtime < NIGHT_STARTS else night
    return datetime.combine(day, bedtime)


def plan_night(settings: Settings, night: date, *, bedtime: time | None = None) -> Plan:
    """The night's plan: every enabled step with its instant, sorted by time."""
    tz = settings.tz
    wall = bedtime_wall(night, bedtime or settings.bedtime_for(night))
    steps = [
        PlannedStep(
            id=step.id,
            title=step.title,
            at=resolve_local(wall + timedelta(minutes=step.offset_minutes), tz),
            offset_minutes=step.offset_minutes,
        )
        for step in settings.enabled_steps
    ]
    # Python's sort is stable; the offset breaks ties when a DST gap merges two times.
    steps.sort(key=lambda s: (s.at, s.offset_minutes))
    return Plan(
        night=night,
        timezone=settings.timezone,
        bedtime=resolve_local(wall, tz),
        steps=tuple(steps),
    )


def current_night(settings: Settings, now: datetime) -> date:
    """The night `now` belongs to: today's date from noon, yesterday's before noon."""
    local = now.astimezone(settings.tz)
    if local.time() < NIGHT_STARTS:
        return local.date() - timedelta(days=1)
    return local.date()


def last_slept_night(settings: Settings, now: datetime) -> date:
    """The most recent night whose bedtime has passed: the one a morning log is about."""
    night = current_night(settings, now)
    if now < plan_night(settings, night).bedtime:
        return night - timedelta(days=1)
    return night
