"""A running app follows config.toml edited from outside (`coach config set`, an editor)
within 2 seconds: Tonight's times, the player's holds, the voice and the theme."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from textual.widgets import Digits, OptionList

from coach.cli.main import main
from coach.clock import FakeClock
from coach.session import Session
from screens.app import CoachApp
from screens.stretch_player import StretchScreen
from screens.wind_down import WindDownScreen
from tests.support import BERLIN
from tests.support.apps import MakeApp, settle
from tests.support.fakes import RecordingSpeaker

NIGHT = date(2026, 11, 22)
WITHIN = 2.0


def timeline_lines(app: CoachApp) -> list[str]:
    timeline = app.screen_stack[0].query_one("#timeline", OptionList)
    return [str(timeline.get_option_at_index(i).prompt) for i in range(timeline.option_count)]


async def test_the_running_app_follows_coach_config_set_within_two_seconds(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)
    clock.set(datetime(2026, 11, 22, 19, 0, tzinfo=BERLIN))
    voices: list[bool] = []

    def speaker(app: CoachApp) -> RecordingSpeaker:
        voices.append(app.settings.voice.enabled)
        return RecordingSpeaker()

    app = make_app(first_run=False, speaker=speaker)
    async with app.run_test(size=(100, 30)) as pilot:
        assert timeline_lines(app)[-1].startswith("22:30")

        # Tonight's times.
        assert main(["config", "set", "bedtime", "23:15"]) == 0
        start = time.monotonic()
        await settle(pilot, lambda: timeline_lines(app)[-1].startswith("23:15"), rounds=150)
        assert timeline_lines(app)[-1].startswith("23:15")
        assert time.monotonic() - start < WITHIN

        # The player's holds and the voice, in a player not yet started.
        app.push_screen(StretchScreen(NIGHT))
        await pilot.pause()
        player = app.screen
        assert isinstance(player, StretchScreen)
        assert player.query_one("#clock", Digits).value == "10"
        assert voices == [False]
        assert main(["config", "set", "stretch.hold_seconds", "25"]) == 0
        assert main(["config", "set", "voice.enabled", "true"]) == 0
        start = time.monotonic()
        await settle(pilot, lambda: player.query_one("#clock", Digits).value == "25", rounds=150)
        assert player.query_one("#clock", Digits).value == "25"
        assert time.monotonic() - start < WITHIN
        assert voices[-1] is True  # the cues now speak

        # The theme.
        assert main(["config", "set", "display.theme", "nord"]) == 0
        start = time.monotonic()
        await settle(pilot, lambda: app.theme == "nord", rounds=150)
        assert app.theme == "nord"
        assert time.monotonic() - start < WITHIN


async def test_a_broken_edit_keeps_the_settings_and_says_so_once(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)
    app = make_app(first_run=False)
    async with app.run_test(size=(100, 30)) as pilot:
        ctx.paths.config_file.write_text('bedtime = "25:99"\ntimezone = "Europe/Berlin"\n')
        await settle(
            pilot, lambda: any("config.toml" in (n.title or "") for n in app._notifications)
        )
        said = [n for n in app._notifications if "config.toml" in (n.title or "")]
        assert len(said) == 1 and "bedtime" in said[0].message
        assert app.settings.bedtime.strftime("%H:%M") == "22:30"
        assert timeline_lines(app)[-1].startswith("22:30")


async def test_coach_config_set_moves_the_running_apps_reminders(
    ctx: Session, make_app: MakeApp
) -> None:
    """The app's own reminders (a real scheduler on real time, shifted to the evening)
    follow a bedtime set from outside: screens off, an hour away, falls due at once."""
    from screens.app import desktop_reminders
    from tests.support.fakes import RecordingNotifier
    from tests.support.reminder_support import ShiftedClock

    (ctx.paths.config_file).write_text('timezone = "Europe/Berlin"\nbedtime = "23:30"\n')
    shifted = ShiftedClock.starting_at(datetime(2026, 11, 22, 21, 29, 57, tzinfo=BERLIN))
    evening = Session(ctx.paths, kind="tui", clock=shifted)
    evening.store.record_cramps(NIGHT - timedelta(days=1), 0)
    evening.store.record_step(NIGHT, "last-meal", "done")
    evening.store.record_step(NIGHT, "hydration", "done")
    desktop = RecordingNotifier()
    app = make_app(ctx=evening, first_run=False, reminders=desktop_reminders(desktop))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.reminders is not None, rounds=250)
        assert app.reminders is not None, "the app's reminders did not start"
        await pilot.pause(0.5)
        assert desktop.sent == []  # screens off is at 22:30 with this bedtime

        assert main(["config", "set", "bedtime", "22:30"]) == 0
        start = time.monotonic()
        await settle(pilot, lambda: bool(desktop.sent), rounds=400)
        waited = time.monotonic() - start
        # Screens off opens the guided evening, on the new times.
        await settle(
            pilot, lambda: isinstance(app.screen, WindDownScreen) and app.screen.is_mounted
        )
        assert isinstance(app.screen, WindDownScreen)
        assert app.screen.view is not None and app.screen.view.current is not None
        assert app.screen.view.current.id == "screens-off"
    assert [title for title, _ in desktop.sent] == ["Screens off: 60 minutes to bedtime"]
    assert waited < 6.0  # due 3 s after the start, moved within 2 s of the edit
    # Sent by the app, so recorded by it, in the diary's file.
    events = evening.store.events(NIGHT, NIGHT, "reminder")
    assert [e.data["step"] for e in events if e.data["phase"] == "delivered"] == ["screens-off"]
