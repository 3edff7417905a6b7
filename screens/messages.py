"""Messages the reminder service posts to the app, from its own thread.

Loaded with the reminder service, a second after Tonight's first paint: the app's handlers
name them only in annotations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from coach.reminders.host import ReminderAction


@dataclass
class StepDue(Message):
    """A reminder says a step is due."""

    step_id: str
    night: date
    late_by: timedelta
    words: tuple[str, str] | None = None
    """The notification's title and body, as the core wrote them."""


@dataclass
class Say(Message):
    """One plain line for the user from the reminder service."""

    text: str


@dataclass
class RingBell(Message):
    """The cue speaker found no sound: ring the terminal bell instead (from its thread)."""


@dataclass
class ReminderButton(Message):
    """A button pressed on a desktop reminder (Done, Snooze, Open), from the notifier's thread."""

    action: ReminderAction
