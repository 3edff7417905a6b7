"""What `coach daemon` costs while it waits: wake-ups, CPU and peak memory while idle.

Run: python bench/daemon_idle.py [--seconds 600]

The daemon runs with a fresh data folder whose steps are all hours away, so the window
holds nothing due. A wake-up is a context switch of the process (voluntary and not, summed
over its threads, from /proc): each time it left the CPU after running. The anchor,
measured in the same run and over the same window, is a bare Python process idling in an
asyncio loop: the floor any Python daemon pays. Targets: at most 1 wake-up per 10 idle
minutes, under 0.05 s of CPU per idle minute.

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
TARGET_WAKEUPS = 1.0
"""Per 10 idle minutes."""
TICKS = os.sysconf("SC_CLK_TCK")
ANCHOR = "import asyncio\nasyncio.run(asyncio.sleep(3600))\n"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def context_switches(pid: int) -> int:
    """Voluntary and involuntary context switches of every thread of a process so far."""
    total = 0
    for status in Path(f"/proc/{pid}/task").glob("*/status"):
        try:
            text = status.read_text()
        except OSError:  # the thread ended meanwhile
            continue
        for line in text.splitlines():
            if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                total += int(line.split()[1])
    return total


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
    parser.add_argument("--seconds", type=float, default=600.0, help="idle window (default 600)")
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
            time.sleep(2)  # let the first run's worker threads and the anchor settle
            daemon_before, anchor_before = cpu_seconds(daemon.pid), cpu_seconds(anchor.pid)
            switches_before = context_switches(daemon.pid)
            anchor_switches_before = context_switches(anchor.pid)
            time.sleep(args.seconds)
            daemon_cpu = cpu_seconds(daemon.pid) - daemon_before
            anchor_cpu = cpu_seconds(anchor.pid) - anchor_before
            wakeups = context_switches(daemon.pid) - switches_before
            anchor_wakeups = context_switches(anchor.pid) - anchor_switches_before
            log = (home / "logs" / "daemon.log").read_text()
            daemon_rss, anchor_rss = peak_rss_mib(daemon.pid), peak_rss_mib(anchor.pid)
        finally:
            daemon.send_signal(signal.SIGTERM)
            anchor.kill()
            status = daemon.wait(10)
            anchor.wait(10)

    per_minute = daemon_cpu * 60 / args.seconds
    per_10_minutes = wakeups * 600 / args.seconds
    tick = 1 / TICKS
    listening = [line.split(" INFO ", 1)[1] for line in log.splitlines() if "listening for" in line]
    # /proc counts CPU in clock ticks: a zero reading means less than one tick.
    print(f"idle window:                {args.seconds:g} s (CPU clock resolution {tick:g} s)")
    print(f"daemon start-up (to ready): {startup:.2f} s")
    print(f"daemon wakes on:            {'; '.join(listening) or 'nothing but its timers'}")
    print(f"daemon wake-ups while idle: {wakeups} ({per_10_minutes:.2f} per 10 minutes)")
    print(f"anchor wake-ups while idle: {anchor_wakeups} (bare Python asyncio loop)")
    print(f"daemon CPU while idle:      {daemon_cpu:.3f} s ({per_minute:.3f} s per minute)")
    print(f"anchor CPU while idle:      {anchor_cpu:.3f} s (bare Python asyncio loop)")
    print(f"daemon peak memory:         {daemon_rss:.1f} MiB")
    print(f"anchor peak memory:         {anchor_rss:.1f} MiB")
    print(f"memory ratio daemon/anchor: {daemon_rss / anchor_rss:.2f}")
    extra = daemon_cpu - anchor_cpu
    print(f"CPU above the anchor:       {extra:+.3f} s")
    verdict = "meets" if per_minute < TARGET_CPU_SECONDS else "MISSES"
    print(f"target < {TARGET_CPU_SECONDS} s CPU per idle minute: {verdict}")
    woke = "meets" if per_10_minutes <= TARGET_WAKEUPS else "MISSES"
    print(f"target <= {TARGET_WAKEUPS:g} wake-up per idle 10 minutes: {woke}")
    print(f"daemon exit status on SIGTERM: {status}")
    ok = per_minute < TARGET_CPU_SECONDS and per_10_minutes <= TARGET_WAKEUPS
    return 0 if ok and status == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
