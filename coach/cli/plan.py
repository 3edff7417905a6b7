"""`coach plan`: a night's schedule, as lines or as JSON for scripts."""

from __future__ import annotations

import datetime
import json
import sys
from typing import TYPE_CHECKING, NamedTuple

from coach.errors import CoachError
from coach.planner import current_night
from coach.settings.model import parse_hhmm

if TYPE_CHECKING:
    from coach.cli.args import Subparsers
    from coach.session import Session


class PlanOptions(NamedTuple):
    date: datetime.date | None
    """The night (named by its evening); None: tonight."""
    bedtime: str | None
    """HH:MM, already checked; None: the configured bedtime."""
    json: bool
    plain: bool
    """Lines of words for screen readers (--plain)."""


def run(options: PlanOptions, ctx: Session) -> int:
    settings = ctx.settings
    night = options.date or current_night(settings, ctx.clock.now())
    try:
        ctx.advance_experiment()  # a finished run-in draws its plan first, looks are taken
    except CoachError as exc:
        # A damaged experiment plan never keeps the night's plan from showing.
        print(f"coach: note: {exc}", file=sys.stderr)
    bedtime = parse_hhmm(options.bedtime) if options.bedtime else None
    plan, assigned = ctx.plan_and_assignment(night, bedtime=bedtime)
    paused_until = ctx.paused_until(night)
    if options.json:
        print(
            json.dumps(
                {
                    **plan.to_json(),
                    "experiment": assigned.to_json() if assigned else None,
                    "paused": paused_until is not None,
                    "paused_until": paused_until.isoformat() if paused_until else None,
                },
                indent=2,
            )
        )
        return 0
    tz = settings.tz
    print(f"Night of {night:%a %d %b %Y} ({settings.timezone})")
    print(f"Bedtime {plan.bedtime.astimezone(tz):%H:%M}")
    for step in plan.steps:
        local = step.at.astimezone(tz)
        days = (local.date() - night).days
        if options.plain:
            later = "" if days == 0 else " the next day" if days == 1 else f" {days} days later"
            print(f"{local:%H:%M}{later}: {step.title}")
            continue
        day = "" if days == 0 else f" (+{days}d)"
        print(f"  {local:%H:%M}{day}  {step.title}")
    if assigned is not None:
        print(assigned.tonight_line())
    if paused_until is not None:
        print(paused_line(night, paused_until))
    return 0


def paused_line(night: datetime.date, last: datetime.date) -> str:
    """What a paused night's plan says: no reminders, and until when."""
    until = "" if last == night else f" (the pause runs to the night of {last:%a %d %b %Y})"
    return f"Reminders are paused for this night{until}; `coach pause --undo` turns them on."


def register(sub: Subparsers) -> None:
    """Add `plan` to coach's commands."""
    from coach.cli.args import add_plain, command, hhmm, night_date

    p = command(
        sub,
        run,
        PlanOptions,
        "plan",
        help="show a night's schedule",
        description="Show a night's schedule: every enabled step and its time.",
    )
    p.add_argument(
        "--date",
        type=night_date,
        metavar="YYYY-MM-DD",
        help="the night (named by its evening; default: tonight)",
    )
    p.add_argument(
        "--bedtime",
        type=hhmm,
        metavar="HH:MM",
        help="plan with this bedtime instead of the configured one",
    )
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    add_plain(p)
