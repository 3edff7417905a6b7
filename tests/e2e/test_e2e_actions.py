"""End to end: a reminder's buttons, pressed in a real notification server.

The reminder host runs here on a real APScheduler and a real clock (shifted so that screens
off falls due two seconds after the start), sends through the session bus to dunst, and
`dunstctl action` presses a button: dunst lists the buttons to its menu program (here a
script that picks the one the test wants) and sends `ActionInvoked` back, as a click would.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from coach.reminders.host import DueReminder, ReminderHost, desktop_notifier
from coach.session import Session
from coach.system.paths import Paths
from tests.support import BERLIN
from tests.support.desktop import Desktop, coach_home_in
from tests.support.reminder_support import ShiftedClock

NIGHT = date(2026, 11, 22)
SNOOZE = timedelta(seconds=3)
"""The snooze interval, shortened for the test (notifications.snooze_minutes is whole minutes)."""

PICK = """#!/bin/sh
# dunst's menu program: it reads one line per button, "#Label (summary) [id,key]", keeps
# them (for the test to read), and answers with the line of the button the test chose.
tee -a {seen} | grep -m1 ",$(cat {choice})]"
"""


def menu_picks(desktop: Desktop) -> Path:
    """Set dunst's menu to a script that presses the button named in the returned file."""
    choice = desktop.root / "choice"
    script = desktop.root / "pick"
    script.write_text(PICK.format(choice=choice, seen=desktop.root / "menu-lines"))
    script.chmod(0o755)
    config = desktop.root / "config" / "dunst"
    config.mkdir(parents=True)
    # Each notification on its own: dunst would otherwise fold the repeat into the first.
    (config / "dunstrc").write_text(
        f"[global]\n    dmenu = {script}\n    stack_duplicates = false\n"
    )
    return choice


def wait_until(what: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if what():
            return True
        time.sleep(0.1)
    return what()


def host_at_screens_off(home: Path, sent: list[DueReminder]) -> tuple[Session, ReminderHost]:
    """The reminder host on `home`, with its clock two seconds before screens off (21:30)."""
    clock = ShiftedClock.starting_at(datetime(2026, 11, 22, 21, 29, 58, tzinfo=BERLIN))
    ctx = Session(Paths.resolve(home), kind="daemon", clock=clock)
    # The steps before are done, so screens off is the only reminder.
    ctx.store.record_step(NIGHT, "last-meal", "done")
    ctx.store.record_step(NIGHT, "hydration", "done")
    host = ReminderHost(
        ctx,
        "daemon",
        desktop_notifier(ctx.settings),
        on_due=sent.append,
        watch=False,
        snooze_interval=SNOOZE,
    )
    return ctx, host


async def run_host(host: ReminderHost, body: Callable[[], object]) -> None:
    await host.start()
    try:
        await asyncio.get_running_loop().run_in_executor(None, body)
    finally:
        await host.close()


def press(desktop: Desktop, choice: Path, key: str) -> None:
    choice.write_text(key)
    result = desktop.dunstctl("action", "0")
    assert result.returncode == 0, result.stderr


@pytest.fixture
def dunst(desktop: Desktop, monkeypatch: pytest.MonkeyPatch) -> tuple[Desktop, Path]:
    choice = menu_picks(desktop)
    desktop.start_dunst()
    for name, value in desktop.env.items():
        monkeypatch.setenv(name, value)
    return desktop, choice


def test_done_on_the_notification_records_the_step_done(
    dunst: tuple[Desktop, Path], tmp_path: Path
) -> None:
    desktop, choice = dunst
    sent: list[DueReminder] = []
    ctx, host = host_at_screens_off(coach_home_in(tmp_path), sent)

    def body() -> None:
        assert wait_until(lambda: bool(sent)), "screens off was not sent"
        assert sent[0].desktop is not None and sent[0].desktop.ok, sent[0].desktop
        assert wait_until(lambda: desktop.dunstctl("count", "displayed").stdout.strip() == "1")
        press(desktop, choice, "done")
        assert wait_until(lambda: (NIGHT, "screens-off") in ctx.store.latest_outcomes(NIGHT, NIGHT))

    asyncio.run(run_host(host, body))
    record = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "screens-off")]
    assert (record.outcome, record.late) == ("done", False)
    # One write, as the key in the app makes it: one record of the step, no snooze.
    records = [r for r in ctx.store.step_records(NIGHT, NIGHT) if r.step == "screens-off"]
    assert len(records) == 1
    assert ctx.store.events(NIGHT, NIGHT, "snooze") == []
    titles = [n["summary"] for n in desktop.received()]
    assert titles == ["Screens off: 60 minutes to bedtime"]  # done: no repeat
    # A change the user made, so `coach undo` takes it back like any other.
    stone = ctx.undo()
    assert stone is not None and stone.what.startswith("Screens off done")


