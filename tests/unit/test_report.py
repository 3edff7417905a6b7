"""The doctor's report from a fixed synthetic diary, checked against its hand-worked numbers,
and `coach report` on the command line."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from coach.cli.main import main
from coach.diary.nights import Diary
from coach.experiment.protocol import Protocol
from coach.records.store import Store
from coach.report.build import NOT_MEDICAL_ADVICE, make_report, poisson_interval
from coach.report.markdown import render_markdown
from coach.report.output import export_files
from coach.session import Session
from tests.support.reports import markdown_report

STEPS = ("last-meal", "hydration", "screens-off", "stretch", "sleep-position")
NOV = date(2026, 11, 1)


def nov(day: int) -> date:
    return NOV + timedelta(days=day - 1)


def synthetic_diary(store: Store) -> None:
    """Three weeks of November 2026, the clock at Sun 22 Nov 18:00 (last finished night 21).

    Nov 1 is a Sunday; weeks run Monday to Sunday.
    Nov 1-7: no steps; cramps 2,1,0,3,1,0,2, worst pain 6,5,7,4,6, disturbance
    5,3,0,6,2,0,4. Nov 8-14: every step done; cramps 1 on Nov 8 (3 min, pain 4, no
    disturbance) and 1 on Nov 11 (12 min, pain 3, note "started a new medicine").
    Nov 15-21: every step but the stretch, which is done on Nov 15-18 only; Nov 19 not
    logged; cramps 1 on Nov 17 (pain 5), 2 on Nov 20 (6 min, pain 6), 1 on Nov 21 (pain 4).

    By week: Mon 2 - Sun 8 Nov (the baseline: the first week with 4 or more nights
    logged; Sun 1 Nov alone is in the week before) 8 cramps on 5 of 7 nights, 8.0 a week,
    pain 5,7,4,6,4 (mean 5.2), disturbance 3,0,6,2,0,4 (mean 2.5). Mon 9 - Sun 15: 1
    cramp (pain 3), 1.0 a week. Mon 16 - Sat 21 (so far): 4 cramps on 3 of 5 logged
    nights, 5.6 a week, mean pain 5.0. A two-week report: Mon 9 to Sat 21, 5 cramps on
    12 logged nights of 13, 2.9 a week.
    """
    baseline = [(2, 6, 5), (1, 5, 3), (0, None, 0), (3, 7, 6), (1, 4, 2), (0, None, 0), (2, 6, 4)]
    for day, (count, severity, disturbance) in enumerate(baseline, start=1):
        store.record_cramps(nov(day), count, severity=severity, disturbance=disturbance)
    for day in range(8, 22):
        for step in STEPS:
            if step != "stretch" or day <= 18:
                store.record_step(nov(day), step, "done")
    logs: dict[int, tuple[int, int | None, float | None, str]] = {
        8: (1, 4, 3, ""),
        9: (0, None, None, ""),
        10: (0, None, None, ""),
        11: (1, 3, 12, "started a new medicine"),
        12: (0, None, None, ""),
        13: (0, None, None, ""),
        14: (0, None, None, ""),
        15: (0, None, None, ""),
        16: (0, None, None, ""),
        17: (1, 5, None, ""),
        18: (0, None, None, ""),
        20: (2, 6, 6, ""),
        21: (1, 4, None, ""),
    }
    for day, (count, severity, minutes, note) in logs.items():
        store.record_cramps(nov(day), count, severity=severity, minutes=minutes, notes=note)


@pytest.fixture
def report(ctx: Session) -> str:
    synthetic_diary(ctx.store)
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    return markdown_report(diary, ctx.settings, 2, ctx.clock.now())


def test_period_and_mornings_logged(report: str) -> None:
    assert "- Period: Mon 09 Nov 2026 to Sat 21 Nov 2026 (13 nights" in report
    assert "- Patient: ____" in report  # a line to write the name on
    assert "- Nights logged: 12 of 13 (a morning log or cramps logged at night)" in report


def test_cramps_per_week_against_the_first_week_logged(report: str) -> None:
    rows = [line for line in report.splitlines() if line.startswith("| ")]
    # Counts, then the rate per 7 nights with its exact Poisson 95% interval.
    baseline = "| Baseline: first week logged, 02 Nov - 08 Nov 2026 | 7 of 7"
    assert f"{baseline} | 5 | 8 | 8.0 (3.5-15.8) | 5.2 | 2.5 |" in rows
    # The weeks of the app's History and trend view: Monday to Sunday, the last so far.
    assert "| 09 Nov - 15 Nov 2026 | 7 of 7 | 1 | 1 | 1.0 (0.0-5.6) | 3.0 | - |" in rows
    assert "| 16 Nov - 21 Nov 2026 | 5 of 6 | 3 | 4 | 5.6 (1.5-14.3) | 5.0 | - |" in rows
    # 5 cramps on 12 logged nights = 2.9 a week; pain 3,5,6,4 -> 4.5
    assert "| **Whole period** | 12 of 13 | 4 | 5 | 2.9 (0.9-6.8) | 4.5 | - |" in rows
    assert "regression to the mean" in report


def test_no_rate_from_fewer_than_four_logged_nights(ctx: Session) -> None:
    for day in (2, 3, 4):  # Mon-Wed
        ctx.store.record_cramps(nov(day), 2, severity=5)
    for day in range(1, 22):
        ctx.store.record_step(nov(day), "stretch", "done")
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    report = markdown_report(diary, ctx.settings, 3, ctx.clock.now())
    week = "| 02 Nov - 08 Nov 2026"
    assert f"{week} | 3 of 7 | 3 | 6 | none (<4 nights) | 5.0 | - |" in report
    assert "Baseline" not in report and "baseline" not in report  # no week to compare to
    ctx.store.record_cramps(nov(5), 0)
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    report = markdown_report(diary, ctx.settings, 3, ctx.clock.now())
    # 6 cramps on 4 logged nights: 10.5 per 7 nights, interval (2.20-13.06) * 7/4.
    week += " (baseline)"  # the first week with 4 nights logged, one of the report's
    assert f"{week} | 4 of 7 | 3 | 6 | 10.5 (3.9-22.9) | 5.0 | - |" in report


def test_poisson_interval_matches_the_chi_square_form() -> None:
    # Garwood's exact interval; reference values from the chi-square quantiles.
    assert poisson_interval(0) == pytest.approx((0.0, 3.689), abs=1e-3)
    assert poisson_interval(9) == pytest.approx((4.115, 17.085), abs=1e-3)
    assert poisson_interval(50) == pytest.approx((37.111, 65.919), abs=1e-3)


def test_longest_cramps_first(report: str) -> None:
    section = report.split("## Longest cramps")[1].split("##")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "night" not in line]
    assert rows == [
        "| Wed 11 Nov 2026 | 12 | 3 | - | - |",
        "| Fri 20 Nov 2026 | 6 | 6 | - | - |",
    ]


def test_adherence_per_step(report: str) -> None:
    assert "| Calf and hamstring stretches | 10 | 13 | 77% |" in report
    assert "| Hydration | 13 | 13 | 100% |" in report
    # Nov 9-18 complete (10 nights); the stretch missed from Nov 19.
    assert "Every step done on 10 of 13 nights." in report


def test_no_stretch_comparison_without_an_experiment(report: str) -> None:
    # Nights with and without a stretch the user chose are not compared: that cannot tell.
    assert "Stretch and cramps" not in report
    assert "Personal experiment" not in report


def test_the_experiment_section_when_one_ran(ctx: Session) -> None:
    synthetic_diary(ctx.store)
    start = nov(8)
    protocol = Protocol(
        created="t",
        run_in_start=nov(1),
        start=start,
        arms=("stretch", "no-stretch"),
        run_in_rate=1.0,
    )
    ctx.store.set_state("experiment", protocol.to_state())
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    report = markdown_report(diary, ctx.settings, 2, ctx.clock.now(), ctx.store)
    section = report.split("## Personal experiment: does stretching help?")[1].split("\n## ")[0]
    # Nov 8-21, the pair's two periods: the first 3 nights of each are left out.
    assert "| 1 | 08 Nov - 21 Nov 2026 | stretch |" in section
    assert "| 2 | 22 Nov -" not in section
    assert "cannot be blinded" in section
    assert "settling-in nights left out" in section


def test_red_flags_and_notes(report: str) -> None:
    # The safety block comes first, right after who and when.
    assert report.index("## Safety: red flags and medicines") < report.index("## Cramps per week")
    flags = report.split("## Safety: red flags and medicines")[1].split("\n## ")[0]
    assert "| 11 Nov 2026 | urgent | A cramp lasted more than 10 minutes | 12 min |" in flags
    assert (
        "| 11 Nov 2026 | soon | Cramps after starting a new medicine "
        "| \u201cstarted a new medicine\u201d |"
    ) in flags
    assert "stop" not in flags.split("new medicine")[1]
    # what coach can miss, said where it reports
    assert "coach reads notes for key words and can miss signs" in flags
    assert "- **Wed 11 Nov 2026**: started a new medicine" in report
    assert report.rstrip().endswith(f"*{NOT_MEDICAL_ADVICE}*")


def test_cli_prints_the_report_and_writes_a_file(
    ctx: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    synthetic_diary(ctx.store)
    assert main(["report", "--weeks", "2"], context=ctx) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("# Night-time leg cramps: diary report")
    assert "| **Whole period** | 12 of 13 | 4 | 5 | 2.9 (0.9-6.8) | 4.5 | - |" in printed
    out = tmp_path / "for-dr.md"
    assert main(["report", "--weeks", "2", "--output", str(out)], context=ctx) == 0
    assert out.read_text() == printed
    assert f"Report written to {out}." in capsys.readouterr().out
    assert out.stat().st_mode & 0o077 == 0  # health data: user-only


def test_cli_errors_are_one_line(
    ctx: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report"], context=ctx) == 1
    err = capsys.readouterr().err
    assert err == "coach: nothing is recorded yet; the report needs at least one finished night\n"
    synthetic_diary(ctx.store)
    assert main(["report", "--output", str(tmp_path / "no" / "such.md")], context=ctx) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["report", "--weeks", "x"], context=ctx) == 2
    assert "weeks must be a whole number" in capsys.readouterr().err
    assert main(["report", "--format", "odt"], context=ctx) == 2
    assert "invalid choice: 'odt'" in capsys.readouterr().err


def test_export_writes_the_report_and_the_csv(ctx: Session, tmp_path: Path) -> None:
    synthetic_diary(ctx.store)
    report_path, csv_path = export_files(ctx, tmp_path / "exports", weeks=2, fmt="md")
    assert report_path.name == "report-2026-11-22.md"
    assert "| **Whole period** | 12 of 13 | 4 | 5 | 2.9 (0.9-6.8) | 4.5 | - |" in (
        report_path.read_text()
    )
    lines = csv_path.read_text().splitlines()
    assert lines[0].startswith("night,last-meal,hydration,screens-off,stretch,sleep-position")
    assert len(lines) == 1 + 21  # Nov 1 to Nov 21, every finished night
    assert lines[11].startswith("2026-11-11,done,done,done,done,done,1,3,12,")


def test_the_installed_command_writes_the_report(ctx: Session, tmp_path: Path) -> None:
    """The real `coach` entry point in a child process, on the real clock, reading the
    same data folder."""
    night = date.today() - timedelta(days=3)
    ctx.store.record_cramps(night, 1, minutes=12, notes="started a new medicine")
    out = tmp_path / "report.md"
    done = subprocess.run(
        [sys.executable, "-m", "coach", "report", "--weeks", "1", "--output", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Report written to {out}.\n"
    report = out.read_text()
    assert f"- **{night:%a %d %b %Y}**: started a new medicine" in report
    assert f"| {night:%d %b %Y} | urgent | A cramp lasted more than 10 minutes |" in report


def test_the_cli_default_weeks_matches_the_report() -> None:
    from coach.cli import report as cli_report
    from coach.report import build as report

    assert cli_report.DEFAULT_WEEKS == report.DEFAULT_WEEKS


def test_the_safety_block_keeps_what_the_window_drops(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    """A flag not acknowledged and a medicine started, both ten weeks before a six-week
    report, are in its safety block; a flag acknowledged then is not."""
    old = ["--night", "2026-09-12"]
    assert main(["cramp", "--count", "1", "--note", "started amlodipine", *old], context=ctx) == 0
    assert main(["cramp", "--count", "1", "--sign", "wound-or-toxin", *old], context=ctx) == 0
    older = ["--night", "2026-09-10", "--note", "left calf red and hot"]
    assert main(["cramp", "--count", "1", *older], context=ctx) == 0
    assert main(["flags", "--ack", "clot-calf-2026-09-10"], context=ctx) == 0
    assert main(["cramp", "--none", "--night", "2026-11-21"], context=ctx) == 0
    capsys.readouterr()
    assert main(["report"], context=ctx) == 0
    report = capsys.readouterr().out
    assert "Mon 12 Oct 2026 to Sat 21 Nov 2026" in report  # the window starts after them
    safety = report.split("## Safety: red flags and medicines")[1].split("\n## ")[0]
    assert (
        "| 12 Sep 2026 | urgent | Cramps after contact with a toxin or after a dirty wound "
        "| your answer: a dirty wound or contact with a toxin | NOT YET |"
    ) in safety
    assert "Medicine started or changed, 12 Sep 2026**: amlodipine: a blood-pressure" in safety
    assert "clot-calf" not in safety and "10 Sep 2026" not in safety  # acknowledged
    assert "coach reads notes for key words and can miss signs" in safety


def test_nothing_found_says_what_coach_can_miss(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cramp", "--none", "--night", "2026-11-21"], context=ctx) == 0
    capsys.readouterr()
    assert main(["report"], context=ctx) == 0
    safety = capsys.readouterr().out.split("## Safety: red flags and medicines")[1]
    safety = safety.split("\n## ")[0]
    assert "No red flag was raised or found in this period." in safety
    assert "coach reads notes for key words and can miss signs" in safety
    assert "appear" not in safety


class CountingSource:
    """A session whose report reads are counted (each forwarded to the real session)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.session, name)
        if not callable(value):
            return value
        self.calls[name] += 1
        return value


