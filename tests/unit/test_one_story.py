"""One story per night: what is logged at 3 a.m. is the morning's, History's, the command
line's, the exports' and the report's, written through the real command line into the real
TinyDB file and read back by each view."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest

from coach.cli.main import main
from coach.clock import FakeClock
from coach.diary.checkin import prefill
from coach.diary.nights import Diary
from coach.session import Session
from screens.timeline import last_night_line
from tests.support import BERLIN
from tests.support.reports import markdown_report

NIGHT = date(2026, 12, 3)  # Thu: the cramps come at 3 a.m. on Fri 4 Dec


def run(ctx: Session, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), context=ctx)
    out, err = capsys.readouterr()
    return code, out, err


def three_cramps_at_night(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN))
    run(ctx, capsys, "done", "stretch", "--night", "2026-11-30")
    for hour, minute, leg in ((3, 5, "left"), (3, 40, "left"), (4, 10, "right")):
        clock.set(datetime(2026, 12, 4, hour, minute, tzinfo=BERLIN))
        code, out, err = run(
            ctx, capsys, "cramp", "--now", "--minutes", "2", "--leg", leg, "--muscle", "calf"
        )
        assert (code, err) == (0, "")
        assert out.startswith("Recorded: a cramp at ")
        assert "night of Thu 03 Dec 2026" in out


def test_cramps_logged_at_3am_are_the_nights_in_every_view(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    three_cramps_at_night(ctx, clock, capsys)
    # At 04:15, Tonight's "Last night" line tells of them.
    episodes = ctx.episodes(NIGHT)
    line = last_night_line(ctx.cramp_log(NIGHT), episodes, ctx.settings.tz)
    assert line == (
        "Last night: 3 cramps (3 logged at night: 03:05, 03:40, 04:10; morning not logged)"
        " (press m to log it)."
    )

    # 07:30: the check-in opens with them.
    clock.set(datetime(2026, 12, 4, 7, 30, tzinfo=BERLIN))
    opened = prefill(ctx, NIGHT)
    assert opened.cramps == 3
    assert opened.words(ctx.settings.tz) == "You logged 3 cramps at night: 03:05, 03:40, 04:10."

    # "No cramps" is refused, saying what was logged; nothing is written.
    code, out, err = run(ctx, capsys, "cramp", "--none")
    assert code == 1 and out == ""
    assert err.startswith("coach: you logged 3 cramps during the night of Thu 03 Dec")
    assert "03:05, 03:40, 04:10" in err
    assert ctx.cramp_log(NIGHT) is None
    code, _, err = run(ctx, capsys, "cramp", "--count", "2")
    assert code == 1 and ctx.cramp_log(NIGHT) is None

    # Before the morning log, every view already counts 3.
    code, out, _ = run(ctx, capsys, "history", "--days", "2", "--format", "json")
    night = {n["night"]: n for n in json.loads(out)}["2026-12-03"]
    assert night["cramps"]["count"] == 3 and night["cramps"]["morning_log"] is False
    assert [(e["at"][11:16], e["leg"], e["muscle"]) for e in night["episodes"]] == [
        ("02:05", "left", "calf"),
        ("02:40", "left", "calf"),
        ("03:10", "right", "calf"),
    ]
    code, out, _ = run(ctx, capsys, "history", "--days", "2")
    assert "Thu 2026-12-03" in out and "3 cramps (3 logged at night" in out
    assert "no cramps" not in out

    # The morning log of 4 (one not logged at night) is the night's count everywhere.
    code, out, _ = run(ctx, capsys, "cramp", "--count", "4", "--severity", "6", "--muscle", "calf")
    assert code == 0
    code, out, _ = run(ctx, capsys, "history", "--days", "2", "--format", "csv")
    rows = {r["night"]: r for r in csv.DictReader(io.StringIO(out))}
    row = rows["2026-12-03"]
    assert (row["cramps"], row["muscle"], row["episodes"]) == ("4", "calf", "3")
    assert row["episode_times"] == "03:05, 03:40, 04:10"
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    assert diary.night(NIGHT).cramp_count == 4  # type: ignore[union-attr]
    report = markdown_report(diary, ctx.settings, 1, ctx.clock.now())
    assert "| **Whole period** | 1 of 4 | 1 | 4 |" in report


def test_history_columns_sit_above_their_marks(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    run(ctx, capsys, "done", "stretch")
    _, out, _ = run(ctx, capsys, "history", "--days", "1")
    header, row = out.splitlines()[:2]
    assert header.index("4") == row.index("✓")
    assert header.index("cramps") == row.index("not logged")


def test_cramp_now_takes_only_what_a_cramp_has(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(ctx, capsys, "cramp", "--now", "--count", "2")
    assert code == 2
    assert "--now logs one cramp now" in err and "--count" in err
    assert ctx.episodes(ctx.tonight()) == []


@pytest.mark.parametrize(("typed", "meant"), [("9:30", "21:30"), ("11:30", "23:30")])
def test_a_bedtime_in_the_morning_is_asked_about(
    ctx: Session, capsys: pytest.CaptureFixture[str], typed: str, meant: str
) -> None:
    code, out, err = run(ctx, capsys, "config", "set", "bedtime", typed)
    assert code == 1 and out == ""
    hour = int(typed.split(":")[0])
    assert err == (
        f"coach: {hour:02d}:30 is in the morning: did you mean {meant}? Nothing was changed; "
        "add --yes if you do go to bed then\n"
    )
    assert f"{ctx.reload_settings().bedtime:%H:%M}" == "22:30"
    assert run(ctx, capsys, "config", "set", "bedtime", "00:30")[0] == 0  # after midnight
    assert run(ctx, capsys, "config", "set", "bedtime", typed, "--yes")[0] == 0
    assert f"{ctx.reload_settings().bedtime:%H:%M}" == f"{hour:02d}:30"


def test_the_experiment_counts_a_night_as_history_does(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """Cramps logged at night and no morning log: a logged night of three cramps for the
    experiment's run-in as for History (DESIGN: no view shows fewer cramps for a night
    than its episodes)."""
    three_cramps_at_night(ctx, clock, capsys)
    clock.set(datetime(2026, 12, 4, 7, 30, tzinfo=BERLIN))
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    assert diary.night(NIGHT).cramp_count == 3  # type: ignore[union-attr]
    window = ctx.run_in()
    assert window.end == NIGHT
    assert (window.logged, window.cramps, window.cramp_nights) == (1, 3, 1)
    assert "you logged the cramps of 1 night: 3 cramps on 1 night." in window.words()
    # The morning log of 4 is then the night's count for the experiment too.
    run(ctx, capsys, "cramp", "--count", "4")
    assert ctx.run_in().cramps == 4
    code, out, _ = run(ctx, capsys, "experiment", "start")
    assert code == 0 and "logged the cramps of 1 night: 4 cramps on 1 night." in out


def test_a_night_not_remembered_from_the_command_line_is_so_in_every_view(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """`coach cramp --unknown`: the check-in's "don't remember", from the command line."""
    from coach.diary.checkin import gap_nights

    three_cramps_at_night(ctx, clock, capsys)  # and the stretch done on Mon 30 Nov
    clock.set(datetime(2026, 12, 4, 9, 0, tzinfo=BERLIN))
    before = gap_nights(ctx.store, date(2026, 12, 4), date(2026, 11, 30))
    assert date(2026, 12, 1) in before
    code, out, err = run(ctx, capsys, "cramp", "--unknown", "--night", "2026-12-01")
    assert (code, err) == (0, "")
    assert out.startswith("Recorded: the cramps of the night of Tue 01 Dec 2026 are not ")
    assert date(2026, 12, 1) not in gap_nights(ctx.store, date(2026, 12, 4), date(2026, 11, 30))
    code, out, _ = run(ctx, capsys, "history", "--days", "5")
    assert "Tue 2026-12-01" in out and "not remembered" in out
    code, out, _ = run(ctx, capsys, "history", "--days", "5", "--format", "json")
    night = {n["night"]: n for n in json.loads(out)}["2026-12-01"]
    assert night["cramps"] is None and night["unknown"] == "not remembered"
    code, out, _ = run(ctx, capsys, "history", "--days", "5", "--format", "csv")
    rows = {r["night"]: r for r in csv.DictReader(io.StringIO(out))}
    assert (rows["2026-12-01"]["cramps"], rows["2026-12-01"]["unknown"]) == ("", "not remembered")
    assert (rows["2026-12-02"]["unknown"], rows["2026-12-03"]["unknown"]) == ("not logged", "")
    # Asked again, it says so and writes nothing more.
    code, out, _ = run(ctx, capsys, "cramp", "--unknown", "--night", "2026-12-01")
    assert code == 0 and "already" in out
    assert len(ctx.store.events(date(2026, 12, 1), date(2026, 12, 1), "cramps-unknown")) == 1
    # A night with cramps logged is not unknown: refused, saying what is logged.
    code, out, err = run(ctx, capsys, "cramp", "--unknown", "--night", "2026-12-03")
    assert code == 1 and out == ""
    assert err.startswith("coach: the night of Thu 03 Dec has 3 cramps logged at night, so ")
    assert ctx.store.events(NIGHT, NIGHT, "cramps-unknown") == []
    code, _, err = run(ctx, capsys, "cramp", "--unknown", "--count", "0")  # 0 is given too
    assert code == 2 and "takes only --night, not --count" in err
    # Remembered after all: the log replaces the answer, and says so.
    code, out, _ = run(ctx, capsys, "cramp", "--count", "1", "--night", "2026-12-01")
    assert out.startswith('Replaced "don\'t remember" for the night of Tue 01 Dec 2026.\n')
    code, out, _ = run(ctx, capsys, "history", "--days", "5", "--format", "json")
    night = {n["night"]: n for n in json.loads(out)}["2026-12-01"]
    assert night["cramps"]["count"] == 1 and night["unknown"] is None