def test_snooze_on_the_notification_sends_it_again_once_after_the_interval(
    dunst: tuple[Desktop, Path], tmp_path: Path
) -> None:
    desktop, choice = dunst
    sent: list[DueReminder] = []
    ctx, host = host_at_screens_off(coach_home_in(tmp_path), sent)
    pressed: list[float] = []

    def body() -> None:
        assert wait_until(lambda: bool(sent)), "screens off was not sent"
        assert wait_until(lambda: desktop.dunstctl("count", "displayed").stdout.strip() == "1")
        pressed.append(time.monotonic())
        press(desktop, choice, "snooze")
        assert wait_until(lambda: len(sent) == 2), "the snoozed reminder did not come back"
        pressed.append(time.monotonic())
        # Once: no second repeat within twice the interval.
        assert not wait_until(lambda: len(sent) > 2, timeout=2 * SNOOZE.total_seconds())

    asyncio.run(run_host(host, body))
    assert [(due.step.id, due.title) for due in sent] == [
        ("screens-off", "Screens off: 60 minutes to bedtime"),
        ("screens-off", "Screens off: 60 minutes to bedtime"),
    ]
    waited = pressed[1] - pressed[0]
    assert SNOOZE.total_seconds() - 0.5 <= waited <= SNOOZE.total_seconds() + 5
    snoozes = ctx.store.events(NIGHT, NIGHT, "snooze")
    assert [e.data["step"] for e in snoozes] == ["screens-off"]
    assert (NIGHT, "screens-off") not in ctx.store.latest_outcomes(NIGHT, NIGHT)
    titles = [n["summary"] for n in desktop.received()]
    assert titles == ["Screens off: 60 minutes to bedtime"] * 2


def diary_file_outcomes(home: Path) -> list[dict[str, object]]:
    """The step records as they stand in the TinyDB file of November 2026."""
    tables = json.loads((home / "db" / "2026-11.json").read_text())
    return list(tables.get("outcomes", {}).values())


async def test_done_pressed_on_the_apps_reminder_is_recorded_in_the_diary_file(
    dunst: tuple[Desktop, Path], tmp_path: Path
) -> None:
    """The app itself sends (no daemon runs): its reminder reaches dunst with Done, Snooze
    and Open; Done is recorded as the d key records it, once, in the month's file, and the
    guided evening the reminder opened moves on to the stretches."""
    from screens.app import CoachApp, desktop_reminders
    from screens.wind_down import WindDownScreen
    from tests.support.apps import settle
    from tests.support.fakes import RecordingNotifier

    desktop, choice = dunst
    home = coach_home_in(tmp_path)
    clock = ShiftedClock.starting_at(datetime(2026, 11, 22, 21, 29, 57, tzinfo=BERLIN))
    ctx = Session(Paths.resolve(home), kind="tui", clock=clock)
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)  # no morning check-in to answer
    ctx.store.record_step(NIGHT, "last-meal", "done")
    ctx.store.record_step(NIGHT, "hydration", "done")
    app = CoachApp(
        ctx,
        RecordingNotifier(),
        first_run=False,
        reminders=desktop_reminders(),
        exports_dir=tmp_path / "exports",
    )

    def displayed() -> int:
        return int(desktop.dunstctl("count", "displayed").stdout.strip() or 0)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: displayed() == 1, rounds=400)
        assert displayed() == 1, "the app's reminder did not reach dunst"
        await asyncio.to_thread(press, desktop, choice, "done")
        await settle(
            pilot, lambda: any(doc["step"] == "screens-off" for doc in diary_file_outcomes(home))
        )
        await settle(
            pilot,
            lambda: (
                isinstance(app.screen, WindDownScreen)
                and app.screen.view is not None
                and app.screen.view.current is not None
                and app.screen.view.current.id == "stretch"
            ),
        )
        screen = app.screen
        assert isinstance(screen, WindDownScreen) and screen.view is not None
        assert screen.view.current is not None and screen.view.current.id == "stretch"

    (record,) = [doc for doc in diary_file_outcomes(home) if doc["step"] == "screens-off"]
    assert (record["night"], record["outcome"], record["late"]) == ("2026-11-22", "done", False)
    assert str(record["origin"]).startswith("tui@")
    menu = (desktop.root / "menu-lines").read_text()
    labels = [line.split(" (")[0] for line in menu.splitlines()]
    assert labels == ["#Done", "#Snooze 10 min", "#Open"]
    assert [n["summary"] for n in desktop.received()] == ["Screens off: 60 minutes to bedtime"]


async def test_open_pressed_on_the_apps_stretch_reminder_starts_the_player(
    dunst: tuple[Desktop, Path], tmp_path: Path
) -> None:
    """Open on the stretches' reminder, pressed in dunst, starts the stretch player in the
    app that sent it; nothing is recorded until the stretches are."""
    from screens.app import CoachApp, desktop_reminders
    from screens.stretch_player import StretchScreen
    from tests.support.apps import settle
    from tests.support.fakes import RecordingNotifier

    desktop, choice = dunst
    home = coach_home_in(tmp_path)
    clock = ShiftedClock.starting_at(datetime(2026, 11, 22, 22, 19, 57, tzinfo=BERLIN))
    ctx = Session(Paths.resolve(home), kind="tui", clock=clock)
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)
    for step in ("last-meal", "hydration", "screens-off"):
        ctx.store.record_step(NIGHT, step, "done")
    app = CoachApp(
        ctx,
        RecordingNotifier(),
        first_run=False,
        reminders=desktop_reminders(),
        exports_dir=tmp_path / "exports",
    )

    def displayed() -> int:
        return int(desktop.dunstctl("count", "displayed").stdout.strip() or 0)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: displayed() == 1, rounds=400)
        assert displayed() == 1, "the stretches' reminder did not reach dunst"
        assert not isinstance(app.screen, StretchScreen)
        await asyncio.to_thread(press, desktop, choice, "open")
        await settle(pilot, lambda: isinstance(app.screen, StretchScreen) and app.screen.is_mounted)
        assert isinstance(app.screen, StretchScreen)
        await pilot.pause()
    stretch = [doc for doc in diary_file_outcomes(home) if doc["step"] == "stretch"]
    assert stretch == []  # opened, not yet done
    titles = [n["summary"] for n in desktop.received()]
    assert len(titles) == 1 and titles[0].startswith("Calf and hamstring")
