"""The theme a user picks stays picked: it is saved in config.toml and used at the next start."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual.color import Color
from textual.pilot import Pilot
from textual.theme import BUILTIN_THEMES

from coach.cli.main import main
from coach.errors import ConfigError
from coach.session import Session
from coach.settings.model import THEMES, config_get, config_set, load_settings
from coach.system.paths import Paths
from screens.app import CoachApp
from screens.looks import HIGH_CONTRAST_NAME
from tests.support.apps import MakeApp


def background(app: CoachApp) -> Color:
    return app.screen.styles.background


def test_every_theme_of_the_installed_textual_can_be_remembered() -> None:
    # The core checks a theme without importing Textual; a Textual with a new theme fails
    # here, and THEMES in coach/settings/model.py gets its name.
    assert set(BUILTIN_THEMES) <= set(THEMES)


def test_a_theme_in_config_is_checked_and_read(coach_home: Path) -> None:
    config = coach_home / "config.toml"
    assert load_settings(config).display.theme is None
    assert config_get(load_settings(config), "display.theme", config) == "textual-dark"

    config_set(config, "display.theme", "nord")
    assert tomllib.loads(config.read_text())["display"] == {"theme": "nord"}
    assert load_settings(config).display.theme == "nord"

    with pytest.raises(ConfigError) as caught:
        config_set(config, "display.theme", "neon")
    assert caught.value.key == "display.theme"
    assert "gruvbox" in caught.value.problem  # says what is allowed
    assert load_settings(config).display.theme == "nord"  # the file is unchanged

    config.write_text('[display]\ncolour = "red"\n')
    with pytest.raises(ConfigError, match=r"display\.colour.*known: theme"):
        load_settings(config)


def test_config_set_display_theme_on_the_command_line(
    coach_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "set", "display.theme", "gruvbox"]) == 0
    capsys.readouterr()
    assert main(["config", "get", "display.theme"]) == 0
    assert capsys.readouterr().out.strip() == "gruvbox"

    assert main(["config", "set", "display.theme", "neon"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "display.theme" in err[0] and "nord" in err[0]


async def test_the_app_starts_in_the_configured_theme(
    ctx: Session, coach_home: Path, make_app: MakeApp
) -> None:
    config_set(coach_home / "config.toml", "display.theme", "textual-light")
    ctx = Session(Paths.resolve(coach_home), kind="test", clock=ctx.clock)
    app = make_app(ctx=ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light"
        assert background(app) == Color.parse(BUILTIN_THEMES["textual-light"].background or "")
    # Starting in the saved theme is not a new choice: config.toml is as it was.
    assert tomllib.loads((coach_home / "config.toml").read_text())["display"] == {
        "theme": "textual-light"
    }


async def pick_theme(pilot: Pilot[None], name: str) -> None:
    """What a user does: ctrl+p, "theme", enter, the theme's name, enter."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"theme")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*name)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


async def test_a_theme_picked_in_the_palette_is_used_at_the_next_start(
    ctx: Session, coach_home: Path, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        default = background(app)
        await pick_theme(pilot, "gruvbox")
        assert app.theme == "gruvbox"
        assert background(app) != default
    saved = tomllib.loads((coach_home / "config.toml").read_text())
    assert saved["display"] == {"theme": "gruvbox"}
    assert saved["timezone"] == "Europe/Berlin"  # the rest of the file is kept

    again = make_app(ctx=Session(Paths.resolve(coach_home), kind="test", clock=ctx.clock))
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.theme == "gruvbox"
        assert background(again) == Color.parse(BUILTIN_THEMES["gruvbox"].background or "")


async def test_a_theme_that_cannot_be_saved_is_still_used_and_the_user_is_told(
    coach_home: Path, make_app: MakeApp
) -> None:
    config = coach_home / "config.toml"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        config.unlink()
        config.mkdir()  # config.toml can no longer be written
        await pick_theme(pilot, "nord")
        assert app.theme == "nord"
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("The theme is not remembered: ") for m in messages), messages
    assert config.is_dir() and not any(config.iterdir())


async def test_a_theme_this_textual_lacks_leaves_the_default(
    ctx: Session, coach_home: Path, make_app: MakeApp
) -> None:
    # Textual renamed its ANSI theme between 8.0 and 8.2: a config written with the other
    # version still opens, in Textual's default theme, and the saved choice is kept.
    missing = sorted(set(THEMES) - set(BUILTIN_THEMES) - {HIGH_CONTRAST_NAME})  # coach's own
    if not missing:
        pytest.skip("this Textual has every theme coach knows")
    config_set(coach_home / "config.toml", "display.theme", missing[0])
    app = make_app(ctx=Session(Paths.resolve(coach_home), kind="test", clock=ctx.clock))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
    assert load_settings(coach_home / "config.toml").display.theme == missing[0]
