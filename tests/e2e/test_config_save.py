"""Saving config.toml while `coach daemon` runs: an editor that truncates the file and writes
it a few milliseconds later never cancels the night (issue 23, case 1)."""

from __future__ import annotations

import random
import time
from datetime import date, datetime
from pathlib import Path

from coach.session import FIRST_USE_KEY, Session
from coach.system.paths import Paths
from tests.support import BERLIN
from tests.support.reminder_support import (
    base_env,
    coach_argv,
    faketime_env,
    spawn,
    stop,
    wait_for_text,
)

STEPS = ("last-meal", "hydration", "screens-off", "stretch", "sleep-position")
# New York evening, while the system (TZ=UTC) would put an empty file's night hours earlier:
# read as the defaults, every step of tonight is long past.
CONFIG = 'timezone = "America/New_York"\nbedtime = "20:31"\n' + "".join(
    f"[steps.{step}]\noffset_minutes = 0\n" for step in STEPS
)


def _save_like_an_editor(path: Path, text: str, rng: random.Random) -> None:
    """Truncate, then write 5-50 ms later (as many editors save)."""
    with path.open("r+b") as file:
        file.truncate(0)
        file.flush()
        time.sleep(rng.uniform(0.005, 0.05))
        file.write(text.encode())


def test_saving_config_while_the_daemon_runs_keeps_tonights_reminders(coach_home: Path) -> None:
    home = coach_home
    config = home / "config.toml"
    config.write_text(CONFIG)
    # Used here since November 1st: a step long past tonight would count as missed.
    first_use = datetime(2026, 11, 1, tzinfo=BERLIN).isoformat()
    Session(Paths.resolve(home), kind="test").store.set_state(FIRST_USE_KEY, first_use)
    # 20:30:56 in New York; all five steps fall due at 20:31.
    env = base_env(home, **faketime_env("2026-11-23 01:30:56"))
    process = spawn(coach_argv("daemon"), env)
    log_path = home / "logs" / "daemon.log"
    rng = random.Random(23)
    saves = 0
    try:
        wait_for_text(log_path, "next reminder at")
        deadline = time.monotonic() + 12
        while time.monotonic() < deadline:
            _save_like_an_editor(config, CONFIG, rng)
            saves += 1
            time.sleep(rng.uniform(0.05, 0.4))
        log = wait_for_text(log_path, "reminder sleep-position")
        time.sleep(1)  # a reload still settling would show now
    finally:
        code, _, err = stop(process)
    log = log_path.read_text()
    assert code == 0, err
    assert saves > 20
    for step in STEPS:
        assert log.count(f"reminder {step}:") == 1, log
    assert "missed" not in log
    night = date(2026, 11, 22)
    outcomes = Session(Paths.resolve(home), kind="test").store.latest_outcomes(night, night)
    assert {record.outcome for record in outcomes.values()} <= {"done"}  # none missed
    assert "Traceback" not in err
