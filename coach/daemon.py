"""`coach daemon`: the reminder service, headless, in the foreground, until SIGINT/SIGTERM.

Only one process sends reminders: the one holding the sender lock (`reminders.lock` in the
data folder). A second daemon refuses to start; a daemon that finds the TUI holding the
lock waits and takes over when the TUI closes. The TUI checks `sender_holder()` to know
whether to show reminders in-app only.
"""

from __future__ import annotations

import asyncio
import logging
import logging.handlers
import os
import shlex
import shutil
import signal
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from coach.context import Context
from coach.errors import CoachError
from coach.fsutil import ensure_dir

# Re-exported: the sender lock lives in coach.locks, with the other locks.
from coach.locks import LOCK_NAME as LOCK_NAME
from coach.locks import Holder as Holder
from coach.locks import SenderLock as SenderLock
from coach.locks import sender_holder as sender_holder
from coach.logfile import PrivateRotatingFileHandler
from coach.notify import BellNotifier, FallbackNotifier, Notifier, PlyerNotifier
from coach.planner import PlannedStep
from coach.reminders import CATCH_UP_SECONDS, Handled, ReminderService, ScheduledReminders
from coach.voice import speaking_notifier

LOG_NAME = "daemon.log"
LOGGER = "coach.daemon"


def daemon_running(ctx: Context) -> Holder | None:
    """The running daemon, if one holds the sender lock: the TUI then shows reminders in-app."""
    holder = sender_holder(ctx.paths.data_dir / LOCK_NAME)
    return holder if holder is not None and holder.kind == "daemon" else None


def setup_logging(logs_dir: Path, stream: TextIO) -> logging.Logger:
    """The daemon's log: each line to `stream` (stderr) and to logs/daemon.log."""
    log = logging.getLogger(LOGGER)
    log.setLevel(logging.INFO)
    log.propagate = False
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()
    form = logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S%z")
    to_stream = logging.StreamHandler(stream)
    to_stream.setFormatter(form)
    log.addHandler(to_stream)
    path = logs_dir / LOG_NAME
    try:
        ensure_dir(logs_dir)
        to_file = PrivateRotatingFileHandler(path, max_bytes=512_000, backups=3)
    except OSError as exc:
        log.warning("cannot write the log file %s (%s); logging to stderr only", path, exc.strerror)
        return log
    to_file.setFormatter(form)
    log.addHandler(to_file)
    return log


