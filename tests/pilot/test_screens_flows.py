"""Pilot tests of the evening flows; each reads the store afterwards to see what was recorded."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Digits, Label, OptionList, Static

from coach.clock import FakeClock, SystemClock
from coach.errors import StoreError
from coach.session import Session
from screens.app import CoachApp, run_tui
from screens.cramp import CrampScreen
from screens.help import HelpScreen
from screens.redflag import RedFlagScreen
from screens.step_card import SkipReasonScreen, StepCardScreen
from screens.stretch_player import StopStretchScreen, StretchScreen
from screens.tonight import TonightScreen
from screens.urgent_signs import UrgentSignsScreen
from tests.support import BERLIN
from tests.support.apps import MakeApp, settle
from tests.support.fakes import RecordingNotifier

NIGHT = date(2026, 11, 22)


def at(clock: FakeClock, hh: int, mm: int) -> None:
    clock.set(datetime(2026, 11, 22, hh, mm, tzinfo=BERLIN))


def text_of(app: CoachApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def timeline_lines(app: CoachApp) -> list[str]:
    timeline = app.screen.query_one("#timeline", OptionList)
    return [str(timeline.get_option_at_index(i).prompt) for i in range(timeline.option_count)]


def outcome(ctx: Session, step: str) -> str | None:
    record = ctx.store.latest_outcomes(NIGHT, NIGHT).get((NIGHT, step))
    return None if record is None else record.outcome


# --- Tonight ------------------------------------------------------------------------------


async def test_tonight_shows_every_step_with_time_state_and_countdown(
    ctx: Session, make_app: MakeApp
) -> None:
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 2, severity=6)
    app = make_app()
    async with app.run_test(size=(100, 30)):
        assert isinstance(app.screen, TonightScreen)
        lines = timeline_lines(app)
        assert [line[:5] for line in lines] == ["19:30", "20:30", "21:30", "22:20", "22:30"]
        assert all("upcoming" in line for line in lines)
        assert "Next: Last meal in 1 h 30 min" in text_of(app, "#countdown")
        assert "bedtime 22:30" in text_of(app, "#night-line")
        assert "Last night: 2 cramps, worst 6/10 (m to edit)." in text_of(app, "#last-night")
        assert app.screen.query_one("#timeline", OptionList).highlighted == 0


async def test_in_the_morning_last_night_is_the_night_just_slept(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 3, severity=7)
    ctx.store.record_cramps(NIGHT, 1, severity=4)
    clock.set(datetime(2026, 11, 23, 7, 30, tzinfo=BERLIN))  # Monday morning
    app = make_app()
    async with app.run_test(size=(100, 30)):
        # The timeline is still Sunday's night (it runs to noon); so is the cramp line, the
        # night the morning check-in asks about.
        assert "Sunday 22 November" in text_of(app, "#night-line")
        assert "Last night: 1 cramp, worst 4/10 (m to edit)." in text_of(app, "#last-night")


async def test_opening_late_shows_past_steps_as_late_and_they_can_still_be_done(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    at(clock, 21, 40)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        lines = timeline_lines(app)
        assert "due, late" in lines[0] and "due, late" in lines[1]
        assert "due now" in lines[2]  # screens-off, 21:30
        assert app.screen.query_one("#timeline", OptionList).highlighted == 2
        await pilot.press("home", "d")
        record = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "last-meal")]
        assert (record.outcome, record.late) == ("done", True)
        assert "done" in timeline_lines(app)[0]


async def test_done_and_skip_with_a_reason_from_tonight(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    at(clock, 20, 35)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("d")  # hydration is due now and selected
        assert outcome(ctx, "hydration") == "done"
        await pilot.press("down", "x")
        assert isinstance(app.screen, SkipReasonScreen)
        await pilot.press(*"out", "space", *"late", "enter")
        record = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "screens-off")]
        assert (record.outcome, record.reason) == ("skipped", "out late")
        assert "skipped (out late)" in timeline_lines(app)[2]


async def test_escape_in_the_skip_dialog_records_nothing(ctx: Session, make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x", "escape")
        assert isinstance(app.screen, TonightScreen)
        assert ctx.store.latest_outcomes(NIGHT, NIGHT) == {}


async def test_the_countdown_follows_the_clock(clock: FakeClock, make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)):
        clock.advance(60 * 60 + 25 * 60)
        screen = app.screen
        assert isinstance(screen, TonightScreen)
        screen.refresh_view()
        assert "Next: Last meal in 5 min" in text_of(app, "#countdown")
        clock.advance(10 * 60)
        screen.refresh_view()
        assert "due now" in timeline_lines(app)[0]


# --- step cards ----------------------------------------------------------------------------


async def test_step_card_shows_what_why_evidence_and_records_done(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    at(clock, 19, 10)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, StepCardScreen)
        assert "Finish your last main meal" in text_of(app, "#card-what")
        assert "not been tested as a cramp treatment" in text_of(app, "#card-why")
        assert "Evidence: common advice" in text_of(app, "#card-evidence")
        assert "Cutoff at 19:30: 20 min left" in text_of(app, "#cutoff")
        await pilot.press("d")
        assert isinstance(app.screen, TonightScreen)
        assert outcome(ctx, "last-meal") == "done"


async def test_a_click_on_a_step_opens_its_card(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.screen.query_one("#timeline", OptionList)
        await pilot.click(timeline, offset=(10, 2))  # row 0 is the border
        assert isinstance(app.screen, StepCardScreen)
        assert app.screen.row.id == "hydration"


async def test_step_card_skip_and_back(ctx: Session, make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("end", "enter")  # sleep position: no cutoff line
        assert isinstance(app.screen, StepCardScreen)
        assert not app.screen.query_one("#cutoff").display
        await pilot.press("escape")
        assert isinstance(app.screen, TonightScreen)
        assert ctx.store.latest_outcomes(NIGHT, NIGHT) == {}
        await pilot.press("enter")
        await pilot.click("#skip")
        await pilot.press(*"away", "enter")
        record = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "sleep-position")]
        assert (record.outcome, record.reason) == ("skipped", "away")


# --- the stretch player ----------------------------------------------------------------------


async def open_player(app: CoachApp, pilot: Pilot[None]) -> StretchScreen:
    timeline = app.screen.query_one("#timeline", OptionList)
    timeline.highlighted = 3
    await pilot.press("enter")
    screen = app.screen
    assert isinstance(screen, StretchScreen)
    return screen


async def test_player_runs_to_the_end_with_pause_skip_and_added_time(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_player(app, pilot)
        assert "Get into position" in text_of(app, "#status")
        clock.advance(30)  # waiting to start does not use up the hold
        player.tick()
        assert player.query_one("#clock", Digits).value == "10"

        def space_means() -> list[str]:
            return [a for a in ("start", "pause", "resume") if player.check_action(a, ())]

        assert space_means() == ["start"]  # what the footer shows for space
        await pilot.press("space")
        assert space_means() == ["pause"]
        clock.advance(4)
        player.tick()
        assert player.query_one("#clock", Digits).value == "6"
        assert "left leg · rep 1 of 3" in text_of(app, "#exercise")
        await pilot.press("space")  # pause
        clock.advance(100)
        player.tick()
        assert player.query_one("#clock", Digits).value == "6"
        assert "Paused" in text_of(app, "#status")
        assert space_means() == ["resume"]
        await pilot.press("space", "plus")  # resume, add 10 s
        assert player.query_one("#clock", Digits).value == "16"
        clock.advance(16)
        player.tick()
        assert "Rest" in text_of(app, "#phase")
        assert "Next: Calf stretch (standing) · left leg · rep 2" in text_of(app, "#instructions")
        await pilot.press("n")  # skip the rest of the calf stretch
        assert "Hamstring stretch (standing) · left leg · rep 1" in text_of(app, "#exercise")
        assert "Get into position" in text_of(app, "#phase")  # a rest's length to move
        assert "1. " in text_of(app, "#instructions")  # reading how, before it counts
        for _ in range(12):  # getting ready, then 6 hamstring holds and 5 rests
            clock.advance(10)
            player.tick()
        await pilot.pause()
        assert isinstance(app.screen, TonightScreen)
        record = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "stretch")]
        assert record.outcome == "done"
        assert record.detail["holds"] == {
            "calf-standing": {"left": 1},
            "hamstring-standing": {"left": 3, "right": 3},
        }
        assert record.detail["skipped"] == ["calf-standing"]
        assert record.detail["extra_seconds"] == 10.0
        assert "done" in timeline_lines(app)[3]


async def test_skipping_the_last_exercise_asks_how_to_record_the_stretches(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    """n on the last exercise ends the session short of its holds: the stop question is
    asked (without "Keep going": nothing is left), never recorded unseen."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_player(app, pilot)
        await pilot.press("space")
        clock.advance(10)
        player.tick()  # one calf hold done
        await pilot.press("n")  # the rest of the calf stretch
        assert "Hamstring stretch" in text_of(app, "#exercise")
        await pilot.press("n")  # and the hamstring stretch, the last
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, StopStretchScreen)
        title = str(dialog.query_one("#dialog-title", Label).content)
        assert title.startswith("That was the last exercise. You did 1 of 12 holds.")
        assert "Keep going" not in [str(b.label) for b in dialog.query(Button)]
        assert (NIGHT, "stretch") not in ctx.store.latest_outcomes(NIGHT, NIGHT)
        await pilot.press("escape")  # back to the player: still nothing recorded
        assert app.screen is player
        # Not "All stretches done": the last exercise was skipped.
        assert text_of(app, "#exercise") == "No stretch left: 1 of 12 holds done."
        assert text_of(app, "#status") == "esc: record tonight's stretches"
        assert (NIGHT, "stretch") not in ctx.store.latest_outcomes(NIGHT, NIGHT)
        await pilot.press("escape")  # asked again
        assert isinstance(app.screen, StopStretchScreen)
        await pilot.press("enter")  # "Done (1)" has the focus
        await pilot.pause()
        assert isinstance(app.screen, TonightScreen)
    record = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "stretch")]
    assert record.outcome == "done" and record.detail["holds_done"] == 1


