"""The history's heatmap: nights as a grid, weeks as columns and weekdays as rows, with a
cursor on one night.

Each redraw reads only the visible weeks' nights from the diary it is given.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from rich.style import Style as RichStyle
from rich.terminal_theme import TerminalTheme
from textual.binding import Binding, BindingType
from textual.content import Content, Span
from textual.message import Message
from textual.reactive import reactive
from textual.style import Style
from textual.widget import Widget

from coach.diary.nights import Diary, NightFacts, week_start

WEEKDAY_LABELS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
GLYPHS = {
    "complete": ("█", "green"),
    "most": ("▓", "green"),
    "some": ("▒", "yellow"),
    "none": ("░", "red"),
    "paused": ("‖", "blue"),
    "pending": ("◌", "cyan"),
}
LEGEND = (
    ("complete", "all done"),
    ("most", "most"),
    ("some", "some"),
    ("none", "none"),
    ("paused", "paused"),
)


def night_glyph(facts: NightFacts) -> str:
    """Which heatmap glyph a night gets: complete, most, some, none, paused or pending."""
    status = facts.status
    if status == "partial":
        return "most" if facts.fraction >= 0.6 else "some"
    return status


MONTH_KEYS = Binding.Group("Month")


class Heatmap(Widget, can_focus=True):
    """Nights as a grid, weeks as columns and weekdays as rows, with a cursor on one night."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-7)", "Week back", show=False, id="history.week-back"),
        Binding("right", "move(7)", "Week on", show=False, id="history.week-on"),
        Binding("up", "move(-1)", "Day back", show=False, id="history.day-back"),
        Binding("down", "move(1)", "Day on", show=False, id="history.day-on"),
        # One "Month" label for both keys keeps the footer whole at 80 columns.
        Binding(
            "pageup",
            "month(-1)",
            "Month back",
            id="history.month-back",
            tooltip="Move the cursor a month back",
            group=MONTH_KEYS,
        ),
        Binding(
            "pagedown",
            "month(1)",
            "Month on",
            id="history.month-on",
            tooltip="Move the cursor a month on",
            group=MONTH_KEYS,
        ),
        Binding("home", "edge(-1)", "First night", show=False, id="history.first"),
        Binding("end", "edge(1)", "Last night", show=False, id="history.last"),
        Binding(
            "enter",
            "choose",
            # Short labels keep every key of the footer whole at 80 columns.
            "Fix",
            id="history.correct",
            tooltip="Correct the selected night's record",
        ),
    ]

    cursor: reactive[date] = reactive(date(2000, 1, 1))

    @dataclass
    class Moved(Message):
        """The cursor moved to another night."""

        night: date

    @dataclass
    class Chosen(Message):
        """The user asked to correct a night."""

        night: date

    def __init__(self, diary: Diary, first: date, last: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.diary = diary
        self.first = first
        self.last = last
        self._right_monday = _monday(last)
        self.set_reactive(Heatmap.cursor, last)

    def visible_weeks(self) -> int:
        return max(1, (self.size.width - 3) // 2)

    def watch_cursor(self, night: date) -> None:
        self.post_message(self.Moved(night))

    def action_move(self, days: int) -> None:
        self.cursor = min(self.last, max(self.first, self.cursor + timedelta(days=days)))

    def action_month(self, months: int) -> None:
        year, month = divmod(self.cursor.year * 12 + self.cursor.month - 1 + months, 12)
        day = min(self.cursor.day, calendar.monthrange(year, month + 1)[1])
        target = date(year, month + 1, day)
        self.cursor = min(self.last, max(self.first, target))

    def action_edge(self, direction: int) -> None:
        self.cursor = self.last if direction > 0 else self.first

    def action_choose(self) -> None:
        self.post_message(self.Chosen(self.cursor))

    def _scroll_to_cursor(self, weeks: int) -> None:
        monday = _monday(self.cursor)
        if monday > self._right_monday:
            self._right_monday = monday
        elif monday < self._right_monday - timedelta(weeks=weeks - 1):
            self._right_monday = monday + timedelta(weeks=weeks - 1)

    def render(self) -> Content:
        weeks = self.visible_weeks()
        self._scroll_to_cursor(weeks)
        # A short diary starts at the left edge rather than after weeks of empty columns.
        left = max(_monday(self.first), self._right_monday - timedelta(weeks=weeks - 1))
        shown = min(weeks, (self._right_monday - left).days // 7 + 1)
        mondays = [left + timedelta(weeks=w) for w in range(shown)]
        grid = _Grid(self.app.console.get_style, self.app.ansi_theme)
        grid.add(self._month_row(mondays) + "\n", "bold")
        for weekday in range(7):
            grid.add(f"{WEEKDAY_LABELS[weekday]} ", "dim")
            for monday in mondays:
                for piece, style in self._cell(monday + timedelta(days=weekday)):
                    grid.add(piece, style)
            grid.add("\n", "")
        for key, label in LEGEND:
            glyph, colour = GLYPHS[key]
            grid.add(glyph, colour)
            grid.add(f" {label}  ", "")
        grid.add("•", "bold magenta")
        grid.add(" cramps", "")
        return grid.content()

    def _month_row(self, mondays: list[date]) -> str:
        row = [" "] * (3 + 2 * len(mondays))
        previous = None
        for column, monday in enumerate(mondays):
            sunday = monday + timedelta(days=6)
            month = (sunday.year, sunday.month)
            if month != previous:
                label = f"{sunday:%b}" if sunday.month != 1 else f"{sunday:%Y}"
                start = 3 + 2 * column
                # A label that would touch the one before moves to the next column.
                if all(c == " " for c in row[max(0, start - 1) : start + len(label)]):
                    row[start : start + len(label)] = list(label)
                    previous = month
        return "".join(row).rstrip()

    def _cell(self, night: date) -> tuple[tuple[str, str], ...]:
        """A night's two columns, as (text, style) pieces ("" for no style)."""
        if night < self.first or night > self.last:
            return (("  ", ""),)
        facts = self.diary.night(night)
        if facts is None:
            return (("  ", ""),)
        glyph, colour = GLYPHS[night_glyph(facts)]
        if night == self.cursor:
            # A shape of its own, so the cursor shows without colour too; the detail
            # panel beside says what the night holds.
            return (("◆" + ("•" if facts.had_cramps else " "), "bold yellow on grey23"),)
        if facts.had_cramps:
            return ((glyph, colour), ("•", "bold magenta"))
        return ((glyph + " ", colour),)  # a space shows no colour: it joins the glyph's run


class _Grid:
    """The heatmap's text as Textual content, built with one span per run of text that
    looks alike (not two per cell) and each style converted once: Textual's cost of
    drawing the grid is per span, and ten years of nights fill every column."""

    def __init__(self, get_style: Callable[[str], RichStyle], theme: TerminalTheme) -> None:
        self._get_style = get_style
        self._theme = theme
        self._styles: dict[str, Style] = {}
        self._text: list[str] = []
        self._spans: list[Span] = []
        self._length = 0
        self._run_start = 0
        self._run_style = ""

    def add(self, text: str, style: str) -> None:
        """Append `text` in `style` (a Rich style string, "" for none)."""
        if style != self._run_style:
            self._close_run()
            self._run_start, self._run_style = self._length, style
        self._text.append(text)
        self._length += len(text)

    def _close_run(self) -> None:
        if self._run_style and self._length > self._run_start:
            style = self._styles.get(self._run_style)
            if style is None:
                rich = self._get_style(self._run_style)
                style = self._styles[self._run_style] = Style.from_rich_style(rich, self._theme)
            self._spans.append(Span(self._run_start, self._length, style))

    def content(self) -> Content:
        self._close_run()
        return Content("".join(self._text), self._spans)


def _monday(night: date) -> date:
    return week_start(night)
