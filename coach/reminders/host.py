"""The one reminder host: the wiring that `coach daemon` and the app share.

A host owns the sender lock (only one process sends notifications), builds the reminder
service, runs it on APScheduler on the caller's asyncio loop, wakes at once on resume from
suspend, on wall-clock changes and on changes to config.toml or the database (see
`coach.desktop.wake`), and tells the user once when desktop notifications fail. Its caller gives
it callbacks only:

    host = ReminderHost(ctx, "daemon", notifier, on_due=..., log=..., tell=...)
    await host.start()      # on the running loop; returns after the first run
    ...
    host.stop()

- `on_due(DueReminder)`: a step fell due; title and body are the notification's words.
- `log(level, text)`: a line for a log ('info', 'warning' or 'error').
- `tell(text)`: a problem the user should hear once (notifications unavailable, the data
  folder cannot be written, a broken config).
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Literal, NamedTuple

from coach.desktop.notify import NO_SESSION_BUS, Delivery, Notifier, PlyerNotifier
from coach.errors import CoachError
from coach.planner import PlannedStep
from coach.reminders.service import (
    FALLBACK_CHECK_SECONDS,
    Handled,
    ReminderService,
    ScheduledReminders,
)
from coach.session import Session
from coach.settings.model import Settings, SoundSettings, VoiceSettings
from coach.system.locks import LOCK_NAME, SenderLock

if TYPE_CHECKING:
    from coach.desktop.wake import Watch

Kind = Literal["daemon", "tui"]
Level = Literal["info", "warning", "error"]


class DueReminder(NamedTuple):
    """A step falling due, as the user sees it, wherever it is shown."""

    night: date
    step: PlannedStep
    title: str
    """'Screens off: 60 minutes to bedtime'."""
    body: str
    late_by: timedelta
    sender: bool
    """True when this process holds the sender lock (and so records and sends it)."""
    desktop: Delivery | None
    """What became of the notification; None when none was sent (another process sends
    them, or notifications are turned off)."""


ActionKey = Literal["done", "snooze", "open"]
ACTION_KEYS: tuple[ActionKey, ...] = ("done", "snooze", "open")


class ReminderAction(NamedTuple):
    """A button the user pressed on a reminder: Done, Snooze or Open, for a night's step."""

    night: date
    step_id: str
    key: ActionKey


def action_labels(settings: Settings) -> list[tuple[str, str]]:
    """The buttons a reminder carries (key, label), in the order a desktop shows them."""
    minutes = settings.notifications.snooze_minutes
    return [("done", "Done"), ("snooze", f"Snooze {minutes} min"), ("open", "Open")]


def desktop_notifier(settings: Settings) -> Notifier:
    """The desktop notifier reminders go through (the host adds the voice): on Linux, the
    session bus directly, so reminders carry Done, Snooze and Open; elsewhere, or without a
    session bus, plyer's."""
    if sys.platform.startswith("linux"):
        from coach.desktop.actions import ActionNotifier

        notifier: ActionNotifier[tuple[date, str]] = ActionNotifier()
        if notifier.check()[1] != NO_SESSION_BUS:
            return notifier
        notifier.close()
    return PlyerNotifier()


def minutes_text(delta: timedelta) -> str:
    """'59 min', '2 h 30 min': how late, in a log line."""
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60} min"


