"""First-run setup and the settings screen write config.toml; the timeline follows."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path

from textual.widgets import Digits, Input, OptionList, Select, Static

from coach.clock import FakeClock
from coach.session import Session
from coach.settings.model import load_settings
from screens.app import HELP_SEEN, SETUP_DONE, CoachApp
from screens.help import HelpScreen
from screens.settings import SettingsScreen
from screens.tonight import TonightScreen
from tests.support.apps import MakeApp


def set_input(app: CoachApp, selector: str, value: str) -> None:
    app.screen.query_one(selector, Input).value = value


async def test_first_run_asks_writes_config_then_shows_help_once(
    ctx: Session, coach_home: Path, make_app: MakeApp
) -> None:
    config = coach_home / "config.toml"
    config.unlink()
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, SettingsScreen) and screen.first_run
        assert "does not diagnose or treat" in str(screen.query_one("#disclaimer", Static).render())
        assert not screen.query("#bell")  # the first run asks only the few questions
        set_input(app, "#bedtime", "23:00")
        set_input(app, "#weekend", "00:15")
        set_input(app, "#timezone", "Europe/Berlin")
        screen.query_one("#variant", Select).value = "seated"
        screen.query_one("#notifications", Select).value = "off"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, TonightScreen)
        assert "bedtime 23:00" in str(app.screen.query_one("#night-line", Static).render())
        first = app.screen.query_one("#timeline", OptionList).get_option_at_index(0)
        assert str(first.prompt).startswith("20:00")  # the steps moved with the bedtime
    written = tomllib.loads(config.read_text())
    assert written["bedtime"] == "23:00"
    assert written["bedtime_by_weekday"] == {"fri": "00:15", "sat": "00:15"}
    assert written["stretch"] == {"variant": "seated"}
    assert written["notifications"] == {"enabled": False}
    assert written["timezone"] == "Europe/Berlin"  # confirmed, so written
    assert ctx.store.get_state(SETUP_DONE) is True
    assert ctx.store.get_state(HELP_SEEN) is True

    again = make_app()
    async with again.run_test(size=(100, 40)):
        assert isinstance(again.screen, TonightScreen)


async def test_first_run_keeping_the_defaults_still_writes_the_file(
    coach_home: Path, make_app: MakeApp
) -> None:
    config = coach_home / "config.toml"
    config.unlink()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#save")
        assert isinstance(app.screen, HelpScreen)
    assert load_settings(config).bedtime.strftime("%H:%M") == "22:30"


async def test_a_bad_value_is_one_clear_line_and_nothing_is_written(
    coach_home: Path, make_app: MakeApp
) -> None:
    config = coach_home / "config.toml"
    before = config.read_text()
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        set_input(app, "#bedtime", "21:00")  # good, but must not be written alone
        set_input(app, "#timezone", "Mars/Olympus")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SettingsScreen)
        error = str(app.screen.query_one("#settings-error", Static).render())
        assert (
            error
            == "timezone: 'Mars/Olympus' is not a known IANA time zone, like \"Europe/Berlin\""
        )
    assert config.read_text() == before


async def test_settings_change_a_step_time_and_turn_one_off(
    clock: FakeClock, coach_home: Path, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        set_input(app, "#offset-stretch", "-20")
        app.screen.query_one("#enabled-hydration", Select).value = "off"
        app.screen.query_one("#bell", Select).value = "off"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, TonightScreen)
        timeline = app.screen.query_one("#timeline", OptionList)
        prompts = [
            str(timeline.get_option_at_index(i).prompt) for i in range(timeline.option_count)
        ]
        assert not any("Hydration" in line for line in prompts)
        assert any(line.startswith("22:10") and "stretches" in line for line in prompts)
    settings = load_settings(coach_home / "config.toml")
    assert settings.routine.step("stretch").offset_minutes == -20
    assert settings.routine.step("hydration").enabled is False
    assert settings.stretch.bell is False


async def test_leaving_settings_writes_nothing(coach_home: Path, make_app: MakeApp) -> None:
    config = coach_home / "config.toml"
    before = config.read_text()
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        set_input(app, "#bedtime", "20:00")
        await pilot.press("escape")
        assert isinstance(app.screen, TonightScreen)
    assert config.read_text() == before


async def test_settings_set_the_stretch_numbers_and_pause_reminders_for_a_while(
    ctx: Session, coach_home: Path, make_app: MakeApp
) -> None:
    from datetime import date, timedelta

    from screens.stretch_player import StretchScreen

    night = date(2026, 11, 22)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        set_input(app, "#stretch-hold_seconds", "30")
        set_input(app, "#stretch-reps", "2")
        set_input(app, "#stretch-rest_seconds", "15")
        set_input(app, "#pause-nights", "5")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, TonightScreen)
        hint = str(app.screen.query_one("#start-hint", Static).render())
        assert hint.startswith("Reminders are paused to the night of Thu 26 Nov")
        said = [n.message for n in app._notifications]
        assert any("Reminders paused to the night of Thu 26 Nov" in text for text in said)
        # History shows the span.
        await pilot.press("h")
        await pilot.pause()
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "Reminders paused: nights of Sun 22 Nov to Thu 26 Nov 2026 (5 nights)." in summary
        await pilot.press("escape")
        await pilot.pause()
        # The player holds as now set.
        app.push_screen(StretchScreen(night))
        await pilot.pause()
        assert app.screen.query_one("#clock", Digits).value == "30"
        await pilot.press("escape")
        await pilot.pause()

        # Settings says the pause; 0 ends it.
        while not isinstance(app.screen, TonightScreen):
            app.pop_screen()
            await pilot.pause()
        await pilot.press("s")
        assert (
            app.screen.query_one("#pause-nights", Input).placeholder == "to Thu 26 Nov; 0 ends it"
        )
        set_input(app, "#pause-nights", "0")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, TonightScreen)
        assert not str(app.screen.query_one("#start-hint", Static).render()).startswith("Reminders")
    settings = load_settings(coach_home / "config.toml")
    stretch = settings.stretch
    assert (stretch.hold_seconds, stretch.reps, stretch.rest_seconds) == (30, 2, 15)
    assert ctx.store.paused_nights(night, night + timedelta(days=10)) == set()
    # Five nights were paused, then the pause was ended: both are in the diary.
    pauses = ctx.store.events(night, night + timedelta(days=10), "pause")
    assert sum(e.data["paused"] for e in pauses) == 5
    assert sum(not e.data["paused"] for e in pauses) == 5


async def test_settings_refuse_a_pause_too_long_and_write_nothing(
    ctx: Session, coach_home: Path, make_app: MakeApp
) -> None:
    before = (coach_home / "config.toml").read_text()
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        set_input(app, "#stretch-hold_seconds", "30")
        set_input(app, "#pause-nights", "200")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SettingsScreen)
        error = str(app.screen.query_one("#settings-error", Static).render())
        assert error.startswith("Pause reminders: a number of nights from 1 to 92")
    assert (coach_home / "config.toml").read_text() == before
    assert ctx.store.events(ctx.tonight(), ctx.tonight() + timedelta(days=200)) == []


async def test_a_morning_bedtime_is_asked_about_once_then_kept(
    coach_home: Path, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        set_input(app, "#bedtime", "9:30")
        await pilot.press("ctrl+s")
        error = str(app.screen.query_one("#settings-error", Static).content)
        assert error == "09:30 is in the morning: did you mean 21:30? Save again to keep 9:30."
        assert load_settings(coach_home / "config.toml").bedtime.hour == 22  # unchanged
        set_input(app, "#bedtime", "21:30")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, TonightScreen)
    assert f"{load_settings(coach_home / 'config.toml').bedtime:%H:%M}" == "21:30"
    again = make_app()
    async with again.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        set_input(again, "#bedtime", "06:00")  # a night-shift worker's
        await pilot.press("ctrl+s")
        assert not isinstance(again.screen, TonightScreen)
        await pilot.press("ctrl+s")
        assert isinstance(again.screen, TonightScreen)
    assert f"{load_settings(coach_home / 'config.toml').bedtime:%H:%M}" == "06:00"
