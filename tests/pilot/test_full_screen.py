"""The stretch player's full-screen countdown (`f`): it fills the terminal and gives it back."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from coach.clock import FakeClock
from screens.app import CoachApp
from screens.big_text import BigCountdown
from screens.stretch_player import StretchScreen
from tests.support import BERLIN
from tests.support.apps import MakeApp
from tests.support.fakes import RecordingSpeaker

NIGHT = date(2026, 11, 22)


@pytest.fixture
def app(clock: FakeClock, make_app: MakeApp) -> CoachApp:
    clock.set(datetime(2026, 11, 22, 22, 20, tzinfo=BERLIN))
    return make_app()


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
