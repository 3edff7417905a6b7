"""Correcting the diary in the app: `u` undoes from Tonight and History with a toast that
names what went, the night editor deletes, the stretch player counts truly, and quitting
mid-session records what was done. Each reads the store afterwards."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, OptionList, Static

from coach.clock import FakeClock
from coach.session import Session
from screens.app import CoachApp
from screens.cramp import CrampScreen, parse_length
from screens.history import CorrectNight, Heatmap, HistoryScreen
from screens.stretch_player import StopStretchScreen, StretchScreen
from screens.tonight import TonightScreen
from tests.support import BERLIN
from tests.support.apps import HistoryApp, MakeApp

NIGHT = date(2026, 11, 22)


async def started_player(clock: FakeClock, app: CoachApp, pilot: Pilot[None]) -> StretchScreen:
    """The stretch player at 22:15, its first hold started."""
    clock.set(datetime(2026, 11, 22, 22, 15, tzinfo=BERLIN))
    app.push_screen(StretchScreen(NIGHT))
    await pilot.pause()
    player = app.screen
    assert isinstance(player, StretchScreen)
    await pilot.press("space")
    return player


def toasts(app: CoachApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def text(app: CoachApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_u_on_tonight_undoes_the_last_step_and_says_which(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)  # no morning check-in in the way
    clock.advance(60)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("#timeline", OptionList).highlighted = 1  # hydration
        await pilot.press("d")
        assert ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "hydration")].outcome == "done"
        clock.advance(5)
        await pilot.press("u")
        assert "Undone: Hydration done, night of Sun 22 Nov." in toasts(app)
        assert "Hydration" in str(
            app.screen.query_one("#timeline", OptionList).get_option_at_index(1).prompt
        )
        assert "upcoming" in str(
            app.screen.query_one("#timeline", OptionList).get_option_at_index(1).prompt
        )
    assert ctx.store.latest_outcomes(NIGHT, NIGHT) == {}


async def test_capital_u_on_tonight_puts_back_what_u_took(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)  # no morning check-in in the way
    clock.advance(60)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("#timeline", OptionList).highlighted = 1  # hydration
        await pilot.press("d")
        clock.advance(5)
        await pilot.press("u")
        assert ctx.store.latest_outcomes(NIGHT, NIGHT) == {}
        clock.advance(5)
        await pilot.press("U")
        assert "Redone: Hydration done, night of Sun 22 Nov." in toasts(app)
        assert "done" in str(
            app.screen.query_one("#timeline", OptionList).get_option_at_index(1).prompt
        )
        await pilot.press("U")
        assert toasts(app)[-1] == "Nothing to redo."
    assert ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "hydration")].outcome == "done"


async def test_u_on_history_undoes_and_the_figures_follow(ctx: Session, clock: FakeClock) -> None:
    for day in range(1, 4):
        for step in ("last-meal", "hydration", "screens-off", "stretch", "sleep-position"):
            ctx.store.record_step(NIGHT - timedelta(days=day), step, "done")
    clock.advance(60)
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 3, severity=8)
    app = HistoryApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("up")  # Sat 21 Nov
        assert "Cramps: 3 cramps, worst 8/10" in text(app, "#night")
        await pilot.press("u")
        assert "Undone: the cramp log of the night of Sat 21 Nov (3 cramps, worst 8/10)." in toasts(
            app
        )
        assert "Cramps: not logged" in text(app, "#night")
        assert "This week: nothing logged yet." in text(app, "#cramps-figures")
    assert ctx.store.cramp_logs(NIGHT - timedelta(days=1), NIGHT) == {}


async def test_delete_in_the_night_editor_forgets_a_step_and_the_cramps(
    ctx: Session, clock: FakeClock
) -> None:
    night = NIGHT - timedelta(days=1)
    for step in ("last-meal", "hydration", "screens-off", "stretch", "sleep-position"):
        ctx.store.record_step(night, step, "done")
    # logged on the wrong night (5 min: a longer one is a red flag, whose dialog any
    # save of this night would open)
    ctx.store.record_cramps(night, 1, minutes=5)
    app = HistoryApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("up", "enter")
        editor = app.screen
        assert isinstance(editor, CorrectNight) and editor.night == night
        editor.query_one("#steps", OptionList).highlighted = 3  # the stretch
        await pilot.press("delete")
        assert (
            "Deleted: Calf and hamstring stretches on the night of Sat 21 Nov. "
            "Press u on History to undo." in toasts(app)
        )
        assert "stretches: missed" in str(
            editor.query_one("#steps", OptionList).get_option_at_index(3).prompt
        )
        await pilot.press("D", "D")  # the second D confirms
        assert text(app, "#correct-cramps") == "Cramps: not logged"
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)
        assert "4 of 5 steps done" in text(app, "#night")
        assert app.screen.query_one(Heatmap).cursor == night
    assert (night, "stretch") not in ctx.store.latest_outcomes(night, night)
    assert ctx.store.cramp_logs(night, night) == {}


async def test_done_needs_a_hold_and_the_dialog_says_how_many(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        player = await started_player(clock, app, pilot)
        clock.advance(3)
        player.tick()
        await pilot.press("escape")
        dialog = app.screen
        assert isinstance(dialog, StopStretchScreen)
        assert "You did 0 of 12 holds. Done needs at least one hold." in str(
            dialog.query_one("#dialog-title").render()
        )
        assert dialog.query_one("#done", Button).disabled
        await pilot.click("#done")  # disabled: nothing happens
        assert app.screen is dialog
        await pilot.press("escape")  # keep going
        clock.advance(7)  # the first hold ends
        player.tick()
        await pilot.press("escape")
        assert "You did 1 of 12 holds." in str(app.screen.query_one("#dialog-title").render())
        assert str(app.screen.query_one("#done", Button).label) == "Done (1)"
        await pilot.click("#done")
        assert isinstance(app.screen, TonightScreen)
    record = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "stretch")]
    assert (record.outcome, record.detail["holds_done"]) == ("done", 1)


async def test_switching_variant_midway_never_counts_more_than_planned(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        player = await started_player(clock, app, pilot)
        for _ in range(11):  # six holds and five rests: the calf stretches, both legs
            clock.advance(10)
            player.tick()
        await pilot.press("v")  # seated, while the next hold would run
        player.redraw()
        assert text(app, "#status") == "6 of 12 holds done · seated"
        await pilot.press("escape")
        await pilot.click("#skipped")
    record = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "stretch")]
    assert (record.detail["holds_done"], record.detail["holds_planned"]) == (6, 12)
    assert record.reason == "stopped after 6 of 12 holds"


async def test_quitting_mid_session_records_what_was_done_as_partial(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        player = await started_player(clock, app, pilot)
        for _ in range(3):  # two holds and a rest
            clock.advance(10)
            player.tick()
        await pilot.press("ctrl+q")
    record = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "stretch")]
    assert record.outcome == "skipped"
    assert record.reason == "partial: 2 of 12 holds, coach was closed"
    assert record.detail["partial"] is True and record.detail["holds_done"] == 2


async def test_quitting_while_the_stop_question_is_open_records_nothing(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        player = await started_player(clock, app, pilot)
        for _ in range(3):  # two holds and a rest
            clock.advance(10)
            player.tick()
        await pilot.press("escape")  # "Record tonight's stretches as: ..." — not answered
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert (NIGHT, "stretch") not in ctx.store.latest_outcomes(NIGHT, NIGHT)


async def test_quitting_before_any_hold_is_done_records_nothing(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await started_player(clock, app, pilot)
        await pilot.press("ctrl+q")
    assert (NIGHT, "stretch") not in ctx.store.latest_outcomes(NIGHT, NIGHT)


async def test_the_weeks_figures_are_this_calendar_week_from_monday(
    ctx: Session, clock: FakeClock
) -> None:
    ctx.store.record_cramps(NIGHT, 3, severity=5)  # Sunday: last week's
    clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=BERLIN))  # Monday afternoon
    app = HistoryApp(ctx)
    async with app.run_test(size=(120, 40)):
        assert text(app, "#cramps-figures").startswith("This week: nothing logged yet.")
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN))
    ctx.store.record_cramps(NIGHT + timedelta(days=1), 1, severity=2)  # Monday night
    app = HistoryApp(ctx)
    async with app.run_test(size=(120, 40)):
        assert text(app, "#cramps-figures").startswith(
            "This week so far: 1 cramp on 1 logged night"
        )


async def test_the_cramp_guide_times_in_minutes_and_seconds(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)
    clock.set(datetime(2026, 11, 22, 23, 50, tzinfo=BERLIN))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        guide = app.screen
        assert isinstance(guide, CrampScreen)
        clock.advance(75)
        await pilot.press("e")
        assert guide.query_one("#cramp-minutes", Input).value == "1:15"
        await pilot.press("enter")
        assert "Cramp logged: 1:15." in toasts(app)
    events = ctx.store.events(NIGHT, NIGHT, "cramp-episode")
    assert events[-1].data["minutes"] == 1.25
    assert [parse_length(t) for t in ("0:12", "2", "0.5", "10:01")] == [0.2, 2.0, 0.5, 10.017]
    with pytest.raises(ValueError, match="minutes and seconds like 1:30"):
        parse_length("1:75")


async def test_skipping_every_exercise_is_not_done(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        player = await started_player(clock, app, pilot)
        while isinstance(app.screen, StretchScreen):
            await pilot.press("n")
        # The last one skipped, the question: "Done" needs a hold, so "Skipped" has the focus.
        assert isinstance(app.screen, StopStretchScreen)
        assert app.screen.query_one("#done", Button).disabled
        await pilot.press("enter")
        assert player.recorded == "skipped"
    record = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "stretch")]
    assert (record.outcome, record.detail["holds_done"]) == ("skipped", 0)


async def test_c_opens_cramping_now_from_the_night_editor(ctx: Session, clock: FakeClock) -> None:
    ctx.store.record_step(NIGHT - timedelta(days=1), "stretch", "done")
    app = HistoryApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("up", "enter")
        assert isinstance(app.screen, CorrectNight)
        await pilot.press("c")
        assert isinstance(app.screen, CrampScreen)
    assert len(ctx.store.events(NIGHT, NIGHT, "cramp-episode")) == 1  # its start is logged
