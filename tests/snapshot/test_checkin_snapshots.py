"""SVG snapshot of the morning check-in, as the app offers it on start."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from coach.clock import FakeClock
from coach.session import Session
from tests.support import BERLIN
from tests.support.apps import MorningApp

MONDAY_MORNING = datetime(2026, 11, 23, 7, 30, tzinfo=BERLIN)


def test_checkin_snapshot(snap_compare: Any, ctx: Session, clock: FakeClock) -> None:
    clock.set(MONDAY_MORNING)
    assert snap_compare(MorningApp(ctx), terminal_size=(80, 24))