async def test_the_bell_rings_at_each_change_when_it_is_on(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch, make_app: MakeApp
) -> None:
    rings: list[int] = []
    app = make_app()
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_player(app, pilot)
        await pilot.press("space")
        clock.advance(9)
        player.tick()
        assert rings == []
        clock.advance(1)  # hold -> rest
        player.tick()
        clock.advance(10)  # rest -> hold
        player.tick()
        assert len(rings) == 2


async def test_the_bell_can_be_turned_off(
    ctx: Session, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, make_app: MakeApp
) -> None:
    ctx.paths.config_file.write_text('timezone = "Europe/Berlin"\n[stretch]\nbell = false\n')
    rings: list[int] = []
    app = make_app(settings=ctx.reload_settings(), clock=clock)
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_player(app, pilot)
        await pilot.press("space")
        clock.advance(20)
        player.tick()
        assert rings == []


async def test_quitting_midway_asks_and_records_what_was_done(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_player(app, pilot)
        await pilot.press("space")
        for _ in range(3):  # two holds and a rest
            clock.advance(10)
            player.tick()
        await pilot.press("escape")
        assert isinstance(app.screen, StopStretchScreen)
        clock.advance(300)  # the dialog pauses the countdown
        await pilot.press("escape")  # keep going
        assert app.screen is player
        player.tick()
        assert player.query_one("#clock", Digits).value == "10"
        await pilot.press("space", "escape")  # paused, then stopped: keep going still goes on
        await pilot.click("#keep")
        assert app.screen is player and "Paused" not in text_of(app, "#status")
        await pilot.press("escape")
        await pilot.click("#skipped")
        assert isinstance(app.screen, TonightScreen)
        record = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "stretch")]
        assert record.outcome == "skipped"
        assert record.reason == "stopped after 2 of 12 holds"
        assert record.detail["holds"] == {"calf-standing": {"left": 2}}
        assert record.detail["finished"] is False


