"""End to end, with real parts: Xvfb, a private D-Bus session, the dunst notification server,
and real plyer (through notify-send). What dunst received is read back with `dunstctl`.

Skipped locally without those Debian packages; on CI (CI=true) a missing one fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.reminder_support import (
    base_env,
    coach_argv,
    faketime_env,
    require_tools,
    spawn,
    stop,
    wait_for_text,
)

pytestmark = pytest.mark.e2e

# A session bus of our own, without the system's service files: nothing can start a
# notification server behind our back (dunst ships a D-Bus activation file).
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir={tmp}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class Desktop:
    """A headless desktop session: its environment, and its dunst if started."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.processes: list[subprocess.Popen[bytes]] = []
        self.env: dict[str, str] = {}

    def _start(self, argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def start_bus(self) -> None:
        config = self.root / "bus.conf"
        config.write_text(BUS_CONFIG.format(tmp=self.root))
        bus = self._start(
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
            dict(os.environ),
        )
        assert bus.stdout is not None
        address = bus.stdout.readline().decode().strip()
        assert address, "dbus-daemon did not start"
        self.env["DBUS_SESSION_BUS_ADDRESS"] = address

    def start_x(self) -> None:
        xvfb = self._start(
            ["Xvfb", "-displayfd", "1", "-screen", "0", "800x600x24", "-nolisten", "tcp"],
            dict(os.environ),
        )
        assert xvfb.stdout is not None
        display = xvfb.stdout.readline().decode().strip()
        assert display, "Xvfb did not start"
        self.env["DISPLAY"] = f":{display}"

    def start_dunst(self) -> None:
        env = {**os.environ, **self.env, "XDG_CONFIG_HOME": str(self.root / "config")}
        self._start(["dunst"], env)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.dunstctl("is-paused").returncode == 0:
                return
            time.sleep(0.1)
        raise AssertionError("dunst did not come up on the session bus")

    def dunstctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["dunstctl", *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )

    def received(self) -> list[dict[str, str]]:
        """Every notification dunst got, oldest first: summary, body and app name."""
        # dunst keeps a notification in its history once it is closed.
        self.dunstctl("close-all")
        time.sleep(0.2)
        result = self.dunstctl("history")
        assert result.returncode == 0, result.stderr
        data: Any = json.loads(result.stdout)["data"][0]
        found = [
            {key: entry[key]["data"] for key in ("summary", "body", "appname")} for entry in data
        ]
        return list(reversed(found))  # dunst lists the newest first

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[Desktop]:
    require_tools("Xvfb", "dbus-daemon", "dbus-send", "dunst", "dunstctl", "notify-send")
    session = Desktop(tmp_path / "desktop")
    session.root.mkdir()
    try:
        session.start_bus()
        session.start_x()
        yield session
    finally:
        session.stop()


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "coach-home"
    home.mkdir()
    (home / "config.toml").write_text('timezone = "Europe/Berlin"\nbedtime = "22:30"\n')
    return home


def test_notify_test_reaches_dunst_and_says_which_backend(desktop: Desktop, tmp_path: Path) -> None:
    desktop.start_dunst()
    home = _home(tmp_path)
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
    home = _home(tmp_path)
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
    assert "desktop notifications via plyer:linux (server: dunst)" in log
    assert "'Screens off: 60 minutes to bedtime' sent via plyer:linux (shown by dunst)" in log


def test_a_bus_without_a_notification_server_is_reported_plainly(
    desktop: Desktop, tmp_path: Path
) -> None:
    home = _home(tmp_path)
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
