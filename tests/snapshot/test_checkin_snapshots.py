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
