"""`coach pause`, `coach snooze` and `coach notify-test` as a user types them."""

from __future__ import annotations

from datetime import date

import pytest

from coach.cli import main
from coach.clock import FakeClock
from coach.context import Context
from coach.reminders import ReminderService, paused_nights

NIGHT = date(2026, 11, 22)


def test_pause_tonight_silences_the_night_and_undo_brings_it_back(
    ctx: Context, capsys: pytest.CaptureFixture[str]
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
    ctx: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pause", "--tonight", "--night", "2026-11-20"], context=ctx) == 2
    err = capsys.readouterr().err
    assert err == "coach: give either --tonight or --night YYYY-MM-DD, not both\n"


def test_snooze_from_the_command_line_up_to_three_times(
    ctx: Context, clock: FakeClock, capsys: pytest.CaptureFixture[str]
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
    ctx: Context, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["snooze", "dinner"], context=ctx) == 2
    err = capsys.readouterr().err
    assert err.startswith("coach: unknown step 'dinner'; steps are: last-meal, hydration")
    assert err.count("\n") == 1


def test_notify_test_without_a_desktop_says_why_and_exits_1(
    ctx: Context, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
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
