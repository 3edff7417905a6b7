"""Pilot tests of the guided evening ("Start my evening"), on a fake clock: it moves on by
itself, records done and skipped, opens the stretch player, respects a no-stretch night, and
says each step aloud as it falls due."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from textual.pilot import Pilot
from textual.widgets import Static

from coach.clock import FakeClock
from coach.session import Session
from screens.app import CoachApp
from screens.step_card import SkipReasonScreen
from screens.stretch_player import StretchScreen
from screens.tonight import TonightScreen
from screens.wind_down import GOOD_NIGHT, WindDownScreen
from tests.support import BERLIN
from tests.support.apps import MakeApp, settle
from tests.support.experiments import mid_no_stretch_period
from tests.support.fakes import RecordingSpeaker

NIGHT = date(2026, 11, 22)


def at(clock: FakeClock, hh: int, mm: int) -> None:
    clock.set(datetime(2026, 11, 22, hh, mm, tzinfo=BERLIN))


def shown(app: CoachApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def outcome(ctx: Session, step: str) -> tuple[str, str | None] | None:
    record = ctx.store.latest_outcomes(NIGHT, NIGHT).get((NIGHT, step))
    return None if record is None else (record.outcome, record.reason)


def spoken(speaker: RecordingSpeaker) -> list[str]:
    return [cue.text for cue in speaker.cues]


async def tick(pilot: Pilot[None], screen: WindDownScreen) -> None:
    """What the screen's one-second timer does, without waiting a second."""
    screen.refresh_view()
    await pilot.pause()


def evening_app(ctx: Session, make_app: MakeApp, speaker: RecordingSpeaker) -> CoachApp:
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)  # so the check-in stays away
    return make_app(first_run=False, speaker=lambda app: speaker)


async def test_the_evening_moves_on_by_itself_and_records_done_and_skipped(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    speaker = RecordingSpeaker()
    at(clock, 21, 25)
    app = evening_app(ctx, make_app, speaker)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, WindDownScreen)
        # Hydration is still due (until screens off); the last meal is behind, overtaken.
        assert shown(app, "#now-title") == "Hydration"
        assert shown(app, "#now-when") == "Now · 20:30"
        assert "21:30  Screens off" in shown(app, "#evening-later")
        assert "Last meal" not in shown(app, "#evening-later")
        assert spoken(speaker) == [
            "Hydration. Drink a glass of water now, then drink less for the night. Skip "
            "this if a doctor limits how much you drink."
        ]
        await pilot.press("d")
        assert outcome(ctx, "hydration") == ("done", None)
        assert shown(app, "#now-title") == "Screens off"
        assert shown(app, "#now-when") == "Next, at 21:30 · in 5 min"
        assert len(speaker.cues) == 1  # nothing is said before a step's time

        at(clock, 21, 30)  # its time comes: said, with a chime
        await tick(pilot, screen)
        assert shown(app, "#now-when") == "Now · 21:30"
        assert speaker.cues[-1].chime
        assert spoken(speaker)[-1] == "Screens off. Time to put screens away and dim the lights."

        at(clock, 22, 20)  # the stretches fall due, screens off not marked: into the player
        await tick(pilot, screen)
        assert isinstance(app.screen, StretchScreen)
        assert spoken(speaker)[-1].startswith("Calf and hamstring stretches. ")
        await pilot.press("escape")  # not started: back out, nothing recorded
        await pilot.pause()
        assert app.screen is screen
        assert outcome(ctx, "stretch") is None
        assert "enter: start the stretches" in shown(app, "#now-keys")

        at(clock, 22, 30)  # bedtime comes with the stretches not done: it moves on
        await tick(pilot, screen)
        assert shown(app, "#now-title") == "Sleep position"
        assert "Loosen the covers" in shown(app, "#now-what")
        assert spoken(speaker)[-1].startswith("Sleep position. Loosen the covers")
        assert app.screen is screen  # the player is not opened twice

        await pilot.press("x")
        assert isinstance(app.screen, SkipReasonScreen)
        await pilot.press(*"too tired", "enter")
        await pilot.pause()
        assert outcome(ctx, "sleep-position") == ("skipped", "too tired")
        assert shown(app, "#now-title") == GOOD_NIGHT
        assert shown(app, "#now-when") == "1 of 5 steps done tonight."
        assert spoken(speaker)[-1] == GOOD_NIGHT
        await pilot.press("escape")
        assert isinstance(app.screen, TonightScreen)
    # Overtaken steps are left for the user to mark on Tonight; the walk records nothing.
    assert outcome(ctx, "screens-off") is None
    assert outcome(ctx, "stretch") is None


