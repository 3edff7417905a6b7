"""The profile on screen: the relief guide it adapts, and the Settings form that writes it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.widgets import OptionList, Select, Static

from screens.cramp import CrampScreen
from screens.settings import SettingsScreen
from screens.text import NUMB_FEET_HEAT
from tests.support.apps import MakeApp


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
