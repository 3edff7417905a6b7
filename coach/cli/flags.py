"""`coach flags`: the red flags raised and not yet acknowledged; and the lines every
writing command prints after "Recorded" when its save raised one."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from coach.cli.args import Subparsers
    from coach.safety.flags import RaisedFlag
    from coach.session import Session

ACK_HINT = "When you have read it: `coach flags --ack ID` (`coach flags` lists the open ones)."


def announce_flags(ctx: Session, *nights: date) -> list[RaisedFlag]:
    """Run the red-flag rules on nights just written; print `URGENT:`/`SOON:` lines, and
    the hint on acknowledging them once."""
    # The rules load the statistics when asked, which `coach done` alone does not need.
    new = [flag for night in nights for flag in ctx.check_flags(night)]
    for flag in new:
        print(flag.line())
    if new:
        print(ACK_HINT)
    return new


class FlagsOptions(NamedTuple):
    json: bool
    ack: str | None
    """The id of a flag the user has read."""


def run(options: FlagsOptions, ctx: Session) -> int:
    if options.ack:
        flag = ctx.acknowledge_flag(options.ack)
        print(f"Acknowledged: {flag.id}.")
        return 0
    flags = ctx.open_flags()
    if options.json:
        print(json.dumps([flag.to_json() for flag in flags], indent=2))
        return 0
    if not flags:
        from coach.safety.flags import LIMITS

        print(f"No open red flags. {LIMITS}")
        return 0
    for flag in flags:
        print(flag.line())
    print(ACK_HINT)
    return 0


def register(sub: Subparsers) -> None:
    """Add `flags` to coach's commands."""
    from coach.cli.args import add_plain, command

    p = command(
        sub,
        run,
        FlagsOptions,
        "flags",
        help="red flags raised and not yet acknowledged",
        description="The red flags your records raised (a cramp over 10 minutes, signs of a "
        "blood clot, frequent cramps, ...) that you have not yet acknowledged, urgent first.",
    )
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.add_argument("--ack", metavar="ID", help="acknowledge the flag ID (you have read it)")
    add_plain(p)
