"""Cramps logged at night ("cramp-episode" events): one per episode, when it began, how
long it lasted, and how a night's cramps are counted from them and the morning log. Light
on purpose: Tonight's first paint reads them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any, NamedTuple

from coach.records.store import Event, Store

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


def night_cramps(logged: int | None, episodes: int) -> int | None:
    """A night's cramps: the morning log's count (None: no morning log) or the episodes
    logged during the night, whichever is more (the morning log usually counts them too);
    None for a night nothing is known about. Every view counts a night this way."""
    if logged is None and not episodes:
        return None
    return max(logged or 0, episodes)


class NightCount(NamedTuple):
    """A night's cramps as the experiment reads a morning log (`cramps`)."""

    cramps: int


class CountedStore:
    """The store as the personal experiment reads it (coach.experiment.store): each night's
    cramps counted as every other view counts them (`night_cramps`), so a night with
    cramps logged at night and no morning log is a logged night, and the run-in, the looks
    and the answer never show fewer cramps for a night than History does."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def locked(self) -> AbstractContextManager[object]:
        """The store's write lock: the experiment holds it while it decides and writes its
        plan (coach.experiment.checks.plan_lock), so two starts at once write one plan."""
        return self._store.locked()

    def get_state(self, key: str, default: Any = None) -> Any:
        return self._store.get_state(key, default)

    def set_state(self, key: str, value: Any) -> None:
        self._store.set_state(key, value)

    def latest_outcomes(self, start: date, end: date) -> Mapping[tuple[date, str], Any]:
        return self._store.latest_outcomes(start, end)

    def cramp_logs(self, start: date, end: date) -> dict[date, NightCount]:
        """Each night start..end with a morning log or an episode, oldest first."""
        logs = self._store.cramp_logs(start, end)
        episodes = Counter(event.night for event in cramp_episodes(self._store.events(start, end)))
        counted: dict[date, NightCount] = {}
        for night in sorted(logs.keys() | episodes.keys()):
            log = logs.get(night)
            count = night_cramps(log.cramps if log is not None else None, episodes[night])
            if count is not None:
                counted[night] = NightCount(count)
        return counted
