"""The one source of time for all core code. Tests hand in a FakeClock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


def whole_minutes(delta: timedelta) -> int:
    """How many minutes a span reads as, the one rule for every 'in N min', 'N min to go'
    and 'N minutes to bedtime': the nearest whole minute, half a minute up, ignoring sign.
    Screens redraw a moment after the minute turns, so cutting seconds off read 6 h 29 min
    at 13:00 for a step at 19:30, while a notice at the same instant said one more."""
    return int((abs(delta.total_seconds()) + 30) // 60)


class Clock(Protocol):
    """Wall time (aware, UTC) for calendars and records; monotonic time for countdowns."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock that moves only when told to; wall and monotonic time advance together."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._mono = 1000.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        """Move both clocks forward, as real time passing would."""
        if seconds < 0:
            raise ValueError("time does not run backwards; use jump() for a wall-clock change")
        self._now += timedelta(seconds=seconds)
        self._mono += seconds

    def jump(self, to: datetime) -> None:
        """Set the wall clock only, as a suspend/resume or an NTP correction would."""
        self._now = to.astimezone(UTC)

    def set(self, to: datetime) -> None:
        """Move to a later wall time, advancing the monotonic clock by the same amount."""
        self.advance((to.astimezone(UTC) - self._now).total_seconds())


def check_local_zone() -> None:
    """Refuse, in one line, a TZ the system cannot turn into an offset (TZ=UTC+99)."""
    import os

    zone = os.environ.get("TZ")
    if zone is None:
        return
    try:
        datetime.now().astimezone()
    except (ValueError, OverflowError, OSError):
        from coach.errors import CoachError

        raise CoachError(
            f"TZ={zone!r} is not a time zone this system can use; unset TZ or set a "
            "name like TZ=Europe/Berlin"
        ) from None
