"""config.toml: defaults, every kind of bad value, and config get/set keeping the file."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, time
from pathlib import Path

import pytest

from coach.errors import ConfigError
from coach.settings.model import config_get, config_set, config_unset, load_settings

BAD_CONFIGS = [
    ('bedtime = "25:00"\n', "bedtime", "hours go 00-23"),
    ('bedtime = "late"\n', "bedtime", "HH:MM"),
    ('timezone = "Mars/Olympus"\n', "timezone", "IANA"),
    ("[steps.strech]\noffset_minutes = -10\n", "steps.strech", "unknown step id"),
    ("[steps.stretch]\noffset_minutes = -5000\n", "steps.stretch.offset_minutes", "-600 to 120"),
    ('[steps.stretch]\nenabled = "yes"\n', "steps.stretch.enabled", "true or false"),
    ("[stretch]\nhold_seconds = -3\n", "stretch.hold_seconds", "1 to 300"),
    ('[stretch]\nvariant = "lying"\n', "stretch.variant", "standing, seated"),
    ('[bedtime_by_weekday]\nfriday = "23:30"\n', "bedtime_by_weekday.friday", "mon, tue"),
    ('bedtiem = "22:00"\n', "bedtiem", "known keys"),
    ("[notifications]\nenabled = 1\n", "notifications.enabled", "true or false"),
    # A key from the file is shown escaped, never sent to the terminal.
    ('"\\u001b[2Jk" = 1\n', "\\x1b[2Jk", "known keys"),
    ('[report]\nfolder = "~/Doc\\u0007tor"\n', "report.folder", "control character"),
]


@pytest.mark.parametrize(("text", "key", "allowed"), BAD_CONFIGS)
def test_bad_value_names_file_key_and_what_is_allowed(
    tmp_path: Path, text: str, key: str, allowed: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: ")
    assert allowed in message
    assert "\n" not in message


def test_a_file_that_is_not_toml_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("bedtime = 22:30 oops\n[[[")
    with pytest.raises(ConfigError, match=r"config.toml: is not valid TOML \(.*line 1"):
        load_settings(path)


def test_cli_reports_a_bad_config_in_one_line_with_exit_1(coach_home: Path) -> None:
    (coach_home / "config.toml").write_text('bedtime = "25:00"\n')
    result = subprocess.run(
        [sys.executable, "-m", "coach", "plan"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"coach: {coach_home / 'config.toml'}: bedtime: '25:00' is not a time; "
        "hours go 00-23 and minutes 00-59"
    ]


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "absent.toml", default_timezone=lambda: "Asia/Tokyo")
    assert settings.bedtime == time(22, 30)
    assert settings.timezone == "Asia/Tokyo"
    assert [s.id for s in settings.enabled_steps] == [
        "last-meal",
        "hydration",
        "screens-off",
        "stretch",
        "sleep-position",
    ]
    assert [s.offset_minutes for s in settings.enabled_steps] == [-180, -120, -60, -10, 0]
    assert (settings.stretch.hold_seconds, settings.stretch.reps) == (10, 3)
    assert settings.stretch.rest_seconds == 10


def test_weekday_bedtime_step_overrides_and_own_steps(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'bedtime = "22:00"\ntimezone = "Europe/Berlin"\n'
        '[bedtime_by_weekday]\nfri = "23:30"\n'
        "[steps.stretch]\noffset_minutes = -15\n"
        "[steps.hydration]\nenabled = false\n"
        '[steps.warm-bath]\ntitle = "Warm bath"\noffset_minutes = -90\n'
        '[stretch]\nvariant = "seated"\nreps = 2\n'
    )
    settings = load_settings(path)
    assert settings.bedtime_for(date(2026, 11, 27)) == time(23, 30)  # a Friday
    assert settings.bedtime_for(date(2026, 11, 28)) == time(22, 0)
    ids = [s.id for s in settings.enabled_steps]
    assert "hydration" not in ids
    assert "warm-bath" in ids
    assert settings.routine.step("stretch").offset_minutes == -15
    assert settings.routine.step("warm-bath").title == "Warm bath"
    assert (settings.stretch.variant, settings.stretch.reps) == ("seated", 2)


def test_config_set_keeps_other_keys_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# my evening\nbedtime = "22:30"  # weekdays\n\n[stretch]\nreps = 2\n')
    settings = config_set(path, "steps.stretch.offset_minutes", "-15")
    assert settings.routine.step("stretch").offset_minutes == -15
    text = path.read_text()
    assert "# my evening" in text and "# weekdays" in text
    assert "reps = 2" in text
    settings = config_set(path, "bedtime_by_weekday.sat", "0:15")
    assert config_get(settings, "bedtime_by_weekday.sat", path) == "00:15"
    assert config_get(settings, "bedtime_by_weekday.mon", path) == "22:30"
    settings = config_set(path, "notifications.enabled", "off")
    assert settings.notifications.enabled is False
    assert path.stat().st_mode & 0o777 == 0o600


def test_config_set_refuses_bad_values_and_leaves_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('bedtime = "22:30"\n')
    before = path.read_bytes()
    for key, value, problem in [
        ("bedtime", "25:00", "not a time"),
        ("stretch.hold_seconds", "-1", "1 to 300"),
        ("stretch.hold_seconds", "ten", "whole number"),
        ("steps.stretch.colour", "red", "unknown key"),
        ("timezone", "Nowhere/Land", "IANA"),
        ("steps.strech.offset_minutes", "-5", "unknown step id"),
    ]:
        with pytest.raises(ConfigError, match=problem):
            config_set(path, key, value)
        assert path.read_bytes() == before


def test_config_unset_restores_the_default(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('bedtime = "23:00"\n[stretch]\nhold_seconds = 20\n')
    settings = config_unset(path, "stretch.hold_seconds")
    assert settings.stretch.hold_seconds == 10
    assert settings.bedtime == time(23, 0)


def test_an_unknown_system_zone_falls_back_to_utc_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('bedtime = "22:00"\n')
    settings = load_settings(path, default_timezone=lambda: None)
    assert (settings.timezone, settings.timezone_unknown) == ("UTC", True)
    named = load_settings(path, default_timezone=lambda: "Asia/Tokyo")
    assert (named.timezone, named.timezone_unknown) == ("Asia/Tokyo", False)


def test_the_cli_notes_the_utc_fallback_once(
    coach_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from coach.cli.main import main
    from coach.settings import model as settings_module

    (coach_home / "config.toml").write_text('bedtime = "22:00"\n')
    monkeypatch.setattr(settings_module, "system_timezone", lambda: None)
    assert main(["plan"]) == 0
    out, err = capsys.readouterr()
    assert "(UTC)" in out
    assert err.count("\n") == 1 and "time zone could not be told" in err


def test_the_report_folder_is_documents_unless_one_is_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.system.paths import report_folder

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "Dokumente"))
    assert report_folder(None) == tmp_path / "Dokumente"
    assert report_folder("~/Doctor") == tmp_path / "Doctor"
    assert report_folder("For the doctor") == tmp_path / "For the doctor"  # not the cwd
    assert report_folder("/srv/share") == Path("/srv/share")


def test_text_a_step_shows_is_read_as_data(tmp_path: Path) -> None:
    """An escape in a step's title or words (an OSC 52 clipboard write, a clear-screen, a
    direction override) is shown as a mark wherever the step is shown."""
    path = tmp_path / "config.toml"
    path.write_text(
        "[steps.warm-bath]\noffset_minutes = -30\n"
        'title = "Bath\\u001b]52;c;QQ==\\u0007\\u001b[2J\\nnow"\n'
        'what = "Warm water\\u202e, 10 minutes"\n'
    )
    step = load_settings(path).routine.step("warm-bath")
    assert step.title == "Bath\ufffd\ufffd now"
    assert step.what == "Warm water, 10 minutes"
    assert all(ch.isprintable() for ch in step.title + step.what)
