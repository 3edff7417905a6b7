"""`coach calendar`: the evening routine as an iCalendar file, registered by `register`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from coach.cli.args import check_output_file, write_output_file
from coach.planner import current_night

if TYPE_CHECKING:
    from coach.cli.args import Subparsers
    from coach.session import Session


class CalendarOptions(NamedTuple):
    output: str | None
    """The .ics file to write; None prints it."""


def run(options: CalendarOptions, ctx: Session) -> int:
    from coach.reminders.calendar import routine_calendar  # icalendar loads only for this command

    now = ctx.clock.now()
    data = routine_calendar(ctx.settings, current_night(ctx.settings, now), now)
    if options.output is None:
        sys.stdout.write(data.decode("utf-8"))
        return 0
    path = Path(options.output).expanduser()
    check_output_file(path, "coach.ics")
    write_output_file(path, data)
    events = data.count(b"BEGIN:VEVENT")
    print(
        f"Calendar written to {path}: {events} weekly event{'s' if events != 1 else ''} "
        f"({ctx.settings.timezone}). Import it into your phone's calendar; importing a newer "
        "file replaces these events."
    )
    return 0


def register(sub: Subparsers) -> None:
    """Add `calendar` to coach's commands."""
    from coach.cli.args import command

    p = command(
        sub,
        run,
        CalendarOptions,
        "calendar",
        help="the routine as a calendar file for your phone",
        description="Write the evening routine as an iCalendar (.ics) file: each enabled "
        "step as a weekly event with a reminder at its time, in your time zone, so your "
        "phone reminds you with the computer off.",
    )
    p.add_argument(
        "--output", metavar="FILE", help="write to FILE (like coach.ics) instead of printing"
    )
