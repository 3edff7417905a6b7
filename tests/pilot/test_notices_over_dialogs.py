"""A notice that comes while a dialog is open never hides the dialog (at 80x24 a toast at
the bottom right covered the stretch player's stop dialog for its whole life)."""

from __future__ import annotations

from datetime import date, timedelta

from textual.geometry import Region

from coach.session import Session
from screens.stretch_player import StopStretchScreen
from tests.support.apps import MakeApp, settle

NIGHT = date(2026, 11, 22)
NOTICE = (
    "Desktop reminders are off: `coach doctor` says how to turn them on. Reminders will "
    "show here instead."
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
