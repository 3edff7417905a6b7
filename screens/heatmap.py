"""The history's heatmap: nights as a grid, weeks as columns and weekdays as rows, with a
cursor on one night.

Each redraw reads only the visible weeks' nights from the diary it is given, and draws
them straight to strips (see _GridVisual).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.terminal_theme import TerminalTheme
from textual.binding import Binding, BindingType
from textual.content import Content, Span
from textual.css.styles import RulesMap
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
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

    ALLOW_SELECT = False
    """A grid of glyphs is nothing to copy (the night's panel beside is text)."""

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
        self._styles: dict[tuple[str, TerminalTheme], Style] = {}
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

    def render(self) -> Visual:
        weeks = self.visible_weeks()
        self._scroll_to_cursor(weeks)
        # A short diary starts at the left edge rather than after weeks of empty columns.
        left = max(_monday(self.first), self._right_monday - timedelta(weeks=weeks - 1))
        shown = min(weeks, (self._right_monday - left).days // 7 + 1)
        mondays = [left + timedelta(weeks=w) for w in range(shown)]
        theme = self.app.ansi_theme
        styles: dict[str, Style | None] = {}

        def style(name: str) -> Style | None:
            if name not in styles:
                styles[name] = self._style(theme, name)
            return styles[name]

        # Every visible night's pieces, in date order: night `left + i days` is cells[i].
        cells: list[Pieces] = [_BLANK] * (7 * shown)
        cursor = self.cursor
        for facts in self.diary.window(max(left, self.first), self.last):
            index = (facts.night - left).days
            if index < len(cells):
                cells[index] = _cell(facts, facts.night == cursor)
        rows = [[(self._month_row(mondays), style("bold"))]]
        for weekday in range(7):
            pieces: Pieces = [(f"{WEEKDAY_LABELS[weekday]} ", "dim")]
            for column in range(shown):
                pieces.extend(cells[7 * column + weekday])
            rows.append(_runs(pieces, style))
        legend: Pieces = []
        for key, label in LEGEND:
            glyph, colour = GLYPHS[key]
            legend += [(glyph, colour), (f" {label}  ", "")]
        legend += [("•", "bold magenta"), (" cramps", "")]
        return _GridVisual(rows, _content(_runs(legend, style)))

    def _style(self, theme: TerminalTheme, name: str) -> Style | None:
        """A Rich style string ("" for none) as a Textual style, converted once per theme."""
        if not name:
            return None
        key = (name, theme)
        style = self._styles.get(key)
        if style is None:
            rich = self.app.console.get_style(name)
            style = self._styles[key] = Style.from_rich_style(rich, theme)
        return style

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


Pieces = list[tuple[str, str]]
"""Text and the name of its style (a Rich style string, "" for none)."""
Run = tuple[str, Style | None]
"""Text and its style (None: the widget's own)."""
_BLANK: Pieces = [("  ", "")]
"""A night outside the diary: two blank columns."""


def _cell(facts: NightFacts, cursor: bool) -> Pieces:
    """A night's two columns: its glyph and whether it had cramps."""
    if cursor:
        # A shape of its own, so the cursor shows without colour too; the detail panel
        # beside says what the night holds.
        return [("◆" + ("•" if facts.had_cramps else " "), "bold yellow on grey23")]
    glyph, colour = GLYPHS[night_glyph(facts)]
    if facts.had_cramps:
        return [(glyph, colour), ("•", "bold magenta")]
    return [(glyph + " ", colour)]  # a space shows no colour: it joins the glyph's run


def _runs(pieces: Pieces, style: Callable[[str], Style | None]) -> list[Run]:
    """The pieces as runs of text that look alike: Textual's cost of drawing is per run,
    and ten years of nights fill every column."""
    runs: list[Run] = []
    texts: list[str] = []
    name = ""
    for text, piece_name in pieces:
        if piece_name != name and texts:
            runs.append(("".join(texts), style(name)))
            texts = []
        name = piece_name
        texts.append(text)
    if texts:
        runs.append(("".join(texts), style(name)))
    return runs


def _content(runs: list[Run]) -> Content:
    """Runs as Textual content (for a line that may wrap)."""
    spans, at = [], 0
    for text, style in runs:
        if style is not None:
            spans.append(Span(at, at + len(text), style))
        at += len(text)
    return Content("".join(text for text, _ in runs), spans)


class _GridVisual(Visual):
    """The heatmap's rows drawn straight to strips: one segment per run, each style made
    once per draw. Drawn as Content, ten years of nights (every column full) cost a new
    style per segment; the legend, which may wrap on a narrow screen, is Content."""

    def __init__(self, rows: list[list[Run]], legend: Content) -> None:
        self._rows = rows
        self._legend = legend

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        made: dict[Style | None, RichStyle] = {}
        strips = []
        for row in self._rows:
            segments = []
            for text, own in row:
                rich = made.get(own)
                if rich is None:
                    rich = made[own] = (style if own is None else style + own).rich_style
                segments.append(Segment(text, rich))
            strip = Strip(segments)
            strips.append(strip.crop(0, width) if strip.cell_length > width else strip)
        strips.extend(self._legend.render_strips(width, None, style, options))
        return strips if height is None else strips[:height]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max(
            max(sum(len(text) for text, _ in row) for row in self._rows),
            self._legend.get_optimal_width(rules, container_width),
        )

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self._rows) + self._legend.get_height(rules, width)


def _monday(night: date) -> date:
    return week_start(night)
