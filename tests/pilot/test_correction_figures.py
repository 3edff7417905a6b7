"""A correction in History moves every figure on the screen together, and deleting a
night's cramps asks first and says how to undo it.

The diary is written through the command line; the correction is made with the keys."""

from __future__ import annotations

from datetime import date, datetime

from textual.widgets import Static

from coach.cli.main import main
from coach.clock import FakeClock
from coach.session import Session
from screens.correct_night import CorrectNight
from screens.history import HistoryScreen
from tests.support import BERLIN
from tests.support.apps import HistoryApp, settle

STEPS = ("last-meal", "hydration", "screens-off", "stretch", "sleep-position")
LAST_NIGHT = date(2026, 11, 21)


def keep_the_diary(ctx: Session) -> None:
    """Sun 15 to Sat 21 Nov: every step done but the last meal on the 15th and the 21st
    (skipped); no cramps but on the 21st, logged on Sunday morning."""
    for day in range(15, 22):
        night = ["--night", f"2026-11-{day}"]
        for step in STEPS:
            skipped = step == "last-meal" and day in (15, 21)
            assert main(["skip" if skipped else "done", step, *night], context=ctx) == 0
        cramps = ["--count", "1", "--severity", "4"] if day == 21 else ["--none"]
        assert main(["cramp", *cramps, *night], context=ctx) == 0


def summary(app: HistoryApp) -> str:
    return str(app.screen.query_one("#summary", Static).render())


def step_row(text: str, title: str) -> list[str]:
    """A step's shares over 7, 30 and 90 nights, as the summary shows them."""
    row = next(line for line in text.splitlines() if line.startswith(title))
    return row[len(title) :].split()


def toasts(app: HistoryApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_a_correction_and_a_deleted_cramp_log_move_every_figure_together(
    ctx: Session, clock: FakeClock
) -> None:
    clock.jump(datetime(2026, 11, 22, 10, 0, tzinfo=BERLIN))  # Sunday morning, before noon
    keep_the_diary(ctx)
    app = HistoryApp(ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        history = app.screen
        assert isinstance(history, HistoryScreen)
        await settle(pilot, lambda: history.complete)
        await pilot.press("enter")
        editor = app.screen
        assert isinstance(editor, CorrectNight) and editor.night == LAST_NIGHT
        await pilot.press("d", "escape")  # the last meal was eaten after all
        corrected = summary(app)
        # The night now counts in every figure: the streak, each step's share, strength.
        assert "Streak 6 nights" in corrected
        assert step_row(corrected, "Last meal") == ["86%", "86%", "86%"]  # 6 of 7 nights

        await pilot.press("enter", "D")
        assert isinstance(app.screen, CorrectNight)
        assert "Cramps: 1 cramp" in str(app.screen.query_one("#correct-cramps", Static).render())
        assert any(t.startswith("Press D again to delete the cramp log") for t in toasts(app))
        assert ctx.store.cramp_logs(LAST_NIGHT, LAST_NIGHT) != {}  # asked, not deleted
        await pilot.press("D")
        assert ctx.store.cramp_logs(LAST_NIGHT, LAST_NIGHT) == {}
        assert (
            "Deleted: the cramp log and episodes of the night of Sat 21 Nov. "
            "Press u on History to undo." in toasts(app)
        )
        await pilot.press("escape")
        # The steps did not change: neither do the figures about them (taking the morning
        # log back before noon used to drop the night from the shares and the strength
        # while the streak and "every step done" still counted it).
        assert summary(app) == corrected
        await pilot.press("u")
        await settle(pilot, lambda: ctx.store.cramp_logs(LAST_NIGHT, LAST_NIGHT) != {})
        assert ctx.store.cramp_logs(LAST_NIGHT, LAST_NIGHT) != {}
        assert summary(app) == corrected


async def test_any_other_key_between_the_two_ds_keeps_the_cramps(
    ctx: Session, clock: FakeClock
) -> None:
    clock.jump(datetime(2026, 11, 22, 10, 0, tzinfo=BERLIN))
    keep_the_diary(ctx)
    app = HistoryApp(ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "D", "down", "D")
        assert isinstance(app.screen, CorrectNight)
        assert ctx.store.cramp_logs(LAST_NIGHT, LAST_NIGHT) != {}  # asked again, not deleted
        assert sum(t.startswith("Press D again") for t in toasts(app)) == 2