def test_the_report_reads_each_thing_once(ctx: Session) -> None:
    """One snapshot: the report's weeks, the first week logged (before them here), the
    period's events (the weekly answers and the flags raised), the flags of any date, the
    experiment: each read once from the session, and the report is the one the session
    itself gives."""
    synthetic_diary(ctx.store)
    source = CountingSource(ctx)
    report = render_markdown(make_report(source, 2))  # type: ignore[arg-type]
    assert report == render_markdown(make_report(ctx, 2))
    assert "Mon 09 Nov 2026 to Sat 21 Nov 2026" in report
    assert dict(source.calls) == {
        "now": 1,
        "first_record_night": 1,
        "load": 2,  # the two weeks (with a night each side), then the first week logged
        "cramp_logs": 1,  # where the first week logged starts
        "events": 1,  # the period's: the weekly answers and the flags raised
        "every_flag": 1,
        "experiment_result": 1,
    }


def test_one_cramp_is_one_cramp_in_the_chart_s_words(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["cramp", "--count", "1", "--severity", "3", "--night", "2026-11-21"]
    assert main(argv, context=ctx) == 0
    capsys.readouterr()
    assert main(["report"], context=ctx) == 0
    printed = capsys.readouterr().out
    assert "21 Nov: 1 cramp, 1 of 1 night logged" in printed
    assert "1 cramps" not in printed


def test_a_week_with_nothing_logged_shows_no_count(ctx: Session) -> None:
    """Nov 9-15 logged, Nov 16-21 not at all: that week's row and bar say '-' and 'nothing
    logged', never 0 cramps, which would read as a week without cramps."""
    for day in range(9, 16):
        ctx.store.record_cramps(nov(day), 1 if day == 11 else 0, severity=3 if day == 11 else None)
    ctx.store.record_step(nov(21), "stretch", "done")  # the diary runs to Sat 21 Nov
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    report = markdown_report(diary, ctx.settings, 2, ctx.clock.now())
    assert "| 16 Nov - 21 Nov 2026 | 0 of 6 | - | - | none (<4 nights) | - | - |" in report
    assert "| 09 Nov - 15 Nov 2026 (baseline) | 7 of 7 | 1 | 1 |" in report
    assert "16 Nov: nothing logged, 0 of 6 nights logged" in report
    assert "| **Whole period** | 7 of 13 | 1 | 1 |" in report


def test_the_baseline_week_ends_with_the_last_night_that_is_over(ctx: Session, clock: Any) -> None:
    """At 23:00 on Sun 22 Nov tonight is still running: a cramp logged during it is not in
    the baseline week yet, which ends on Saturday, as the report's period does."""
    from datetime import datetime

    from tests.support import BERLIN

    for day in range(16, 20):  # Mon 16 to Thu 19 Nov: four nights, one cramp each
        ctx.store.record_cramps(nov(day), 1, severity=4)
    clock.set(datetime(2026, 11, 22, 23, 0, tzinfo=BERLIN))
    ctx.log_episode(minutes=2)  # tonight's, at 23:00
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    baseline = diary.baseline()
    assert baseline is not None
    assert (baseline.start, baseline.end) == (nov(16), nov(21))
    assert (baseline.nights_logged, baseline.cramps) == (4, 4)
    report = markdown_report(diary, ctx.settings, 1, ctx.clock.now())
    assert "| 16 Nov - 21 Nov 2026 (baseline) | 4 of 6 | 4 | 4 |" in report


def test_a_night_answered_dont_remember_is_over_like_a_logged_one(ctx: Session, clock: Any) -> None:
    """Monday 09:00: Sunday's cramps answered "don't remember" end Sunday's night as a
    morning log would, so the report runs to Sunday (then unknown, not "no cramps")."""
    from datetime import datetime

    from tests.support import BERLIN

    for day in range(16, 22):
        ctx.store.record_cramps(nov(day), 0)
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    assert "to Sat 21 Nov 2026 (6 nights" in markdown_report(diary, ctx.settings, 1, clock.now())
    assert ctx.dont_remember(nov(22))
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    report = markdown_report(diary, ctx.settings, 1, ctx.clock.now())
    assert "- Period: Mon 16 Nov 2026 to Sun 22 Nov 2026 (7 nights" in report
    assert "- Nights logged: 6 of 7 (a morning log or cramps logged at night)" in report


def test_paused_nights_are_left_out_of_every_step_count_alike(ctx: Session) -> None:
    """Mon 16 - Sat 21 Nov, every step done but on Nov 19-20, which were paused: the table's
    'of nights' and the line under it both rest on the four nights expected."""
    for day in range(16, 22):
        if day in (19, 20):
            ctx.set_paused(nov(day))
            continue
        for step in STEPS:
            ctx.store.record_step(nov(day), step, "done")
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    report = markdown_report(diary, ctx.settings, 1, ctx.clock.now())
    assert "| Last meal | 4 | 4 | 100% |" in report
    assert "Every step done on 4 of 4 nights. Reminders were paused on 2 nights" in report


def test_a_longest_cramp_logged_at_night_keeps_its_own_leg_and_muscle(ctx: Session) -> None:
    """A 12-minute cramp logged at night (left calf) and a morning log of 5 cramps, worst
    pain 7, no leg: the longest row is the night-time cramp's, with the night's pain."""
    from coach.session import EPISODE

    night = nov(18)
    ctx.store.add_event(
        night,
        EPISODE,
        {"started": "2026-11-19T03:05:00+01:00", "minutes": 12, "leg": "left", "muscle": "calf"},
    )
    ctx.store.record_cramps(night, 5, severity=7)
    ctx.store.record_cramps(nov(17), 1, severity=3, minutes=4, leg="right", muscle="foot")
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    report = markdown_report(diary, ctx.settings, 1, ctx.clock.now())
    assert "| Wed 18 Nov 2026 | 12 | 7 | left | calf |" in report
    assert "| Tue 17 Nov 2026 | 4 | 3 | right | foot |" in report
