"""The profile ([profile] in config.toml): what each answer changes in the routine, the
reminders and the guides. The guides and the Settings form on screen: tests/pilot/
test_profile_screens.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coach.errors import ConfigError
from coach.planner import plan_night
from coach.settings.model import (
    Settings,
    config_get,
    config_set,
    known_keys,
    load_settings,
    stretch_minutes,
)

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
