"""Startup: coach on ten years of history, to the first full paint of Tonight, then exit.

Anchor: a minimal Textual app (Header, one Static, Footer) started the same way in the
same run. Each start is a fresh interpreter (imports count, as they do for a user); wall
time is from spawn to exit and peak memory is the child's max RSS. Targets: at most 1.15x
the time (issue 20; 1.3x before) and 1.5x the peak memory of the anchor. Exits 1 when over.

    python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.clock import SystemClock  # noqa: E402
from coach.records.files import encode_tables  # noqa: E402
from coach.records.store import open_store  # noqa: E402

STEPS = ("last-meal", "hydration", "screens-off", "stretch", "sleep-position")
YEARS = 10
TIME_TARGET = 1.15
MEMORY_TARGET = 1.5

COACH_CHILD = """
import sys
import screens.app
from screens.tonight import TonightScreen
from textual.widgets import OptionList

class Bench(screens.app.CoachApp):
    # The real `coach` path (coach.cli.main.main -> run_tui -> CoachApp), headless and told
    # to leave once Tonight has painted its timeline.
    def run(self, **kwargs):
        return super().run(headless=True, size=(80, 24))

    def on_ready(self) -> None:
        self.call_after_refresh(self.check_and_exit)

    def check_and_exit(self) -> None:
        screen = self.screen
        painted = isinstance(screen, TonightScreen) and (
            screen.query_one("#timeline", OptionList).option_count > 0
        )
        if not painted:
            self.call_after_refresh(self.check_and_exit)
            return
        self.exit()

screens.app.CoachApp = Bench
from coach.cli.main import main
sys.exit(main(["--data-dir", sys.argv[1]]))
"""

PEAK_AT_EXIT = """
import atexit, os

def _peak() -> None:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                os.write(1, f"PEAK_KB {line.split()[1]}\\n".encode())

atexit.register(_peak)
"""

ANCHOR_CHILD = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Minimal(App[None]):
    def compose(self):
        yield Header()
        yield Static("Hello")
        yield Footer()

    def on_ready(self) -> None:
        self.call_after_refresh(self.exit)

Minimal().run(headless=True, size=(80, 24))
"""


def synthesize(home: Path, today: date) -> int:
    """Ten years of nights: five step outcomes, a morning log and the odd cramp event each."""
    rng = random.Random(7)
    (home / "config.toml").write_text('timezone = "Europe/Berlin"\nbedtime = "22:30"\n')
    db = home / "db"
    db.mkdir(parents=True)
    months: dict[str, dict[str, dict[str, Any]]] = {}
    night = today - timedelta(days=365 * YEARS)
    records = 0
    while night < today:
        key = f"{night.year:04d}-{night.month:02d}"
        tables = months.setdefault(key, {"outcomes": {}, "cramps": {}, "events": {}})
        at = datetime.combine(night, datetime.min.time(), UTC) + timedelta(hours=21)
        for step in STEPS:
            outcome = rng.choice(("done", "done", "done", "skipped", "missed"))
            doc = {
                "night": night.isoformat(),
                "step": step,
                "outcome": outcome,
                "at": at.isoformat(),
                "origin": "tui@bench",
                "id": uuid.uuid4().hex,
                "reason": None,
                "late": False,
                "detail": {"holds_done": 12} if step == "stretch" else {},
            }
            tables["outcomes"][str(len(tables["outcomes"]) + 1)] = doc
            records += 1
        count = rng.choice((0, 0, 1, 2))
        tables["cramps"][str(len(tables["cramps"]) + 1)] = {
            "night": night.isoformat(),
            "count": count,
            "at": (at + timedelta(hours=11)).isoformat(),
            "origin": "cli@bench",
            "severity": rng.randint(2, 8) if count else None,
            "minutes": 2.0 if count else None,
            "leg": "left" if count else None,
            "disturbance": None,
            "notes": "",
            "muscle": None,
            "id": uuid.uuid4().hex,
        }
        records += 1
        if count:
            tables["events"][str(len(tables["events"]) + 1)] = {
                "night": night.isoformat(),
                "kind": "cramp-episode",
                "at": (at + timedelta(hours=5)).isoformat(),
                "origin": "tui@bench",
                "data": {"started": at.isoformat(), "minutes": 2.0, "severity": 5, "leg": "left"},
                "id": uuid.uuid4().hex,
            }
            records += 1
        night += timedelta(days=1)
    for key, tables in months.items():
        (db / f"{key}.json").write_bytes(encode_tables(dict(tables)))
    # The real store must read it all back, or the figures mean nothing.
    store = open_store(db, home / "db.lock", SystemClock(), "bench")
    assert store.check() == len(months)
    return records


