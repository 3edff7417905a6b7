"""`coach daemon`: one sender at a time, a log of every reminder, a clean stop, honest fallbacks."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import shlex
import signal
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coach.autostart import systemd_unit
from coach.cli import main
from coach.context import Context
from coach.daemon import Daemon, daemon_running
from coach.locks import LOCK_NAME, SenderLock
from coach.notify import RecordingNotifier
from tests.reminder_support import (
    ShiftedClock,
    base_env,
    coach_argv,
    faketime_env,
    require_tools,
    spawn,
    stop,
    wait_for_text,
)

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


def test_the_tui_learns_that_a_daemon_runs(ctx: Context) -> None:
    assert daemon_running(ctx) is None
    lock = SenderLock(ctx.paths.data_dir / LOCK_NAME, "daemon")
    assert lock.try_acquire()
    try:
        running = daemon_running(ctx)
        assert running is not None and running.kind == "daemon"
    finally:
        lock.release()
    assert daemon_running(ctx) is None


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


async def _run_until_screens_off(ctx: Context, stream: io.StringIO) -> RecordingNotifier:
    """A daemon from 21:29:59.5 on real time, stopped once screens-off was sent."""
    clock = ShiftedClock.starting_at(datetime(2026, 11, 22, 21, 29, 59, 500000, tzinfo=BERLIN))
    notifier = RecordingNotifier()
    daemon = Daemon(
        Context(ctx.paths, kind="daemon", clock=clock), notifier=notifier, stream=stream
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
    ctx: Context,
) -> None:
    ctx.diary.first_use()  # in use here since 18:00: the 19:30 last meal counts as missed
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
    assert daemon_running(ctx) is None
    missed = ctx.store.latest_outcomes(date(2026, 11, 22), date(2026, 11, 22))
    assert missed[(date(2026, 11, 22), "last-meal")].outcome == "missed"


def _daemon_home(tmp_path: Path) -> Path:
    home = tmp_path / "daemon-home"
    home.mkdir()
    (home / "config.toml").write_text('timezone = "Europe/Berlin"\nbedtime = "22:30"\n')
    return home


@pytest.mark.e2e
def test_without_any_notification_service_the_daemon_keeps_going_and_says_so_once(
    tmp_path: Path,
) -> None:
    home = _daemon_home(tmp_path)
    env = base_env(home, **faketime_env("2026-11-22 20:29:57"))
    process = spawn(coach_argv("daemon"), env)
    log_path = home / "logs" / "daemon.log"
    try:
        wait_for_text(log_path, "reminder screens-off")
    finally:
        code, _, err = stop(process)
    log = log_path.read_text()
    assert code == 0, err
    assert log.count("Desktop notifications are unavailable") == 1
    assert "unavailable (no D-Bus session" in log
    assert "reminders go to this log and the terminal bell instead." in log
    assert "'Screens off: 60 minutes to bedtime' sent via terminal-bell" in log
    assert "\acoach: Screens off: 60 minutes to bedtime: Time to put screens away" in err
    assert "Traceback" not in err


@pytest.mark.e2e
def test_a_second_daemon_refuses_to_start(tmp_path: Path) -> None:
    home = _daemon_home(tmp_path)
    first = spawn(coach_argv("daemon"), base_env(home))
    try:
        wait_for_text(home / "logs" / "daemon.log", "next reminder")
        second = subprocess.run(
            coach_argv("daemon"), env=base_env(home), capture_output=True, text=True, timeout=30
        )
    finally:
        code, _, _ = stop(first)
    assert code == 0
    assert second.returncode == 1
    assert second.stderr.splitlines()[-1] == (
        f"coach: coach daemon is already running (pid {first.pid})"
    )


@pytest.mark.e2e
def test_the_daemon_waits_while_the_tui_sends(tmp_path: Path) -> None:
    home = _daemon_home(tmp_path)
    env = base_env(home, **faketime_env("2026-11-22 20:29:58"))
    tui = SenderLock(home / LOCK_NAME, "tui")
    assert tui.try_acquire()
    try:
        process = spawn(coach_argv("daemon"), env)
        log_path = home / "logs" / "daemon.log"
        try:
            wait_for_text(log_path, "is sending reminders; waiting to take over")
            wait_for_text(log_path, "next reminder at Sun 22 Nov 22:20")
        finally:
            code, _, err = stop(process)
    finally:
        tui.release()
    assert code == 0, err
    log = log_path.read_text()
    assert f"(pid {__import__('os').getpid()}, tui)" in log
    assert "reminder screens-off" not in log  # the TUI showed it; the daemon stayed quiet


def test_late_by_text_uses_hours_for_long_gaps() -> None:
    from coach.reminder_host import minutes_text

    assert minutes_text(timedelta(minutes=59)) == "59 min"
    assert minutes_text(timedelta(minutes=150)) == "2 h 30 min"


async def test_the_first_start_on_a_new_folder_records_nothing_missed(ctx: Context) -> None:
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
    first = ctx.diary.first_use()
    assert abs(first - datetime(2026, 11, 22, 21, 29, 59, 500000, tzinfo=BERLIN)).seconds < 2


@pytest.mark.e2e
def test_on_a_read_only_data_folder_the_daemon_runs_sends_and_says_it_cannot_record(
    tmp_path: Path,
) -> None:
    require_tools("unshare", "mount")
    home = _daemon_home(tmp_path)
    home.chmod(0o700)
    err_path = tmp_path / "daemon.err"
    # A mount namespace of its own, where the data folder is mounted read-only: even root
    # cannot write there (a chmod would not stop root).
    script = (
        'mount --bind "$COACH_HOME" "$COACH_HOME" && '
        'mount -o remount,bind,ro "$COACH_HOME" "$COACH_HOME" || exit 99; '
        f"exec {shlex.join(coach_argv('daemon'))}"
    )
    env = base_env(home, **faketime_env("2026-11-22 20:29:57"))
    with err_path.open("w") as err_file:
        process = subprocess.Popen(
            ["unshare", "-m", "sh", "-c", script],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err_file,
            start_new_session=True,
        )
        try:
            wait_for_text(err_path, "reminder screens-off", timeout=30)
        except AssertionError:
            if process.poll() is not None and process.returncode in (1, 99):
                pytest.skip("no permission for a read-only bind mount here")
            raise
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(10)
    assert process.returncode == 0
    err = err_path.read_text()
    assert err.count("cannot record:") == 1
    assert f"cannot record: {home} is read-only; reminders are shown but not recorded" in err
    assert "'Screens off: 60 minutes to bedtime' sent via terminal-bell" in err
    assert "Traceback" not in err
    assert not (home / "db").exists()  # nothing was written


async def test_a_config_change_reaches_the_running_daemon_within_2_s(ctx: Context) -> None:
    clock = ShiftedClock.starting_at(datetime(2026, 11, 22, 21, 0, tzinfo=BERLIN))
    daemon = Daemon(
        Context(ctx.paths, kind="daemon", clock=clock),
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


def _log(ctx: Context) -> str:
    path = ctx.paths.logs_dir / "daemon.log"
    return path.read_text() if path.exists() else ""
