"""What a report says, as values: sections of blocks (paragraph, bullets, table, the weekly
chart). The builder (`coach.report.build`) makes them; the renderers (`markdown`, `html`,
`pdf`) draw them, each knowing every kind of block, and import nothing else of the report.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, NamedTuple

NOT_MEDICAL_ADVICE = (
    "Not medical advice. This diary was kept by the patient with a self-care app; the app "
    "does not diagnose or treat. Figures are self-reported, and the evidence for the "
    "evening routine is limited (stretching may help some people; results are mixed)."
)

Align = Literal["l", "r"]


class Paragraph(NamedTuple):
    """Running text; `small` for notes under a table."""

    text: str
    small: bool = False


class Bullets(NamedTuple):
    """A list; each item may start with a bold `lead` ("Urgent")."""

    items: tuple[tuple[str, str], ...]
    """(lead, text) pairs; lead may be empty."""


class Table(NamedTuple):
    """A table of text cells; the renderers align and emphasise, never reformat."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[Align, ...]
    total: bool = False
    """The last row is a total (drawn bold)."""
    widths: tuple[float, ...] = ()
    """Relative column widths for a page; empty means equal."""
    span: float = 1.0
    """Share of the page's width the table takes."""


class ChartBar(NamedTuple):
    """One bar of the weekly chart: a week's count with the nights it rests on."""

    label: str
    cramps: int
    nights_logged: int
    nights: int
    baseline: bool = False

    def counted(self) -> str:
        """'3 cramps', or 'nothing logged' (never 0 cramps for a week nobody logged)."""
        if not self.nights_logged:
            return "nothing logged"
        return f"{self.cramps} cramp{'' if self.cramps == 1 else 's'}"


class WeeklyChart(NamedTuple):
    """Cramps per week as bars, each with its count and nights logged under it."""

    title: str
    bars: tuple[ChartBar, ...]

    def alt(self) -> str:
        """The chart in words, for Markdown and screen readers."""
        return "; ".join(
            f"{b.label.replace(chr(10), ' ')}: {b.counted()}, "
            f"{b.nights_logged} of {b.nights} night{'s' if b.nights != 1 else ''} logged"
            for b in self.bars
        )


Block = Paragraph | Bullets | Table | WeeklyChart


class Section(NamedTuple):
    """A titled part of the report."""

    title: str
    blocks: tuple[Block, ...]
    narrow: bool = False
    """Half a page wide is enough: two narrow sections in a row share one band of a page."""


class Report(NamedTuple):
    """Everything the report says, in the order it says it."""

    title: str
    facts: tuple[tuple[str, str], ...]
    """Who and what period, as (label, value); an empty value is a line to fill in."""
    sections: tuple[Section, ...]
    disclaimer: str = NOT_MEDICAL_ADVICE


class Period(NamedTuple):
    """The nights a report covers."""

    start: date
    end: date

    @property
    def nights(self) -> int:
        return (self.end - self.start).days + 1
