"""From a step's due instant to the notification server holding it: `coach daemon` end to end.

Run: python bench/notify_latency.py [--runs 20]

Each run starts a fresh `coach daemon` under libfaketime, three seconds before its one
enabled step (screens-off) falls due, on a headless desktop (Xvfb, a private session bus,
dunst); the time dunst stamped on the notification (its monotonic clock) minus the due
instant (mapped onto the same clock) is the latency. The anchor, measured in the same run,
is `notify-send` itself: from starting it to dunst holding its notification, the floor of
any notifier that goes through the session bus. Target: median and worst under 1 s.

Needs Xvfb, dbus-daemon, dunst, notify-send and faketime (Debian packages).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.desktop import Desktop  # noqa: E402
from tests.support.reminder_support import faketime_env  # noqa: E402

TARGET_SECONDS = 1.0
DUE = datetime(2026, 11, 22, 21, 30, tzinfo=UTC)  # screens-off, bedtime 22:30 in UTC
LEAD_SECONDS = 3
CONFIG = 'timezone = "UTC"\nbedtime = "22:30"\n' + "".join(
    f"[steps.{step}]\nenabled = false\n"
    for step in ("last-meal", "hydration", "stretch", "sleep-position")
)


def history(desktop: Desktop) -> dict[int, tuple[str, float]]:
    """dunst's notifications by id: (summary, the monotonic second dunst received it)."""
    desktop.dunstctl("close-all")
    time.sleep(0.1)
    result = desktop.dunstctl("history")
    entries = json.loads(result.stdout)["data"][0]
    return {
        int(e["id"]["data"]): (str(e["summary"]["data"]), int(e["timestamp"]["data"]) / 1e6)
        for e in entries
    }


def wait_for_new(desktop: Desktop, seen: set[int], timeout: float = 15) -> tuple[str, float]:
    # Every earlier one was closed (history() closes them), so any on screen or waiting is
    # new; dunst keeps only the latest 20 in its history, so counting that would stall.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        count = sum(
            int(desktop.dunstctl("count", which).stdout.strip() or 0)
            for which in ("displayed", "waiting")
        )
        if count:
            new = {k: v for k, v in history(desktop).items() if k not in seen}
            if new:
                seen.update(new)
                return new[max(new)]
        time.sleep(0.05)
    raise SystemExit("no notification reached dunst in time")


def coach_run(desktop: Desktop, home: Path, seen: set[int]) -> float:
    home.mkdir()
    (home / "config.toml").write_text(CONFIG)
    # libfaketime's offset is whole seconds: choose it so the due instant is LEAD_SECONDS
    # (and a fraction) from now, and know exactly when that is on this process's clocks.
    offset = int(DUE.timestamp() - time.time() - LEAD_SECONDS)
    env = {**faketime_env("2026-01-01 00:00:00"), "FAKETIME": f"{offset:+d}"}
    due_wall = DUE.timestamp() - offset
    env.update(desktop.env, COACH_HOME=str(home), TZ="UTC")
    env["XDG_RUNTIME_DIR"] = str(home / "no-runtime")
    full_env = {**os.environ, **env}
    daemon = subprocess.Popen(
        [sys.executable, "-m", "coach", "daemon"],
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        summary, received = wait_for_new(desktop, seen)
    finally:
        daemon.terminate()
        daemon.wait(10)
    if not summary.startswith("Screens off"):
        raise SystemExit(f"unexpected notification {summary!r}")
    due_mono = due_wall - (time.time() - time.monotonic())
    return received - due_mono


def anchor_run(desktop: Desktop, seen: set[int]) -> float:
    started = time.monotonic()
    subprocess.run(
        ["notify-send", "anchor", "bare notify-send"],
        env={**os.environ, **desktop.env},
        check=True,
        timeout=10,
    )
    _, received = wait_for_new(desktop, seen)
    return received - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="how many of each (default 20)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        desktop = Desktop(root / "desktop")
        desktop.root.mkdir()
        try:
            desktop.start_bus()
            desktop.start_x()
            desktop.start_dunst()
            seen: set[int] = set()
            coach, anchor = [], []
            for run in range(args.runs):
                coach.append(coach_run(desktop, root / f"home-{run}", seen))
                anchor.append(anchor_run(desktop, seen))
        finally:
            desktop.stop()
    median, worst = statistics.median(coach), max(coach)
    anchor_median = statistics.median(anchor)
    print(f"runs:                          {args.runs}")
    print(
        f"coach, due instant to dunst:   median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms"
    )
    print(
        f"anchor, notify-send to dunst:  median {anchor_median * 1000:.0f} ms, "
        f"worst {max(anchor) * 1000:.0f} ms"
    )
    print(f"ratio of medians coach/anchor: {median / anchor_median:.2f}x")
    verdict = "meets" if worst < TARGET_SECONDS else "MISSES"
    print(f"target: median and worst under {TARGET_SECONDS:g} s: {verdict}")
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
