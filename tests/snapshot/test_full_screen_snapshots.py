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
from screens.big_text import BigCountdown
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


async def test_f_fills_a_100x30_terminal_with_the_countdown_and_back(
    app: CoachApp, clock: FakeClock
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        player = StretchScreen(NIGHT, speaker=RecordingSpeaker())
        app.push_screen(player)
        await pilot.pause()
        await pilot.press("space", "f")
        big = player.query_one("#big", BigCountdown)
        assert big.display and not player.query_one("#player").display
        assert big.region.height == 29  # all but the footer
        lines = big.lines(big.size.width, big.size.height)
        ink = [n for n, line in enumerate(lines) if "█" in line]
        # "10" in 15 rows (about 8 cm on a common 1080p screen), the exercise in 5-row letters.
        digit_rows = [n for n in ink if n >= 10 and n < 28]
        assert len(digit_rows) >= 15
        assert big.seconds == "10" and big.title == "Calf stretch"
        assert big.phase == "left leg hold"
        clock.advance(10)
        player.tick()
        assert (big.title, big.phase) == ("Rest", "next: left leg")
        await pilot.press("f")
        assert not big.display and player.query_one("#player").display


def test_a_long_exercise_name_wraps_in_big_letters_at_80_columns() -> None:
    big = BigCountdown()
    big.title, big.phase, big.seconds, big.status = (
        "Hamstring and calf stretch",
        "right leg get ready",
        "10",
        "Rep 2 of 3",
    )
    lines = big.lines(80, 23)
    assert len(lines) == 23 and all(len(line) <= 80 for line in lines)
    assert not any("Hamstring" in line for line in lines)  # drawn, not printed small
    assert lines[-1].strip() == "Rep 2 of 3"
    digits = [line for line in lines[9:-1] if "█" in line]
    assert len(digits) >= 10  # the seconds keep most of the height