class ReminderHost:
    """The reminder service, its scheduler, its lock and its wake-ups, for one process."""

    def __init__(
        self,
        ctx: Session,
        kind: Kind,
        notifier: Notifier,
        *,
        on_due: Callable[[DueReminder], object],
        log: Callable[[Level, str], object] | None = None,
        tell: Callable[[str], object] | None = None,
        fallback: Notifier | None = None,
        instead: str = "will show in coach instead",
        watch: bool = True,
        on_action: Callable[[ReminderAction], object] | None = None,
        snooze_interval: timedelta | None = None,
    ) -> None:
        """`fallback`: tried when the desktop notifier fails (the daemon's terminal bell).
        `instead`: where reminders go when the desktop fails, for the one message about it.
        `watch`: listen for resume, clock and file changes (tests of the bare scheduler
        turn it off). `on_action`: a button pressed on a reminder (the app records it as
        its own keys do); without it the host acts itself (`act`). `snooze_interval`:
        how long a snooze waits (default: notifications.snooze_minutes)."""
        self.ctx = ctx
        self.kind = kind
        self.notifier = notifier
        self.fallback = fallback
        self.on_due = on_due
        self.log: Callable[[Level, str], object] = log or (lambda level, text: None)
        self.tell: Callable[[str], object] = tell or (lambda text: None)
        self.instead = instead
        self.watch = watch
        self.on_action = on_action
        bind = getattr(notifier, "on_action", False)
        if bind is None:  # an ActionNotifier not yet told where answers go
            notifier.on_action = self._action  # type: ignore[attr-defined]
        self.lock: SenderLock = SenderLock(ctx.paths.data_dir / LOCK_NAME, kind)
        self.service = ReminderService(
            ctx.settings,
            ctx.clock,
            self._due,
            store=ctx.store,
            config_file=ctx.paths.config_file,
            not_before=ctx.first_use_or_none(),
            on_missed=self._missed,
            on_problem=self.tell,
            is_sender=self._is_sender,
            snooze_interval=snooze_interval,
        )
        self.voiced = self._with_voice(notifier)
        self.runner: ScheduledReminders | None = None
        self.watches: list[Watch] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unavailable: str | None = None
        self._waiting_said = False
        self._next_said: datetime | None = None
        self._said_lock = threading.Lock()
        self._wake_lock = threading.Lock()
        self._wake_queued = False
        self._stopped = False
        self._unguarded = False

    def _with_voice(self, notifier: Notifier) -> Notifier:
        """The notifier, speaking each title too when [voice] is on (see coach.desktop.voice)."""
        from coach.desktop.voice import speaking_notifier

        def settings() -> tuple[VoiceSettings, SoundSettings]:
            current = self.service.settings  # read at each reminder: changes apply at once
            return current.voice, current.sound

        return speaking_notifier(notifier, settings)

    # --- who sends ---------------------------------------------------------------------

    @property
    def sending(self) -> bool:
        """True while this process sends (and records) the reminders."""
        return self.lock.held or self._unguarded

    def _is_sender(self) -> bool:
        try:
            acquired = self.lock.try_acquire()
        except CoachError as exc:
            # No lock file can be had (a read-only data folder): send all the same, since
            # a reminder nobody sends is worse than one sent twice, and say so once.
            if not self._unguarded:
                self._unguarded = True
                self.tell(f"{exc}; reminders are sent without the one-sender guarantee")
            return True
        if acquired:
            if self._waiting_said:
                self.log("info", f"the other coach process stopped; this {self.kind} sends now")
                self._waiting_said = False
            return True
        if not self._waiting_said:
            holder = self.lock.holder()
            who = f"pid {holder.pid}, {holder.kind}" if holder else "another process"
            self.log(
                "info", f"another coach process ({who}) is sending reminders; waiting to take over"
            )
            self._waiting_said = True
        return False

    # --- running -----------------------------------------------------------------------

    async def start(self) -> None:
        """Start on the running loop: the scheduler, the wake-ups, then a first run (in a
        worker thread, since a notification can block for seconds)."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        loop = asyncio.get_running_loop()
        self._loop = loop
        if self._stopped:
            return
        # Said before anything can be sent, so the first failure is not said twice.
        await loop.run_in_executor(None, self._check_start)
        if self.watch:
            await self._start_watches(loop)
        heard = {w.name.split(" (")[0] for w in self.watches}
        fallback = (
            None
            if self.watch and heard & {"suspend and resume", "clock changes"}
            else FALLBACK_CHECK_SECONDS
        )
        if self.watch and fallback is not None:
            self.log(
                "info",
                f"cannot hear resume or clock changes here; checking every {fallback:g} s",
            )
        scheduler = AsyncIOScheduler(event_loop=loop, timezone=UTC)
        self.runner = ScheduledReminders(
            self.service,
            scheduler,
            catch_up_seconds=fallback if self.watch else None,
            on_handled=self._handled,
        )
        if self._stopped:  # stopped while the watches started
            self.stop()
            return
        self.runner.start(run_now=False)
        await loop.run_in_executor(None, self._first_run)

    def _check_start(self) -> None:
        self._check_desktop()
        self._check_recording()

    def _first_run(self) -> None:
        assert self.runner is not None
        self.runner.tick()
        self._handled([])
        self._recheck_config()

    def _recheck_config(self) -> None:
        """A change of config.toml is settling: look again when it can be read whole
        (nothing else may wake us: the editor's last write was already heard)."""
        wait = self.service.config_recheck_in()
        loop = self._loop
        if wait is None or loop is None or self._stopped:
            return
        delay = wait + 0.05
        loop.call_soon_threadsafe(
            lambda: loop.call_later(delay, lambda: self.wake("config.toml settled", quiet=True))
        )

    async def _start_watches(self, loop: asyncio.AbstractEventLoop) -> None:
        from coach.desktop.wake import (
            WatchUnavailable,
            start_clock_watch,
            start_file_watch,
            start_sleep_watch,
        )

        paths = self.ctx.paths
        folders = {paths.config_file.parent: {paths.config_file.name}, paths.db_dir: None}
        starters: list[tuple[str, Callable[[], Watch]]] = [
            ("clock changes", lambda: start_clock_watch(loop, self.wake)),
            ("file changes", lambda: start_file_watch(loop, folders, self._file_changed)),
        ]
        for name, start in starters:
            try:
                self.watches.append(start())
            except (WatchUnavailable, OSError) as exc:
                self.log("info", f"cannot watch {name}: {exc}")
        try:
            self.watches.append(await start_sleep_watch(self.wake))
        except WatchUnavailable as exc:
            self.log("info", f"cannot hear suspend and resume: {exc}")
        for watch in self.watches:
            self.log("info", f"listening for {watch.name}")

    def _file_changed(self, reason: str) -> None:
        self.wake(reason, quiet=True)  # every write of a record: not worth a log line

    def wake(self, reason: str, *, quiet: bool = False) -> None:
        """Catch up now: deliver what is due and move the timers (any thread)."""
        with self._wake_lock:
            if self._wake_queued or self._loop is None or self.runner is None:
                return
            self._wake_queued = True
        if not quiet:
            self.log("info", f"catching up: {reason}")
        self._loop.call_soon_threadsafe(self._run_wake)

    def _run_wake(self) -> None:
        assert self._loop is not None
        self._loop.run_in_executor(None, self._wake_now)

    def _wake_now(self) -> None:
        with self._wake_lock:
            self._wake_queued = False
        runner = self.runner
        if runner is None:
            return
        try:
            handled = runner.tick()
            if not handled:  # tick reported nothing; the next reminder may have moved
                self._handled([])
            self._recheck_config()
        except Exception as exc:  # a worker thread: say it, never die silently
            self.log("error", f"catching up failed: {type(exc).__name__}: {exc}")
            return
        # The scheduler's own timer ran on the monotonic clock, which stood still during
        # a suspend; have it compute its next wake-up from the wall clock again.
        if runner.scheduler.running:
            runner.scheduler.wakeup()

    # --- buttons on a reminder ----------------------------------------------------------

    def _action(self, tag: tuple[date, str], key: str) -> None:
        """A button was pressed on a reminder (the notifier's thread)."""
        chosen = next((known for known in ACTION_KEYS if known == key), None)
        if chosen is None:
            return
        night, step_id = tag
        action = ReminderAction(night=night, step_id=step_id, key=chosen)
        self.log("info", f"reminder {step_id}: {key} chosen on the notification")
        if self.on_action is not None:
            self.on_action(action)
        else:
            self.act(action)

    def act(self, action: ReminderAction) -> str:
        """Do what a reminder's button asks, as the app's keys would: Done records the
        step (late if its time has passed, checked for red flags), Snooze asks again
        later, Open starts coach on the step in a terminal. Returns the line it logged."""
        from coach.reminders.rules import overtaken

        ctx = self.ctx
        settings = self.service.settings
        night, step_id = action.night, action.step_id
        try:
            title = settings.routine.step(step_id).title
        except KeyError:
            title = step_id
        try:
            if action.key == "done":
                plan = self.service.plan(night)
                if plan.step(step_id) is None:
                    raise CoachError(f"{title} is not on the plan for the night of {night}")
                late = overtaken(plan, step_id, ctx.clock.now())
                ctx.record_step(night, step_id, "done", late=late)
                line = f"{title}: recorded done from the notification"
                self._check_flags(night)
                if self.runner is not None:
                    self.runner.sync()
            elif action.key == "snooze":
                wake = self.snooze(night, step_id)
                until = wake.astimezone(settings.tz)
                line = f"{title}: snoozed from the notification until {until:%H:%M:%S}"
            else:
                from coach.desktop.autostart import open_in_terminal

                line = f"{title}: {open_in_terminal(step_id, ctx.paths.data_dir)}"
        except CoachError as exc:
            line = f"{title}: {action.key} from the notification not done: {exc}"
            self.log("warning", line)
            return line
        self.log("info", line)
        return line

    def _check_flags(self, night: date) -> None:
        """The red-flag rules after a save, as every save runs them; raised flags are kept
        for `coach flags` and the app's next start."""
        for flag in self.ctx.check_flags(night):
            self.log("warning", f"{flag.level.upper()}: {flag.text}")

    async def close(self, timeout: float = 10.0) -> None:
        """Stop, after letting a reminder on its way finish (so a stop never cuts one in
        half between 'pending' and 'delivered')."""
        runner = self.runner
        if runner is not None and runner.scheduler.running:
            runner.scheduler.pause()
            await asyncio.get_running_loop().run_in_executor(None, runner.wait_idle, timeout)
        self.stop()

    def stop(self) -> None:
        """Stop now (the app's unmount); see close()."""
        self._stopped = True
        for watch in self.watches:
            watch.close()
        self.watches = []
        if self.runner is not None:
            self.runner.stop()
            self.runner = None
        closing = getattr(self.notifier, "close", None)
        if closing is not None:
            closing()
        self.lock.release()

    # --- what the app asks ---------------------------------------------------------------

    def settings_changed(self, settings: Settings) -> None:
        """Move the reminders to new settings now."""
        self.service.set_settings(settings)
        if self.runner is not None:
            self.runner.sync()

    def snooze(self, night: date, step_id: str) -> datetime:
        """Remind again later (the session's snooze: the one rule); CoachError when it may
        not."""
        wake = self.ctx.snooze(night, step_id, interval=self.service.snooze_interval)
        self.refresh()
        return wake

    def snoozes_left(self, night: date, step_id: str) -> int:
        return self.ctx.snoozes_left(night, step_id)

    def set_paused(self, night: date, paused: bool = True) -> bool:
        """Skip a night's reminders; the night does not count against the streak. False when
        it was so already."""
        changed = self.ctx.set_paused(night, paused)
        self.refresh()
        return changed

    def refresh(self) -> None:
        """The service reads what the session wrote, and the timers move to it."""
        self.service.refresh()
        if self.runner is not None:
            self.runner.sync()

    # --- the service's callbacks -----------------------------------------------------------

    def _due(self, step: PlannedStep, night: date, late_by: timedelta) -> None:
        title, body = self.service.describe(step, night, late_by)
        sender = self.sending
        delivery: Delivery | None = None
        if sender and self.service.settings.notifications.enabled:
            delivery = self._send(title, body, (night, step.id))
        if sender:
            late = f", late by {minutes_text(late_by)}" if late_by.total_seconds() >= 60 else ""
            if delivery is None:
                self.log(
                    "info",
                    f"reminder {step.id}{late}: {title!r} "
                    "(not sent: notifications.enabled is false)",
                )
            else:
                how = "sent" if delivery.ok else "NOT sent"
                extra = f" ({delivery.detail})" if delivery.detail else ""
                self.log(
                    "info",
                    f"reminder {step.id}{late}: {title!r} {how} via {delivery.backend}{extra}",
                )
        self.on_due(
            DueReminder(
                night=night,
                step=step,
                title=title,
                body=body,
                late_by=late_by,
                sender=sender,
                desktop=delivery,
            )
        )

    def _send(self, title: str, body: str, tag: tuple[date, str] | None = None) -> Delivery:
        """The desktop first (with Done, Snooze and Open where it can); on failure, say so
        once (again only after it worked in between) and try the fallback."""
        with_actions = getattr(self.voiced, "notify_with_actions", None)
        if tag is not None and with_actions is not None:
            first: Delivery = with_actions(title, body, action_labels(self.service.settings), tag)
        else:
            first = self.voiced.notify(title, body)
        with self._said_lock:
            was, self._unavailable = self._unavailable, None if first.ok else first.detail
        if first.ok:
            if was is not None:
                self.log("info", "desktop notifications work again")
            return first
        if was is None:
            self._say_unavailable(first.detail)
        if self.fallback is None:
            return first
        second = self.fallback.notify(title, body)
        tried = f"{first.backend} failed: {first.detail}"
        if second.ok:
            return Delivery(ok=True, backend=second.backend, detail=tried)
        return Delivery(
            ok=False,
            backend=first.backend,
            detail=f"{tried}; {second.backend} failed: {second.detail}",
        )

    def _say_unavailable(self, detail: str) -> None:
        """Once: the person's words (what is off, where reminders go, what helps); the
        technical reason goes to the log."""
        self.log("warning", f"desktop notifications are unavailable: {detail}")
        self.tell(
            "Desktop reminders cannot be shown here: coach doctor, in a terminal, says why "
            f"and what helps. Reminders {self.instead}."
        )

    def _check_desktop(self) -> None:
        """Say once, at start, whether desktop notifications can work here."""
        check = getattr(self.notifier, "check", None)
        if check is None or not self.service.settings.notifications.enabled:
            return
        ok, detail = check()
        if ok:
            server = f" (server: {detail})" if detail else ""
            backend = getattr(self.notifier, "backend", type(self.notifier).__name__)
            self.log("info", f"desktop notifications via {backend}{server}")
            return
        with self._said_lock:
            was, self._unavailable = self._unavailable, detail
        if was is None:
            self._say_unavailable(detail)

    def _check_recording(self) -> None:
        """Say once, at start, when the data folder cannot be written."""
        folder = (
            self.ctx.paths.db_dir if self.ctx.paths.db_dir.exists() else self.ctx.paths.data_dir
        )
        if folder.exists() and not os.access(folder, os.W_OK):
            self.tell(
                f"cannot record: {folder} is read-only; reminders are shown but not "
                "recorded (done, missed), and after a restart one may come again"
            )

    def _missed(self, step: PlannedStep, night: date, late_by: timedelta, recorded: bool) -> None:
        if not self.sending:
            return
        due = step.at.astimezone(self.service.settings.tz)
        self.log(
            "warning",
            f"missed: {step.title} was due at {due:%H:%M} ({minutes_text(late_by)} ago; the "
            "computer was asleep or coach was not running); "
            + ("recorded as missed" if recorded else "not recorded (it could not be written)")
            + f" for the night of {night.isoformat()}",
        )

    def _handled(self, handled: list[Handled]) -> None:
        for item in handled:
            if item.status == "expired" and self.sending:
                self.log(
                    "info",
                    f"snoozed reminder for {item.reminder.step.title} came "
                    f"{minutes_text(item.late_by)} late, after the next step; dropped",
                )
        try:
            next_due = self.service.next_due()
        except CoachError:
            return
        if next_due is not None and next_due != self._next_said:
            local = next_due.astimezone(self.service.settings.tz)
            self.log("info", f"next reminder at {local:%a %d %b %H:%M}")
        self._next_said = next_due
