"""Red flags in the app: an urgent one from the check-in, from "cramping now" past 10
minutes and from a note opens the dialog; acknowledging it is recorded; one not yet
acknowledged comes back at the next start; the weekly questions."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from textual.widgets import Input, RadioSet, Static

from coach.clock import FakeClock
from coach.safety.flags import ACK_EVENT, FLAG_EVENT, open_flags
from coach.safety.rules import check_after_save
from coach.session import Session
from screens.app import CoachApp
from screens.checkin import CheckinScreen
from screens.cramp import CrampScreen
from screens.redflag import RedFlagScreen
from tests.support import BERLIN
from tests.support.apps import MakeApp

SUNDAY = date(2026, 11, 22)
MONDAY_MORNING = datetime(2026, 11, 23, 7, 30, tzinfo=BERLIN)


def flag_ids(ctx: Session, kind: str, night: date = SUNDAY) -> list[str]:
    return [str(e.data["flag"]) for e in ctx.store.events(night, night, kind)]


def dialog_text(app: CoachApp) -> str:
    return "\n".join(str(s.render()) for s in app.screen.query(".flag").results(Static))


async def open_checkin(app: CoachApp, pilot: object) -> CheckinScreen:
    app.action_checkin(SUNDAY)
    await pilot.pause()  # type: ignore[attr-defined]
    screen = app.screen
    assert isinstance(screen, CheckinScreen)
    return screen


async def test_a_note_in_the_check_in_raises_the_dialog_and_ack_is_recorded(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    clock.set(MONDAY_MORNING)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        checkin = await open_checkin(app, pilot)
        checkin.query_one("#count", Input).value = "1"
        checkin.query_one("#note", Input).value = "calf hot, red and tender"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RedFlagScreen)
        assert "URGENT: One calf swollen, red, warm or tender" in dialog_text(app)
        assert "Contact a doctor or an urgent care service today." in dialog_text(app)
        assert flag_ids(ctx, FLAG_EVENT) == ["clot-calf-2026-11-22"]
        assert flag_ids(ctx, ACK_EVENT) == []
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, RedFlagScreen)
    assert flag_ids(ctx, ACK_EVENT) == ["clot-calf-2026-11-22"]
    assert open_flags(ctx.store, SUNDAY) == []


async def test_the_check_in_longest_band_over_10_raises_the_dialog(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    clock.set(MONDAY_MORNING)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        checkin = await open_checkin(app, pilot)
        checkin.query_one("#count", Input).value = "1"
        checkin.query_one("#longest", RadioSet).focus()
        await pilot.press("right", "right", "right", "enter")  # "over 10"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RedFlagScreen)
        assert "A cramp lasted more than 10 minutes" in dialog_text(app)
        await pilot.press("enter")
    assert flag_ids(ctx, ACK_EVENT) == ["long-cramp-2026-11-22"]


async def test_cramping_now_past_10_minutes_raises_the_dialog_while_it_lasts(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    clock.set(datetime(2026, 11, 22, 23, 40, tzinfo=BERLIN))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        cramp = app.screen
        assert isinstance(cramp, CrampScreen)
        clock.advance(10 * 60)
        cramp.tick()
        await pilot.pause()
        assert app.screen is cramp  # exactly 10 minutes is not more than 10
        clock.advance(5)
        cramp.tick()
        await pilot.pause()
        assert isinstance(app.screen, RedFlagScreen)
        assert "A cramp lasted more than 10 minutes (10 min 5 s)" in dialog_text(app)
        # Stored before the cramp has eased: nothing is lost if the laptop is closed now.
        assert flag_ids(ctx, FLAG_EVENT) == ["long-cramp-2026-11-22"]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is cramp
        assert flag_ids(ctx, ACK_EVENT) == ["long-cramp-2026-11-22"]
        await pilot.press("e", "enter")  # eased; save: the flag is not raised again
        await pilot.pause()
        assert not isinstance(app.screen, RedFlagScreen)
    assert flag_ids(ctx, FLAG_EVENT) == ["long-cramp-2026-11-22"]


async def test_an_unacknowledged_flag_comes_back_at_the_next_start(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    ctx.store.record_cramps(SUNDAY, 1, notes="left calf swollen and I am short of breath")
    raised = check_after_save(ctx.store, ctx.settings, clock.now(), SUNDAY)
    assert [f.action for f in raised] == ["emergency"]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, RedFlagScreen)
        assert "Call your emergency number now." in dialog_text(app)
        await pilot.press("escape")  # later
        await pilot.pause()
        assert not isinstance(app.screen, RedFlagScreen)
    assert flag_ids(ctx, ACK_EVENT) == []
    again = make_app()
    async with again.run_test(size=(100, 30)) as pilot:
        await again.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(again.screen, RedFlagScreen)
        await pilot.click("#flag-ack-button")
    assert flag_ids(ctx, ACK_EVENT) == ["clot-lung-2026-11-22"]
    third = make_app()
    async with third.run_test(size=(100, 30)) as pilot:
        await third.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(third.screen, RedFlagScreen)


async def test_the_weekly_questions_are_asked_once_a_week(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    clock.set(MONDAY_MORNING)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        checkin = await open_checkin(app, pilot)
        checkin.query_one("#count", Input).value = "1"
        checkin.query_one("#walking_pain", RadioSet).focus()
        await pilot.press("enter")  # yes
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, RedFlagScreen)  # not urgent: a notice
    assert flag_ids(ctx, FLAG_EVENT) == ["claudication-2026-11-22"]
    assert [f.level for f in open_flags(ctx.store, SUNDAY)] == ["soon"]
    clock.advance(6 * 24 * 3600)
    later = make_app()
    async with later.run_test(size=(100, 40)) as pilot:
        checkin = await open_checkin(later, pilot)
        assert not checkin.query("#walking_pain")
    clock.advance(24 * 3600)
    week = make_app()
    async with week.run_test(size=(100, 40)) as pilot:
        checkin = await open_checkin(week, pilot)
        assert checkin.query("#walking_pain")


async def test_an_urgent_flag_merged_from_another_copy_opens_the_dialog(
    ctx: Session, clock: FakeClock, make_app: MakeApp, tmp_path: Path
) -> None:
    from coach.cli.main import main
    from coach.system.paths import Paths

    other_home = tmp_path / "laptop"
    other_home.mkdir()
    (other_home / "config.toml").write_text('timezone = "Europe/Berlin"\n')
    # Raised three weeks ago on the laptop: older than the nights a merge checks again, so
    # only the merged flag itself can open the dialog here.
    then = FakeClock(datetime(2026, 11, 2, 7, 30, tzinfo=BERLIN))
    laptop = Session(Paths.resolve(other_home), kind="laptop", clock=then)
    night = date(2026, 11, 1)
    laptop.store.record_cramps(night, 1, notes="left calf swollen and I am short of breath")
    assert check_after_save(laptop.store, laptop.settings, then.now(), night)
    clock.set(MONDAY_MORNING)
    ctx.store.record_cramps(date(2026, 11, 21), 0)  # this copy has a diary of its own
    assert main(["merge", str(other_home)], context=ctx) == 0
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, RedFlagScreen)
        assert "Call your emergency number now." in dialog_text(app)
        await pilot.click("#flag-ack-button")
    assert flag_ids(ctx, ACK_EVENT, night) == ["clot-lung-2026-11-01"]
    again = make_app()
    async with again.run_test(size=(100, 30)) as pilot:
        await again.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(again.screen, RedFlagScreen)
