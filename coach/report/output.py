"""The report's files: its bytes in each format, and the export of the report with the CSV
of every night (History's `x`). The PDF and HTML renderers (fpdf2, matplotlib) load only
here, when a report is made."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from coach.diary.export import to_csv
from coach.diary.formats import ReportFormat
from coach.report.build import DEFAULT_WEEKS, ReportSource, make_report
from coach.report.model import Report
from coach.system.files import atomic_write


def render(report: Report, fmt: ReportFormat, paper: Literal["a4", "letter"] = "a4") -> bytes:
    """The report in `fmt` (pdf, html or md), as the bytes of its file. The PDF and HTML
    renderers (and their libraries) load here, when a report is made."""
    if fmt == "pdf":
        from coach.report.pdf import render_pdf

        return render_pdf(report, paper)
    if fmt == "html":
        from coach.report.html import render_html

        return render_html(report).encode()
    from coach.report.markdown import render_markdown

    return render_markdown(report).encode()


def export_files(
    source: ReportSource, folder: Path, weeks: int = DEFAULT_WEEKS, fmt: ReportFormat = "pdf"
) -> tuple[Path, Path]:
    """Write the report (a PDF by default) and every finished night (CSV) into `folder`
    (the data folder's `exports/`, `Paths.exports_dir`, as the app calls it); return both
    paths."""
    settings, now = source.settings, source.now()
    report = make_report(source, weeks)
    stamp = f"{now.astimezone(settings.tz):%Y-%m-%d}"
    report_path = folder / f"report-{stamp}.{fmt}"
    csv_path = folder / f"history-{stamp}.csv"
    atomic_write(report_path, render(report, fmt))
    # The CSV holds every night on record: it is the user's own data, not a summary.
    diary = source.load()
    end = diary.last_over
    if diary.first is not None and end is not None:
        atomic_write(csv_path, to_csv(diary.window(diary.first, end), settings.tz).encode())
    return report_path, csv_path
