"""The urgent-signs checklist that ends the morning check-in and the "cramping now" guide:
one key when none applies, a number to tick a sign, and a ticked sign raising its flag at
once, as the same sign in a note would."""

from __future__ import annotations

from datetime import date, datetime

from textual.widgets import Checkbox, Input, Static

from coach.clock import FakeClock
from coach.safety.flags import FLAG_EVENT, LIMITS
from coach.session import Session
from screens.app import CoachApp
from screens.checkin import CheckinScreen
from screens.cramp import CrampScreen
from screens.redflag import RedFlagScreen
from screens.urgent_signs import UrgentSignsScreen
from tests.support import BERLIN
from tests.support.apps import MakeApp

SUNDAY = date(2026, 11, 22)
MONDAY_MORNING = datetime(2026, 11, 23, 7, 30, tzinfo=BERLIN)


def answers(ctx: Session, night: date = SUNDAY) -> list[dict[str, object]]:
    return [dict(e.data) for e in ctx.store.events(night, night, "safety-answers")]


def flags(ctx: Session, night: date = SUNDAY) -> list[str]:
    return [str(e.data["flag"]) for e in ctx.store.events(night, night, FLAG_EVENT)]


def dialog_text(app: CoachApp) -> str:
    return "\n".join(str(s.render()) for s in app.screen.query(".flag").results(Static))


async def open_checkin(app: CoachApp, pilot: object) -> CheckinScreen:
    app.action_checkin(SUNDAY)
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, CheckinScreen)
    return app.screen


async def test_the_check_in_ends_with_the_checklist_and_none_is_one_key(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    clock.set(MONDAY_MORNING)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_checkin(app, pilot)
        await pilot.press("n")  # no cramps: the log is saved, the checklist asks
        await pilot.pause()
        assert isinstance(app.screen, UrgentSignsScreen)
        assert ctx.store.cramp_logs(SUNDAY, SUNDAY)[SUNDAY].cramps == 0
        labels = [str(box.label) for box in app.screen.query(Checkbox).results(Checkbox)]
        assert labels[0] == "1 One calf swollen"
        assert "did not ease when you moved the leg" in labels[4]
        assert str(app.screen.query_one("#signs-limits", Static).content) == LIMITS
        await pilot.press("n")  # none of these
        await pilot.pause()
        assert not isinstance(app.screen, UrgentSignsScreen | CheckinScreen)
    assert answers(ctx) == [{"signs": []}]
    assert flags(ctx) == []


async def test_a_ticked_sign_raises_its_flag_at_once(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    clock.set(MONDAY_MORNING)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        checkin = await open_checkin(app, pilot)
        checkin.query_one("#count", Input).value = "1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, UrgentSignsScreen)
        await pilot.press("1", "3")  # one calf swollen; breathless
        # A tick reads as one without colour: a mark on the two ticked, none on the rest.
        marks = [str(box.render())[:3] for box in app.screen.query(Checkbox)]
        assert [m[1] for m in marks] == ["\u2713", " ", "\u2713", " ", " ", " "], marks
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RedFlagScreen)
        assert "A swollen or painful calf with breathlessness" in dialog_text(app)
        assert "Call your emergency number now." in dialog_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, RedFlagScreen | UrgentSignsScreen | CheckinScreen)
    assert answers(ctx) == [{"signs": ["calf-swollen", "breathless"]}]
    assert flags(ctx) == ["clot-lung-2026-11-22"]


async def test_closing_the_checklist_keeps_the_log_and_answers_nothing(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    clock.set(MONDAY_MORNING)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_checkin(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("2", "escape")  # ticked, then closed: not an answer
        await pilot.pause()
        assert not isinstance(app.screen, UrgentSignsScreen | CheckinScreen)
    assert ctx.store.cramp_logs(SUNDAY, SUNDAY)[SUNDAY].cramps == 0
    assert answers(ctx) == []
    assert flags(ctx) == []


async def test_the_cramping_now_guide_ends_with_the_checklist(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    clock.set(datetime(2026, 11, 22, 23, 40, tzinfo=BERLIN))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        assert isinstance(app.screen, CrampScreen)
        clock.advance(90)
        await pilot.press("e", "enter")  # eased after 1:30; saved
        await pilot.pause()
        assert isinstance(app.screen, UrgentSignsScreen)
        await pilot.press("6", "enter")  # a dirty wound or a toxin
        await pilot.pause()
        assert isinstance(app.screen, RedFlagScreen)
        assert "Cramps after contact with a toxin or after a dirty wound" in dialog_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, RedFlagScreen | UrgentSignsScreen | CrampScreen)
    assert answers(ctx) == [{"signs": ["wound-or-toxin"]}]
    assert flags(ctx) == ["tetanus-2026-11-22"]


async def test_breathless_ticked_alone_raises_its_own_flag(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    clock.set(MONDAY_MORNING)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_checkin(app, pilot)
        await pilot.press("n")  # no cramps; the checklist asks
        await pilot.pause()
        await pilot.press("3", "enter")  # breathless, no calf sign
        await pilot.pause()
        assert isinstance(app.screen, RedFlagScreen)
        assert "Breathlessness or chest pain (your answer: breathless)" in dialog_text(app)
        assert "do not wait, ask a doctor today" in dialog_text(app)
    assert answers(ctx) == [{"signs": ["breathless"]}]
    assert flags(ctx) == ["breath-2026-11-22"]


async def test_chest_pain_typed_in_the_check_in_note_is_said_as_a_tick_would_be(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    clock.set(MONDAY_MORNING)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        checkin = await open_checkin(app, pilot)
        checkin.query_one("#count", Input).value = "1"
        checkin.query_one("#note", Input).value = "crushing pain in my chest"
        await pilot.press("ctrl+s")
        await pilot.pause()
        if isinstance(app.screen, UrgentSignsScreen):  # the checklist may come first
            await pilot.press("n")
            await pilot.pause()
        assert isinstance(app.screen, RedFlagScreen)
        assert "Breathlessness or chest pain (note:" in dialog_text(app)
        assert "do not wait, ask a doctor today" in dialog_text(app)
    assert flags(ctx) == ["breath-2026-11-22"]
