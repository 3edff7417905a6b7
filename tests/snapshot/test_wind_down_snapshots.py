"""SVG snapshots of the guided evening at 80x24 and 120x40, on a fixed clock.

Update after a deliberate change with
`pytest tests/snapshot/test_wind_down_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from coach.clock import FakeClock
from coach.session import Session
from screens.app import CoachApp
from tests.support import BERLIN
from tests.support.apps import MakeApp
from tests.support.fakes import RecordingSpeaker

NIGHT = date(2026, 11, 22)
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def screens_off(ctx: Session, clock: FakeClock, make_app: MakeApp) -> CoachApp:
    """21:31, screens off just due; the meal done and the water skipped earlier."""
    ctx.store.record_cramps(date(2026, 11, 21), 0)
    clock.set(datetime(2026, 11, 22, 19, 40, tzinfo=BERLIN))
    ctx.store.record_step(NIGHT, "last-meal", "done")
    ctx.store.record_step(NIGHT, "hydration", "skipped", reason="not thirsty")
    clock.set(datetime(2026, 11, 22, 21, 31, tzinfo=BERLIN))
    return make_app(first_run=False, speaker=lambda app: RecordingSpeaker())


@pytest.mark.parametrize("size", SIZES)
def test_the_evening_at_screens_off(
    snap_compare: Any, screens_off: CoachApp, size: tuple[int, int]
) -> None:
    assert snap_compare(screens_off, terminal_size=size, press=["w"])


@pytest.mark.parametrize("size", SIZES)
def test_the_evening_ends_with_good_night(
    snap_compare: Any, screens_off: CoachApp, clock: FakeClock, size: tuple[int, int]
) -> None:
    clock.set(datetime(2026, 11, 22, 23, 5, tzinfo=BERLIN))
    assert snap_compare(screens_off, terminal_size=size, press=["w"])