async def test_stopping_before_any_hold_offers_skipped_first(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_player(app, pilot)
        await pilot.press("space")
        clock.advance(3)
        player.tick()
        await pilot.press("escape")
        assert isinstance(app.screen, StopStretchScreen)
        await pilot.press("enter")  # the focused choice
        assert isinstance(app.screen, TonightScreen)
    assert outcome(ctx, "stretch") == "skipped"


async def test_quitting_midway_can_record_done_and_leaving_unstarted_records_nothing(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_player(app, pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, TonightScreen)
        assert outcome(ctx, "stretch") is None
        player = await open_player(app, pilot)
        await pilot.press("v", "space")  # seated, then start
        clock.advance(10)
        player.tick()
        await pilot.press("escape")
        await pilot.click("#done")
        record = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "stretch")]
        assert record.outcome == "done"
        assert record.detail["variant"] == "seated"
        assert record.detail["holds"] == {"calf-hamstring-seated": {"left": 1}}


async def test_player_on_the_real_clock_finishes_by_itself(ctx: Session, make_app: MakeApp) -> None:
    """Beside the fake-clock tests: a real clock and the screen's own timer."""
    ctx.paths.config_file.write_text(
        'timezone = "Europe/Berlin"\n[stretch]\nhold_seconds = 1\nrest_seconds = 0\n'
        'reps = 1\nvariant = "seated"\nbell = false\n'
    )
    app = make_app(settings=ctx.reload_settings(), clock=SystemClock())
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(StretchScreen(NIGHT))
        await pilot.pause()
        await pilot.press("space")
        for _ in range(60):
            await pilot.pause(0.05)
            if not isinstance(app.screen, StretchScreen):
                break
        assert isinstance(app.screen, TonightScreen)
    record = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "stretch")]
    assert (record.outcome, record.detail["holds_done"]) == ("done", 2)


