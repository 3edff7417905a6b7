"""`--plain` and COACH_PLAIN=1: plan, history, flags, experiment and doctor print lines of
words a screen reader reads as they are: no box drawing, blocks or tick marks, no
backticks, nothing laid out in columns by spaces. JSON stays exactly as it was."""

from __future__ import annotations

import re

import pytest

from coach.cli.main import main
from coach.cli.plain import DRAWING, WORDS, speakable, wanted
from coach.session import Session

COMMANDS = [
    ("plan",),
    ("history", "--days", "3"),
    ("flags",),
    ("experiment", "status"),
    ("doctor",),
]
SYMBOLS = re.compile("|".join(re.escape(symbol) for symbol in WORDS))


@pytest.fixture
def diary(ctx: Session, capsys: pytest.CaptureFixture[str]) -> Session:
    """Two nights with steps done and missed, a long cramp (an urgent flag), a run-in."""
    for argv in (
        ["done", "stretch", "--night", "2026-11-21"],
        ["skip", "hydration", "--night", "2026-11-21"],
        ["cramp", "--count", "2", "--severity", "6", "--minutes", "12", "--night", "2026-11-21"],
        ["experiment", "start"],
    ):
        main(argv, context=ctx)
    capsys.readouterr()
    return ctx


def _out(ctx: Session, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    main(list(argv), context=ctx)
    return capsys.readouterr().out


def _speakable_problems(text: str) -> list[str]:
    return [
        line
        for line in text.splitlines()
        if DRAWING.search(line) or SYMBOLS.search(line) or line != line.lstrip()
    ]


def test_the_usual_output_has_the_marks_that_plain_leaves_out(
    diary: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    usual = {command[0]: _out(diary, capsys, *command) for command in COMMANDS}
    assert "✓" in usual["history"] and "✗" in usual["history"]
    assert "`coach flags --ack ID`" in usual["flags"]
    assert re.search(r"^  \d\d:\d\d  ", usual["plan"], re.MULTILINE)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_plain_output_is_lines_of_words(
    diary: Session, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    before = _out(diary, capsys, "--plain", *command)
    after = _out(diary, capsys, *command, "--plain")
    assert before == after
    assert before.strip()
    assert _speakable_problems(before) == []


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_coach_plain_in_the_environment_does_the_same(
    diary: Session,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    flagged = _out(diary, capsys, "--plain", *command)
    monkeypatch.setenv("COACH_PLAIN", "1")
    assert _out(diary, capsys, *command) == flagged


def test_plain_history_says_each_step_and_the_cramps_in_words(
    diary: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _out(diary, capsys, "history", "--days", "2", "--plain").splitlines()
    assert lines[0] == (
        "Saturday 21 November 2026: Last meal missed, Hydration skipped, Screens off missed, "
        "Calf and hamstring stretches done, Sleep position missed; cramps: 2 cramps, worst "
        "6/10, longest 12 min."
    )
    assert lines[1].startswith("Sunday 22 November 2026: Last meal pending,")


def test_plain_doctor_gives_each_fix_its_own_line(
    diary: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _out(diary, capsys, "doctor", "--plain").splitlines()
    verdicts = [line.split(":", 1)[0] for line in lines[2:-2]]
    assert set(verdicts) <= {"OK", "Note", "Problem", "To fix it"}
    assert "OK" in verdicts


@pytest.mark.parametrize(
    "argv",
    [
        ("history", "--days", "3", "--format", "json"),
        ("history", "--days", "3", "--format", "csv"),
        ("flags", "--json"),
        ("plan", "--json"),
        ("experiment", "status", "--json"),
        ("doctor", "--print-autostart"),
    ],
    ids=lambda argv: " ".join(argv),
)
def test_output_for_programs_and_files_is_left_as_it_is(
    diary: Session, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    assert _out(diary, capsys, "--plain", *argv) == _out(diary, capsys, *argv)


def test_no_color_gets_no_colour_codes_from_any_of_them(
    diary: Session, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    for command in COMMANDS:
        assert "\x1b" not in _out(diary, capsys, *command), command


def test_speakable_words_and_what_turns_it_on() -> None:
    assert speakable("✓ done  ✗ missed  ▇▇▅ `coach x` 3 \u00d7 2 ≈ 6") == (
        "done done  missed missed   coach x 3 times 2 about 6"
    )
    assert wanted(False, {"COACH_PLAIN": "1"}) and wanted(True, {})
    assert not wanted(False, {}) and not wanted(False, {"COACH_PLAIN": "0"})


def test_the_usual_history_puts_each_step_s_number_over_its_marks(
    diary: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    header, *rows = _out(diary, capsys, "history", "--days", "2").splitlines()[:3]
    columns = [header.index(str(number)) for number in range(1, 6)]
    assert header.index("cramps") > columns[-1]
    for row in rows:
        assert [row[column] for column in columns] != [" "] * 5, row
        assert all(row[column] in "✓-✗·" for column in columns), (header, row)
