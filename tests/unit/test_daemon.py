"""`coach daemon`: one sender at a time, a log of every reminder, a clean stop, honest fallbacks."""

from __future__ import annotations

import asyncio
import io
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coach.cli.main import main
from coach.desktop.autostart import systemd_unit
from coach.reminders.daemon import Daemon
from coach.session import Session
from coach.system.locks import LOCK_NAME, SenderLock, sender_holder
from tests.support.fakes import RecordingNotifier
from tests.support.reminder_support import ShiftedClock

BERLIN = ZoneInfo("Europe/Berlin")


def test_only_one_process_holds_the_sender_lock(tmp_path: Path) -> None:
    path = tmp_path / LOCK_NAME
    daemon = SenderLock(path, "daemon")
    tui = SenderLock(path, "tui")
    assert daemon.try_acquire()
    assert not tui.try_acquire()
    holder = tui.holder()
    assert holder is not None and holder.kind == "daemon" and holder.pid > 0
    daemon.release()
    assert tui.holder() is None
    assert tui.try_acquire()
    assert not daemon.try_acquire()
    tui.release()


def test_the_tui_learns_that_a_daemon_runs(ctx: Session) -> None:
    path = ctx.paths.data_dir / LOCK_NAME
    assert sender_holder(path) is None
    lock = SenderLock(path, "daemon")
    assert lock.try_acquire()
    try:
        running = sender_holder(path)
        assert running is not None and running.kind == "daemon"
    finally:
        lock.release()
    assert sender_holder(path) is None


def test_the_systemd_unit_starts_this_coach_at_login(tmp_path: Path) -> None:
    unit = systemd_unit(str(tmp_path / "my data"), command=lambda: ["/opt/coach/bin/coach"])
    assert f"ExecStart=/opt/coach/bin/coach --data-dir '{tmp_path}/my data' daemon\n" in unit
    assert "[Install]\nWantedBy=default.target\n" in unit
    assert "systemctl --user enable --now coach.service" in unit


def test_print_systemd_unit_keeps_the_chosen_data_folder(
    coach_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["daemon", "--print-systemd-unit"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Save as ~/.config/systemd/user/coach.service")
    exec_start = out.split("ExecStart=")[1].splitlines()[0]
    assert exec_start.endswith(f" --data-dir {coach_home} daemon")


async def _run_until_screens_off(ctx: Session, stream: io.StringIO) -> RecordingNotifier:
    """A daemon from 21:29:59.5 on real time, stopped once screens-off was sent."""
    clock = ShiftedClock.starting_at(datetime(2026, 11, 22, 21, 29, 59, 500000, tzinfo=BERLIN))
    notifier = RecordingNotifier()
    daemon = Daemon(
        Session(ctx.paths, kind="daemon", clock=clock), notifier=notifier, stream=stream
    )
    stop_event = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop_event))
    for _ in range(400):  # up to 20 s on a loaded machine; usually under 1 s
        # Sent, and the run that sent it finished (it ends by saying what comes next).
        if "next reminder at Sun 22 Nov 22:20" in _log(ctx):
            break
        await asyncio.sleep(0.05)
    stop_event.set()
    assert await asyncio.wait_for(task, 5) == 0
    return notifier


async def test_the_daemon_sends_on_time_logs_each_reminder_and_stops_cleanly(
    ctx: Session,
) -> None:
    ctx.first_use()  # in use here since 18:00: the 19:30 last meal counts as missed
    stream = io.StringIO()
    notifier = await _run_until_screens_off(ctx, stream)

    assert [title for title, _ in notifier.sent] == [
        "Hydration: 60 minutes to bedtime",
        "Screens off: 60 minutes to bedtime",
    ]
    log = (ctx.paths.logs_dir / "daemon.log").read_text()
    assert "reminder hydration, late by 59 min: 'Hydration: 60 minutes to bedtime' sent" in log
    assert "reminder screens-off: 'Screens off: 60 minutes to bedtime' sent via recorder" in log
    assert "missed: Last meal was due at 19:30" in log
    assert "next reminder at Sun 22 Nov 22:20" in log
    assert log.rstrip().endswith("coach daemon stopped")
    assert stream.getvalue() == log  # the same lines went to stderr
    assert ctx.paths.logs_dir.joinpath("daemon.log").stat().st_mode & 0o077 == 0
    # And the lock is free again for the next one.
    assert sender_holder(ctx.paths.data_dir / LOCK_NAME) is None
    missed = ctx.store.latest_outcomes(date(2026, 11, 22), date(2026, 11, 22))
    assert missed[(date(2026, 11, 22), "last-meal")].outcome == "missed"


def test_late_by_text_uses_hours_for_long_gaps() -> None:
    from coach.reminders.host import minutes_text

    assert minutes_text(timedelta(minutes=59)) == "59 min"
    assert minutes_text(timedelta(minutes=150)) == "2 h 30 min"


async def test_the_first_start_on_a_new_folder_records_nothing_missed(ctx: Session) -> None:
    """A daemon started for the first time at 21:29 reminds about what is still useful, and
    does not count the evening's earlier steps (the last meal at 19:30) as missed."""
    notifier = await _run_until_screens_off(ctx, io.StringIO())
    assert [title for title, _ in notifier.sent] == [
        "Hydration: 60 minutes to bedtime",
        "Screens off: 60 minutes to bedtime",
    ]
    night = date(2026, 11, 22)
    assert ctx.store.latest_outcomes(night, night) == {}  # nothing recorded missed
    # The first use is remembered: a later start is no longer a first one.
    first = ctx.first_use()
    assert abs(first - datetime(2026, 11, 22, 21, 29, 59, 500000, tzinfo=BERLIN)).seconds < 2


async def test_a_config_change_reaches_the_running_daemon_within_2_s(ctx: Session) -> None:
    clock = ShiftedClock.starting_at(datetime(2026, 11, 22, 21, 0, tzinfo=BERLIN))
    daemon = Daemon(
        Session(ctx.paths, kind="daemon", clock=clock),
        notifier=RecordingNotifier(),
        stream=io.StringIO(),
    )
    stop_event = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop_event))
    try:
        for _ in range(200):
            if daemon.host.runner is not None and "next reminder at" in _log(ctx):
                break
            await asyncio.sleep(0.05)
        assert "next reminder at Sun 22 Nov 21:30" in _log(ctx)
        # Edited in another terminal: nothing tells the daemon but the file itself.
        changed = asyncio.get_running_loop().time()
        (ctx.paths.config_file).write_text('timezone = "Europe/Berlin"\nbedtime = "23:30"\n')
        while "next reminder at Sun 22 Nov 22:30" not in _log(ctx):
            assert asyncio.get_running_loop().time() - changed < 2.0, _log(ctx)
            await asyncio.sleep(0.02)
        jobs = daemon.host.runner.jobs() if daemon.host.runner else []
        assert jobs[0][0] == "reminder:2026-11-22:screens-off:0"
    finally:
        stop_event.set()
        assert await asyncio.wait_for(task, 5) == 0


def _log(ctx: Session) -> str:
    path = ctx.paths.logs_dir / "daemon.log"
    return path.read_text() if path.exists() else ""
