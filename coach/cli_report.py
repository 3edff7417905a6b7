"""`coach report`: the doctor's report, registered into the command line by `register`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from coach.context import Context
from coach.errors import CoachError
from coach.fsutil import atomic_write

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
"""Kept equal to coach.report.DEFAULT_WEEKS (a test checks), so `--help` needs no import."""


def cmd_report(args: argparse.Namespace, ctx: Context) -> int:
    # Imported here: the statistics are not worth loading for every other command.
    from coach.report import render_report

    diary = ctx.diary.load()
    text = render_report(diary, ctx.settings, args.weeks, ctx.clock.now(), ctx.store)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    path = Path(args.output).expanduser()
    if path.is_dir():
        raise CoachError(f"{path} is a folder; give a file name, like {path / 'report.md'}")
    if not path.parent.is_dir():
        raise CoachError(f"cannot write {path}: the folder {path.parent} does not exist")
    try:
        atomic_write(path, text.encode())
    except OSError as exc:
        raise CoachError(f"cannot write {path}: {exc.strerror}") from None
    print(f"Report written to {path}.")
    return 0


def register(sub: Any, parser_cls: type[argparse.ArgumentParser]) -> None:
    """Add `report` to the subcommands of coach.cli's parser."""
    p = sub.add_parser(
        "report",
        help="a Markdown report for your doctor",
        description="A clinician-friendly Markdown report: cramps per week and worst pain "
        "against the first week logged, the longest cramps, how often each step was done, "
        "red flags seen and your notes.",
    )
    p.add_argument(
        "--weeks",
        type=_weeks,
        default=DEFAULT_WEEKS,
        metavar="N",
        help=f"how many weeks back, up to the last finished night (default {DEFAULT_WEEKS})",
    )
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of printing")
    p.add_argument("--format", choices=("md",), default="md", help="md (Markdown) only, for now")
    p.set_defaults(handler=cmd_report)