# --- cramping now ----------------------------------------------------------------------------


async def test_cramping_now_from_tonight_logs_start_then_details(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    at(clock, 23, 50)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, CrampScreen)
        assert "toes up toward your shin" in text_of(app, "#relief")
        started = ctx.store.events(NIGHT, NIGHT, "cramp-episode")
        assert [e.data for e in started] == [
            {"started": clock.now().isoformat(), "minutes": None, "severity": None, "leg": None}
        ]
        clock.advance(150)
        screen.tick()
        assert screen.query_one("#cramp-clock", Digits).value == "2:30"
        await pilot.press("e")
        await pilot.press("7")
        screen.query_one("#cramp-leg").value = "left"  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert isinstance(app.screen, UrgentSignsScreen)  # the guide ends with the checklist
        await pilot.press("n")
        assert isinstance(app.screen, TonightScreen)
        events = ctx.store.events(NIGHT, NIGHT, "cramp-episode")
        assert events[-1].data == {
            "started": started[0].data["started"],
            "minutes": 2.5,
            "severity": 7,
            "leg": "left",
        }


async def test_cramping_now_from_the_stretch_player_and_a_long_cramp_shows_the_red_flag(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_player(app, pilot)
        await pilot.press("space", "c")
        cramp = app.screen
        assert isinstance(cramp, CrampScreen)
        assert not cramp.query_one("#red-flag").display
        clock.advance(9 * 60)
        cramp.tick()
        assert not cramp.query_one("#red-flag").display
        clock.advance(61)
        cramp.tick()
        await pilot.pause()
        assert isinstance(app.screen, RedFlagScreen)  # the urgent flag interrupts
        await pilot.press("enter")
        assert app.screen is cramp
        assert cramp.query_one("#red-flag").display
        assert "contact a doctor or urgent care now" in text_of(app, "#red-flag")
        await pilot.press("escape")  # close: logs the timed length only
        assert isinstance(app.screen, UrgentSignsScreen)
        await pilot.press("n")  # none of the urgent signs
        assert app.screen is player
        assert "Paused" in text_of(app, "#status")  # the stretches waited
    events = ctx.store.events(NIGHT, NIGHT, "cramp-episode")
    # start; past 10 minutes, still going (the red flag's save); closed at 10:01
    assert [e.data["minutes"] for e in events] == [None, 10.017, 10.017]


async def test_a_cramp_across_noon_stays_on_the_night_it_began(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    clock.set(datetime(2026, 11, 23, 11, 58, tzinfo=BERLIN))  # still the night of the 22nd
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        clock.advance(4 * 60)  # now 12:02: the app's "tonight" is the 23rd
        await pilot.press("escape")
    events = ctx.store.events(NIGHT, NIGHT + timedelta(days=1), "cramp-episode")
    assert [(e.night, e.data["minutes"]) for e in events] == [(NIGHT, None), (NIGHT, 4.0)]


async def test_cramping_now_opened_by_mistake_logs_no_cramp(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    from coach.diary.nights import Diary

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("h", "c")  # from the history screen
        assert isinstance(app.screen, CrampScreen)
        clock.advance(3)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CrampScreen)
        assert any("no cramp logged" in n.message for n in app._notifications)
    events = ctx.store.events(NIGHT, NIGHT, "cramp-episode")
    assert [e.data.get("cancelled", False) for e in events] == [False, True]
    diary = Diary.load(ctx.store, ctx.settings, clock.now(), start=NIGHT)
    assert not diary.night(NIGHT).episodes  # history, report and red flags see no cramp


async def test_f2_opens_the_cramp_guide_even_while_typing_a_reason(
    ctx: Session, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x", "c", "f2")
        assert isinstance(app.screen, CrampScreen)
        assert len(ctx.store.events(NIGHT, NIGHT, "cramp-episode")) == 1


async def test_the_palette_offers_tonights_actions(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Done", "Skip", "Stretches", "Cramping now", "Help", "Settings"} <= set(titles)
        assert any("theme" in title.lower() for title in titles)
        stretches = next(c for c in app.get_system_commands(app.screen) if c.title == "Stretches")
        stretches.callback()
        await pilot.pause()
        assert isinstance(app.screen, StretchScreen)


async def test_cramp_details_are_checked(ctx: Session, make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c", "e")
        screen = app.screen
        assert isinstance(screen, CrampScreen)
        await pilot.press("1", "1", "enter")
        assert "from 1 (mild) to 10" in text_of(app, "#cramp-error")
        assert app.screen is screen
    assert len(ctx.store.events(NIGHT, NIGHT, "cramp-episode")) == 1


# --- reminders, help, notifications ----------------------------------------------------------


async def test_step_due_selects_the_step_and_says_so(clock: FakeClock, make_app: MakeApp) -> None:
    at(clock, 21, 31)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.screen.query_one("#timeline", OptionList)
        timeline.highlighted = 0
        app.step_due("screens-off", NIGHT, timedelta(0))
        await pilot.pause()
        assert timeline.highlighted == 2
        toasts = [n.message for n in app._notifications]
        assert any("put screens away" in message for message in toasts)
        app.step_due("hydration", NIGHT, timedelta(minutes=61))
        await pilot.pause()
        assert timeline.highlighted == 1
        # The core's words, as on the desktop: a late reminder says when it was due.
        late = [n for n in app._notifications if n.title == "Hydration: 59 minutes to bedtime"]
        assert late and "This reminder is late: it was due at 20:30." in late[0].message
        app.step_due("hydration", NIGHT - timedelta(days=1), timedelta(0))  # another night
        assert len(app._notifications) == 2


async def test_a_reminder_from_another_thread_reaches_the_screen(
    clock: FakeClock, make_app: MakeApp
) -> None:
    at(clock, 22, 21)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.screen.query_one("#timeline", OptionList)
        timeline.highlighted = 0
        worker = threading.Thread(target=app.post_step_due, args=("stretch", NIGHT))
        worker.start()
        worker.join()
        await pilot.pause()
        assert timeline.highlighted == 3
        assert any(
            n.title == "Calf and hamstring stretches: 9 minutes to bedtime"
            for n in app._notifications
        )


async def test_help_opens_from_any_screen_and_closes(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        markdown = app.screen.query_one("Markdown")
        assert "Not medical advice" in markdown.source  # type: ignore[attr-defined]
        # The experiment as the experiment screen tells it: the same nights left out.
        from coach.experiment.design import PERIOD_NIGHTS, WASHOUT_NIGHTS

        said = f"the first {WASHOUT_NIGHTS} nights of each {PERIOD_NIGHTS}-night period"
        assert said in " ".join(markdown.source.split())  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert isinstance(app.screen, StepCardScreen)


async def test_test_notification_reports_the_backend(make_app: MakeApp) -> None:
    notifier = RecordingNotifier()
    app = make_app(notifier=notifier)
    async with app.run_test(size=(100, 30)) as pilot:
        app.action_test_notification()
        await pilot.pause()
        assert notifier.sent == [("coach", "This is a test notification from coach.")]
        assert any("(recorder)" in n.message for n in app._notifications)


async def test_a_damaged_database_is_reported_not_fatal_and_left_alone(
    ctx: Session, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        ctx.store.db_dir.mkdir(parents=True, exist_ok=True)
        month = ctx.store.db_dir / "2026-11.json"
        month.write_text("{not json")
        await pilot.press("d")
        assert any(n.title == "Could not save" for n in app._notifications)
        assert isinstance(app.screen, TonightScreen)
        assert month.read_text() == "{not json"


# --- the entry point ---------------------------------------------------------------------


def test_run_tui_builds_the_app_from_the_context(
    ctx: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[CoachApp] = []
    monkeypatch.setattr(CoachApp, "run", lambda self, **kw: started.append(self))
    assert run_tui(ctx) == 0
    (app,) = started
    assert app.session.store is ctx.store and app.clock is ctx.clock
    assert app.config_path == ctx.paths.config_file
    assert app.exports_dir is None  # History's report goes to report.folder or documents
    # Reminders are built from the context once the app runs: the real service and lock.
    from coach.reminders.host import ReminderHost

    assert app._reminders_factory is not None
    reminders = app._reminders_factory(app)
    assert isinstance(reminders, ReminderHost) and reminders.kind == "tui"
    assert reminders.service.store is ctx.store
    reminders.stop()


def test_coach_opens_the_app_on_a_tui_session(
    coach_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's records are stamped 'tui': the session is made for it, not changed."""
    from coach.cli.main import main

    started: list[CoachApp] = []
    monkeypatch.setattr(CoachApp, "run", lambda self, **kw: started.append(self))
    assert main([]) == 0
    (app,) = started
    assert app.session.kind == "tui"
    assert app.session.paths.data_dir == coach_home


def test_run_tui_stops_with_the_store_error_before_the_screen(
    ctx: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CoachApp, "run", lambda self, **kw: pytest.fail("the app started"))
    ctx.paths.db_dir.mkdir(parents=True)
    (ctx.paths.db_dir / "2026-11.json").write_text("{broken")
    with pytest.raises(StoreError, match="damaged"):
        run_tui(ctx)


# --- the footer ----------------------------------------------------------------------------


def footer_keys(app: CoachApp) -> list[tuple[str, str, bool]]:
    from screens.textual_shim import FooterKey

    return [
        (key.key, key.description, key.has_class("-compact")) for key in app.screen.query(FooterKey)
    ]


async def test_each_screen_footer_shows_its_own_keys_in_its_own_look(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        tonight = footer_keys(app)
        assert [(key, name) for key, name, _ in tonight] == [
            ("d", "Done"),
            ("x", "Skip"),
            ("h", "History"),
            ("s", "Settings"),
            ("q", "Quit"),
            ("c", "Cramping now"),
            ("question_mark", "Help"),
            ("ctrl+p", "palette"),
        ]
        assert all(compact for *_, compact in tonight)  # Tonight's footer fits 80 columns
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_keys = footer_keys(app)
        assert ("escape", "Close", False) in help_keys
        assert not any(key == "d" for key, *_ in help_keys)
        await pilot.press("escape")
        await pilot.pause()
        assert footer_keys(app) == tonight


@pytest.mark.parametrize(
    "opening",
    [
        pytest.param([], id="tonight"),
        pytest.param(["enter"], id="step-card"),
        pytest.param(["end", "up", "enter"], id="stretch-player"),
        pytest.param(["c"], id="cramping-now"),
        pytest.param(["h"], id="history"),
        pytest.param(["h", "t"], id="trends"),
        pytest.param(["s"], id="settings"),
        pytest.param(["question_mark"], id="help"),
    ],
)
async def test_every_footer_key_is_whole_at_80_columns(
    opening: list[str], make_app: MakeApp
) -> None:
    from screens.textual_shim import FooterKey

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*opening)
        await pilot.pause()
        keys = list(app.screen.query(FooterKey))
        assert len(keys) >= 3
        palette = next(key for key in keys if key.has_class("-command-palette"))
        for key in keys:
            if key is palette:
                continue
            label = key.render().plain
            assert key.key_display in label and key.description in label
            # Drawn in full, left of the palette key: nothing cut off at the edge.
            assert key.region.width == key.get_content_width(app.size, app.size)
            assert key.region.right <= palette.region.x, f"{key.description!r} is cut off"


@pytest.mark.parametrize("width", [60, 50])
async def test_a_narrow_terminal_shows_whole_keys_and_no_stray_character(
    width: int, make_app: MakeApp
) -> None:
    from screens.textual_shim import FooterKey

    app = make_app()
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        keys = [key for key in app.screen.query(FooterKey) if key.display]
        palette = next(key for key in keys if key.has_class("-command-palette"))
        shown = [key for key in keys if key is not palette]
        assert [key.description for key in shown][:2] == ["Done", "Skip"]
        assert all(key.region.right <= palette.region.x for key in shown)
        # What does not fit is hidden whole, not drawn in part under the palette key.
        hidden = [key for key in app.screen.query(FooterKey) if not key.display]
        assert [key.description for key in hidden][-2:] == ["Cramping now", "Help"]
        await pilot.resize_terminal(100, 24)
        await pilot.pause()
        await pilot.pause()
        wide = [key.description for key in app.screen.query(FooterKey) if key.display]
        assert "Cramping now" in wide and "Help" in wide  # back with the room


async def test_up_on_the_first_step_and_down_on_the_last_stay_put(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.screen.query_one("#timeline", OptionList)
        await pilot.press("home", "up")
        assert timeline.highlighted == 0  # not bedtime's step
        await pilot.press("end", "down")
        assert timeline.highlighted == timeline.option_count - 1
        await pilot.press("up")
        assert timeline.highlighted == timeline.option_count - 2


@pytest.mark.parametrize(
    ("hh", "mm", "day"),
    [pytest.param(3, 5, 23, id="at-night"), pytest.param(23, 40, 22, id="first-start-late")],
)
async def test_after_bedtime_unmarked_steps_are_not_called_due_or_passed(
    hh: int, mm: int, day: int, ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)
    ctx.store.record_cramps(NIGHT, 0)  # so the morning check-in stays away
    clock.set(datetime(2026, 11, day, hh, mm, tzinfo=BERLIN))
    app = make_app(first_run=False)
    async with app.run_test(size=(100, 30)) as pilot:
        lines = timeline_lines(app)
        assert all("not marked" in line for line in lines)
        assert not any("due" in line for line in lines)
        countdown = text_of(app, "#countdown")
        assert countdown == "Bedtime was at 22:30. 5 steps not marked: d if you did it, x if not."
        assert "passed" not in countdown
        await pilot.press("home", "d")
        assert outcome(ctx, "last-meal") == "done"
        assert "4 steps not marked" in text_of(app, "#countdown")


async def test_the_eased_form_fits_80x24_and_enter_after_choosing_the_leg_saves(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    """By keys alone, at 80x24: severity, tab to the leg, enter opens the list, down and
    enter choose, and the next enter saves (it reopened the list); Save is in view."""
    at(clock, 23, 50)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, CrampScreen)
        clock.advance(150)
        screen.tick()
        await pilot.press("e")
        await pilot.pause()
        save = screen.query_one("#cramp-save")
        assert screen.region.contains_region(save.region), save.region  # not below the fold
        assert 0 < save.region.bottom <= 23  # above the footer
        await pilot.press("6", "tab", "enter")  # the leg list opens
        await pilot.press("down", "enter")  # "left", the first leg
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, UrgentSignsScreen))
        assert isinstance(app.screen, UrgentSignsScreen)
    events = ctx.store.events(NIGHT, NIGHT, "cramp-episode")
    assert (events[-1].data["severity"], events[-1].data["leg"]) == (6, "left")
