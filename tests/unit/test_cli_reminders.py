"""`coach pause`, `coach snooze` and `coach notify-test` as a user types them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from coach.cli.main import main
from coach.clock import FakeClock
from coach.errors import CoachError
from coach.reminders.service import ReminderService, paused_nights
from coach.session import Session

NIGHT = date(2026, 11, 22)


def test_pause_tonight_silences_the_night_and_undo_brings_it_back(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pause", "--tonight"], context=ctx) == 0
    assert capsys.readouterr().out == (
        "Reminders paused for the night of Sun 22 Nov 2026; this night will not count "
        "against your streak. Undo with `coach pause --undo`.\n"
    )
    assert paused_nights(ctx.store, NIGHT, NIGHT) == {NIGHT}
    daemon = ReminderService(ctx.settings, ctx.clock, lambda *_: None, store=ctx.store)
    assert daemon.is_paused(NIGHT)

    assert main(["pause", "--undo"], context=ctx) == 0
    assert "Reminders are back on for the night of Sun 22 Nov 2026." in capsys.readouterr().out
    assert paused_nights(ctx.store, NIGHT, NIGHT) == set()


def test_pause_with_both_tonight_and_a_date_is_a_usage_error(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pause", "--tonight", "--night", "2026-11-20"], context=ctx) == 2
    err = capsys.readouterr().err
    assert err == "coach: give either --tonight or --night YYYY-MM-DD, not both\n"


def test_snooze_from_the_command_line_up_to_three_times(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.advance(3.5 * 3600)  # 21:30 in Berlin
    expected = [
        "Snoozed: Screens off again at 21:40 (2 snoozes left tonight).\n",
        "Snoozed: Screens off again at 21:40 (1 snooze left tonight).\n",
        "Snoozed: Screens off again at 21:40 (0 snoozes left tonight).\n",
    ]
    for line in expected:
        assert main(["snooze", "screens-off"], context=ctx) == 0
        assert capsys.readouterr().out == line
    assert main(["snooze", "screens-off"], context=ctx) == 1
    assert capsys.readouterr().err == (
        "coach: already snoozed 3 times tonight; mark it done or skip it\n"
    )


def test_snooze_of_an_unknown_step_names_the_known_ones(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["snooze", "dinner"], context=ctx) == 2
    err = capsys.readouterr().err
    assert err.startswith("coach: unknown step 'dinner'; steps are: last-meal, hydration")
    assert err.count("\n") == 1


def test_notify_test_without_a_desktop_says_why_and_exits_1(
    ctx: Session, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/nonexistent-runtime-dir")
    assert main(["notify-test"], context=ctx) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "The desktop notification with plyer:linux did not work: "
        "no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set."
    )
    assert out[1].startswith("\acoach: Test notification: ")
    assert out[2] == (
        "Fell back to the terminal bell. Reminders will still show inside coach and in "
        "the daemon's log."
    )


def test_snooze_before_the_step_is_due_is_refused_and_says_when(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.advance(3600 + 21 * 60)  # 19:21 in Berlin, three hours before the stretches
    assert main(["snooze", "stretch"], context=ctx) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "coach: Calf and hamstring stretches is not due yet: it is due at 22:20 on "
        "Sun 22 Nov; snooze works once a step is due\n"
    )
    assert ctx.store.events(NIGHT, NIGHT, "snooze") == []


def test_snooze_of_the_stretch_on_a_no_stretch_night_is_refused_as_in_the_app(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """The experiment takes the stretch out of a no-stretch night's plan: the command line
    refuses to snooze it with the words the app's reminders use, and records nothing."""
    from tests.support.experiments import mid_no_stretch_period

    mid_no_stretch_period(ctx)
    clock.advance(4 * 3600 + 25 * 60)  # 22:25 in Berlin: the stretches' time is past
    refusal = (
        "Calf and hamstring stretches: not on the plan for the night of Sun 22 Nov, a "
        "no-stretch night of your experiment; nothing to snooze"
    )
    assert main(["snooze", "stretch"], context=ctx) == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"coach: {refusal}\n")
    app_reminders = ReminderService(ctx.settings, ctx.clock, lambda *_: None, store=ctx.store)
    with pytest.raises(CoachError) as refused:
        app_reminders.snooze(NIGHT, "stretch")
    assert str(refused.value) == refusal
    assert ctx.store.events(NIGHT, NIGHT, "snooze") == []
    # Every other step stays on the plan, and snoozes as usual.
    assert main(["snooze", "screens-off"], context=ctx) == 0


@pytest.mark.parametrize(
    "argv", [["pause", "--tonight"], ["pause", "--undo"], ["snooze", "last-meal"]]
)
def test_pause_and_snooze_start_without_apscheduler(coach_home: Path, argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from coach.cli.main import main\n"
        f"status = main({argv!r})\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('apscheduler', 'plyer'))\n"
        "print(status, ','.join(loaded))\n"
    )
    env = {**os.environ, "COACH_HOME": str(coach_home), "TZ": "UTC"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    status, loaded = result.stdout.split("\n")[-2].split(" ", 1)
    assert loaded == "", f"{argv} loaded {loaded}"
    assert status in ("0", "1"), result.stderr  # a snooze may be refused: still no import
