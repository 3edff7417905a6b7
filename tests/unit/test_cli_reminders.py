"""`coach pause`, `coach snooze` and `coach notify-test` as a user types them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
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


def test_a_past_night_paused_twice_is_paused_once_and_its_undo_names_it(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pause", "--night", "2026-11-20"], context=ctx) == 0
    assert capsys.readouterr().out.endswith("Undo with `coach pause --undo --night 2026-11-20`.\n")
    assert main(["pause", "--night", "2026-11-20"], context=ctx) == 0
    assert capsys.readouterr().out == (
        "Reminders are paused for the night of Fri 20 Nov 2026 already; nothing changed.\n"
    )
    assert len(ctx.store.events(date(2026, 11, 20), date(2026, 11, 20), "pause")) == 1
    assert main(["history", "--days", "3", "--format", "csv"], context=ctx) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].endswith(",unknown,paused") and rows[1].startswith("2026-11-20,")
    assert rows[1].endswith(",yes") and not rows[2].endswith(",yes")
    # One undo brings the night back: there is no second pause behind it.
    assert main(["undo"], context=ctx) == 0
    capsys.readouterr()
    assert paused_nights(ctx.store, date(2026, 11, 20), date(2026, 11, 20)) == set()
    assert main(["pause", "--undo", "--night", "2026-11-20"], context=ctx) == 0
    assert "on for the night of Fri 20 Nov 2026 already" in capsys.readouterr().out


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


def test_a_snooze_shortly_before_bedtime_reminds_at_bedtime(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ten minutes from 22:25 would be past the night's last reminder (bedtime, 22:30): the
    snooze says, and keeps, 22:30."""
    clock.advance(4 * 3600 + 25 * 60)  # 22:25 in Berlin; the stretches were due at 22:20
    assert main(["snooze", "stretch"], context=ctx) == 0
    assert capsys.readouterr().out == (
        "Snoozed: Calf and hamstring stretches again at 22:30 (2 snoozes left tonight).\n"
    )
    (event,) = ctx.store.events(NIGHT, NIGHT, "snooze")
    assert event.data["until"] == "2026-11-22T22:30:00+01:00"


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


def test_snooze_the_morning_after_is_refused_in_one_line_as_in_the_app(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """At 10:25 the next morning the night's reminders are over: no reminder 12 hours
    after bedtime, and the app's reminders refuse with the same words."""
    clock.advance(16 * 3600 + 25 * 60)  # 10:25 in Berlin, Mon 23 Nov
    refusal = (
        "bedtime was 22:30 on Sun 22 Nov: the night's reminders are over, so Calf and "
        "hamstring stretches cannot be snoozed; mark it done or skip it"
    )
    assert main(["snooze", "stretch"], context=ctx) == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"coach: {refusal}\n")
    app_reminders = ReminderService(ctx.settings, ctx.clock, lambda *_: None, store=ctx.store)
    with pytest.raises(CoachError) as refused:
        app_reminders.snooze(NIGHT, "stretch")
    assert str(refused.value) == refusal
    assert ctx.store.events(NIGHT, NIGHT, "snooze") == []


