"""Reminders: what a reminder says and when it is late (rules), the service that fires
each once on APScheduler, the host that sends them from the app or the daemon, the daemon
itself (imported by `coach daemon` alone), and the calendar export.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach import lazy_exports

if TYPE_CHECKING:
    from coach.reminders.calendar import routine_calendar as routine_calendar
    from coach.reminders.host import DueReminder as DueReminder
    from coach.reminders.host import ReminderHost as ReminderHost
    from coach.reminders.rules import reminder_text as reminder_text
    from coach.reminders.service import ReminderService as ReminderService
    from coach.reminders.service import ScheduledReminders as ScheduledReminders

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "coach.reminders.rules": ("reminder_text",),
        "coach.reminders.service": ("ReminderService", "ScheduledReminders"),
        "coach.reminders.host": ("ReminderHost", "DueReminder"),
        "coach.reminders.calendar": ("routine_calendar",),
    },
)
