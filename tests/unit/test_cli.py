"""The command line as scripts and users meet it: output, exit codes, and what was recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from coach import __version__
from coach.cli.main import main
from coach.diary.formats import HISTORY_FORMATS, REPORT_FORMATS
from coach.session import Session

NIGHT = date(2026, 11, 22)


def run(ctx: Session, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), context=ctx)
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_json_follows_the_contract(ctx: Session, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(ctx, capsys, "plan", "--json")
    assert code == 0
    plan = json.loads(out)
    assert plan["night"] == "2026-11-22"
    assert plan["timezone"] == "Europe/Berlin"
    assert plan["bedtime"] == "2026-11-22T22:30:00+01:00"
    assert [(s["id"], s["at"]) for s in plan["steps"]] == [
        ("last-meal", "2026-11-22T19:30:00+01:00"),
        ("hydration", "2026-11-22T20:30:00+01:00"),
        ("screens-off", "2026-11-22T21:30:00+01:00"),
        ("stretch", "2026-11-22T22:20:00+01:00"),
        ("sleep-position", "2026-11-22T22:30:00+01:00"),
    ]
    assert plan["steps"][3]["title"] == "Calf and hamstring stretches"


@pytest.mark.parametrize(
    ("command", "formats"), [("history", HISTORY_FORMATS), ("report", REPORT_FORMATS)]
)
def test_format_choices_are_the_closed_sets(
    ctx: Session, capsys: pytest.CaptureFixture[str], command: str, formats: tuple[str, ...]
) -> None:
    code, _, err = run(ctx, capsys, command, "--format", "xml")
    assert code == 2
    offered = err.split("(choose from ", 1)[1].split(")", 1)[0]
    assert offered == ", ".join(repr(name) for name in formats)


def test_plan_for_another_date_and_bedtime(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(ctx, capsys, "plan", "--date", "2026-03-28", "--bedtime", "02:30")
    assert code == 0
    assert "Night of Sat 28 Mar 2026" in out
    assert "Bedtime 03:00" in out  # 02:30 does not exist that night in Berlin


def test_done_skip_and_history_json(ctx: Session, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(ctx, capsys, "done", "stretch")[1].startswith("Recorded: Calf and hamstring")
    assert run(ctx, capsys, "skip", "hydration", "--reason", "late dinner")[0] == 0
    assert run(ctx, capsys, "done", "last-meal", "--night", "2026-11-21")[0] == 0
    code, out, _ = run(ctx, capsys, "history", "--days", "2", "--format", "json")
    assert code == 0
    nights = json.loads(out)
    assert [n["night"] for n in nights] == ["2026-11-21", "2026-11-22"]
    assert nights[0]["steps"]["last-meal"] == "done"
    assert nights[0]["steps"]["stretch"] == "missed"
    assert nights[1]["steps"] == {
        "last-meal": "pending",
        "hydration": "skipped",
        "screens-off": "pending",
        "stretch": "done",
        "sleep-position": "pending",
    }
    assert nights[1]["cramps"] is None
    record = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "hydration")]
    assert record.reason == "late dinner"


def test_cramp_log_goes_to_the_last_night_slept(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx.clock.advance(15 * 3600)  # Monday 09:00
    code, out, _ = run(
        ctx,
        capsys,
        "cramp",
        "--count",
        "2",
        "--severity",
        "6",
        "--minutes",
        "3.5",
        "--leg",
        "left",
        "--note",
        "new statin",
    )
    assert code == 0
    recorded, note, soon, *_ = out.splitlines()
    assert [recorded, note] == [
        "Recorded: 2 cramps, worst 6/10, longest 3.5 min, left leg, night of Sun 22 Nov 2026.",
        "Note: new statin",
    ]
    assert soon.startswith("SOON: Cramps after starting a new medicine (statin), night of Sun")
    assert run(ctx, capsys, "cramp", "--none", "--night", "2026-11-21")[0] == 0
    code, out, _ = run(ctx, capsys, "history", "--days", "2", "--format", "json")
    nights = {n["night"]: n["cramps"] for n in json.loads(out)}
    assert nights["2026-11-22"] == {
        "count": 2,
        "severity": 6,
        "minutes": 3.5,
        "band": None,
        "leg": "left",
        "muscle": None,
        "disturbance": None,
        "notes": "new statin",
        "morning_log": True,
    }
    assert nights["2026-11-21"]["count"] == 0


def test_history_csv_and_table(ctx: Session, capsys: pytest.CaptureFixture[str]) -> None:
    run(ctx, capsys, "done", "stretch")
    _, out, _ = run(ctx, capsys, "history", "--days", "1", "--format", "csv")
    assert out.splitlines() == [
        "night,last-meal,hydration,screens-off,stretch,sleep-position,cramps,severity,"
        "minutes,band,leg,muscle,disturbance,episodes,episode_times,notes,unknown,paused",
        "2026-11-22,pending,pending,pending,done,pending,,,,,,,,,,,not logged,",
    ]
    _, out, _ = run(ctx, capsys, "history", "--days", "1")
    assert "Sun 2026-11-22  ·  ·  ·  ✓  ·  not logged" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["done", "strech"], "unknown step 'strech'; steps are: last-meal"),
        (["cramp"], "say how many cramps with --count N"),
        (["cramp", "--count", "2", "--none"], "either --count N or --none"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    ctx: Session, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(ctx, capsys, *argv)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("coach: ") and message in lines[0]
    assert ctx.store.first_night() is None  # nothing was recorded


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["cramp", "--count", "2", "--severity", "11"], "severity must be from 1 to 10"),
        # A cramp hurts: "2 cramps, worst 0/10" is a slip, not a record.
        (["cramp", "--count", "2", "--severity", "0"], "from 1 (mild) to 10; 0 is no cramp"),
        (["cramp", "--now", "--severity", "0"], "from 1 (mild) to 10; 0 is no cramp"),
        (["done", "stretch", "--night", "22/11/2026"], "is not a night; use YYYY-MM-DD"),
        (["plan", "--bedtime", "25:00"], "is not a time"),
        (["history", "--format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(argv: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "coach", *argv], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_data_dir_flag_beats_coach_home(tmp_path: Path, coach_home: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    env = {**os.environ, "COACH_HOME": str(coach_home)}
    result = subprocess.run(
        [sys.executable, "-m", "coach", "--data-dir", str(elsewhere), "done", "stretch"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert list((elsewhere / "db").glob("*.json"))
    assert not (coach_home / "db").exists()
    result = subprocess.run(
        [sys.executable, "-m", "coach", "config", "path"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.stdout.strip() == str(coach_home / "config.toml")


def test_version_from_the_console_script_and_the_module() -> None:
    script = Path(sys.executable).with_name("coach")
    for command in ([str(script)], [sys.executable, "-m", "coach"]):
        result = subprocess.run(
            [*command, "--version"], capture_output=True, text=True, check=False
        )
        assert result.stdout.strip() == f"coach {__version__}"


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["skip", "stretch", "--reason", "bad \udcff byte"], 2, "is not valid UTF-8 text"),
        (["plan", "--date", "9999-12-31", "--bedtime", "00:30"], 2, "use a date from 2000"),
        (["done", "stretch", "--night", "0001-01-01"], 2, "use a date from 2000"),
        (["--data-dir", "~nosuchuser/x", "plan"], 1, "cannot find that home folder"),
        (["cramp", "--count", "0", "--severity", "5"], 1, "takes no severity"),
        (["plan", "--bedtime", "\uff11\uff12:30"], 2, "is not a time"),
    ],
)
def test_odd_input_is_one_line_never_a_traceback(
    ctx: Session, capsys: pytest.CaptureFixture[str], argv: list[str], code: int, message: str
) -> None:
    got = main(argv, context=None if "--data-dir" in argv else ctx)
    _, err = capsys.readouterr()
    assert got == code
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], err
    assert ctx.store.first_night() is None


def test_config_set_under_a_key_that_is_not_a_table(
    ctx: Session, capsys: pytest.CaptureFixture[str], coach_home: Path
) -> None:
    config = coach_home / "config.toml"
    config.write_text("stretch = 5\n")
    code, _, err = run(ctx, capsys, "config", "set", "stretch.reps", "2")
    assert code == 1
    assert err.strip() == f"coach: {config}: stretch: must be a table, like [stretch]"
    assert config.read_text() == "stretch = 5\n"


def test_config_set_then_plan_uses_it(ctx: Session, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(ctx, capsys, "config", "set", "steps.stretch.offset_minutes", "-15")[0] == 0
    assert run(ctx, capsys, "config", "get", "steps.stretch.offset_minutes")[1] == "-15\n"
    code, _, err = run(ctx, capsys, "config", "set", "stretch.reps", "0")
    assert code == 1 and "stretch.reps: 0 is out of range; allowed: 1 to 10" in err
    _, out, _ = run(ctx, capsys, "plan", "--json")
    stretch = next(s for s in json.loads(out)["steps"] if s["id"] == "stretch")
    assert stretch["at"] == "2026-11-22T22:15:00+01:00"


def test_a_damaged_database_is_exit_1_and_left_alone(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    run(ctx, capsys, "done", "stretch")
    path = ctx.paths.db_dir / "2026-11.json"
    path.write_bytes(b"{not json")
    code, _, err = run(ctx, capsys, "done", "hydration")
    assert code == 1
    assert err.count("\n") == 1 and "the database is damaged" in err and "coach restore" in err
    assert path.read_bytes() == b"{not json"


def test_restore_command_lists_and_restores(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    run(ctx, capsys, "done", "stretch")
    ctx.clock.advance(24 * 3600)
    run(ctx, capsys, "done", "hydration", "--night", "2026-11-22")  # takes the backup first
    _, out, _ = run(ctx, capsys, "restore", "--list")
    assert out.splitlines() == [
        "coach-2026-11-23.zip  1 night, 1 record (2026-11-22 to 2026-11-22)"
    ]
    (ctx.paths.db_dir / "2026-11.json").write_bytes(b"{damaged")
    assert run(ctx, capsys, "history")[0] == 1
    code, out, _ = run(ctx, capsys, "restore", "latest")
    assert code == 0 and "coach-2026-11-23.zip" in out
    outcomes = ctx.store.latest_outcomes(NIGHT, NIGHT)
    assert outcomes[(NIGHT, "stretch")].outcome == "done"
    assert (NIGHT, "hydration") not in outcomes  # written after the backup, in the bad file


@pytest.mark.parametrize("form", ["none", "flag", "equals"])
def test_coach_alone_opens_the_app_on_the_chosen_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    import screens.app

    home = tmp_path / "mine"
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "env-home"))
    argv = {"none": [], "flag": ["--data-dir", str(home)], "equals": [f"--data-dir={home}"]}
    opened: list[Path] = []
    monkeypatch.setattr(
        screens.app,
        "run_tui",
        lambda ctx, open_step=None: opened.append(ctx.paths.data_dir) or 0,
    )
    assert main(argv[form]) == 0
    assert opened == [tmp_path / "env-home" if form == "none" else home]


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["--help"], "commands:"),
        (["--data-dir", "x", "--help"], "commands:"),
        (["--data-dir"], "argument --data-dir: expected one argument"),
        (["--data-dir", "--version"], "argument --data-dir: expected one argument"),
        (["--data-dir", "x", "plna"], "invalid choice: 'plna'"),
    ],
)
def test_the_app_shortcut_never_hides_the_commands(
    capsys: pytest.CaptureFixture[str], argv: list[str], shown: str
) -> None:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == (0 if "--help" in argv else 2)
    assert shown in out + err
    if "--help" in argv:
        assert "history" in out and "restore" in out
