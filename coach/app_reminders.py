"""The reminder service as the TUI runs it: on the app's own event loop, no Textual here.

The app hands in `show(reminder)` (toast and highlight) and `say(text)` (one plain line
for the user). Both may be called from a worker thread, so both should post a message
(Textual's `post_message` is thread-safe). Wiring, in `run_tui`:

    reminders = AppReminders(ctx, show=lambda r: app.post_message(StepDue(...)), say=...)
    # on mount: reminders.start(); on unmount: reminders.stop()
    # after saving settings: reminders.settings_changed(new_settings)

While no daemon runs, the app holds the sender lock and also sends desktop notifications;
when it finds the daemon holding the lock, it shows reminders in-app only and writes
nothing, since the daemon records what it sent.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from coach.context import Context
from coach.daemon import LOCK_NAME, Holder, SenderLock
from coach.notify import Delivery, Notifier, PlyerNotifier
from coach.planner import PlannedStep
from coach.reminders import CATCH_UP_SECONDS, ReminderService, ScheduledReminders
from coach.settings import Settings
from coach.voice import speaking_notifier


@dataclass(frozen=True)
class DueReminder:
    """A step falling due, as the app shows it."""

    night: date
    step: PlannedStep
    title: str
    """'Screens off: 60 minutes to bedtime'."""
    body: str
    late_by: timedelta
    desktop: Delivery | None
    """What became of the desktop notification; None when none was sent (the daemon
    sends them, or notifications are turned off)."""


class AppReminders:
    """Reminders inside the app: start on mount, stop on unmount."""

    def __init__(
        self,
        ctx: Context,
        show: Callable[[DueReminder], object],
        *,
        say: Callable[[str], object] | None = None,
        desktop: Notifier | None = None,
        catch_up_seconds: float = CATCH_UP_SECONDS,
    ) -> None:
        self.ctx = ctx
        self.show = show
        self.say = say or (lambda text: None)
        self.desktop: Notifier = speaking_notifier(
            desktop or PlyerNotifier(),
            lambda: (self.service.settings.voice, self.service.settings.sound),
        )
        self.lock = SenderLock(ctx.paths.data_dir / LOCK_NAME, "tui")
        self.catch_up_seconds = catch_up_seconds
        self._unavailable: str | None = None
        self._said_lock = threading.Lock()
        self.service = ReminderService(
            ctx.settings,
            ctx.clock,
            self._on_due,
            store=ctx.store,
            config_file=ctx.paths.config_file,
            not_before=ctx.diary.first_use_or_none(),
            on_problem=self.say,
            is_sender=self.lock.try_acquire,
        )
        self._runner: ScheduledReminders | None = None

    @property
    def sends_desktop(self) -> bool:
        """True while this app, not a daemon, sends the desktop notifications."""
        return self.lock.held

    def daemon(self) -> Holder | None:
        """The process that sends reminders, if it is another one."""
        holder = self.lock.holder()
        return None if holder is None or self.lock.held else holder

    def start(self) -> None:
        """Start on the running event loop (call from the app's thread, e.g. on mount)."""
        loop = asyncio.get_running_loop()
        scheduler = AsyncIOScheduler(event_loop=loop, timezone=UTC)
        self._runner = ScheduledReminders(
            self.service, scheduler, catch_up_seconds=self.catch_up_seconds
        )
        self._runner.start(run_now=False)
        # The first run may notify, which can block for seconds: not on the UI's loop.
        loop.run_in_executor(None, self._runner.tick)

    def stop(self) -> None:
        if self._runner is not None:
            self._runner.stop()
            self._runner = None
        self.lock.release()

    def settings_changed(self, settings: Settings) -> None:
        """Move the reminders to new settings now, not at the next catch-up."""
        self.service.set_settings(settings)
        if self._runner is not None:
            self._runner.sync()

    def snooze(self, night: date, step_id: str) -> datetime:
        """Remind again later (see ReminderService.snooze); raises CoachError past the limit."""
        wake = self.service.snooze(night, step_id)
        if self._runner is not None:
            self._runner.sync()
        return wake

    def snoozes_left(self, night: date, step_id: str) -> int:
        return self.service.snoozes_left(night, step_id)

    def set_paused(self, night: date, paused: bool = True) -> None:
        """Skip a night's reminders (the TUI's 'skip tonight'); not counted in streaks."""
        self.service.set_paused(night, paused)
        if self._runner is not None:
            self._runner.sync()

    def _on_due(self, step: PlannedStep, night: date, late_by: timedelta) -> None:
        title, body = self.service.describe(step, night, late_by)
        delivery: Delivery | None = None
        if self.lock.held and self.service.settings.notifications.enabled:
            delivery = self.desktop.notify(title, body)
            self._note(delivery)
        self.show(DueReminder(night, step, title, body, late_by, delivery))

    def _note(self, delivery: Delivery) -> None:
        """Say once that desktop notifications do not work, and again only after they did."""
        with self._said_lock:
            was, self._unavailable = self._unavailable, None if delivery.ok else delivery.detail
        if not delivery.ok and was is None:
            self.say(
                f"Desktop notifications are unavailable ({delivery.detail}); "
                "reminders will show here instead."
            )
