"""`coach calendar`: the evening routine as an iCalendar file, registered by `register`."""

from __future__ import annotations

import sys
from datetime import date, timedelta
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
    tonight = current_night(ctx.settings, now)
    skipped, note = _experiment_nights(ctx, tonight)
    data = routine_calendar(ctx.settings, tonight, now, no_stretch=skipped, note=note)
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
    if note:
        print(note)
    return 0


def _experiment_nights(ctx: Session, tonight: date) -> tuple[list[date], str | None]:
    """The experiment's no-stretch nights from tonight on, and what to tell the user: the
    calendar follows the plan, and a new file is needed once it ends."""
    from coach.experiment.protocol import assignment

    protocol = ctx.experiment_or_none()
    if protocol is None or protocol.over_from is not None or protocol.start is None:
        if protocol is not None and protocol.start is None and protocol.stopped is None:
            return [], (
                "Your experiment is in its run-in: stretch as usual. Once its plan is drawn, "
                "run `coach calendar` again and import the new file, so your phone leaves "
                "out the no-stretch nights."
            )
        return [], None
    end = protocol.end
    if end is None or end < tonight:
        return [], None
    skipped = []
    night = max(tonight, protocol.start)
    while night <= end:
        assigned = assignment(protocol, night)
        if assigned is not None and assigned.arm == "no-stretch":
            skipped.append(night)
        night += timedelta(days=1)
    return skipped, (
        f"Your experiment's plan is in it: no stretch reminder on its {len(skipped)} "
        f"no-stretch nights to {end:%d %b %Y}. When the experiment ends (on that night, or "
        "earlier if a look ends it: coach says so), run `coach calendar` again and import "
        "the new file, or the phone keeps leaving those nights out."
    )


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
