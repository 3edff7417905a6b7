"""SVG snapshot of the morning check-in, as the app offers it on start."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from coach.clock import FakeClock
from coach.session import Session
from tests.support import BERLIN
from tests.support.apps import MorningApp

MONDAY_MORNING = datetime(2026, 11, 23, 7, 30, tzinfo=BERLIN)


def test_checkin_snapshot(snap_compare: Any, ctx: Session, clock: FakeClock) -> None:
    clock.set(MONDAY_MORNING)
    assert snap_compare(MorningApp(ctx), terminal_size=(80, 24))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_the_urgent_signs_checklist_ends_the_check_in(
    snap_compare: Any, ctx: Session, clock: FakeClock, size: tuple[int, int]
) -> None:
    """After `n` (no cramps): the checklist, with one sign ticked."""
    clock.set(MONDAY_MORNING)
    assert snap_compare(MorningApp(ctx), terminal_size=size, press=["n", "2"])


def test_the_gap_check_in_at_80x24(snap_compare: Any, ctx: Session, clock: FakeClock) -> None:
    """Three nights of the past week not logged, the first answered (2 cramps)."""
    from datetime import date

    from tests.support.apps import CtxApp

    clock.jump(datetime(2026, 11, 21, 13, 0, tzinfo=BERLIN))
    ctx.record_step(date(2026, 11, 18), "stretch", "done")
    ctx.log_cramps(date(2026, 11, 20), 1)
    clock.set(MONDAY_MORNING)
    assert snap_compare(CtxApp(ctx), terminal_size=(80, 24), press=["2"])
