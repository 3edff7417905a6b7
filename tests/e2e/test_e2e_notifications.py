"""End to end, with real parts: Xvfb, a private D-Bus session, the dunst notification server,
the daemon's reminders over the session bus (jeepney) and
notify-test through real plyer (notify-send). What dunst received is read back with `dunstctl`.

Skipped locally without those Debian packages; on CI (CI=true) a missing one fails.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.desktop import Desktop, coach_home_in
from tests.support.reminder_support import (
    base_env,
    coach_argv,
    faketime_env,
    spawn,
    stop,
    wait_for_text,
)

pytestmark = pytest.mark.e2e


def test_notify_test_reaches_dunst_and_says_which_backend(desktop: Desktop, tmp_path: Path) -> None:
    desktop.start_dunst()
    home = coach_home_in(tmp_path)
    result = subprocess.run(
        coach_argv("notify-test"),
        env=base_env(home, **desktop.env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Sent a test notification with plyer:linux (shown by dunst): it worked.\n"
    )
    received = desktop.received()
    assert [(n["summary"], n["appname"]) for n in received] == [("Test notification", "coach")]


def test_the_daemon_notifies_dunst_when_a_step_falls_due(desktop: Desktop, tmp_path: Path) -> None:
    desktop.start_dunst()
    home = coach_home_in(tmp_path)
    # 21:29:57 in Berlin: screens-off (T-60) is due in three seconds.
    env = base_env(home, **desktop.env, **faketime_env("2026-11-22 20:29:57"))
    daemon = spawn(coach_argv("daemon"), env)
    log_path = home / "logs" / "daemon.log"
    try:
        wait_for_text(log_path, "reminder screens-off")
    finally:
        code, _, err = stop(daemon)
    assert code == 0, err

    received = desktop.received()
    assert [n["summary"] for n in received] == [
        # hydration (20:30) is still useful before the next step: sent once, late.
        "Hydration: 60 minutes to bedtime",
        "Screens off: 60 minutes to bedtime",
    ]
    screens_off = received[1]
    assert screens_off["appname"] == "coach"
    assert screens_off["body"] == (
        "Time to put screens away and dim the lights.\ncoach · bedtime 22:30"
    )
    assert "This reminder is late: it was due at 20:30." in received[0]["body"]
    log = log_path.read_text()
    assert "desktop notifications via D-Bus (server: dunst)" in log
    assert "'Screens off: 60 minutes to bedtime' sent via D-Bus (shown by dunst)" in log


def test_a_bus_without_a_notification_server_is_reported_plainly(
    desktop: Desktop, tmp_path: Path
) -> None:
    home = coach_home_in(tmp_path)
    result = subprocess.run(
        coach_argv("notify-test"),
        env=base_env(home, **desktop.env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "The desktop notification with plyer:linux did not work: "
        "no notification service is running on the session bus."
    )
    assert "Fell back to the terminal bell." in result.stdout
