"""SVG snapshots of the main screens at 80x24 and 120x40, on a fixed clock.

Update after a deliberate change with `pytest tests/snapshot/test_snapshots.py --snapshot-update`,
then look at the new SVGs (rsvg-convert turns them into PNG).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from textual.pilot import Pilot

from coach.clock import FakeClock
from coach.session import Session
from screens.app import CoachApp
from screens.stretch_player import StretchScreen
from tests.support import BERLIN
from tests.support.apps import MakeApp

NIGHT = date(2026, 11, 22)
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def evening(ctx: Session, clock: FakeClock, make_app: MakeApp) -> CoachApp:
    """21:25 on a night with two steps recorded and last night's cramps logged."""
    ctx.store.record_cramps(date(2026, 11, 21), 2, severity=6, minutes=3, leg="left")
    clock.set(datetime(2026, 11, 22, 19, 40, tzinfo=BERLIN))
    ctx.store.record_step(NIGHT, "last-meal", "done")
    ctx.store.record_step(NIGHT, "hydration", "skipped", reason="not thirsty")
    clock.set(datetime(2026, 11, 22, 21, 25, tzinfo=BERLIN))
    return make_app()


@pytest.mark.parametrize("size", SIZES)
def test_tonight(snap_compare: Any, evening: CoachApp, size: tuple[int, int]) -> None:
    assert snap_compare(evening, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_step_card(snap_compare: Any, evening: CoachApp, size: tuple[int, int]) -> None:
    # Screens off at 21:30: the card shows five minutes to the cutoff.
    assert snap_compare(evening, terminal_size=size, press=["enter"])


@pytest.mark.parametrize("size", SIZES)
def test_player_mid_hold(
    snap_compare: Any, evening: CoachApp, clock: FakeClock, size: tuple[int, int]
) -> None:
    async def mid_hold(pilot: Pilot[Any]) -> None:
        pilot.app.push_screen(StretchScreen(NIGHT))
        await pilot.pause()
        await pilot.press("space")
        clock.advance(10 + 10 + 3.5)  # rep 2 of the calf stretch, 6.5 s left
        screen = pilot.app.screen
        assert isinstance(screen, StretchScreen)
        screen.tick()
        await pilot.pause()

    assert snap_compare(evening, terminal_size=size, run_before=mid_hold)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: Any, evening: CoachApp, size: tuple[int, int]) -> None:
    assert snap_compare(evening, terminal_size=size, press=["question_mark"])


@pytest.mark.parametrize("size", SIZES)
def test_cramping_now(snap_compare: Any, evening: CoachApp, size: tuple[int, int]) -> None:
    assert snap_compare(evening, terminal_size=size, press=["c"])
