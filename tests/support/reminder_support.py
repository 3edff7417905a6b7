"""Helpers shared by the reminder, daemon and end-to-end tests."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest


@dataclass
class ShiftedClock:
    """Real time moved by a fixed amount: lets a real scheduler fire at a chosen local time."""

    shift: timedelta

    @classmethod
    def starting_at(cls, when: datetime) -> ShiftedClock:
        return cls(when - datetime.now(UTC))

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift

    def monotonic(self) -> float:
        return time.monotonic()


def require_tools(*names: str) -> None:
    """Skip when a system tool is missing, except on CI, where .ci/run installs them all."""
    missing = [name for name in names if shutil.which(name) is None]
    if not missing:
        return
    text = f"needs {', '.join(missing)} (Debian packages; .ci/run installs them)"
    if os.environ.get("CI") == "true":
        pytest.fail(text)
    pytest.skip(text)


def coach_argv(*args: str) -> list[str]:
    """The command line for `coach ARGS`, with this test run's Python."""
    return [sys.executable, "-m", "coach", *args]


def faketime_env(start: str) -> dict[str, str]:
    """Environment that starts a child's clock at `start` (UTC) and lets it run on.

    This is what the `faketime -f @START` wrapper does, minus the wrapper process, so that
    a signal sent to the child reaches coach itself. The multi-threaded library is used
    because the daemon runs its jobs on worker threads.
    """
    require_tools("faketime")
    found = sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1"))
    found += sorted(glob.glob("/usr/lib/faketime/libfaketimeMT.so.1"))
    if not found:
        require_tools("libfaketimeMT.so.1")
    return {"LD_PRELOAD": found[0], "FAKETIME": f"@{start}"}


def base_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a coach child process: its data folder, UTC, no desktop session."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY")
    }
    env.update(COACH_HOME=str(home), TZ="UTC", XDG_RUNTIME_DIR=str(home / "no-runtime"), **extra)
    return env


def wait_for_text(path: Path, text: str, timeout: float = 20.0) -> str:
    """Wait until a file (a log the child writes) contains `text`; return the file's text."""
    deadline = time.monotonic() + timeout
    content = ""
    while time.monotonic() < deadline:
        if path.exists():
            content = path.read_text(encoding="utf-8", errors="replace")
            if text in content:
                return content
        time.sleep(0.05)
    raise AssertionError(f"{path} never said {text!r}; it says:\n{content}")


def spawn(argv: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """Start a child in its own process group, so `stop` reaches it through faketime."""
    return subprocess.Popen(
        argv,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[str], timeout: float = 10.0) -> tuple[int, str, str]:
    """SIGTERM a child's process group and return its exit status, stdout and stderr."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err
