"""`coach report`: the doctor's report, registered into the command line by `register`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from coach.cli.args import check_output_file, write_output_file
from coach.diary.formats import REPORT_FORMATS, ReportFormat
from coach.errors import UsageError

if TYPE_CHECKING:
    from coach.cli.args import Subparsers
    from coach.session import Session

MAX_WEEKS = 520


def _weeks(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("weeks must be a whole number") from None
    if not 1 <= value <= MAX_WEEKS:
        raise argparse.ArgumentTypeError(f"weeks must be from 1 to {MAX_WEEKS}")
    return value


DEFAULT_WEEKS = 6
"""Kept equal to coach.report.build.DEFAULT_WEEKS (a test checks), so `--help` needs no import."""


SUFFIXES: dict[str, ReportFormat] = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".txt": "md",
}
"""Without --format, the output file's suffix says which: report.pdf is a PDF. A file with
no suffix gets Markdown; any other suffix (.docx, .odt) is refused rather than filled with
Markdown the program it names cannot open."""
FORMAT_NAMES = "PDF (.pdf), HTML (.html, .htm) or Markdown (.md, .markdown, .txt)"


class ReportOptions(NamedTuple):
    weeks: int
    output: str | None
    """The file to write; None prints the report (not a PDF)."""
    format: ReportFormat | None
    """pdf, html or md; None: from the output file's suffix, else md."""
    paper: Literal["a4", "letter"]
    """The PDF's page size: a4 or letter."""


def run(options: ReportOptions, ctx: Session) -> int:
    path = None if options.output is None else Path(options.output).expanduser()
    fmt: ReportFormat | None = options.format
    if fmt is None:
        suffix = path.suffix.lower() if path is not None else ""
        if suffix and suffix not in SUFFIXES:
            raise UsageError(
                f"cannot write a report as {suffix}: coach writes {FORMAT_NAMES}; "
                "or give --format pdf, html or md"
            )
        fmt = SUFFIXES.get(suffix, "md")
    if path is None and fmt == "pdf":
        raise UsageError("a PDF needs --output FILE (for example --output report.pdf)")
    if path is not None:
        check_output_file(path, "report." + fmt)
    # Imported here: the statistics and the page's libraries are not worth loading for
    # every other command.
    from coach.report.build import make_report
    from coach.report.output import render

    report = make_report(ctx, options.weeks)
    data = render(report, fmt, paper=options.paper)
    if path is None:
        sys.stdout.write(data.decode())
        return 0
    write_output_file(path, data)
    print(f"Report written to {path}.")
    return 0


def register(sub: Subparsers) -> None:
    """Add `report` to coach's commands."""
    from coach.cli.args import command

    p = command(
        sub,
        run,
        ReportOptions,
        "report",
        help="a report for your doctor (PDF, HTML or Markdown)",
        description="A clinician-friendly report: cramps per week as counts with the nights "
        "logged, worst pain and sleep disturbance against the first week logged, the longest "
        "cramps, how often each step was done, red flags seen and your notes.",
    )
    p.add_argument(
        "--weeks",
        type=_weeks,
        default=DEFAULT_WEEKS,
        metavar="N",
        help=f"how many weeks back, up to the last finished night (default {DEFAULT_WEEKS})",
    )
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of printing")
    p.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default=None,
        help="pdf (one printable page; needs --output), html, or md (Markdown); default: "
        "from the output file's suffix, else md",
    )
    p.add_argument(
        "--paper",
        choices=("a4", "letter"),
        default="a4",
        help="the PDF's page size (default a4)",
    )
