"""The command line's shape: the commands `coach --help` lists, and each command's typed
options against the arguments its parser defines."""

from __future__ import annotations

import argparse
import inspect
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.cli.main import build_parser, main, options_of
from coach.cli.plan import PlanOptions

ROOT = Path(__file__).resolve().parents[2]

DESIGN_COMMANDS = {
    # DESIGN.md, "Command line" (and `coach config get|set` under "config.toml").
    "plan",
    "done",
    "skip",
    "cramp",
    "history",
    "report",
    "daemon",
    "notify-test",
    "undo",
    "redo",
    "forget",
    "flags",
    "experiment",
    "calendar",
    "voice-test",
    "doctor",
    "snooze",
    "config",
    "serve",
}
ADDED_SINCE = {"restore", "merge", "pause", "open"}
"""Commands added after DESIGN.md's contract was written; the README documents each."""


def help_commands(capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    listed = out.split("commands:", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^    (\S+)", listed, flags=re.MULTILINE)


def test_help_lists_exactly_the_designed_commands(capsys: pytest.CaptureFixture[str]) -> None:
    commands = help_commands(capsys)
    assert len(commands) == len(set(commands))
    assert set(commands) == DESIGN_COMMANDS | ADDED_SINCE
    # The order users read: the evening's commands first, the reminders' last.
    assert commands[:4] == ["plan", "done", "skip", "cramp"]
    assert commands[-4:] == ["daemon", "notify-test", "pause", "snooze"]


def test_the_readme_shows_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in help_commands(capsys) if f"coach {name}" not in readme]
    assert missing == []


def own_dests(parser: argparse.ArgumentParser) -> frozenset[str]:
    """What the parser's own arguments fill (its sub-parsers' choice aside)."""
    return frozenset(
        action.dest
        for action in parser._actions
        if action.dest != argparse.SUPPRESS
        and not isinstance(action, argparse._SubParsersAction | argparse._HelpAction)
    )


def has_actions(parser: argparse.ArgumentParser) -> bool:
    return any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)


def parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = (), dests: frozenset[str] = frozenset()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser, frozenset[str]]]:
    """Each parser with its command words and every destination its arguments and those
    of the parsers above it fill."""
    dests = dests | own_dests(parser)
    yield path, parser, dests
    for group in parser._actions:
        if isinstance(group, argparse._SubParsersAction):
            for name, child in group.choices.items():
                yield from parsers(child, (*path, name), dests)


ROOT_PARSER = build_parser()
GLOBAL = own_dests(ROOT_PARSER)
"""--data-dir: main reads it to find the data folder; a command may take it as an option."""

PARSERS = list(parsers(ROOT_PARSER))


@pytest.mark.parametrize(
    ("path", "parser", "dests"), PARSERS, ids=[" ".join(p) or "coach" for p, _, _ in PARSERS]
)
def test_each_commands_options_match_its_arguments(
    path: tuple[str, ...], parser: argparse.ArgumentParser, dests: frozenset[str]
) -> None:
    if has_actions(parser) and path:
        # `config`, `experiment`: the actions below carry the handlers.
        assert parser.get_default("run") is None
        return
    options_type = parser.get_default("options")
    run = parser.get_default("run")
    assert callable(run), f"{path} has no handler"
    fields = set(options_type._fields)
    # A field without an argument of its name would fail at the user's prompt.
    assert fields <= dests, f"{path}: no argument for {sorted(fields - dests)}"
    # An argument the options leave out would be parsed and then ignored.
    unused = own_dests(parser) - fields - GLOBAL
    assert not unused, f"{path}: {sorted(unused)} never reach the handler"
    first = next(iter(inspect.signature(run).parameters.values()))
    assert first.annotation == options_type.__name__, f"{path}: {run.__name__} takes {first}"


def test_an_options_field_without_its_argument_fails_at_once() -> None:
    args = argparse.Namespace(options=PlanOptions, date=None, bedtime=None)  # no --json
    with pytest.raises(AttributeError, match="json"):
        options_of(args)


def test_options_are_built_from_the_parsed_arguments() -> None:
    args = build_parser().parse_args(["cramp", "--count", "2", "--leg", "left"])
    options = options_of(args)
    assert type(options).__name__ == "CrampOptions"
    assert options._asdict() == {
        "cramps": 2,
        "none": False,
        "severity": None,
        "minutes": None,
        "leg": "left",
        "muscle": None,
        "disturbance": None,
        "note": None,
        "night": None,
        "signs": None,
        "now": False,
        "yes": False,
        "unknown": False,
    }


# What a command's handler loads when it runs; building the parser (for every command and
# for --help) must load none of it.
HANDLERS_ONLY = (
    "apscheduler",
    "coach.reminders.daemon",
    "coach.session",
    "coach.experiment.protocol",
    "coach.safety.flags",
    "coach.diary.export",
    "coach.reminders.calendar",
    "coach.desktop.notify",
    "coach.reminders.rules",
    "coach.report.build",
    "coach.diary.nights",
    "coach.desktop.voice",
    "icalendar",
    "numpy",
    "plyer",
    "scipy",
    "subprocess",
)


def test_registering_the_commands_loads_no_handlers_imports() -> None:
    code = (
        "import sys; from coach.cli.main import build_parser; build_parser(); "
        f"print(','.join(m for m in {HANDLERS_ONLY!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_every_command_module_is_registered_once() -> None:
    """COMMANDS is the one list: a module of coach/cli with a `register` that is not in it
    (or one in it twice) fails here."""
    import importlib
    import pkgutil

    import coach.cli
    from coach.cli.main import COMMANDS

    with_register = sorted(
        info.name
        for info in pkgutil.iter_modules(coach.cli.__path__)
        if hasattr(importlib.import_module(f"coach.cli.{info.name}"), "register")
    )
    assert sorted(COMMANDS) == with_register
    assert len(set(COMMANDS)) == len(COMMANDS)


def test_each_command_runs_in_its_kind_of_session() -> None:
    """Records are stamped with the session's kind, fixed when it is made: the daemon's
    'daemon', every other command's 'cli'."""
    parser = build_parser()
    assert parser.parse_args(["daemon"]).kind == "daemon"
    assert parser.parse_args(["done", "stretch"]).kind == "cli"
    assert parser.parse_args(["experiment", "status"]).kind == "cli"
