"""Cramps logged at night ("cramp-episode" events): one per episode, when it began, how
long it lasted. Light on purpose: Tonight's first paint reads them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from coach.records.store import Event

EPISODE = "cramp-episode"
UNKNOWN_EVENT = "cramps-unknown"
"""A night's cramps asked about in the check-in and answered "don't remember": not asked
again, and the night stays unknown (never "no cramps")."""


def cramp_episodes(events: Iterable[Event]) -> list[Event]:
    """One "cramp-episode" per episode: the app writes one when a cramp starts (so nothing
    is lost) and another with the details when it eases; the latest for a start wins. An
    episode whose latest event says "cancelled" (the guide opened by mistake) is none."""
    latest: dict[tuple[date, object], Event] = {}
    for event in events:
        if event.kind == EPISODE:
            latest[(event.night, event.data.get("started", event.id))] = event
    return [event for event in latest.values() if not event.data.get("cancelled")]


def episode_time(episode: Event) -> datetime:
    """When a night-time cramp began (its `started`), else when it was written."""
    started = episode.data.get("started")
    if isinstance(started, str):
        try:
            at = datetime.fromisoformat(started)
        except ValueError:
            return episode.at
        if at.tzinfo is not None:
            return at
    return episode.at


def episode_minutes(event: Event) -> float | None:
    """How long a cramp logged at night lasted, if it was timed or given."""
    value = event.data.get("minutes")
    return float(value) if isinstance(value, int | float) else None
