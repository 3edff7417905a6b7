"""The evening routine as an iCalendar file (RFC 5545), so a phone can remind by the bed.

Each enabled step becomes one weekly recurring event per distinct time: a step at 21:30 on
weeknights and 22:30 on Fridays and Saturdays is two events. Times are wall-clock times
with the configured zone's TZID and its VTIMEZONE, so the phone moves them across a
daylight-saving change exactly as coach does. Each event carries a reminder alarm at its
start and the step's what-to-do as its description. UIDs depend only on the step and the
weekdays, so importing a newer file replaces the events of an older one.

One difference from coach's own plan: a step time that falls in a spring-forward gap
(only possible for a step after 02:00) is moved by the calendar as RFC 5545 says, by the
length of the gap, where coach moves it to the moment the clocks jump.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from coach.planner import bedtime_wall
from coach.settings.model import WEEKDAYS, Settings

PRODID = "-//coach//bedtime routine//EN"
EVENT_MINUTES = {"stretch": 10}
"""How long each event lasts in the calendar; 5 minutes unless listed."""
DEFAULT_EVENT_MINUTES = 5
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
TIMEZONE_YEARS = 10
"""Years of daylight-saving rules written into the VTIMEZONE (phones use the TZID's own
rules beyond them)."""


def step_schedule(settings: Settings) -> dict[str, dict[tuple[time, int], list[int]]]:
    """For each enabled step: (wall time, days after the evening) -> the evenings' weekdays
    (0 = Monday) on which the step falls at that time."""
    schedule: dict[str, dict[tuple[time, int], list[int]]] = {}
    # Any Monday will do: the wall time of a step depends only on the evening's weekday.
    monday = date(2024, 1, 1)
    for step in settings.enabled_steps:
        groups: dict[tuple[time, int], list[int]] = defaultdict(list)
        for weekday in range(7):
            night = monday + timedelta(days=weekday)
            wall = bedtime_wall(night, settings.bedtime_for(night))
            at = wall + timedelta(minutes=step.offset_minutes)
            groups[(at.time(), (at.date() - night).days)].append(weekday)
        schedule[step.id] = dict(groups)
    return schedule


def routine_calendar(
    settings: Settings,
    start: date,
    now: datetime,
    *,
    no_stretch: Collection[date] = (),
    note: str | None = None,
) -> bytes:
    """The iCalendar file: every enabled step's events, recurring weekly from `start`.

    `no_stretch`: nights whose stretch is left out (an experiment's no-stretch nights):
    the stretch events skip them (EXDATE), so the phone stays silent on those nights.
    `note`: a line added to every stretch event's description (what the plan asks)."""
    from icalendar import Alarm, Calendar, Event, Timezone

    tz = settings.tz
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "coach: bedtime routine")
    calendar.add("x-wr-timezone", settings.timezone)
    calendar.add_component(
        Timezone.from_tzid(
            settings.timezone,
            first_date=date(start.year, 1, 1),
            last_date=date(start.year + TIMEZONE_YEARS, 1, 1),
        )
    )
    stamp = now.astimezone(tz).replace(microsecond=0)
    for step_id, groups in step_schedule(settings).items():
        step = settings.routine.step(step_id)
        for (at, shift), weekdays in sorted(groups.items(), key=lambda item: item[1]):
            first = next(
                start + timedelta(days=n) for n in range(7) if (start.weekday() + n) % 7 in weekdays
            )
            begin = datetime.combine(first + timedelta(days=shift), at, tzinfo=tz)
            days = [ICAL_DAYS[(weekday + shift) % 7] for weekday in weekdays]
            event = Event()
            event.add("uid", f"coach-{step_id}-{'-'.join(WEEKDAYS[d] for d in weekdays)}@coach")
            event.add("dtstamp", stamp)
            event.add("summary", step.title)
            event.add("description", _description(step.what, step.why))
            event.add("dtstart", begin)
            minutes = EVENT_MINUTES.get(step_id, DEFAULT_EVENT_MINUTES)
            event.add("dtend", begin + timedelta(minutes=minutes))
            event.add("rrule", {"freq": "weekly", "byday": days})
            if step_id == "stretch":
                skipped = sorted(
                    datetime.combine(night + timedelta(days=shift), at, tzinfo=tz)
                    for night in no_stretch
                    if night >= start and night.weekday() in weekdays
                )
                if skipped:
                    event.add("exdate", skipped)
                if note:
                    event["description"] = _description(step.what, step.why) + "\n\n" + note
            event.add("transp", "TRANSPARENT")  # a reminder, not busy time
            event.add("categories", ["coach"])
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", step.notification or step.title)
            alarm.add("trigger", timedelta(0))
            event.add_component(alarm)
            calendar.add_component(event)
    return bytes(calendar.to_ical())


def _description(what: str, why: str) -> str:
    return f"{what}\n\nWhy: {why}\n\nFrom coach, your bedtime routine."
