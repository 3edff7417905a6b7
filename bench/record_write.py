"""Recording one step outcome with ten years of history: coach's store vs plain TinyDB.

Both hold the same ten years (3,653 nights: five outcomes and one cramp log a night). The
anchor is a plain TinyDB insert (default JSONStorage, one document per outcome, one file),
measured in the same run. coach's write takes the lock, rewrites only the current month's
file through a temp file, fsyncs it, renames it and fsyncs the folder. A process's first
write needs the folder's highest write stamp: from a small cache of each month's, or, when
the cache is gone, by reading every month once; both are shown apart.

Run: python bench/record_write.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from coach.clock import SystemClock
from coach.records.backup import Backups
from coach.records.files import encode_tables
from coach.records.store import CrampLog, StepRecord, Store, _encode, new_id
from coach.system.files import atomic_write

STEPS = ("last-meal", "hydration", "screens-off", "stretch", "sleep-position")
YEARS = 10


def synthetic_history(today: date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    outcomes, cramps = [], []
    night = today - timedelta(days=365 * YEARS + 2)
    at = datetime(2016, 1, 1, tzinfo=UTC)
    while night < today:
        for i, step in enumerate(STEPS):
            outcome = ("done", "done", "skipped", "done", "missed")[(night.toordinal() + i) % 5]
            outcomes.append(
                _encode(
                    StepRecord(
                        night=night,
                        step=step,
                        outcome=outcome,
                        at=at,
                        origin="tui@bench",
                        id=new_id(),
                    )
                )
            )
        cramps.append(
            _encode(
                CrampLog(
                    night=night,
                    cramps=night.toordinal() % 3,
                    at=at,
                    origin="cli@bench",
                    id=new_id(),
                    severity=4,
                    minutes=2.0,
                    leg="left",
                )
            )
        )
        night += timedelta(days=1)
    return outcomes, cramps


def seed_coach(db_dir: Path, outcomes: list[dict[str, Any]], cramps: list[dict[str, Any]]) -> None:
    months: dict[str, dict[str, dict[str, Any]]] = defaultdict(
        lambda: {"outcomes": {}, "cramps": {}}
    )
    for table, docs in (("outcomes", outcomes), ("cramps", cramps)):
        for doc in docs:
            month = months[doc["night"][:7]][table]
            month[str(len(month) + 1)] = doc
    for month, tables in months.items():
        atomic_write(db_dir / f"{month}.json", encode_tables(dict(tables)))


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    today = date.today()
    outcomes, cramps = synthetic_history(today)
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
        root = Path(tmp)
        plain_path = root / "plain.json"
        plain = TinyDB(plain_path)
        plain.insert_multiple(outcomes)
        plain.table("cramps").insert_multiple(cramps)

        db_dir = root / "coach" / "db"
        seed_coach(db_dir, outcomes, cramps)
        store = Store(db_dir, root / "coach" / "db.lock", SystemClock(), "tui@bench")
        Backups(db_dir, root / "coach" / "backups", SystemClock()).attach(store)

        # The day's first write also checks and zips all files into the daily backup.
        start = time.perf_counter()
        store.record_step(today, "stretch", "done")
        first_ms = (time.perf_counter() - start) * 1000

        ours, theirs = [], []
        new_doc = _encode(
            StepRecord(
                night=today,
                step="stretch",
                outcome="done",
                at=datetime.now(UTC),
                origin="bench",
                id=new_id(),
            )
        )
        for round_no in range(15):
            for _ in range(4):
                start = time.perf_counter()
                store.record_step(today, "stretch", "done")
                ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            plain.insert(dict(new_doc, round=round_no))
            theirs.append(time.perf_counter() - start)
        # A command (`coach done`) is a fresh process: its first write needs the folder's
        # highest write stamp, from the stamps cache (each month's, by inode), and reads
        # every month only when the cache is gone (the daily backup already made).
        (db_dir / "stamps.cache").unlink(missing_ok=True)
        cold = Store(db_dir, root / "coach" / "db.lock", SystemClock(), "cli@bench")
        start = time.perf_counter()
        cold.record_step(today, "hydration", "done")
        uncached_ms = (time.perf_counter() - start) * 1000
        fresh = []
        for _ in range(5):
            cold = Store(db_dir, root / "coach" / "db.lock", SystemClock(), "cli@bench")
            start = time.perf_counter()
            cold.record_step(today, "stretch", "done")
            fresh.append(time.perf_counter() - start)
        plain.close()

        size_plain = plain_path.stat().st_size
        size_month = (db_dir / f"{today:%Y-%m}.json").stat().st_size
        files = len(list(db_dir.glob("*.json")))

    ratio = median_ms(ours) / median_ms(theirs)
    print(f"history: {len(outcomes):,} outcomes and {len(cramps):,} cramp logs ({YEARS} years)")
    print(
        f"plain TinyDB insert (anchor): median {median_ms(theirs):7.2f} ms  "
        f"(one {size_plain / 1e6:.1f} MB file rewritten each time)"
    )
    print(
        f"coach record_step:            median {median_ms(ours):7.2f} ms  "
        f"(locked, fsynced; rewrites a {size_month / 1e3:.1f} kB month of {files} files)"
    )
    print(f"coach first write of the day:  {first_ms:7.2f} ms  (includes the daily backup)")
    print(
        f"coach write of a fresh process: median {median_ms(fresh):7.2f} ms  "
        "(the folder's highest stamp from the stamps cache)"
    )
    print(
        f"coach write of a fresh process without the stamps cache: {uncached_ms:7.2f} ms  "
        "(reads every month once)"
    )
    print(f"ratio coach/plain: {ratio:.3f}x (target <= 0.25x)")
    return 0 if ratio <= 0.25 else 1


if __name__ == "__main__":
    sys.exit(main())