async def test_the_stretches_done_in_the_player_lead_to_the_sleep_position_tip(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    speaker = RecordingSpeaker()
    at(clock, 22, 19)
    ctx.store.record_step(NIGHT, "screens-off", "done")
    app = evening_app(ctx, make_app, speaker)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, WindDownScreen)
        at(clock, 22, 20)
        await tick(pilot, screen)
        player = app.screen
        assert isinstance(player, StretchScreen)
        await pilot.press("space")
        for _ in range(40):  # every hold and rest, to the end
            clock.advance(10)
            player.tick()
            if not player.is_attached:
                break
        await settle(pilot, lambda: app.screen is screen)
        await pilot.pause()
        assert outcome(ctx, "stretch") is not None
        assert outcome(ctx, "stretch") == ("done", None)
        assert shown(app, "#now-title") == "Sleep position"
        assert shown(app, "#now-when").startswith("Next, at 22:30")
        await pilot.press("d")
        assert outcome(ctx, "sleep-position") == ("done", None)
        assert shown(app, "#now-title") == GOOD_NIGHT
        assert shown(app, "#now-when") == "3 of 5 steps done tonight."


async def test_a_no_stretch_night_walks_past_the_stretches(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    mid_no_stretch_period(ctx)
    speaker = RecordingSpeaker()
    at(clock, 22, 15)
    app = evening_app(ctx, make_app, speaker)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, WindDownScreen)
        assert "no-stretch" in shown(app, "#evening-experiment")
        # Screens off is still due: the stretch step is not on tonight's plan.
        assert shown(app, "#now-title") == "Screens off"
        assert "Calf" not in shown(app, "#evening-later")
        await pilot.press("d")
        assert shown(app, "#now-title") == "Sleep position"
        for minute in (20, 25, 30):
            at(clock, 22, minute)
            await tick(pilot, screen)
            assert app.screen is screen  # no player, at any time
        assert not any("stretches" in text for text in spoken(speaker))
        assert spoken(speaker)[-1].startswith("Sleep position.")
        await pilot.press("d")
        assert shown(app, "#now-when") == "2 of 4 steps done tonight."
    assert outcome(ctx, "stretch") is None


async def test_the_screens_off_reminder_opens_the_evening_and_a_repeat_is_said_again(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    speaker = RecordingSpeaker()
    at(clock, 21, 30)
    app = evening_app(ctx, make_app, speaker)
    async with app.run_test(size=(80, 24)) as pilot:
        app.step_due("hydration", NIGHT)  # another step's reminder leaves Tonight as it is
        await pilot.pause()
        assert isinstance(app.screen, TonightScreen)
        app.step_due("screens-off", NIGHT)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WindDownScreen)
        assert shown(app, "#now-title") == "Screens off"
        assert spoken(speaker) == ["Screens off. Time to put screens away and dim the lights."]
        clock.advance(600)  # a snoozed reminder comes back: said once more
        app.step_due("screens-off", NIGHT)
        await pilot.pause()
        assert app.screen is screen
        assert len(spoken(speaker)) == 2


async def test_the_evening_at_night_is_a_good_night(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    speaker = RecordingSpeaker()
    clock.set(datetime(2026, 11, 23, 3, 5, tzinfo=BERLIN))
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)
    ctx.store.record_cramps(NIGHT, 0)
    app = make_app(first_run=False, speaker=lambda app: speaker)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        assert shown(app, "#now-title") == GOOD_NIGHT
        assert "press c" in shown(app, "#now-what")
        assert not app.screen.check_action("done", ())
