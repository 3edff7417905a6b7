"""SVG snapshots of the stretch player's full-screen countdown (`f`) at 80x24 and 120x40.

Update after a deliberate change with
`pytest tests/snapshot/test_full_screen_snapshots.py --snapshot-update`, then look at the PNGs.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from textual.pilot import Pilot

from coach.clock import FakeClock
from screens.app import CoachApp
from screens.stretch_player import StretchScreen
from tests.support import BERLIN
from tests.support.apps import MakeApp
from tests.support.fakes import RecordingSpeaker

NIGHT = date(2026, 11, 22)
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def app(clock: FakeClock, make_app: MakeApp) -> CoachApp:
    clock.set(datetime(2026, 11, 22, 22, 20, tzinfo=BERLIN))
    return make_app()


@pytest.mark.parametrize("size", SIZES)
def test_full_screen_mid_hold(
    snap_compare: Any, app: CoachApp, clock: FakeClock, size: tuple[int, int]
) -> None:
    async def mid_hold(pilot: Pilot[Any]) -> None:
        pilot.app.push_screen(StretchScreen(NIGHT, speaker=RecordingSpeaker()))
        await pilot.pause()
        await pilot.press("space", "f")
        clock.advance(10 + 10 + 3.5)  # rep 2 of the calf stretch, 6.5 s left
        screen = pilot.app.screen
        assert isinstance(screen, StretchScreen)
        screen.tick()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=mid_hold)
