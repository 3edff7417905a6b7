"""End to end: resume from suspend, and a crash between "pending" and "delivered".

Real parts: a private system bus with python-dbusmock's logind template, Xvfb, a private
session bus with dunst, and `coach daemon` under libfaketime, whose clock the test moves
by rewriting a timestamp file. Skipped locally without those tools; on CI a missing one
fails.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from coach.records.store import Store
from coach.session import Session
from coach.system.paths import Paths
from tests.support.desktop import BUS_CONFIG, Desktop, coach_home_in
from tests.support.reminder_support import (
    base_env,
    coach_argv,
    faketime_env,
    spawn,
    stop,
    wait_for_text,
)

pytestmark = pytest.mark.e2e

LOGIND = "org.freedesktop.login1"
NIGHT = date(2026, 11, 22)


class Logind:
    """A fake logind on a private system bus: python-dbusmock's template."""

    def __init__(self, root: Path) -> None:
        config = root / "system-bus.conf"
        config.write_text(BUS_CONFIG.format(tmp=root).replace("<type>session", "<type>system"))
        self.bus = subprocess.Popen(
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self.bus.stdout is not None
        self.address = self.bus.stdout.readline().decode().strip()
        assert self.address, "the system bus did not start"
        env = {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": self.address}
        self.mock = subprocess.Popen(
            [sys.executable, "-m", "dbusmock", "--system", "--template", "logind"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while not self._has_owner():
            if time.monotonic() > deadline or self.mock.poll() is not None:
                raise AssertionError("the fake logind did not come up on the system bus")
            time.sleep(0.1)

    def _call(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["dbus-send", f"--bus={self.address}", "--print-reply", *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )

    def _has_owner(self) -> bool:
        reply = self._call(
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            f"string:{LOGIND}",
        )
        return "boolean true" in reply.stdout

    def prepare_for_sleep(self, going_to_sleep: bool) -> None:
        """Emit PrepareForSleep as logind does before a suspend (True) and after (False)."""
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        mock = DBusAddress("/org/freedesktop/login1", LOGIND, "org.freedesktop.DBus.Mock")
        message = new_method_call(
            mock,
            "EmitSignal",
            "sssav",
            ("org.freedesktop.login1.Manager", "PrepareForSleep", "b", [("b", going_to_sleep)]),
        )
        with open_dbus_connection(bus=self.address) as conn:
            reply = conn.send_and_get_reply(message, timeout=10)
        assert reply.header.message_type.name == "method_return", reply.body

    def stop(self) -> None:
        for process in (self.mock, self.bus):
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(5)


@pytest.fixture
def logind(tmp_path: Path, desktop: Desktop) -> Iterator[Logind]:
    pytest.importorskip("dbusmock", reason="python-dbusmock is in the test extras")
    root = tmp_path / "system"
    root.mkdir()
    fake = Logind(root)
    try:
        yield fake
    finally:
        fake.stop()


def _moving_clock(tmp_path: Path, start: str) -> tuple[Path, dict[str, str]]:
    """A libfaketime clock read from a file, so the test can make it jump."""
    env = faketime_env(start)
    del env["FAKETIME"]
    spec = tmp_path / "faketime"
    spec.write_text(f"@{start}\n")
    env.update(FAKETIME_TIMESTAMP_FILE=str(spec), FAKETIME_NO_CACHE="1")
    return spec, env


def _dunst_count(desktop: Desktop) -> int:
    total = 0
    for which in ("displayed", "history", "waiting"):
        result = desktop.dunstctl("count", which)
        total += int(result.stdout.strip() or 0)
    return total


def test_after_a_resume_the_late_reminder_reaches_dunst_within_2_s_once(
    tmp_path: Path,
    desktop: Desktop,
    logind: Logind,
) -> None:
    desktop.start_dunst()
    home = coach_home_in(tmp_path)
    # 20:30:10 in Berlin: hydration is due (sent at start); screens-off is at 21:30.
    spec, clock_env = _moving_clock(tmp_path, "2026-11-22 19:30:10")
    env = base_env(home, **desktop.env, **clock_env, DBUS_SYSTEM_BUS_ADDRESS=logind.address)
    daemon = spawn(coach_argv("daemon"), env)
    log_path = home / "logs" / "daemon.log"
    try:
        wait_for_text(log_path, "listening for suspend and resume (logind)")
        wait_for_text(log_path, "next reminder at Sun 22 Nov 21:30")
        before = _dunst_count(desktop)
        assert before == 1  # hydration

        logind.prepare_for_sleep(True)
        time.sleep(1)  # the daemon hears it, then the machine sleeps
        # The lid stays shut until 21:35: the wall clock jumps past screens-off (21:30).
        spec.write_text("@2026-11-22 20:35:00\n")
        time.sleep(3)
        assert _dunst_count(desktop) == before, "something other than resume woke it"

        logind.prepare_for_sleep(False)
        resumed = time.monotonic()
        while _dunst_count(desktop) == before and time.monotonic() - resumed < 10:
            time.sleep(0.02)
        latency = time.monotonic() - resumed
        time.sleep(1)  # anything doubled would have arrived by now
    finally:
        code, _, err = stop(daemon)
    assert code == 0, err
    print(f"resume to dunst: {latency * 1000:.0f} ms")  # for bench/README.md, with -s
    assert latency < 2.0, f"the late reminder took {latency:.2f} s after the resume"

    received = desktop.received()
    assert [n["summary"] for n in received] == [
        "Hydration: 2 hours to bedtime",
        "Screens off: 55 minutes to bedtime",
    ]
    assert "This reminder is late: it was due at 21:30." in received[1]["body"]
    log = log_path.read_text()
    assert "catching up: resumed from sleep" in log
    assert log.count("reminder screens-off, late by 5 min") == 1


def test_a_daemon_killed_between_pending_and_delivered_delivers_once_after_restart(
    tmp_path: Path,
    desktop: Desktop,
) -> None:
    desktop.start_dunst()
    dunst = desktop.processes[-1]
    home = coach_home_in(tmp_path)
    store = _store(home)
    for step in ("last-meal", "hydration"):
        store.record_step(NIGHT, step, "done")
    # 21:29:58 in Berlin: screens-off is due in two seconds.
    env = base_env(home, **desktop.env, **faketime_env("2026-11-22 20:29:58"))
    first = spawn(coach_argv("daemon"), env)
    try:
        wait_for_text(home / "logs" / "daemon.log", "next reminder at Sun 22 Nov 21:30")
        # A notification server that hangs: the daemon has written "pending" and waits for
        # the notification to go through when it is killed.
        dunst.send_signal(signal.SIGSTOP)
        deadline = time.monotonic() + 20
        while _phases(home, "screens-off") != ["pending"] and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _phases(home, "screens-off") == ["pending"]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(first.pid, signal.SIGKILL)
        first.communicate(timeout=10)
        dunst.send_signal(signal.SIGCONT)
    assert _dunst_count(desktop) == 0

    # Restarted six minutes later.
    env = base_env(home, **desktop.env, **faketime_env("2026-11-22 20:36:00"))
    second = spawn(coach_argv("daemon"), env)
    try:
        wait_for_text(home / "logs" / "daemon.log", "reminder screens-off")
        time.sleep(1)
    finally:
        code, _, err = stop(second)
    assert code == 0, err
    received = desktop.received()
    assert [n["summary"] for n in received] == ["Screens off: 54 minutes to bedtime"]
    assert "This reminder is late: it was due at 21:30." in received[0]["body"]
    assert _phases(home, "screens-off") == ["pending", "pending", "delivered"]


def _store(home: Path) -> Store:
    return Session(Paths.resolve(home)).store


def _phases(home: Path, step: str) -> list[str]:
    """The phases of a step's reminder events, read from the store as `coach` sees it."""
    return [
        str(e.data.get("phase"))
        for e in _store(home).events(NIGHT, NIGHT, "reminder")
        if e.data.get("step") == step
    ]
