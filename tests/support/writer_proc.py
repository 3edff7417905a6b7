"""A writer process for the reliability tests: records outcomes and acknowledges each one.

Usage: writer_proc.py DATA_DIR WRITER_ID COUNT. Prints "ready" once set up, waits for a line
on stdin when COUNT is negative (a start signal shared by several writers), then prints
"ack N" after each write has returned.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

from coach.session import Session
from coach.system.paths import Paths

STEPS = ("last-meal", "hydration", "screens-off", "stretch", "sleep-position")


def main() -> None:
    data_dir, writer, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    # The real write path: the context's store, with its daily-backup hook attached.
    store = Session(Paths.resolve(Path(data_dir)), kind=f"writer-{writer}").store
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
