"""The history's trend view: cramps and mean worst pain over 12 weeks, 12 months or all,
drawn with axes and labels (textual-plotext), with the numbers one key away.

Each series has a shape of its own (bars for cramps, small dots for nights logged, large
dots for pain), so the charts read without colour too.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from coach.diary.nights import Diary
from coach.diary.trends import SPANS, Span, Trend, trend
from screens.base import CoachFooter


class TrendScreen(Screen[None]):
    """Two charts of the cramp diary over a span, or the same figures as a table."""

    CSS_PATH = "trends.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "span('12w')", "Weeks", id="trends.weeks", tooltip="The last 12 weeks"),
        Binding("m", "span('12m')", "Months", id="trends.months", tooltip="The last 12 months"),
        Binding("a", "span('all')", "All", id="trends.all", tooltip="Everything on record"),
        Binding(
            "n",
            "numbers",
            # Short labels keep every key of the footer whole at 80 columns.
            "Table",
            id="trends.numbers",
            tooltip="Show the charts' figures as a table, or the charts again",
        ),
        Binding("escape", "close", "Back", id="trends.back", tooltip="Back to the history"),
    ]

    def __init__(self, diary: Diary, *, complete: bool = True, span: Span = "12w") -> None:
        super().__init__()
        self.diary = diary
        self.complete = complete
        """False while the history is still reading older nights: "all" says so."""
        self.span: Span = span
        self.showing_numbers = False

    def compose(self) -> ComposeResult:
        yield Static("", id="trend-title")
        with Vertical(id="charts"):
            yield PlotextPlot(id="cramps-plot")
            yield PlotextPlot(id="pain-plot")
        yield DataTable(id="numbers", show_cursor=False, zebra_stripes=True)
        yield CoachFooter(compact=True)

    def on_mount(self) -> None:
        self.title = "Trends"
        self.query_one("#numbers", DataTable).display = False
        self._draw()

    def action_span(self, span: Span) -> None:
        self.span = span
        self._draw()

    def action_numbers(self) -> None:
        self.showing_numbers = not self.showing_numbers
        self._show_title(trend(self.diary, self.span))
        self.query_one("#charts").display = not self.showing_numbers
        table = self.query_one("#numbers", DataTable)
        table.display = self.showing_numbers
        if self.showing_numbers:
            table.focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def _draw(self) -> None:
        data = trend(self.diary, self.span)
        self._show_title(data)
        self._draw_cramps(data)
        self._draw_pain(data)
        self._fill_table(data)

    def _show_title(self, data: Trend) -> None:
        unit = "week" if data.unit == "week" else "month"
        title = f"Cramps and worst pain, {SPANS[self.span]}, by {unit}"
        if self.span == "all" and not self.complete:
            title += " (older nights still loading)"
        keys = "n table · w/m/a span" if not self.showing_numbers else "n charts"
        self.query_one("#trend-title", Static).update(
            Text.assemble((title, "bold"), "  ", (keys, "dim"))
        )

    def _ticks(self, data: Trend) -> tuple[list[float], list[str]]:
        # A label every few points, so they never run into each other at 80 columns.
        count = len(data.points)
        every = max(1, -(-count // 6))
        shown = [float(i) for i in range(count - 1, -1, -every)][::-1]
        return shown, [data.label(data.points[int(i)]) for i in shown]

    def _xlim(self, data: Trend) -> tuple[float, float]:
        # The same x range in both charts, so a week sits above itself; at least six
        # slots, so a new diary's few bars keep a bar's width.
        return -0.5, max(len(data.points), 6) - 0.5

    def _draw_cramps(self, data: Trend) -> None:
        widget = self.query_one("#cramps-plot", PlotextPlot)
        plt = widget.plt
        plt.clear_figure()
        xs = list(range(len(data.points)))
        if data.unit == "week":
            plt.title("Cramps per week (bars, count) and nights logged (dots, of 7)")
            bars = [float(p.cramps) for p in data.points]
            plt.bar(xs, bars, marker="hd", width=0.6)
            plt.scatter(xs, [p.nights_logged for p in data.points], marker="•")
        else:
            plt.title("Cramps per 7 logged nights, a rate (bars; none under 4 nights)")
            bars = [p.per_week or 0.0 for p in data.points]
            plt.bar(xs, bars, marker="hd", width=0.6)
        ticks, labels = self._ticks(data)
        if ticks:
            plt.xticks(ticks, labels)
        plt.xlim(*self._xlim(data))
        top = max([7, *(round(b + 0.49) for b in bars)])
        step = max(1, -(-top // 3))
        plt.ylim(0, top + 0.5)
        ys = range(0, top + 1, step)
        # Labels of one width in both charts keep their x axes aligned.
        plt.yticks([float(y) for y in ys], [f"{y:>3}" for y in ys])
        widget.refresh()

    def _draw_pain(self, data: Trend) -> None:
        widget = self.query_one("#pain-plot", PlotextPlot)
        plt = widget.plt
        plt.clear_figure()
        plt.title(f"Worst pain, mean of nights with cramps (0-10), by {data.unit}")
        points = [(i, p.mean_severity) for i, p in enumerate(data.points)]
        shown = [(i, v) for i, v in points if v is not None]
        if shown:
            # Dots, not a line: a line would draw values across weeks with nothing logged.
            plt.scatter([i for i, _ in shown], [v for _, v in shown], marker="●")
        ticks, labels = self._ticks(data)
        if ticks:
            plt.xticks(ticks, labels)
        plt.xlim(*self._xlim(data))
        plt.ylim(0, 10)
        plt.yticks([0.0, 5.0, 10.0], ["  0", "  5", " 10"])
        widget.refresh()

    def _fill_table(self, data: Trend) -> None:
        table = self.query_one("#numbers", DataTable)
        table.clear(columns=True)
        table.add_columns(data.unit, "logged", "cramps", "per 7 nights (rate)", "worst pain (mean)")
        for point in reversed(data.points):
            rate = point.per_week
            pain = point.mean_severity
            cells = (
                f"{point.nights_logged} of {point.nights}",
                str(point.cramps),
                "-" if rate is None else f"{rate:.1f}",
                "-" if pain is None else f"{pain:.1f}",
            )
            table.add_row(data.label(point), *(Text(c, justify="right") for c in cells))
