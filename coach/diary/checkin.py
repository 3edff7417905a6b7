"""When to offer the morning check-in: pure rules on the diary, so the app decides without
loading the dialog.

The rule: once a day, about the night slept last, and only once that night's bedtime is
CHECKIN_AFTER behind. At 3 a.m. after a 22:30 bedtime the night is still running; a
check-in then would be about half a night, so the app waits until 05:30.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from coach.planner import plan_night

if TYPE_CHECKING:
    from coach.records.store import CrampLog
    from coach.settings.model import Settings


class CheckinSource(Protocol):
    """What the rule reads and writes: the session (coach.session.Session) has it all."""

    @property
    def settings(self) -> Settings: ...

    def now(self) -> datetime: ...

    def last_slept(self) -> date: ...

    def cramp_log(self, night: date) -> CrampLog | None: ...

    def get_state(self, key: str, default: Any = None) -> Any: ...

    def set_state(self, key: str, value: Any) -> None: ...


ASKED_KEY = "checkin_asked"
"""State key: the local date on which the check-in was last offered."""
CHECKIN_AFTER = timedelta(hours=7)
"""The morning check-in is offered from a night's bedtime plus a night's sleep."""


def checkin_due(diary: CheckinSource) -> date | None:
    """The night to ask about now, on the first start of the day, when it has no log yet."""
    now = diary.now()
    if diary.get_state(ASKED_KEY) == now.astimezone(diary.settings.tz).date().isoformat():
        return None
    night = diary.last_slept()
    if now < plan_night(diary.settings, night).bedtime + CHECKIN_AFTER:
        return None
    if diary.cramp_log(night) is not None:
        return None
    return night


def mark_asked(diary: CheckinSource) -> None:
    """Remember that the check-in was offered today, answered or not."""
    diary.set_state(ASKED_KEY, diary.now().astimezone(diary.settings.tz).date().isoformat())
