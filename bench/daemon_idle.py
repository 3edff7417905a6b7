"""What `coach daemon` costs while it waits: CPU seconds over an idle minute, and peak memory.

Run: python bench/daemon_idle.py [--seconds 60]

The daemon runs with a fresh data folder whose steps are all hours away, so the window
holds only its periodic catch-up wake-ups. The anchor, measured in the same run and over
the same window, is a bare Python process idling in an asyncio loop: the floor any
Python daemon pays. Target: under 0.05 s of CPU per idle minute.

Linux only (reads /proc).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

TARGET_CPU_SECONDS = 0.05
TICKS = os.sysconf("SC_CLK_TCK")
ANCHOR = "import asyncio\nasyncio.run(asyncio.sleep(3600))\n"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_for(path: Path, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text():
            return
        time.sleep(0.05)
    raise SystemExit(f"the daemon did not say {text!r} within {timeout:g} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="idle window (default 60)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        # Bedtime six hours from now, in UTC: the first step (T-180) is three hours away.
        bedtime = (datetime.now(UTC) + timedelta(hours=6)).strftime("%H:%M")
        (home / "config.toml").write_text(f'timezone = "UTC"\nbedtime = "{bedtime}"\n')
        env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
        env["COACH_HOME"] = str(home)
        env["XDG_RUNTIME_DIR"] = str(home / "no-runtime")

        started = time.monotonic()
        daemon = subprocess.Popen(
            [sys.executable, "-m", "coach", "daemon"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        anchor = subprocess.Popen([sys.executable, "-c", ANCHOR])
        try:
            wait_for(home / "logs" / "daemon.log", "next reminder at")
            startup = time.monotonic() - started
            time.sleep(0.5)  # let the anchor finish importing too
            daemon_before, anchor_before = cpu_seconds(daemon.pid), cpu_seconds(anchor.pid)
            time.sleep(args.seconds)
            daemon_cpu = cpu_seconds(daemon.pid) - daemon_before
            anchor_cpu = cpu_seconds(anchor.pid) - anchor_before
            daemon_rss, anchor_rss = peak_rss_mib(daemon.pid), peak_rss_mib(anchor.pid)
        finally:
            daemon.send_signal(signal.SIGTERM)
            anchor.kill()
            status = daemon.wait(10)
            anchor.wait(10)

    per_minute = daemon_cpu * 60 / args.seconds
    tick = 1 / TICKS
    # /proc counts CPU in clock ticks: a zero reading means less than one tick.
    print(f"idle window:                {args.seconds:g} s (CPU clock resolution {tick:g} s)")
    print(f"daemon start-up (to ready): {startup:.2f} s")
    print(f"daemon CPU while idle:      {daemon_cpu:.3f} s ({per_minute:.3f} s per minute)")
    print(f"anchor CPU while idle:      {anchor_cpu:.3f} s (bare Python asyncio loop)")
    print(f"daemon peak memory:         {daemon_rss:.1f} MiB")
    print(f"anchor peak memory:         {anchor_rss:.1f} MiB")
    print(f"memory ratio daemon/anchor: {daemon_rss / anchor_rss:.2f}")
    extra = daemon_cpu - anchor_cpu
    print(f"CPU above the anchor:       {extra:+.3f} s")
    verdict = "meets" if per_minute < TARGET_CPU_SECONDS else "MISSES"
    print(f"target < {TARGET_CPU_SECONDS} s CPU per idle minute: {verdict}")
    print(f"daemon exit status on SIGTERM: {status}")
    return 0 if per_minute < TARGET_CPU_SECONDS and status == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
