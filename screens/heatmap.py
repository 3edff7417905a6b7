"""The history's heatmap: nights as a grid, weeks as columns and weekdays as rows, with a
cursor on one night.

Each redraw reads only the visible weeks' nights from the diary it is given.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
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

    def render(self) -> Text:
        weeks = self.visible_weeks()
        self._scroll_to_cursor(weeks)
        # A short diary starts at the left edge rather than after weeks of empty columns.
        left = max(_monday(self.first), self._right_monday - timedelta(weeks=weeks - 1))
        shown = min(weeks, (self._right_monday - left).days // 7 + 1)
        mondays = [left + timedelta(weeks=w) for w in range(shown)]
        text = Text(no_wrap=True, overflow="crop")
        text.append(self._month_row(mondays) + "\n", style="bold")
        for weekday in range(7):
            text.append(f"{WEEKDAY_LABELS[weekday]} ", style="dim")
            for monday in mondays:
                text.append_text(self._cell(monday + timedelta(days=weekday)))
            text.append("\n")
        for key, label in LEGEND:
            glyph, colour = GLYPHS[key]
            text.append(glyph, style=colour)
            text.append(f" {label}  ")
        text.append("•", style="bold magenta")
        text.append(" cramps")
        return text

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

    def _cell(self, night: date) -> Text:
        if night < self.first or night > self.last:
            return Text("  ")
        facts = self.diary.night(night)
        if facts is None:
            return Text("  ")
        glyph, colour = GLYPHS[night_glyph(facts)]
        mark = "•" if facts.had_cramps else " "
        cell = Text()
        if night == self.cursor:
            # A shape of its own, so the cursor shows without colour too; the detail
            # panel beside says what the night holds.
            cell.append("◆" + mark, style="bold yellow on grey23")
        else:
            cell.append(glyph, style=colour)
            cell.append(mark, style="bold magenta")
        return cell


def _monday(night: date) -> date:
    return week_start(night)
