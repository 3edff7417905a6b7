"""A button pressed on a desktop reminder reaches the app as its own key would: Done records
the step (one record, late once its time has passed), Open opens the step."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from coach.clock import FakeClock
from coach.reminders.host import ReminderAction
from coach.session import Session
from screens.messages import ReminderButton
from screens.stretch_player import StretchScreen
from screens.tonight import TonightScreen
from screens.wind_down import WindDownScreen
from tests.support import BERLIN
from tests.support.apps import MakeApp, settle

NIGHT = date(2026, 11, 22)


async def test_done_on_a_reminder_is_recorded_as_the_d_key_records_it(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)
    clock.set(datetime(2026, 11, 22, 21, 35, tzinfo=BERLIN))
    app = make_app(first_run=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(ReminderButton(ReminderAction(NIGHT, "screens-off", "done")))
        app.post_message(ReminderButton(ReminderAction(NIGHT, "hydration", "done")))
        await settle(pilot, lambda: len(ctx.store.latest_outcomes(NIGHT, NIGHT)) == 2)
        await pilot.pause()
        assert isinstance(app.screen, TonightScreen)
        assert "done" in str(app.screen.rows[2].state)
    outcomes = ctx.store.latest_outcomes(NIGHT, NIGHT)
    # Screens off is still in its own time; hydration's has passed: late, as `d` records it.
    assert (outcomes[(NIGHT, "screens-off")].outcome, outcomes[(NIGHT, "screens-off")].late) == (
        "done",
        False,
    )
    assert (outcomes[(NIGHT, "hydration")].outcome, outcomes[(NIGHT, "hydration")].late) == (
        "done",
        True,
    )
    assert len(ctx.store.step_records(NIGHT, NIGHT)) == 2  # one write each


async def test_open_on_the_stretch_reminder_starts_the_player(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)
    clock.set(datetime(2026, 11, 22, 22, 21, tzinfo=BERLIN))
    app = make_app(first_run=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")  # whatever is open gives way, but a dialog
        assert isinstance(app.screen, StretchScreen)  # the stretches are due: the player
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WindDownScreen)
        app.post_message(ReminderButton(ReminderAction(NIGHT, "stretch", "open")))
        await settle(pilot, lambda: isinstance(app.screen, StretchScreen))
        assert isinstance(app.screen, StretchScreen)
        assert isinstance(app.screen_stack[-2], TonightScreen)


async def test_coach_open_stretch_starts_on_the_stretches(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    """`coach open stretch` (a reminder's Open button, the app not yet running): the app
    starts on the stretch player over Tonight, not on an error about Tonight's lines."""
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)
    clock.set(datetime(2026, 11, 22, 22, 21, tzinfo=BERLIN))
    app = make_app(first_run=False, open_step="stretch")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, StretchScreen))
        assert isinstance(app.screen, StretchScreen)
        assert isinstance(app.screen_stack[-2], TonightScreen)


async def test_coach_open_evening_starts_on_the_guided_evening(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)
    clock.set(datetime(2026, 11, 22, 21, 35, tzinfo=BERLIN))
    app = make_app(first_run=False, open_step="evening")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WindDownScreen)
