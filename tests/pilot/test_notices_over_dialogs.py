"""A notice that comes while a dialog is open never hides the dialog (at 80x24 a toast at
the bottom right covered the stretch player's stop dialog for its whole life)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from textual.geometry import Region

from coach.clock import FakeClock
from coach.session import Session
from screens.checkin import CheckinScreen
from screens.history import HistoryScreen
from screens.messages import Say
from screens.stretch_player import StopStretchScreen
from screens.wind_down import WindDownScreen
from tests.support import BERLIN
from tests.support.apps import MakeApp, MorningApp, settle

NIGHT = date(2026, 11, 22)
NOTICE = (
    "Desktop reminders cannot be shown here: coach doctor, in a terminal, says why "
    "and what helps. Reminders will show here instead."
)


def overlap(a: Region, b: Region) -> bool:
    return bool(a.intersection(b).area)


async def test_a_notice_over_the_stop_dialog_leaves_the_dialog_in_view(
    ctx: Session, make_app: MakeApp
) -> None:
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)
    app = make_app(first_run=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.push_screen(StopStretchScreen(2, 6))
        await pilot.pause()
        app.notify(NOTICE, severity="warning", timeout=15)
        app.notify("Stretches: 2 of 6 holds so far.", timeout=15)
        await settle(pilot, lambda: len(app.screen.query("Toast")) == 2)
        dialog = app.screen.query_one("#dialog").region
        toasts = [toast.region for toast in app.screen.query("Toast")]
        assert len(toasts) == 2 and all(region.area for region in toasts)
        for region in toasts:
            assert not overlap(region, dialog), (region, dialog)


def shown(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


async def test_a_background_notice_waits_for_the_check_in_to_close_and_is_said_once(
    ctx: Session, clock: FakeClock
) -> None:
    """At 80x24 the check-in fills the screen: "Desktop reminders are off" covered its
    question. It now waits until the check-in closes; said twice (two speakers, say),
    it shows once."""
    clock.set(datetime(2026, 11, 23, 7, 30, tzinfo=BERLIN))
    app = MorningApp(ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        assert isinstance(app.screen, CheckinScreen)
        app.post_message(Say(NOTICE))
        await pilot.pause()
        assert NOTICE not in shown(app)
        assert not app.screen.query("Toast")
        await pilot.press("escape")
        await settle(pilot, lambda: NOTICE in shown(app))
        chimes = "No sound for chimes (no player); the terminal bell instead."
        app.post_message(Say(chimes))
        app.post_message(Say(chimes))
        app.post_message(Say(NOTICE))
        await pilot.pause()
        assert shown(app).count(chimes) == 1 and shown(app).count(NOTICE) == 1


async def test_a_late_reminder_goes_when_its_step_is_marked_done(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)
    for step in ("last-meal", "hydration"):
        ctx.store.record_step(NIGHT, step, "done")
    clock.set(datetime(2026, 11, 22, 21, 50, tzinfo=BERLIN))  # screens off was at 21:30
    app = make_app(first_run=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        app.step_due("screens-off", NIGHT, late_by=timedelta(minutes=20))
        await settle(pilot, lambda: any("This reminder is late" in m for m in shown(app)))
        # It opened the guided evening on screens off; d marks it done.
        assert isinstance(app.screen, WindDownScreen)
        await pilot.press("d")
        await pilot.pause()
        assert not any("This reminder is late" in m for m in shown(app))
        assert "Screens off: done." in shown(app)
    assert ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "screens-off")].outcome == "done"


async def test_the_saved_report_notice_goes_with_the_history(
    ctx: Session, make_app: MakeApp, tmp_path: Path
) -> None:
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)
    app = make_app(first_run=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("h")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        history._exported(tmp_path / "coach-report.pdf", tmp_path / "coach-data.csv")
        await pilot.pause()
        assert any(m.startswith("Saved coach-report.pdf") for m in shown(app))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HistoryScreen)
        assert not any(m.startswith("Saved coach-report.pdf") for m in shown(app))


async def test_a_background_notice_on_show_steps_aside_for_a_dialog_and_comes_back(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)
    app = make_app(first_run=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.post_message(Say(NOTICE))
        await settle(pilot, lambda: NOTICE in shown(app))
        await pilot.press("m")  # the check-in, over the whole screen at 80x24
        await settle(pilot, lambda: isinstance(app.screen, CheckinScreen))
        assert NOTICE not in shown(app)
        await pilot.press("escape")
        await settle(pilot, lambda: NOTICE in shown(app))
        assert shown(app).count(NOTICE) == 1