def run_child(code: str, *args: str) -> tuple[float, int]:
    """Seconds from spawn to exit, and peak RSS in kB, of one fresh interpreter.

    The peak is the child's own VmHWM, printed at exit: the kernel's ru_maxrss would carry
    over the forked copy of this (bigger) parent process.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("COACH_HOME", None)
    began = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", PEAK_AT_EXIT + code, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = proc.communicate()
    elapsed = time.perf_counter() - began
    if proc.returncode != 0:
        raise SystemExit(f"child failed ({proc.returncode}): {err.decode()}")
    peak = [line for line in out.decode().splitlines() if line.startswith("PEAK_KB ")]
    return elapsed, int(peak[-1].split()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    # Byte-compiled first, as pip does on install: a user's `coach` starts from .pyc files,
    # and so do Textual's in the anchor. (With PYTHONDONTWRITEBYTECODE set, a source
    # checkout would otherwise compile coach from source on every start.)
    for package in ("coach", "screens", "routines"):
        compileall.compile_dir(ROOT / package, quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        home.mkdir()
        records = synthesize(home, datetime.now(UTC).date())
        print(f"history: {YEARS} years, {records} records in {len(list(home.glob('db/*')))} files")
        run_child(ANCHOR_CHILD)  # warm the file cache for both
        run_child(COACH_CHILD, str(home))
        coach_times, coach_rss, anchor_times, anchor_rss = [], [], [], []
        for _ in range(args.runs):  # interleaved, so drift in machine load hits all
            seconds, rss = run_child(ANCHOR_CHILD)
            anchor_times.append(seconds)
            anchor_rss.append(rss)
            seconds, rss = run_child(COACH_CHILD, str(home))
            coach_times.append(seconds)
            coach_rss.append(rss)
    result = {
        "anchor_seconds": statistics.median(anchor_times),
        "coach_seconds": statistics.median(coach_times),
        "anchor_peak_kb": statistics.median(anchor_rss),
        "coach_peak_kb": statistics.median(coach_rss),
    }
    time_ratio = result["coach_seconds"] / result["anchor_seconds"]
    mem_ratio = result["coach_peak_kb"] / result["anchor_peak_kb"]
    print(
        f"anchor (minimal Textual app): {result['anchor_seconds'] * 1000:7.0f} ms  "
        f"{result['anchor_peak_kb'] / 1024:6.1f} MiB peak"
    )
    print(
        f"coach (Tonight, {YEARS} y data): {result['coach_seconds'] * 1000:7.0f} ms  "
        f"{result['coach_peak_kb'] / 1024:6.1f} MiB peak"
    )
    verdict = {True: "ok", False: "OVER"}
    time_ok, mem_ok = time_ratio <= TIME_TARGET, mem_ratio <= MEMORY_TARGET
    print(f"time ratio   {time_ratio:.2f}x  (target <= {TIME_TARGET:.2f}x)  {verdict[time_ok]}")
    print(f"memory ratio {mem_ratio:.2f}x  (target <= {MEMORY_TARGET:.2f}x)  {verdict[mem_ok]}")
    print(json.dumps({**result, "time_ratio": time_ratio, "memory_ratio": mem_ratio}))
    return 0 if time_ok and mem_ok else 1


if __name__ == "__main__":
    sys.exit(main())