class Daemon:
    """The parts of one `coach daemon` run, built so tests can hand in their own."""

    def __init__(
        self,
        ctx: Context,
        *,
        notifier: Notifier | None = None,
        stream: TextIO | None = None,
        catch_up_seconds: float = CATCH_UP_SECONDS,
    ) -> None:
        self.ctx = ctx
        self.stream = stream or sys.stderr
        self.log = setup_logging(ctx.paths.logs_dir, self.stream)
        self.lock = SenderLock(ctx.paths.data_dir / LOCK_NAME, "daemon")
        self.plyer = PlyerNotifier()
        self.notifier = notifier or FallbackNotifier(
            self.plyer,
            BellNotifier(self.stream),
            on_unavailable=self._unavailable,
            on_restored=lambda: self.log.info("desktop notifications work again"),
        )
        # Speaks each title too when [voice] is on (coach.voice); passes through otherwise.
        self.voiced = speaking_notifier(
            self.notifier, lambda: (self.service.settings.voice, self.service.settings.sound)
        )
        self.catch_up_seconds = catch_up_seconds
        self._waiting_said = False
        self._next_said: datetime | None = None
        self.service = ReminderService(
            ctx.settings,
            ctx.clock,
            self._on_due,
            store=ctx.store,
            config_file=ctx.paths.config_file,
            not_before=ctx.diary.first_use_or_none(),
            on_missed=self._on_missed,
            on_problem=lambda text: self.log.error("%s", text),
            is_sender=self._is_sender,
        )

    def _unavailable(self, reason: str) -> None:
        self.log.warning(
            "%s; reminders go to this log and the terminal bell instead", reason.rstrip(".")
        )

    def _is_sender(self) -> bool:
        if self.lock.try_acquire():
            if self._waiting_said:
                self.log.info("the other coach process stopped; this daemon sends reminders now")
                self._waiting_said = False
            return True
        if not self._waiting_said:
            holder = self.lock.holder()
            who = f"pid {holder.pid}, {holder.kind}" if holder else "another process"
            self.log.info(
                "another coach process (%s) is sending reminders; waiting to take over", who
            )
            self._waiting_said = True
        return False

    def _on_due(self, step: PlannedStep, night: date, late_by: timedelta) -> None:
        if not self.lock.held:
            return  # the TUI holds the lock and shows this reminder itself
        title, body = self.service.describe(step, night, late_by)
        late = f", late by {_minutes(late_by)}" if late_by.total_seconds() >= 60 else ""
        if not self.service.settings.notifications.enabled:
            self.log.info(
                "reminder %s%s: %r (not sent: notifications.enabled is false)", step.id, late, title
            )
            return
        delivery = self.voiced.notify(title, body)
        how = "sent" if delivery.ok else "NOT sent"
        extra = f" ({delivery.detail})" if delivery.detail else ""
        self.log.info(
            "reminder %s%s: %r %s via %s%s", step.id, late, title, how, delivery.backend, extra
        )

    def _on_missed(self, step: PlannedStep, night: date, late_by: timedelta) -> None:
        if not self.lock.held:
            return
        due = step.at.astimezone(self.service.settings.tz)
        self.log.warning(
            "missed: %s was due at %s (%s ago; the computer was asleep or coach was not "
            "running); recorded as missed for the night of %s",
            step.title,
            f"{due:%H:%M}",
            _minutes(late_by),
            night.isoformat(),
        )

    def _on_handled(self, handled: list[Handled]) -> None:
        for item in handled:
            if item.status == "expired" and self.lock.held:
                self.log.info(
                    "snoozed reminder for %s came %s late, after the next step; dropped",
                    item.reminder.step.title,
                    _minutes(item.late_by),
                )
        next_due = self.service.next_due()
        if next_due is not None and next_due != self._next_said:
            local = next_due.astimezone(self.service.settings.tz)
            self.log.info("next reminder at %s", f"{local:%a %d %b %H:%M}")
        self._next_said = next_due

    def check_notifications(self) -> None:
        """Say once, at start, whether desktop notifications can work here."""
        if not isinstance(self.notifier, FallbackNotifier):
            return
        ok, detail = self.plyer.check()
        if ok:
            server = f" (server: {detail})" if detail else ""
            self.log.info("desktop notifications via %s%s", self.plyer.backend, server)
        else:
            self.notifier.unavailable = detail
            self._unavailable(f"desktop notifications are unavailable: {detail}")

    async def run(self, stop: asyncio.Event) -> int:
        """Run until `stop` is set. Returns the exit status."""
        holder = self.lock.holder()
        if holder is not None and holder.kind == "daemon":
            raise CoachError(f"coach daemon is already running (pid {holder.pid})")
        self.lock.try_acquire()  # a lock that cannot even be opened stops us here, plainly
        self.log.info(
            "coach daemon started (pid %d, data in %s)", os.getpid(), self.ctx.paths.data_dir
        )
        self.check_notifications()
        scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone=UTC)
        runner = ScheduledReminders(
            self.service,
            scheduler,
            catch_up_seconds=self.catch_up_seconds,
            on_handled=self._on_handled,
        )
        try:
            # The scheduler must start on the loop's thread; the first run, which may
            # notify and so block for a while, goes to a worker thread like every job.
            runner.start(run_now=False)
            await asyncio.to_thread(runner.tick)
            self._on_handled([])
            await stop.wait()
        finally:
            runner.stop()
            self.lock.release()
            self.log.info("coach daemon stopped")
        return 0


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60} min"


def run_daemon(ctx: Context, *, stream: TextIO | None = None) -> int:
    """`coach daemon`: run in the foreground until SIGINT or SIGTERM; exit 0 then."""
    ctx.kind = "daemon"
    daemon = Daemon(ctx, stream=stream)

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        return await daemon.run(stop)

    return asyncio.run(main())


def systemd_unit(data_dir: str | None, command: Callable[[], list[str]] | None = None) -> str:
    """A systemd user unit that starts `coach daemon` at login."""
    argv = (command or _own_command)()
    if data_dir:
        argv += ["--data-dir", str(Path(data_dir).expanduser().absolute())]
    argv.append("daemon")
    return (
        "# Save as ~/.config/systemd/user/coach.service, then run:\n"
        "#   systemctl --user daemon-reload\n"
        "#   systemctl --user enable --now coach.service\n"
        "# Logs: journalctl --user -u coach.service (and daemon.log in coach's data folder)\n"
        "[Unit]\n"
        "Description=coach: bedtime routine reminders\n"
        "After=graphical-session.target\n"
        "\n"
        "[Service]\n"
        "Type=simple\n"
        f"ExecStart={shlex.join(argv)}\n"
        "Restart=on-failure\n"
        "RestartSec=30\n"
        "\n"
        "[Install]\n"
        "WantedBy=default.target\n"
    )


def _own_command() -> list[str]:
    """How to start this very coach: its script if it is on PATH, else this Python."""
    found = shutil.which("coach")
    if found:
        return [str(Path(found).absolute())]
    return [sys.executable, "-m", "coach"]
