"""The history's trend view: the figures per week and month (core), the screen driven with
Pilot (spans, the numbers table), and snapshots at 80x24 and 120x40, and under NO_COLOR."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from coach.clock import FakeClock
from coach.context import Context
from coach.stats import Diary
from coach.trends import trend
from screens.history import HistoryScreen
from screens.trends import TrendScreen
from tests.support.apps import HistoryApp
from tests.support.diaries import write_diary

NOV = date(2026, 11, 1)


def seed(ctx: Context) -> None:
    """Mon 26 Oct to Sun 22 Nov: four weeks. Week 1: 2 cramps a night on 3 logged nights
    (pain 6); week 2: nothing logged; week 3: 1 cramp on each of 7 nights (pain 4);
    week 4: none on 5 logged nights."""
    monday = date(2026, 10, 26)
    for day in range(3):
        ctx.store.record_cramps(monday + timedelta(days=day), 2, severity=6)
    for day in range(14, 21):
        ctx.store.record_cramps(monday + timedelta(days=day), 1, severity=4)
    for day in range(21, 26):
        ctx.store.record_cramps(monday + timedelta(days=day), 0)


def test_weeks_carry_counts_nights_logged_and_a_rate_only_from_four(
    ctx: Context, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    seed(ctx)
    diary = Diary.load(ctx.store, ctx.settings, clock.now())
    points = trend(diary, "12w").points
    assert len(points) == 4  # the diary starts on Mon 26 Oct
    assert [p.nights for p in points] == [7, 7, 7, 6]  # Sunday is not logged: not over
    assert points[-1].start == date(2026, 11, 16) and points[-1].end == date(2026, 11, 22)
    figures = [(p.nights_logged, p.cramps, p.per_week, p.mean_severity) for p in points[-4:]]
    assert figures == [(3, 6, None, 6.0), (0, 0, None, None), (7, 7, 7.0, 4.0), (5, 0, 0.0, None)]


def test_all_goes_by_month_after_two_years(ctx: Context, clock: FakeClock) -> None:
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    ctx.paths.db_dir.mkdir(parents=True)
    write_diary(ctx.paths.db_dir, date(2024, 1, 10), date(2026, 11, 22))
    diary = Diary.load(ctx.store, ctx.settings, clock.now())
    data = trend(diary, "all")
    assert data.unit == "month"
    assert data.points[0].start == date(2024, 1, 1)
    assert data.points[-1].start == date(2026, 11, 1)
    assert data.points[-1].nights == 22  # the month still running counts up to last night
    assert sum(p.cramps for p in data.points) == sum(
        f.cramps.cramps for f in diary.nights if f.cramps is not None
    )


def app_for(ctx: Context, clock: FakeClock) -> HistoryApp:
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    seed(ctx)
    return HistoryApp(ctx)


async def test_t_opens_the_trends_and_n_shows_their_numbers(ctx: Context, clock: FakeClock) -> None:
    app = app_for(ctx, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        screen = app.screen
        assert isinstance(screen, TrendScreen)
        title = str(screen.query_one("#trend-title", Static).content)
        assert title.startswith("Cramps and worst pain, 12 weeks, by week")
        plot = screen.query_one("#cramps-plot", PlotextPlot)
        assert plot.display and plot.size.height >= 8  # room for axes at 80x24
        await pilot.press("n")
        table = screen.query_one("#numbers", DataTable)
        charts = screen.query_one("#charts")
        assert table.display and not charts.display
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(4)]
        assert rows == [
            ["16 Nov", "5 of 6", "0", "0.0", "-"],
            ["09 Nov", "7 of 7", "7", "7.0", "4.0"],
            ["02 Nov", "0 of 7", "0", "-", "-"],
            ["26 Oct", "3 of 7", "6", "-", "6.0"],  # 3 nights: the count, no rate
        ]
        await pilot.press("m")
        assert table.row_count == 4  # 12 months, but the diary began four weeks ago
        title = str(screen.query_one("#trend-title", Static).content)
        assert title.startswith("Cramps and worst pain, 12 months, by week")
        await pilot.press("n")
        assert charts.display and not table.display
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_trend_snapshot(
    snap_compare: Any, ctx: Context, clock: FakeClock, size: tuple[int, int]
) -> None:
    assert snap_compare(app_for(ctx, clock), press=["t"], terminal_size=size)


def test_trend_snapshot_without_colour(
    snap_compare: Any, ctx: Context, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(ctx, clock)
    assert app.no_color
    assert snap_compare(app, press=["t"], terminal_size=(80, 24))


async def test_an_empty_diary_draws_empty_axes(ctx: Context) -> None:
    app = HistoryApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t", "a", "n")
        screen = app.screen
        assert isinstance(screen, TrendScreen)
        table = screen.query_one("#numbers", DataTable)
        # Only tonight's week: one night on record, nothing logged, no rate.
        assert [str(c) for c in table.get_row_at(0)][1:] == ["0 of 1", "0", "-", "-"]
        assert table.row_count == 1
        await pilot.press("n", "m")
        assert "12 months" in str(screen.query_one("#trend-title", Static).content)
