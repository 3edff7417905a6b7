"""A first run: no reminder reaches the user before the welcome form is answered."""

from __future__ import annotations

from datetime import date, datetime

from textual.pilot import Pilot

from coach.clock import FakeClock
from coach.context import Context
from coach.notify import RecordingNotifier
from screens.app import CoachApp, desktop_reminders
from screens.settings import SettingsScreen
from tests.conftest import BERLIN

NIGHT = date(2026, 11, 22)


async def settle(pilot: Pilot[None], until: object, rounds: int = 200) -> None:
    for _ in range(rounds):
        if until():  # type: ignore[operator]
            return
        await pilot.pause(0.02)


async def test_the_welcome_form_is_not_covered_and_reminders_follow_its_answer(
    ctx: Context, clock: FakeClock
) -> None:
    # 21:35 in Berlin: with the default 22:30 bedtime, the screen cutoff (21:30) is due.
    clock.set(datetime(2026, 11, 22, 21, 35, tzinfo=BERLIN))
    desktop = RecordingNotifier()
    app = CoachApp(
        ctx.store,
        ctx.settings,
        ctx.clock,
        RecordingNotifier(),
        ctx.paths.config_file,
        exports_dir=ctx.paths.exports_dir,
        first_run=True,
        reminders=desktop_reminders(ctx, desktop),
    )
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, SettingsScreen)
        # Longer than the usual start delay: still nothing while the form is open.
        await pilot.pause(1.5)
        assert app.reminders is None
        assert desktop.sent == []
        assert not [n for n in app._notifications if "bedtime" in (n.title or "")]

        # The user moves bedtime to 23:30: the cutoff is at 22:30, not due yet.
        bedtime = app.screen.query_one("#bedtime")
        bedtime.value = "23:30"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.reminders is not None)
        assert app.reminders is not None
        assert not isinstance(app.screen, SettingsScreen)
        await pilot.pause(0.3)
        # What was due for the guessed bedtime is not sent for the chosen one.
        assert [title for title, _ in desktop.sent if "Screens off" in title] == []
