"""`coach doctor` on a real headless desktop: dunst on a private session bus."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.desktop import Desktop
from tests.support.reminder_support import base_env, coach_argv


def test_doctor_on_a_real_desktop_finds_dunst_and_no_daemon(
    tmp_path: Path,
    desktop: Desktop,
    coach_home: Path,
) -> None:
    desktop.start_dunst()
    result = subprocess.run(
        coach_argv("doctor"),
        env=base_env(coach_home, **desktop.env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr  # the daemon is not running
    assert "  ok       notification server: dunst answers on the session bus\n" in result.stdout
    assert "  PROBLEM  daemon: not running" in result.stdout
    assert result.stderr == ""
