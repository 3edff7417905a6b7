"""A week is Monday to Sunday on every screen and on paper: the trend view's numbers, the
history's figures and the doctor's report give the same week the same figures, and the
report's baseline is one of those weeks, not seven nights straddling two of them.

The diary is written through the command line, as a person keeps it."""

from __future__ import annotations

from datetime import datetime

import pytest
from textual.widgets import DataTable, Static

from coach.cli.main import main
from coach.clock import FakeClock
from coach.session import Session
from screens.history import HistoryScreen
from screens.trends import TrendScreen
from tests.support import BERLIN
from tests.support.apps import HistoryApp, settle

# Thu 5 Nov to Fri 20 Nov 2026; Sat 21 Nov not logged. Weeks (Monday to Sunday):
# 2-8 Nov: 6 cramps on 4 logged nights (the first week logged; 10.5 a week),
# 9-15 Nov: 7 on 7 (7.0), 16-21 Nov so far: 8 on 5 of 6 (11.2, the highest).
CRAMPS = {5: 2, 6: 1, 7: 0, 8: 3, 9: 1, 10: 0, 11: 2, 12: 0, 13: 1, 14: 0, 15: 3}
CRAMPS |= {16: 2, 17: 2, 18: 0, 19: 1, 20: 3}


def keep_the_diary(ctx: Session) -> None:
    for day, count in CRAMPS.items():
        night = ["--night", f"2026-11-{day:02d}"]
        args = ["--count", str(count), "--severity", "5"] if count else ["--none"]
        assert main(["cramp", *args, *night], context=ctx) == 0


async def test_a_week_has_the_same_figures_in_the_app_and_the_report(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.set(datetime(2026, 11, 22, 18, 0, tzinfo=BERLIN))  # Sunday evening
    keep_the_diary(ctx)
    capsys.readouterr()
    assert main(["report"], context=ctx) == 0
    report = capsys.readouterr().out
    rows = [line for line in report.splitlines() if line.startswith("| ")]
    week_rows = [row for row in rows if " Nov 2026" in row.split("|")[1] and "-" in row]

    app = HistoryApp(ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        history = app.screen
        assert isinstance(history, HistoryScreen)
        await settle(pilot, lambda: history.complete)
        figures = str(history.query_one("#cramps-figures", Static).render())
        await pilot.press("t", "n")
        screen = app.screen
        assert isinstance(screen, TrendScreen)
        table = screen.query_one("#numbers", DataTable)
        trend = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]

    # The trend view: newest first, Monday weeks, nights on record.
    assert trend == [
        ["16 Nov", "5 of 6", "8", "11.2", "5.0"],
        ["09 Nov", "7 of 7", "7", "7.0", "5.0"],
        ["02 Nov", "4 of 4", "6", "10.5", "5.0"],
    ]
    # The report: the same weeks, with the same counts and rates; the baseline is the
    # first of them, labelled, and has no row of its own overlapping two others.
    assert week_rows == [
        "| 05 Nov - 08 Nov 2026 (baseline) | 4 of 4 | 3 | 6 | 10.5 (3.9-22.9) | 5.0 | - |",
        "| 09 Nov - 15 Nov 2026 | 7 of 7 | 4 | 7 | 7.0 (2.8-14.4) | 5.0 | - |",
        "| 16 Nov - 21 Nov 2026 | 5 of 6 | 4 | 8 | 11.2 (4.8-22.1) | 5.0 | - |",
    ]
    assert not any(row.startswith("| Baseline") for row in rows)
    # History's figures name the same week with the same rate as the report's row.
    assert "Highest: 11.2 a week (95% CI 4.8-22.1), week of 16 Nov" in figures
    assert figures.startswith("This week so far: 8 cramps on 5 logged nights")


async def test_a_raised_frequency_flag_is_not_listed_again_as_not_raised(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """The frequency flag is raised for the 14 nights ending 14 Nov here (as the nights were
    logged) and not again for 14 nights: the report lists that raise, and does not call the same
    pattern's other cramp nights "not raised" (they were counted off by a different key,
    so the report and History gave the pattern different numbers of nights)."""
    clock.set(datetime(2026, 11, 22, 18, 0, tzinfo=BERLIN))
    keep_the_diary(ctx)
    said = capsys.readouterr().out
    assert "SOON: Cramps on 3 or more nights a week" in said  # raised on saving
    assert main(["report"], context=ctx) == 0
    safety = capsys.readouterr().out.split("## Safety")[1].split("\n## ")[0]
    flag_rows = [line for line in safety.splitlines() if line.startswith("| ") and "soon" in line]
    assert flag_rows == [
        "| 14 Nov 2026 | soon | Cramps on 3 or more nights a week, or sleep disturbed, for 2 "
        "weeks | cramps on 4 of 6 logged nights in 14 | NOT YET |"
    ]
    assert "not raised" not in safety
