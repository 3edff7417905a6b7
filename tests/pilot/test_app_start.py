"""What the app owes the user as it starts: a welcome form nothing covers, and the records
set aside since they were last told."""

from __future__ import annotations

import json
from datetime import date, datetime

from coach.clock import FakeClock
from coach.records.store import Store
from coach.session import Session
from screens.app import desktop_reminders
from screens.settings import SettingsScreen
from tests.support import BERLIN
from tests.support.apps import MakeApp, settle
from tests.support.fakes import RecordingNotifier

NIGHT = date(2026, 11, 22)


async def test_the_welcome_form_is_not_covered_and_reminders_follow_its_answer(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    # 21:35 in Berlin: with the default 22:30 bedtime, the screen cutoff (21:30) is due.
    clock.set(datetime(2026, 11, 22, 21, 35, tzinfo=BERLIN))
    desktop = RecordingNotifier()
    app = make_app(first_run=True, reminders=desktop_reminders(desktop))
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, SettingsScreen)
        # Longer than the usual start delay: still nothing while the form is open.
        await pilot.pause(1.5)
        assert app.reminders is None
        assert desktop.sent == []
        assert not [n for n in app._notifications if "bedtime" in (n.title or "")]

        # The user moves bedtime to 23:30: the cutoff is at 22:30, not due yet.
        bedtime = app.screen.query_one("#bedtime")
        bedtime.value = "23:30"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.reminders is not None)
        assert app.reminders is not None
        assert not isinstance(app.screen, SettingsScreen)
        await pilot.pause(0.3)
        # What was due for the guessed bedtime is not sent for the chosen one.
        assert [title for title, _ in desktop.sent if "Screens off" in title] == []


async def test_records_set_aside_by_another_process_are_told_once_at_start(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    ctx.store.record_step(NIGHT, "stretch", "done")
    path = ctx.paths.db_dir / "2026-11.json"
    data = json.loads(path.read_bytes())
    data["outcomes"]["1"]["late"] = "very"
    path.write_text(json.dumps(data))
    # The daemon reads the month and sets the record aside; it tells nobody.
    daemon = Store(ctx.paths.db_dir, ctx.paths.lock_file, clock, "daemon@here")
    assert daemon.latest_outcomes(NIGHT, NIGHT) == {}

    app = make_app(first_run=False)
    async with app.run_test(size=(100, 30)) as pilot:

        def told() -> list[str]:
            return [n.message for n in app._notifications if n.title == "Records set aside"]

        await settle(pilot, lambda: told())
        assert len(told()) == 1
        assert told()[0].startswith(f"{path}: 1 record did not fit") and "'late'" in told()[0]
    # Told once: the next start has nothing to say.
    assert ctx.store.take_notices() == []


async def test_a_damaged_experiment_plan_is_told_at_start_and_tonight_keeps_its_stretch(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    """Issue 23, case 2: the app starts, says where the plan was set aside, and shows the
    usual routine."""
    from screens.tonight import TonightScreen

    clock.set(datetime(2026, 11, 22, 20, 0, tzinfo=BERLIN))
    ctx.store.set_state(
        "experiment",
        {"run_in_start": "2026-11-01", "start": "9999-01-01", "arms": ["stretch"] * 3},
    )
    app = make_app(first_run=False)
    async with app.run_test(size=(100, 30)) as pilot:

        def told() -> list[str]:
            return [n.message for n in app._notifications if n.title == "Records set aside"]

        await settle(pilot, lambda: told())
        assert isinstance(app.screen, TonightScreen)
        assert "the stored experiment plan does not fit" in told()[0]
        assert "stretch" in [row.id for row in app.screen.rows]
