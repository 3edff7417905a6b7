"""SVG snapshots of the history screen with a month and a year of data, at 80x24 and 120x40."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tinydb import TinyDB

from coach.clock import FakeClock
from coach.context import Context
from coach.tinydb_storage import DurableStorage
from screens.history import HistoryScreen
from tests.app_support import CtxApp

STEPS = ("last-meal", "hydration", "screens-off", "stretch", "sleep-position")


def write_diary(db_dir: Path, first: date, last: date, seed: int = 11) -> None:
    """A plausible, repeatable diary written straight into the month files (one write per
    month, through the store's own storage class), for tests that need many nights."""
    rng = random.Random(seed)
    months: dict[str, dict[str, list[dict[str, Any]]]] = {}
    night = first
    n = 0
    while night <= last:
        tables = months.setdefault(f"{night:%Y-%m}", {"outcomes": [], "cramps": [], "events": []})
        at = datetime.combine(night, datetime.min.time(), UTC) + timedelta(hours=21)
        common = {"night": night.isoformat(), "at": at.isoformat(), "origin": "test@host"}
        keen = rng.random() < 0.8  # most nights the whole routine, some nights less
        for step in STEPS:
            if keen or rng.random() < 0.5:
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
            count = rng.choice((0, 0, 0, 0, 1, 1, 2)) if keen else rng.choice((0, 1, 1, 2, 3))
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


class HistoryApp(CtxApp):
    """The app opened straight on the history screen, as `h` would push it."""

    def _offer_checkin(self) -> None:
        self.push_screen(HistoryScreen(exports_dir=self.exports_dir))


def app_with(ctx: Context, clock: FakeClock, nights: int) -> HistoryApp:
    # Mid-morning, so last night is over and tonight has not started.
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    ctx.paths.db_dir.mkdir(parents=True)
    write_diary(
        ctx.paths.db_dir, date(2026, 11, 22) - timedelta(days=nights - 1), date(2026, 11, 22)
    )
    return HistoryApp(ctx)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("nights", [30, 365], ids=["month", "year"])
def test_history_snapshot(
    snap_compare: Any, ctx: Context, clock: FakeClock, nights: int, size: tuple[int, int]
) -> None:
    assert snap_compare(app_with(ctx, clock, nights), terminal_size=size)
