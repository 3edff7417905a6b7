"""The red-flag check that follows every save, with ten years of history.

Anchor: the save itself (coach's locked, fsynced `record_cramps` on the same store), in
the same run. The check reads the 14 nights before and after the saved one, runs the
rules (notes, frequency) and reads the raised flags nearby; it must not cost more than the
save it follows (target: at most 1.0x), and must not grow with the years of history.

Run: python bench/flag_check.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from record_write import median_ms, seed_coach, synthetic_history

from coach.clock import SystemClock
from coach.records.store import Store
from coach.safety.rules import check_after_save
from coach.settings.model import load_settings

NOTE = "calf sore after the cramp, no swelling; started walking more, no new medicines"


def main() -> int:
    today = date.today()
    outcomes, cramps = synthetic_history(today)
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
        root = Path(tmp)
        db_dir = root / "db"
        seed_coach(db_dir, outcomes, cramps)
        # This machine's origin, as a real save writes: a flag raised under another host's
        # name reads as merged from another copy, whose index entry each check re-reads.
        store = Store(db_dir, root / "db.lock", SystemClock(), f"cli@{os.uname().nodename}")
        settings = load_settings(root / "config.toml", default_timezone=lambda: "UTC")
        clock = SystemClock()
        store.record_cramps(today, 1, notes=NOTE)  # warm the month's cache
        check_after_save(store, settings, clock.now(), today)
        saves, checks = [], []
        for _ in range(30):
            start = time.perf_counter()
            store.record_cramps(today, 1, notes=NOTE)
            saves.append(time.perf_counter() - start)
            start = time.perf_counter()
            check_after_save(store, settings, clock.now(), today)
            checks.append(time.perf_counter() - start)
    ratio = median_ms(checks) / median_ms(saves)
    print(f"history: {len(outcomes):,} outcomes and {len(cramps):,} cramp logs")
    print(f"save (anchor), record_cramps:  median {median_ms(saves):7.2f} ms")
    print(f"red-flag check after it:       median {median_ms(checks):7.2f} ms")
    print(f"  spread of the check: {statistics.pstdev(checks) * 1000:.2f} ms")
    print(f"ratio check/save: {ratio:.2f}x (target <= 1.0x)")
    return 0 if ratio <= 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
