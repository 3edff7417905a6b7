"""Diaries for tests: written straight to disk for many nights, or through the store."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from coach.records.tinydb_storage import DurableStorage
from coach.session import Session

STEPS = ("last-meal", "hydration", "screens-off", "stretch", "sleep-position")


def write_diary(
    db_dir: Path, first: date, last: date, seed: int = 11, *, keen: float = 0.8
) -> None:
    """A plausible, repeatable diary written straight into the month files (one write per
    month, through the store's own storage class), for tests that need many nights. On a
    share `keen` of the nights every step is done."""
    rng = random.Random(seed)
    months: dict[str, dict[str, list[dict[str, Any]]]] = {}
    night = first
    n = 0
    while night <= last:
        tables = months.setdefault(f"{night:%Y-%m}", {"outcomes": [], "cramps": [], "events": []})
        at = datetime.combine(night, datetime.min.time(), UTC) + timedelta(hours=21)
        common = {"night": night.isoformat(), "at": at.isoformat(), "origin": "test@host"}
        whole = rng.random() < keen  # most nights the whole routine, some nights less
        for step in STEPS:
            if whole or rng.random() < 0.5:
                n += 1
                tables["outcomes"].append(
                    common
                    | {"id": f"o{n}", "step": step, "outcome": "done", "reason": None}
                    | {"late": False, "detail": {}}
                )
        if rng.random() < 0.03:
            n += 1
            tables["events"].append(common | {"id": f"e{n}", "kind": "pause", "data": {}})
        if rng.random() < 0.9:
            count = rng.choice((0, 0, 0, 0, 1, 1, 2)) if whole else rng.choice((0, 1, 1, 2, 3))
            n += 1
            tables["cramps"].append(
                common
                | {"id": f"c{n}", "count": count, "notes": "", "muscle": None}
                | {
                    "severity": rng.randint(2, 7) if count else None,
                    "minutes": rng.choice((0.5, 3.0, 7.5)) if count else None,
                    "leg": rng.choice(("left", "right")) if count else None,
                    "disturbance": rng.randint(0, 5),
                }
            )
        night += timedelta(days=1)
    for month, tables in months.items():
        db = TinyDB(db_dir / f"{month}.json", storage=DurableStorage)
        for name, docs in tables.items():
            db.table(name).insert_multiple(docs)
        db.close()


def four_weeks_of_cramps(ctx: Session) -> None:
    """Mon 26 Oct to Sun 22 Nov: four weeks. Week 1: 2 cramps a night on 3 logged nights
    (pain 6); week 2: nothing logged; week 3: 1 cramp on each of 7 nights (pain 4);
    week 4: none on 5 logged nights."""
    monday = date(2026, 10, 26)
    for day in range(3):
        ctx.store.record_cramps(monday + timedelta(days=day), 2, severity=6)
    for day in range(14, 21):
        ctx.store.record_cramps(monday + timedelta(days=day), 1, severity=4)
    for day in range(21, 26):
        ctx.store.record_cramps(monday + timedelta(days=day), 0)
