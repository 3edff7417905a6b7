"""A writer process for the reliability tests: records outcomes and acknowledges each one.

Usage: writer_proc.py DATA_DIR WRITER_ID COUNT. Prints "ready" once set up, waits for a line
on stdin when COUNT is negative (a start signal shared by several writers), then prints
"ack N" after each write has returned.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

from coach.clock import SystemClock
from coach.paths import Paths
from coach.records import Store

STEPS = ("last-meal", "hydration", "screens-off", "stretch", "sleep-position")


def main() -> None:
    data_dir, writer, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    paths = Paths.resolve(Path(data_dir))
    store = Store(paths.db_dir, paths.lock_file, SystemClock(), f"writer-{writer}")
    print("ready", flush=True)
    if count < 0:
        sys.stdin.readline()
        count = -count
    first = date(2026, 10, 20)
    for n in range(count if count else 10**9):
        # Nights cross a month end, so writers meet in two files.
        night = first + timedelta(days=n % 25)
        store.record_step(night, STEPS[n % 5], "done", detail={"writer": writer, "n": n})
        print(f"ack {n}", flush=True)


if __name__ == "__main__":
    main()
