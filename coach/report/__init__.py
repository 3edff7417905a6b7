"""The report for a doctor: one snapshot of the period read from the session, the report
built from it as blocks (`model`), and their Markdown, HTML and PDF renderings with the
weekly chart. fpdf2 and matplotlib load only when a PDF or chart is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach import lazy_exports

if TYPE_CHECKING:
    from coach.report.build import DEFAULT_WEEKS as DEFAULT_WEEKS
    from coach.report.build import PeriodSnapshot as PeriodSnapshot
    from coach.report.build import ReportSource as ReportSource
    from coach.report.build import make_report as make_report
    from coach.report.build import read_period as read_period
    from coach.report.markdown import render_markdown as render_markdown
    from coach.report.model import Bullets as Bullets
    from coach.report.model import Paragraph as Paragraph
    from coach.report.model import Report as Report
    from coach.report.model import Section as Section
    from coach.report.model import Table as Table
    from coach.report.model import WeeklyChart as WeeklyChart
    from coach.report.output import export_files as export_files
    from coach.report.output import render as render

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "coach.report.model": ("Report", "Section", "Paragraph", "Bullets", "Table", "WeeklyChart"),
        "coach.report.build": (
            "ReportSource",
            "PeriodSnapshot",
            "read_period",
            "make_report",
            "DEFAULT_WEEKS",
        ),
        "coach.report.markdown": ("render_markdown",),
        "coach.report.output": ("render", "export_files"),
    },
)
