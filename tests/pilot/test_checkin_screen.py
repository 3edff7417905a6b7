"""The morning check-in: offered once a day when last night has no log; records what was
entered, exactly."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from textual.widgets import Input, RadioSet, Static

from coach.clock import FakeClock
from coach.diary.checkin import checkin_due
from coach.session import Session
from screens.checkin import CheckinScreen
from screens.cramp import CrampScreen
from screens.redflag import RedFlagScreen
from screens.urgent_signs import UrgentSignsScreen
from tests.support.apps import MorningApp

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_MORNING = datetime(2026, 11, 23, 7, 30, tzinfo=BERLIN)
SUNDAY = date(2026, 11, 22)


async def test_offered_once_a_day_and_again_the_next_morning(
    ctx: Session, clock: FakeClock
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
        ctx.store.cramp_logs(date(2026, 11, 23), date(2026, 11, 23))[date(2026, 11, 23)].cramps == 0
    )


async def test_not_offered_when_the_night_is_already_logged(ctx: Session, clock: FakeClock) -> None:
    clock.set(MONDAY_MORNING)
    ctx.store.record_cramps(SUNDAY, 1)  # logged from the shell with `coach cramp`
    app = MorningApp(ctx)
    async with app.run_test():
        assert not isinstance(app.screen, CheckinScreen)


async def test_no_cramps_is_one_key_and_no_urgent_sign_another(
    ctx: Session, clock: FakeClock
) -> None:
    clock.set(MONDAY_MORNING)
    app = MorningApp(ctx)
    async with app.run_test() as pilot:
        await pilot.press("n")
        assert isinstance(app.screen, UrgentSignsScreen)  # the log is saved; it asks
        await pilot.press("n")
    log = ctx.store.cramp_logs(SUNDAY, SUNDAY)[SUNDAY]
    assert (log.cramps, log.severity, log.minutes) == (0, None, None)
    assert app.results == [log]


async def test_records_what_was_entered(ctx: Session, clock: FakeClock) -> None:
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
        await pilot.pause()
        assert isinstance(app.screen, RedFlagScreen)  # "over 10" minutes interrupts at once
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, UrgentSignsScreen)  # then the checklist ends the log
        await pilot.press("n")  # none of the urgent signs
        assert not isinstance(app.screen, CheckinScreen | UrgentSignsScreen)
    log = ctx.store.cramp_logs(SUNDAY, SUNDAY)[SUNDAY]
    # The band chosen is kept as a band: "over 10" minutes, not a made-up 11.
    assert (log.cramps, log.severity, log.band, log.minutes, log.leg, log.muscle) == (
        2,
        7,
        "over 10",
        None,
        "right",
        "calf",
    )
    assert (log.disturbance, log.notes) == (6, "new pills")
    assert app.results == [log]


async def test_bad_input_gets_one_line_and_records_nothing(ctx: Session, clock: FakeClock) -> None:
    clock.set(MONDAY_MORNING)
    app = MorningApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+s")  # nothing entered
        error = app.screen.query_one("#error", Static)
        assert str(error.content) == "say how many cramps, or press n for a night without"
        await pilot.press("1", "tab", "1", "1", "ctrl+s")  # worst pain 11
        assert str(error.content) == "Worst pain must be from 1 (mild) to 10 (worst)"
        assert isinstance(app.screen, CheckinScreen)
    assert ctx.store.cramp_logs(SUNDAY, SUNDAY) == {}


async def test_cramps_with_no_pain_are_refused_as_on_the_command_line(
    ctx: Session, clock: FakeClock
) -> None:
    """`coach cramp --count 2 --severity 0` is refused; the check-in says the same."""
    clock.set(MONDAY_MORNING)
    app = MorningApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2", "tab", "0", "ctrl+s")
        error = app.screen.query_one("#error", Static)
        assert str(error.content).startswith("a cramp's worst pain is from 1 (mild) to 10")
        assert isinstance(app.screen, CheckinScreen)
        await pilot.press("backspace", "3", "ctrl+s")
    log = ctx.store.cramp_logs(SUNDAY, SUNDAY)[SUNDAY]
    assert (log.cramps, log.severity) == (2, 3)


async def test_not_offered_while_the_night_is_still_running(ctx: Session, clock: FakeClock) -> None:
    """At 3 a.m. after a 22:30 bedtime the night is not over: no check-in about it until
    bedtime plus seven hours (05:30)."""
    clock.set(datetime(2026, 11, 23, 3, 0, tzinfo=BERLIN))
    assert checkin_due(ctx) is None
    app = MorningApp(ctx)
    async with app.run_test():
        assert not isinstance(app.screen, CheckinScreen)
    clock.set(datetime(2026, 11, 23, 5, 30, tzinfo=BERLIN))
    assert checkin_due(ctx) == SUNDAY


async def test_a_logged_night_opens_filled_in_and_is_edited(ctx: Session, clock: FakeClock) -> None:
    clock.set(MONDAY_MORNING)
    ctx.store.record_cramps(
        SUNDAY,
        2,
        severity=6,
        band="1-5",
        leg="left",
        muscle="calf",
        disturbance=3,
        notes="new tablets for blood pressure",
    )
    app = MorningApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(CheckinScreen(SUNDAY), app.results.append)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CheckinScreen)
        assert str(screen.query_one("#title", Static).content) == "Editing the log of Sun 22 Nov"
        assert screen.query_one("#count", Input).value == "2"
        assert screen.query_one("#pain", Input).value == "6"
        assert screen.query_one("#longest", RadioSet).pressed_index == 1  # 1-5
        assert screen.query_one("#leg", RadioSet).pressed_index == 0  # left
        assert screen.query_one("#disturbance", Input).value == "3"
        assert screen.query_one("#note", Input).value == "new tablets for blood pressure"
        # One cramp more than logged; everything else stays as it was.
        screen.query_one("#count", Input).value = "3"
        await pilot.press("ctrl+s")
        assert not isinstance(app.screen, CheckinScreen)
    log = ctx.store.cramp_logs(SUNDAY, SUNDAY)[SUNDAY]
    assert (log.cramps, log.severity, log.band, log.leg, log.muscle, log.disturbance) == (
        3,
        6,
        "1-5",
        "left",
        "calf",
        3,
    )
    assert log.notes == "new tablets for blood pressure"


async def test_typed_minutes_survive_an_edit_without_a_band(ctx: Session, clock: FakeClock) -> None:
    clock.set(MONDAY_MORNING)
    ctx.store.record_cramps(SUNDAY, 1, minutes=2.5)  # from `coach cramp --minutes 2.5`
    app = MorningApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(CheckinScreen(SUNDAY))
        await pilot.pause()
        assert "Logged as 2.5 min" in str(app.screen.query_one("#kept-minutes", Static).content)
        await pilot.press("ctrl+s")
    log = ctx.store.cramp_logs(SUNDAY, SUNDAY)[SUNDAY]
    assert (log.cramps, log.minutes, log.band) == (1, 2.5, None)


async def test_c_opens_cramping_now_from_inside_the_form(ctx: Session, clock: FakeClock) -> None:
    clock.set(MONDAY_MORNING)
    app = MorningApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, CheckinScreen)
        assert screen.focused is screen.query_one("#count", Input)
        await pilot.press("c")
        assert isinstance(app.screen, CrampScreen)
        assert screen.query_one("#count", Input).value == ""  # not typed into the field
        await pilot.press("escape")  # within 10 s: opened by mistake
        assert app.screen is screen
        # A radio row has the focus: c still works.
        screen.query_one("#leg", RadioSet).focus()
        await pilot.press("c")
        assert isinstance(app.screen, CrampScreen)
        await pilot.press("escape")
        # In the free-text note, c is a letter; F2 opens the guide.
        screen.query_one("#note", Input).focus()
        await pilot.press("c")
        assert screen.query_one("#note", Input).value == "c"
        await pilot.press("f2")
        assert isinstance(app.screen, CrampScreen)


async def test_cramps_logged_at_night_prefill_the_check_in_and_n_is_not_taken_silently(
    ctx: Session, clock: FakeClock
) -> None:
    for hour, minute in ((3, 5), (3, 40), (4, 10)):
        clock.set(datetime(2026, 11, 23, hour, minute, tzinfo=BERLIN))
        ctx.log_episode(minutes=2, leg="left")  # `coach cramp --now`, or c in the app
    clock.set(MONDAY_MORNING)
    app = MorningApp(ctx)
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, CheckinScreen)
        hint = str(screen.query_one("#hint", Static).content)
        assert hint.startswith("You logged 3 cramps at night: 03:05, 03:40, 04:10.")
        assert screen.query_one("#count", Input).value == "3"
        await pilot.press("n")
        error = str(screen.query_one("#error", Static).content)
        assert "You logged 3 cramps at night: 03:05, 03:40, 04:10." in error
        assert "Not saved as no cramps" in error
        assert app.screen is screen
        assert ctx.cramp_log(SUNDAY) is None
        await pilot.press("ctrl+s")  # the prefilled 3
        await pilot.pause()
    log = ctx.cramp_log(SUNDAY)
    assert log is not None and log.cramps == 3


async def test_nights_not_logged_are_asked_one_key_each_then_last_night(
    ctx: Session, clock: FakeClock
) -> None:
    from coach.cli.main import main
    from coach.diary.checkin import morning_round
    from screens.gaps import GapScreen
    from tests.support.apps import CtxApp

    def night(day: int) -> date:
        return date(2026, 11, day)

    clock.jump(datetime(2026, 11, 18, 13, 0, tzinfo=BERLIN))
    ctx.record_step(night(16), "stretch", "done")  # the first record
    ctx.log_cramps(night(17), 1)
    clock.set(datetime(2026, 11, 18, 20, 0, tzinfo=BERLIN))
    ctx.set_paused(night(18))  # away: neither for nor against, not asked
    clock.set(MONDAY_MORNING)  # Mon 23 Nov: 19, 20 and 21 not logged, nor 16's cramps
    app = CtxApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, GapScreen)
        assert screen.nights == (night(16), night(19), night(20), night(21))
        assert "Night of Mon 16 Nov" in str(screen.query_one("#gap-night", Static).content)
        await pilot.press("2", "d", "s", "n")
        await pilot.pause()
        assert screen.answers == [
            (night(16), "2"),
            (night(19), "unknown"),
            (night(20), "skip"),
            (night(21), "none"),
        ]
        # Then last night, as every morning.
        assert isinstance(app.screen, CheckinScreen)
        assert app.screen.night == SUNDAY
    logs = ctx.cramp_logs(night(16), SUNDAY)
    assert {n: log.cramps for n, log in logs.items()} == {night(16): 2, night(17): 1, night(21): 0}
    # "Don't remember" stays unknown everywhere; it is not "no cramps".
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["history", "--days", "8", "--format", "json"], context=ctx)
    nights = {n["night"]: n for n in json.loads(out.getvalue())}
    assert nights["2026-11-19"]["cramps"] is None and nights["2026-11-20"]["cramps"] is None
    assert nights["2026-11-19"]["unknown"] == "not remembered"
    assert nights["2026-11-20"]["unknown"] == "not logged"
    assert nights["2026-11-21"]["unknown"] is None
    # The next morning asks again about the skipped night (and Sunday, left unanswered),
    # not about the one not remembered.
    clock.advance(24 * 3600)
    asked = morning_round(ctx)
    assert asked is not None
    assert asked.gaps == (night(20), SUNDAY)


async def test_at_3am_tonight_tells_of_the_cramp_just_logged(
    ctx: Session, clock: FakeClock
) -> None:
    from screens.tonight import TonightScreen
    from tests.support.apps import CtxApp

    clock.set(datetime(2026, 11, 23, 3, 5, tzinfo=BERLIN))
    ctx.log_episode(minutes=1.5, leg="left")  # `coach cramp --now`, or c in the app
    clock.advance(120)
    app = CtxApp(ctx)
    async with app.run_test(size=(100, 30)):
        assert isinstance(app.screen, TonightScreen)  # 03:07: too early for the check-in
        line = str(app.screen.query_one("#last-night", Static).content)
        assert line == (
            "Last night: 1 cramp (1 logged at night: 03:05; morning not logged) "
            "(press m to log it)."
        )


async def test_a_night_not_remembered_is_not_asked_again_in_the_morning(
    ctx: Session, clock: FakeClock
) -> None:
    """`coach cramp --unknown` at 07:00 for Sunday: the check-in at 07:30 asks nothing of
    Sunday, and Tonight says it is not remembered."""
    from coach.cli.main import main
    from screens.tonight import TonightScreen

    clock.set(datetime(2026, 11, 23, 7, 0, tzinfo=BERLIN))
    assert checkin_due(ctx) == SUNDAY
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["cramp", "--unknown"], context=ctx) == 0
    assert "night of Sun 22 Nov 2026 are not remembered" in out.getvalue()
    clock.set(MONDAY_MORNING)
    assert checkin_due(ctx) is None
    app = MorningApp(ctx)
    async with app.run_test(size=(100, 30)):
        assert isinstance(app.screen, TonightScreen)
        line = str(app.screen.query_one("#last-night", Static).content)
        assert line == "Last night: not remembered (press m to log it)."


async def test_keys_typed_fast_follow_tab_from_field_to_field(
    ctx: Session, clock: FakeClock
) -> None:
    """`2 Tab 1 2 Tab` arriving in one burst (as from a fast typist or tmux send-keys):
    Tab moves on before the digits after it are handed to a field, so the count is 2 and
    the pain 12, not a count of 212."""
    from textual import events

    clock.set(MONDAY_MORNING)
    app = MorningApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, CheckinScreen)
        for key, character in [("2", "2"), ("tab", "\t"), ("1", "1"), ("2", "2"), ("tab", "\t")]:
            app.post_message(events.Key(key, character))  # all queued before any is handled
        await pilot.pause()
        form = app.screen
        assert form.query_one("#count", Input).value == "2"
        assert form.query_one("#pain", Input).value == "12"
        assert app.focused is form.query_one("#longest", RadioSet)
        await pilot.press("shift+tab")  # back to the pain, its text selected
        await pilot.press("1", "5", "ctrl+s")
        assert form.query_one("#pain", Input).value == "15"
        assert "Worst pain must be from 1 (mild) to 10" in str(
            form.query_one("#error", Static).content
        )
        # After the error the form still takes keys: fix the pain and save.
        await pilot.press("backspace", "backspace", "4", "ctrl+s")
        assert isinstance(app.screen, UrgentSignsScreen)
    log = ctx.store.cramp_logs(SUNDAY, SUNDAY)[SUNDAY]
    assert (log.cramps, log.severity) == (2, 4)


async def test_ctrl_c_says_that_ctrl_q_quits_even_over_the_check_in(
    ctx: Session, clock: FakeClock
) -> None:
    clock.set(MONDAY_MORNING)
    app = MorningApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, CheckinScreen)  # a dialog, the count field focused
        await pilot.press("ctrl+c")
        assert [(n.title, n.message) for n in app._notifications] == [
            ("Do you want to quit?", "Press ctrl+q to quit coach.")
        ]
        assert isinstance(app.screen, CheckinScreen)  # and nothing else happened
        await pilot.press("escape", "ctrl+c")
        assert [n.message for n in app._notifications][-1] == "Press ctrl+q to quit coach."
        assert app.is_running
