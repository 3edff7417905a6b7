"""`coach history`: each night's steps and cramp log, as a table, CSV or JSON."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import TYPE_CHECKING, NamedTuple

from coach.diary.formats import HISTORY_FORMATS, HistoryFormat

if TYPE_CHECKING:
    from coach.cli.args import Subparsers
    from coach.session import Session

FORMATS = HISTORY_FORMATS


class HistoryOptions(NamedTuple):
    days: int
    """How many nights back, tonight included."""
    format: HistoryFormat
    plain: bool
    """Lines of words for screen readers (--plain) instead of the table."""


def run(options: HistoryOptions, ctx: Session) -> int:
    from coach.diary.export import night_json, to_csv, to_lines, to_table

    diary = ctx
    end = diary.tonight()
    # Nights before the first record (or the first use) were never kept: not "missed".
    start = end - timedelta(days=options.days - 1)
    nights = diary.load(start=start, end=end).nights if diary.first_night() else []
    if options.format == "json":
        print(json.dumps([night_json(facts) for facts in nights], indent=2))
    elif options.format == "csv":
        sys.stdout.write(to_csv(nights, ctx.settings.tz))
    elif not nights:
        print("Nothing recorded yet.")
    elif options.plain:
        titles = {step.id: step.title for step in ctx.settings.routine.steps}
        print(to_lines(nights, ctx.settings.tz, titles))
    else:
        print(to_table(nights, ctx.settings.tz))
    if options.format == "table":
        from coach.diary.wording import pause_text

        for first, last in ctx.pauses(start, end):
            print(pause_text(first, last))
    return 0


def register(sub: Subparsers) -> None:
    """Add `history` to coach's commands."""
    from coach.cli.args import add_plain, command, int_range

    p = command(
        sub,
        run,
        HistoryOptions,
        "history",
        help="nights, steps and cramps",
        description="Each night's steps (done, skipped, missed, pending) "
        "and cramp log, oldest first.",
    )
    p.add_argument(
        "--days",
        type=int_range(1, 36600, "days"),
        default=14,
        metavar="N",
        help="how many nights back, tonight included (default 14)",
    )
    p.add_argument("--format", choices=FORMATS, default="table")
    add_plain(p)
