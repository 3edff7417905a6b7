"""The morning check-in: offered once a day when last night has no log; records what was
entered, exactly."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from textual.app import App
from textual.widgets import Input, RadioSet, Static

from coach.clock import FakeClock
from coach.context import Context
from coach.records import CrampLog
from screens.checkin import CheckinScreen, checkin_due, mark_asked

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_MORNING = datetime(2026, 11, 23, 7, 30, tzinfo=BERLIN)
SUNDAY = date(2026, 11, 22)


class MorningApp(App[None]):
    """Does what the main app does on start: offer the check-in if it is due."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.results: list[CrampLog | None] = []

    def on_mount(self) -> None:
        ctx = self.ctx
        night = checkin_due(ctx.store, ctx.settings, ctx.clock.now())
        if night is not None:
            mark_asked(ctx.store, ctx.settings, ctx.clock.now())
            self.push_screen(
                CheckinScreen(ctx.store, ctx.settings, ctx.clock, night), self.results.append
            )


async def test_offered_once_a_day_and_again_the_next_morning(
    ctx: Context, clock: FakeClock
) -> None:
    clock.set(MONDAY_MORNING)
    app = MorningApp(ctx)
    async with app.run_test() as pilot:
        assert isinstance(app.screen, CheckinScreen)
        assert "night of Sun 22 Nov" in str(app.screen.query_one("#title", Static).content)
        await pilot.press("escape")
        assert not isinstance(app.screen, CheckinScreen)
    assert app.results == [None]
    assert ctx.store.cramp_logs(SUNDAY, SUNDAY) == {}
    # A second start the same day: not again, even though nothing was logged.
    clock.advance(3 * 3600)
    again = MorningApp(ctx)
    async with again.run_test():
        assert not isinstance(again.screen, CheckinScreen)
    # The next morning asks about the night just slept.
    clock.advance(21 * 3600)
    tuesday = MorningApp(ctx)
    async with tuesday.run_test() as pilot:
        assert isinstance(tuesday.screen, CheckinScreen)
        assert tuesday.screen.night == date(2026, 11, 23)
        await pilot.press("n")
    assert (
        ctx.store.cramp_logs(date(2026, 11, 23), date(2026, 11, 23))[date(2026, 11, 23)].count == 0
    )


async def test_not_offered_when_the_night_is_already_logged(ctx: Context, clock: FakeClock) -> None:
    clock.set(MONDAY_MORNING)
    ctx.store.record_cramps(SUNDAY, 1)  # logged from the shell with `coach cramp`
    app = MorningApp(ctx)
    async with app.run_test():
        assert not isinstance(app.screen, CheckinScreen)


async def test_no_cramps_is_one_key(ctx: Context, clock: FakeClock) -> None:
    clock.set(MONDAY_MORNING)
    app = MorningApp(ctx)
    async with app.run_test() as pilot:
        await pilot.press("n")
    log = ctx.store.cramp_logs(SUNDAY, SUNDAY)[SUNDAY]
    assert (log.count, log.severity, log.minutes) == (0, None, None)
    assert app.results == [log]


async def test_records_what_was_entered(ctx: Context, clock: FakeClock) -> None:
    clock.set(MONDAY_MORNING)
    app = MorningApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await pilot.press("2", "tab", "7")  # two cramps, worst pain 7
        screen.query_one("#longest", RadioSet).focus()
        await pilot.press("right", "right", "right", "enter")  # "over 10"
        screen.query_one("#leg", RadioSet).focus()
        await pilot.press("right", "enter")  # right leg
        screen.query_one("#muscle", RadioSet).focus()
        await pilot.press("enter")  # calf
        screen.query_one("#disturbance", Input).focus()
        await pilot.press("6")
        screen.query_one("#note", Input).focus()
        await pilot.press(*"new pills")
        await pilot.press("ctrl+s")
        assert not isinstance(app.screen, CheckinScreen)
    log = ctx.store.cramp_logs(SUNDAY, SUNDAY)[SUNDAY]
    assert (log.count, log.severity, log.minutes, log.leg, log.muscle) == (
        2,
        7,
        11.0,
        "right",
        "calf",
    )
    assert (log.disturbance, log.notes) == (6, "new pills")
    assert app.results == [log]


async def test_bad_input_gets_one_line_and_records_nothing(ctx: Context, clock: FakeClock) -> None:
    clock.set(MONDAY_MORNING)
    app = MorningApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+s")  # nothing entered
        error = app.screen.query_one("#error", Static)
        assert str(error.content) == "say how many cramps, or press n for a night without"
        await pilot.press("1", "tab", "1", "1", "ctrl+s")  # worst pain 11
        assert str(error.content) == "Worst pain must be from 0 to 10"
        assert isinstance(app.screen, CheckinScreen)
    assert ctx.store.cramp_logs(SUNDAY, SUNDAY) == {}


def test_checkin_snapshot(snap_compare: Any, ctx: Context, clock: FakeClock) -> None:
    clock.set(MONDAY_MORNING)
    assert snap_compare(MorningApp(ctx), terminal_size=(80, 24))
