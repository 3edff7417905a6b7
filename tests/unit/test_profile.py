"""The profile ([profile] in config.toml): what each answer changes in the routine, the
reminders and the guides, and the Settings form that writes it."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import OptionList, Select, Static

from coach.errors import ConfigError
from coach.planner import plan_night
from coach.settings import (
    Settings,
    config_get,
    config_set,
    known_keys,
    load_settings,
    stretch_minutes,
)
from screens.cramp import CrampScreen
from screens.settings import SettingsScreen
from screens.text import NUMB_FEET_HEAT
from tests.support.apps import MakeApp

NIGHT = date(2026, 11, 22)


def settings_from(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load_settings(path, default_timezone=lambda: "Europe/Berlin")


def test_no_profile_changes_nothing(tmp_path: Path) -> None:
    settings = settings_from(tmp_path, "")
    assert not any(settings.profile)
    assert settings.routine.step("hydration").enabled
    assert settings.stretch.variant == "standing"
    assert "on your back" in settings.routine.step("sleep-position").what


def test_a_fluid_limit_turns_hydration_off_unless_turned_on(tmp_path: Path) -> None:
    limited = settings_from(tmp_path, "[profile]\nfluid_limit = true\n")
    assert not limited.routine.step("hydration").enabled
    assert "hydration" not in [s.id for s in plan_night(limited, NIGHT).steps]
    agreed = settings_from(
        tmp_path, "[profile]\nfluid_limit = true\n[steps.hydration]\nenabled = true\n"
    )
    assert agreed.routine.step("hydration").enabled


def test_pregnancy_changes_the_sleep_position_step(tmp_path: Path) -> None:
    step = settings_from(tmp_path, "[profile]\npregnant = true\n").routine.step("sleep-position")
    assert "Go to sleep on your side" in step.what
    assert "on your back with" not in step.what
    assert "28 weeks" in step.what and "stillbirth" in step.why
    assert step.notification.endswith("go to sleep on your side.")
    assert step.offset_minutes == 0


def test_trouble_standing_defaults_to_the_seated_stretches(tmp_path: Path) -> None:
    seated = settings_from(tmp_path, "[profile]\ntrouble_standing = true\n")
    assert seated.stretch.variant == "seated"
    chosen = settings_from(
        tmp_path, '[profile]\ntrouble_standing = true\n[stretch]\nvariant = "standing"\n'
    )
    assert chosen.stretch.variant == "standing"


def test_the_stretch_reminder_says_how_long_the_variant_takes(tmp_path: Path) -> None:
    standing = settings_from(tmp_path, "")
    seated = settings_from(tmp_path, '[stretch]\nvariant = "seated"\n')
    assert stretch_minutes(standing.stretch) == 4  # 2 stretches x 3 reps x 2 legs x 20 s
    assert stretch_minutes(seated.stretch) == 2  # 1 stretch
    assert "(about 4 minutes)" in standing.routine.step("stretch").notification
    assert "(about 2 minutes)" in seated.routine.step("stretch").notification


def test_profile_keys_are_checked_and_settable(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profile]\npregnant = "yes"\n')
    with pytest.raises(ConfigError, match=r"profile\.pregnant: 'yes' is not true or false"):
        load_settings(path)
    path.write_text("")
    config_set(path, "profile.numb_feet", "yes")
    assert config_get(load_settings(path), "profile.numb_feet", path) == "true"
    assert "profile.fluid_limit" in known_keys()


async def test_numb_feet_take_the_heat_out_of_the_relief_guide(
    coach_home: Path, make_app: MakeApp
) -> None:
    with (coach_home / "config.toml").open("a") as config:
        config.write("[profile]\nnumb_feet = true\n")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        assert isinstance(app.screen, CrampScreen)
        relief = str(app.screen.query_one("#relief", Static).render())
        assert "Warmth" not in relief
        assert NUMB_FEET_HEAT in " ".join(relief.split())
        assert "switch a light on and hold on to something" in " ".join(relief.split())


async def test_pregnancy_puts_the_clot_signs_first_in_the_relief_guide(
    coach_home: Path, make_app: MakeApp
) -> None:
    with (coach_home / "config.toml").open("a") as config:
        config.write("[profile]\npregnant = true\n")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        signs = str(app.screen.query_one("#clot-signs", Static).render())
        assert "call your emergency number" in " ".join(signs.split())


async def test_settings_asks_the_profile_and_the_routine_follows(
    coach_home: Path, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 50)) as pilot:
        app.action_settings()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.query_one("#profile-fluid_limit", Select).value = "on"
        screen.query_one("#profile-trouble_standing", Select).value = "on"
        await pilot.press("ctrl+s")
        await pilot.pause()
        timeline = app.screen.query_one("#timeline", OptionList)
        shown = [timeline.get_option_at_index(i).id for i in range(timeline.option_count)]
        assert "hydration" not in shown
        card = str(app.screen.query_one("#profile-card", Static).render())
        assert "Hydration is off" in card
    config = tomllib.loads((coach_home / "config.toml").read_text())
    assert config["profile"] == {"fluid_limit": True, "trouble_standing": True}
    assert "steps" not in config and "stretch" not in config  # the profile decides those
    assert app.settings.stretch.variant == "seated"


async def test_first_run_asks_the_profile_too(coach_home: Path, make_app: MakeApp) -> None:
    (coach_home / "config.toml").unlink()
    app = make_app()
    async with app.run_test(size=(100, 50)) as pilot:
        screen = app.screen
        assert isinstance(screen, SettingsScreen) and screen.first_run
        screen.query_one("#profile-pregnant", Select).value = "on"
        await pilot.press("ctrl+s")
    config = tomllib.loads((coach_home / "config.toml").read_text())
    assert config["profile"] == {"pregnant": True}
