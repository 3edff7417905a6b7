"""Snapshots of the routine adapted to a pregnant user's profile, and of the red-flag
dialog, at 80x24 and 120x40 on a fixed clock."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from coach.clock import FakeClock
from coach.safety.rules import check_after_save
from coach.session import Session
from screens.app import CoachApp
from tests.support import BERLIN
from tests.support.apps import MakeApp

NIGHT = date(2026, 11, 22)
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def pregnant(ctx: Session, clock: FakeClock, coach_home: Path, make_app: MakeApp) -> CoachApp:
    """21:25, with a profile that says pregnant and a fluid limit."""
    with (coach_home / "config.toml").open("a") as config:
        config.write("[profile]\npregnant = true\nfluid_limit = true\n")
    ctx.store.record_cramps(date(2026, 11, 21), 0)  # last night logged: no check-in
    clock.set(datetime(2026, 11, 22, 21, 25, tzinfo=BERLIN))
    ctx.store.record_step(NIGHT, "last-meal", "done")
    return make_app()


@pytest.mark.parametrize("size", SIZES)
def test_pregnancy_tonight(snap_compare: Any, pregnant: CoachApp, size: tuple[int, int]) -> None:
    assert snap_compare(pregnant, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_pregnancy_sleep_position_card(
    snap_compare: Any, pregnant: CoachApp, size: tuple[int, int]
) -> None:
    async def open_sleep_position(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        timeline = pilot.app.screen.query_one("#timeline", OptionList)
        timeline.highlighted = timeline.get_option_index("sleep-position")
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(pregnant, terminal_size=size, run_before=open_sleep_position)


@pytest.mark.parametrize("size", SIZES)
def test_red_flag_dialog(
    snap_compare: Any, ctx: Session, clock: FakeClock, size: tuple[int, int], make_app: MakeApp
) -> None:
    ctx.store.record_cramps(
        date(2026, 11, 21), 1, minutes=12, notes="left calf swollen, red and hot"
    )
    check_after_save(ctx.store, ctx.settings, clock.now(), date(2026, 11, 21))
    app = make_app()

    async def recalled(pilot: Pilot[Any]) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=recalled)
