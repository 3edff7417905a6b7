"""When to offer the morning check-in: pure rules on the store, so the app decides without
loading the dialog."""

from __future__ import annotations

from datetime import date, datetime

from coach.planner import last_slept_night
from coach.records import Store
from coach.settings import Settings

ASKED_KEY = "checkin_asked"
"""State key: the local date on which the check-in was last offered."""


def checkin_due(store: Store, settings: Settings, now: datetime) -> date | None:
    """The night to ask about, on the first start of the day when it has no log yet."""
    night = last_slept_night(settings, now)
    if store.get_state(ASKED_KEY) == now.astimezone(settings.tz).date().isoformat():
        return None
    if store.cramp_logs(night, night):
        return None
    return night


def mark_asked(store: Store, settings: Settings, now: datetime) -> None:
    """Remember that the check-in was offered today, answered or not."""
    store.set_state(ASKED_KEY, now.astimezone(settings.tz).date().isoformat())
