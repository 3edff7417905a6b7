"""SVG snapshots of the history screen with a month and a year of data, at 80x24 and 120x40."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from coach.clock import FakeClock
from coach.session import Session
from tests.support.apps import HistoryApp
from tests.support.diaries import write_diary


def app_with(ctx: Session, clock: FakeClock, nights: int) -> HistoryApp:
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
    snap_compare: Any, ctx: Session, clock: FakeClock, nights: int, size: tuple[int, int]
) -> None:
    assert snap_compare(app_with(ctx, clock, nights), terminal_size=size)
