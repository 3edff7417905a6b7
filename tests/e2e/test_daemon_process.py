"""`coach daemon` as a real process: honest fallbacks without a notification service, one
sender at a time, and a read-only data folder."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
from pathlib import Path

import pytest

from coach.system.locks import LOCK_NAME, SenderLock
from tests.support.reminder_support import (
    base_env,
    coach_argv,
    faketime_env,
    require_tools,
    spawn,
    stop,
    wait_for_text,
)


def _daemon_home(tmp_path: Path) -> Path:
    home = tmp_path / "daemon-home"
    home.mkdir()
    (home / "config.toml").write_text('timezone = "Europe/Berlin"\nbedtime = "22:30"\n')
    return home


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
    said = "Desktop reminders cannot be shown here: coach doctor, in a terminal, says why"
    assert log.count(said) == 1
    assert log.count("desktop notifications are unavailable: no D-Bus session") == 1
    assert "Reminders go to this log and the terminal bell instead." in log
    assert "'Screens off: 60 minutes to bedtime' sent via terminal-bell" in log
    assert "\acoach: Screens off: 60 minutes to bedtime: Time to put screens away" in err
    assert "Traceback" not in err


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
