"""The report as a printable PDF page (fpdf2), with the weekly chart from matplotlib.

The text is real text in an embedded DejaVu Sans (matplotlib ships it), so it covers
accented and non-Latin letters and a clinician can select and copy the figures. Loaded
only when a report is made.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

import matplotlib
from fpdf import FPDF, FontFace
from fpdf.enums import Align, XPos, YPos

from coach.report import chart as report_chart
from coach.report.model import Block, Bullets, Paragraph, Report, Section, Table, WeeklyChart

Paper = Literal["a4", "letter"]
FONT = "DejaVu"
MARGIN = 14.0
BODY = 8.5
SMALL = 7.2
LINE = 3.8
"""Height of a table row and a line of body text, in millimetres."""
CHART_HEIGHT = {"a4": 36.0, "letter": 32.0}
"""Letter is 18 mm shorter than A4; the chart gives up most of that."""
INK = (25, 25, 25)
MUTED = (95, 95, 95)
RULE = (150, 150, 150)
HEAD_FILL = (232, 238, 245)


def _font_dir() -> Path:
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


MISSING = "\u25a1"
"""Shown where the font has no glyph (Chinese, Japanese, most emoji): a white square."""
MISSING_NOTE = (
    f"{MISSING} marks a character this PDF's font cannot show (Chinese, Japanese, an emoji, "
    "...); the HTML report (`coach report --output report.html`) shows it."
)


class _Page(FPDF):
    """An FPDF with the report's footer on every page, and a marker for each character its
    font cannot show (never dropped without a trace)."""

    disclaimer = ""
    chart_height = CHART_HEIGHT["a4"]
    marked = False

    def normalize_text(self, text: str) -> str:
        cmap = getattr(self.current_font, "cmap", None)
        if cmap and not text.isascii():
            shown = "".join(c if ord(c) in cmap or c in "\n\r\t" else MISSING for c in text)
            self.marked = self.marked or shown != text
            text = shown
        return str(super().normalize_text(text))

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 6.5)
        self.set_text_color(*MUTED)
        width = self.w - 2 * MARGIN - 18
        self.multi_cell(width, 2.8, self.disclaimer, new_x=XPos.RIGHT, new_y=YPos.TOP)
        self.cell(18, 2.8, f"page {self.page_no()} of {{nb}}", align=Align.R)


def render_pdf(report: Report, paper: Paper = "a4") -> bytes:
    """The report as the bytes of a PDF file."""
    pdf = _Page(format=paper.upper() if paper == "a4" else "letter")
    pdf.chart_height = CHART_HEIGHT[paper]
    pdf.disclaimer = report.disclaimer
    pdf.set_title(report.title)
    pdf.set_creator("coach")
    fonts = _font_dir()
    pdf.add_font(FONT, "", fonts / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", fonts / "DejaVuSans-Bold.ttf")
    pdf.set_margins(MARGIN, MARGIN - 2, MARGIN)
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_page()
    pdf.set_text_color(*INK)
    _header(pdf, report)
    sections = list(report.sections)
    while sections:
        section = sections.pop(0)
        if section.narrow and sections and sections[0].narrow:
            _side_by_side(pdf, section, sections.pop(0))
        else:
            _section(pdf, section)
    if pdf.marked:
        pdf.ln(2)
        pdf.set_font(FONT, "", SMALL)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, LINE, MISSING_NOTE, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _side_by_side(pdf: _Page, left: Section, right: Section) -> None:
    """Two narrow sections in two columns, the page's flow going on below the longer."""
    if pdf.will_page_break(45):
        pdf.add_page()
    gap = 6.0
    column = (pdf.w - 2 * MARGIN - gap) / 2
    top = pdf.get_y()
    bottoms = []
    for index, section in enumerate((left, right)):
        x = MARGIN + index * (column + gap)
        pdf.set_left_margin(x)
        pdf.set_right_margin(pdf.w - x - column)
        pdf.set_xy(x, top)
        _section(pdf, section)
        bottoms.append(pdf.get_y())
    pdf.set_left_margin(MARGIN)
    pdf.set_right_margin(MARGIN)
    pdf.set_xy(MARGIN, max(bottoms))


def _header(pdf: FPDF, report: Report) -> None:
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 7, report.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    width = pdf.w - 2 * MARGIN
    for label, value in report.facts:
        pdf.set_font(FONT, "B", BODY)
        pdf.cell(30, LINE + 0.6, label, new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.set_font(FONT, "", BODY)
        if value:
            pdf.multi_cell(
                width - 30,
                LINE + 0.6,
                value,
                align=Align.L,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        else:
            # A line to write the name on: the app does not keep it.
            y = pdf.get_y() + LINE
            pdf.set_draw_color(*RULE)
            pdf.line(pdf.get_x(), y, pdf.get_x() + 80, y)
            pdf.ln(LINE + 0.6)
    pdf.ln(1)


def _section(pdf: _Page, section: Section) -> None:
    # A title needs at least a line of its section under it on the same page.
    if pdf.will_page_break(11):
        pdf.add_page()
    pdf.ln(1.2)
    pdf.set_font(FONT, "B", 10.5)
    pdf.set_text_color(*INK)
    pdf.cell(0, 5.5, section.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(1)
    for block in section.blocks:
        _block(pdf, block)


def _block(pdf: _Page, block: Block) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    if isinstance(block, Paragraph):
        pdf.set_font(FONT, "", SMALL if block.small else BODY)
        pdf.set_text_color(*(MUTED if block.small else INK))
        height = 3.1 if block.small else LINE
        pdf.multi_cell(
            width, height, block.text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.set_text_color(*INK)
        pdf.ln(0.8)
    elif isinstance(block, Bullets):
        for lead, text in block.items:
            pdf.set_font(FONT, "", BODY)
            pdf.cell(4, LINE, "•", new_x=XPos.RIGHT, new_y=YPos.TOP)
            body = f"**{lead}**: {text}" if lead else text
            pdf.multi_cell(
                width - 4, LINE, body, markdown=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        pdf.ln(0.8)
    elif isinstance(block, WeeklyChart):
        _chart(pdf, block, width)
    else:
        _table(pdf, block, width)


def _chart(pdf: _Page, chart: WeeklyChart, width: float) -> None:
    pdf.set_font(FONT, "", SMALL)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 3.4, chart.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    height = pdf.chart_height
    png = report_chart.render(chart, width, height, "png")
    pdf.image(io.BytesIO(png), x=pdf.l_margin, w=width, h=height, alt_text=chart.alt())
    pdf.ln(1)


def _table(pdf: FPDF, table: Table, width: float) -> None:
    pdf.set_font(FONT, "", BODY)
    pdf.set_draw_color(*RULE)
    widths = table.widths or tuple(1.0 for _ in table.header)
    align = tuple("RIGHT" if a == "r" else "LEFT" for a in table.align)
    with pdf.table(
        width=width * table.span,
        align="LEFT",
        col_widths=widths,
        text_align=align,
        line_height=LINE,
        borders_layout="HORIZONTAL_LINES",
        headings_style=FontFace(emphasis="BOLD", size_pt=SMALL, fill_color=HEAD_FILL),
        padding=(0.3, 1.0, 0.3, 1.0),
    ) as drawn:
        heading = drawn.row()
        for cell in table.header:
            heading.cell(cell)
        last = len(table.rows) - 1
        for index, cells in enumerate(table.rows):
            style = FontFace(emphasis="BOLD") if table.total and index == last else None
            row = drawn.row()
            for cell in cells:
                row.cell(cell, style=style)
    pdf.ln(1.2)
