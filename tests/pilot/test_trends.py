"""The history's trend view driven with Pilot: spans and the numbers table."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from coach.clock import FakeClock
from coach.session import Session
from screens.history import HistoryScreen
from screens.trends import TrendScreen
from tests.support.apps import HistoryApp, trend_app

NOV = date(2026, 11, 1)


async def test_t_opens_the_trends_and_n_shows_their_numbers(ctx: Session, clock: FakeClock) -> None:
    app = trend_app(ctx, clock)
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


async def test_an_empty_diary_draws_empty_axes(ctx: Session) -> None:
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
