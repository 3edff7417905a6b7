"""The words for a night's records, said the same way by the command line, the app and the
report: one wording of a cramp log, of a duration, of a night."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo
from typing import TYPE_CHECKING

from coach.diary.episodes import episode_time, night_cramps
from coach.records.store import CrampLog, Event

if TYPE_CHECKING:
    from coach.diary.nights import NightFacts


def night_label(night: date) -> str:
    """'Mon 23 Nov', the short name of a night (by its evening)."""
    return f"{night:%a %d %b}"


def pause_text(first: date, last: date) -> str:
    """'Reminders paused: nights of Sat 05 Dec to Mon 07 Dec 2026 (3 nights).'"""
    if first == last:
        return f"Reminders paused: the night of {first:%a %d %b %Y}."
    count = (last - first).days + 1
    return f"Reminders paused: nights of {first:%a %d %b} to {last:%a %d %b %Y} ({count} nights)."


def minutes_text(minutes: float) -> str:
    """An exact duration: '2 min', '2.5 min'."""
    return f"{minutes:g} min"


def clock_text(seconds: float) -> str:
    """Minutes and seconds, 'm:ss': what a timer shows."""
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def duration_text(log: CrampLog) -> str | None:
    """The longest cramp as it was logged: a band stays a band ('1-5 min'), minutes are
    exact only when they were timed or typed."""
    if log.band is not None:
        return f"{log.band} min"
    if log.minutes is not None:
        return minutes_text(log.minutes)
    return None


def describe_cramps(log: CrampLog | None, *, full: bool = True) -> str:
    """A night's morning log in a few words: 'not logged', 'no cramps', or the count and
    what was noted ('2 cramps, worst 6/10, longest 1-5 min, left leg, calf'). `full`
    False leaves out the leg and muscle."""
    if log is None:
        return "not logged"
    if log.cramps == 0:
        return "no cramps"
    parts = [f"{log.cramps} cramp{'s' if log.cramps != 1 else ''}"]
    if log.severity is not None:
        parts.append(f"worst {log.severity}/10")
    longest = duration_text(log)
    if longest is not None:
        parts.append(f"longest {longest}")
    if full and log.leg:
        parts.append(f"{log.leg} leg" if log.leg != "both" else "both legs")
    if full and log.muscle:
        parts.append(log.muscle)
    return ", ".join(parts)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def episode_times(episodes: Sequence[Event], tz: tzinfo) -> str:
    """'03:05, 03:40': when each night-time cramp began, in the zone `tz`."""
    return ", ".join(f"{t.astimezone(tz):%H:%M}" for t in sorted(map(episode_time, episodes)))


def describe_night(facts: NightFacts, tz: tzinfo, *, full: bool = True) -> str:
    """A night's cramps in a few words, one story for every view: the morning log and the
    cramps logged at night together (see `describe_logged`); a night answered "don't
    remember", with nothing logged since, is "not remembered"."""
    if facts.forgotten and not facts.logged:
        return "not remembered"
    return describe_logged(facts.cramps, facts.episodes, tz, full=full)


def describe_logged(
    log: CrampLog | None, episodes: Sequence[Event], tz: tzinfo, *, full: bool = True
) -> str:
    """A night's cramps from its morning log and its cramps logged at night (one per
    episode): 'not logged' only when neither exists; never 'no cramps' for a night with
    an episode, and never fewer cramps than its episodes."""
    if not episodes:
        return describe_cramps(log, full=full)
    count = night_cramps(log.cramps if log is not None else None, len(episodes)) or 0
    at_night = f"{len(episodes)} logged at night: {episode_times(episodes, tz)}"
    if log is None:
        return f"{_plural(count, 'cramp')} ({at_night}; morning not logged)"
    return f"{describe_cramps(log._replace(cramps=count), full=full)} ({at_night})"
