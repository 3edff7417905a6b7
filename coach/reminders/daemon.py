"""`coach daemon`: the reminder service, headless, in the foreground, until SIGINT/SIGTERM.

Only one process sends reminders: the one holding the sender lock (`reminders.lock` in the
data folder). A second daemon refuses to start; a daemon that finds the TUI holding the
lock waits and takes over when the TUI closes. Every reminder host tries the lock before a
reminder (`coach.reminders.host`); the app, without it, shows reminders inside itself only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import logging.handlers
import os
import signal
import sys
from pathlib import Path
from typing import TextIO

from coach.desktop.notify import BellNotifier, Notifier
from coach.errors import CoachError
from coach.session import Session
from coach.system.files import ensure_dir
from coach.system.logfile import PrivateRotatingFileHandler

LOG_NAME = "daemon.log"
LOGGER = "coach.reminders.daemon"


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
    """One `coach daemon` run: the reminder host with log lines for callbacks."""

    def __init__(
        self,
        ctx: Session,
        *,
        notifier: Notifier | None = None,
        stream: TextIO | None = None,
        watch: bool = True,
    ) -> None:
        from coach.reminders.host import ReminderHost, desktop_notifier

        self.ctx = ctx
        self.stream = stream or sys.stderr
        self.log = setup_logging(ctx.paths.logs_dir, self.stream)
        self.host = ReminderHost(
            ctx,
            "daemon",
            notifier or desktop_notifier(ctx.settings),
            on_due=lambda due: None,  # the host logs each reminder it sends
            log=self._line,
            tell=lambda text: self.log.warning("%s", text),
            fallback=BellNotifier(self.stream),
            instead="go to this log and the terminal bell instead",
            watch=watch,
        )

    def _line(self, level: str, text: str) -> None:
        self.log.log(logging.getLevelName(level.upper()), "%s", text)

    async def run(self, stop: asyncio.Event) -> int:
        """Run until `stop` is set. Returns the exit status."""
        lock = self.host.lock
        holder = lock.holder()
        if holder is not None and holder.kind == "daemon":
            raise CoachError(f"coach daemon is already running (pid {holder.pid})")
        with contextlib.suppress(CoachError):  # a read-only folder: the host says so
            lock.try_acquire()
        self.log.info(
            "coach daemon started (pid %d, data in %s)", os.getpid(), self.ctx.paths.data_dir
        )
        try:
            await self.host.start()
            await stop.wait()
        finally:
            await self.host.close()
            self.log.info("coach daemon stopped")
        return 0


def run_daemon(ctx: Session, *, stream: TextIO | None = None) -> int:
    """`coach daemon`: run in the foreground until SIGINT or SIGTERM; exit 0 then."""
    daemon = Daemon(ctx, stream=stream)

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        return await daemon.run(stop)

    return asyncio.run(main())