def test_the_step_at_bedtime_can_be_snoozed_while_it_is_due_and_not_after(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.advance(4.5 * 3600 + 60)  # 22:31 in Berlin: the sleep position is due at 22:30
    assert main(["snooze", "sleep-position"], context=ctx) == 0
    assert capsys.readouterr().out.startswith("Snoozed: Sleep position again at 22:41")
    assert main(["snooze", "stretch"], context=ctx) == 1  # due before bedtime: over
    assert "the night's reminders are over" in capsys.readouterr().err
    clock.advance(30 * 60)  # 23:01
    assert main(["snooze", "sleep-position"], context=ctx) == 1


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


# --- a pause for a while: --days, --until, --undo -------------------------------------


def test_pause_for_days_silences_each_night_and_the_plan_history_and_reminders_say_so(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.unit.test_reminders import berlin, harness

    assert main(["pause", "--days", "3"], context=ctx) == 0
    assert capsys.readouterr().out == (
        "Reminders paused from tonight (Sun 22 Nov 2026) to the night of Tue 24 Nov 2026: "
        "3 nights. They count neither for nor against your streak. End the pause sooner "
        "with `coach pause --undo`.\n"
    )
    nights = {NIGHT + timedelta(days=n) for n in range(3)}
    assert paused_nights(ctx.store, NIGHT, NIGHT + timedelta(days=10)) == nights

    # The plan of each night says so, to scripts too.
    for night, paused in (("2026-11-24", True), ("2026-11-25", False)):
        assert main(["plan", "--json", "--date", night], context=ctx) == 0
        plan = json.loads(capsys.readouterr().out)
        assert plan["paused"] is paused
        assert plan["paused_until"] == ("2026-11-24" if paused else None)
    assert main(["plan"], context=ctx) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Reminders are paused for this night (the pause runs to the night of Tue 24 Nov "
        "2026); `coach pause --undo` turns them on."
    )

    # No reminder on the three nights; the fourth has its own again.
    h = harness(ctx, clock)
    assert h.run_until(berlin(25, 12)) == []
    assert h.missed == []
    sent = h.run_until(berlin(25, 19, 30))
    assert [(s.step, s.night) for s in sent] == [("last-meal", date(2026, 11, 25))]

    # History shows the span, and each paused night as paused.
    assert main(["history", "--days", "4"], context=ctx) == 0
    out = capsys.readouterr().out
    assert "Reminders paused: nights of Sun 22 Nov to Tue 24 Nov 2026 (3 nights)." in out
    assert "Sun 2026-11-22" in out and "(reminders paused)" in out
    assert main(["history", "--days", "4", "--format", "json"], context=ctx) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(row["night"], row["paused"]) for row in rows][-4:-1] == [
        ("2026-11-22", True),
        ("2026-11-23", True),
        ("2026-11-24", True),
    ]


def test_pause_until_a_date_and_undo_ends_it_from_tonight(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pause", "--until", "2026-11-28"], context=ctx) == 0
    assert "to the night of Sat 28 Nov 2026: 7 nights" in capsys.readouterr().out
    later = NIGHT + timedelta(days=30)
    assert len(paused_nights(ctx.store, NIGHT, later)) == 7

    clock.advance(2 * 24 * 3600)  # two days into the trip: home early
    assert main(["pause", "--undo"], context=ctx) == 0
    assert capsys.readouterr().out == (
        "Reminders are back on from the night of Tue 24 Nov 2026; the pause to the night "
        "of Sat 28 Nov 2026 is over.\n"
    )
    # The nights before stay paused (they happened so); the rest are back on.
    assert paused_nights(ctx.store, NIGHT, later) == {NIGHT, NIGHT + timedelta(days=1)}


def test_coach_undo_takes_back_a_whole_pause_and_only_that_one(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pause", "--days", "2"], context=ctx) == 0
    # Longer, into December: the nights not yet paused are written, in two months' files.
    assert main(["pause", "--until", "2026-12-03"], context=ctx) == 0
    capsys.readouterr()
    assert main(["undo"], context=ctx) == 0
    assert capsys.readouterr().out == (
        "Undone: reminders paused, nights of Sun 22 Nov to Thu 03 Dec.\n"
    )
    later = NIGHT + timedelta(days=30)
    assert paused_nights(ctx.store, NIGHT, later) == {NIGHT, NIGHT + timedelta(days=1)}


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (
            ["pause", "--until", "2026-11-21"],
            "coach: Sat 21 Nov 2026 is before tonight (Sun 22 Nov 2026); a pause runs "
            "from tonight to a night still ahead\n",
        ),
        (
            ["pause", "--until", "2027-03-01"],
            "coach: a pause of 100 nights is too long: at most 92 (to Sun 21 Feb 2027)\n",
        ),
        (
            ["pause", "--days", "0"],
            "coach pause: argument --days: days must be from 1 to 92 (see `coach pause --help`)\n",
        ),
        (
            ["pause", "--days", "3", "--until", "2026-11-28"],
            "coach: give either --until YYYY-MM-DD or --days N, not both\n",
        ),
        (
            ["pause", "--days", "3", "--undo"],
            "coach: --days starts tonight; give it without --tonight, --night or --undo\n",
        ),
    ],
)
def test_a_bad_pause_says_why_in_one_line_and_writes_nothing(
    ctx: Session, capsys: pytest.CaptureFixture[str], argv: list[str], error: str
) -> None:
    assert main(argv, context=ctx) in (1, 2)
    assert capsys.readouterr().err == error
    assert ctx.store.events(NIGHT - timedelta(days=5), NIGHT + timedelta(days=120)) == []


def test_a_reason_typed_with_an_escape_is_said_back_as_data(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["skip", "hydration", "--reason", "late\x1b]52;c;QQ==\x07 dinner"], context=ctx) == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("Recorded: Hydration skipped (late\ufffd dinner), night of ")
    assert "\x1b" not in out and "\x07" not in out
