"""Spoken cues are offered at first run and in Settings, live in [voice] / [sound] of
config.toml, and `coach voice-test` says plainly when no voice is there."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual.widgets import Select

from coach.cli.main import main
from coach.session import Session
from screens.settings import SettingsScreen
from tests.support.apps import MakeApp


async def test_first_run_offers_spoken_cues_and_writes_them(
    coach_home: Path, make_app: MakeApp
) -> None:
    config = coach_home / "config.toml"
    config.unlink()
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, SettingsScreen) and screen.first_run
        assert screen.query_one("#voice", Select).value == "off"
        screen.query_one("#voice", Select).value = "on"
        await pilot.press("ctrl+s")
    assert tomllib.loads(config.read_text())["voice"] == {"enabled": True}
    assert app.settings.voice.enabled


async def test_settings_turn_spoken_cues_off_again(
    ctx: Session, coach_home: Path, make_app: MakeApp
) -> None:
    config = coach_home / "config.toml"
    config.write_text('timezone = "Europe/Berlin"\n[voice]\nenabled = true\nrate = 140\n')
    app = make_app(settings=ctx.reload_settings())
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(SettingsScreen())
        await pilot.pause()
        assert app.screen.query_one("#voice", Select).value == "on"
        app.screen.query_one("#voice", Select).value = "off"
        await pilot.press("ctrl+s")
    assert tomllib.loads(config.read_text())["voice"] == {"enabled": False, "rate": 140}


def test_config_keys_for_voice_and_sound(ctx: Session, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "set", "sound.volume", "55"], context=ctx) == 0
    assert main(["config", "get", "voice.rate"], context=ctx) == 0
    assert capsys.readouterr().out == "sound.volume = 55\n150\n"
    assert main(["config", "set", "sound.volume", "140"], context=ctx) == 1
    err = capsys.readouterr().err
    assert "sound.volume" in err and "allowed: 0 to 100" in err and err.count("\n") == 1
    assert main(["config", "set", "voice.loud", "yes"], context=ctx) == 1
    assert "unknown key" in capsys.readouterr().err


def test_voice_test_without_a_speech_engine_says_what_to_install(
    ctx: Session,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng, spd-say or players here
    assert main(["voice-test"], context=ctx) == 1
    assert capsys.readouterr().out == (
        "No voice: no speech engine: install espeak-ng (Debian/Ubuntu: apt install espeak-ng).\n"
    )
