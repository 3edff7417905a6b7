"""`coach undo`, `coach redo` and `coach forget`: taking records back (and putting back
what undo took), registered by `register`.

Both write a tombstone (a new record naming what it takes back), so history, statistics,
the report and red flags read as if those records had never been written, and two copies
of the data still merge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.cli.args import NoOptions, Subparsers
    from coach.session import Session


class ForgetOptions(NamedTuple):
    night: str
    """YYYY-MM-DD, 'tonight' or 'yesterday' as typed."""
    step: str | None
    """Only this step's records."""
    cramps: bool
    """Only the cramp log and episodes."""


def run_undo(options: NoOptions, ctx: Session) -> int:
    stone = ctx.undo()
    if stone is None:
        print("Nothing to undo.")
        return 0
    print(f"Undone: {stone.what}.")
    return 0


def run_redo(options: NoOptions, ctx: Session) -> int:
    stone = ctx.redo()
    if stone is None:
        print("Nothing to redo.")
        return 0
    print(f"Redone: {stone.what}.")
    return 0


def run_forget(options: ForgetOptions, ctx: Session) -> int:
    diary = ctx
    if options.step is not None and options.cramps:
        raise CoachError("give either --step ID or --cramps, not both")
    if options.step is not None and options.step not in diary.settings.routine.step_ids:
        known = ", ".join(diary.settings.routine.step_ids)
        raise CoachError(f"unknown step {options.step!r}; steps are: {known}")
    night = diary.parse_night(options.night)
    stone = diary.forget(night, step=options.step, cramps=options.cramps)
    count = len(stone.targets)
    print(
        f"Forgot {stone.what} ({count} record{'s' if count != 1 else ''}). "
        "`coach undo` brings it back."
    )
    return 0


def register(sub: Subparsers) -> None:
    """Add `undo` and `forget` to coach's commands."""
    from coach.cli.args import NIGHT_METAVAR, NoOptions, command, night_arg

    p = command(
        sub,
        run_undo,
        NoOptions,
        "undo",
        help="take back the latest change",
        description="Take back the latest change made in this data folder, whatever the "
        "wall clock or month (a step, a cramp log, a cramp episode, a paused night, a "
        "forget, a redo), and say what it was. Run it again to take back the one before; "
        "`coach redo` puts back what it took.",
    )

    p = command(
        sub,
        run_redo,
        NoOptions,
        "redo",
        help="put back what undo took",
        description="Put back what the latest `coach undo` took back, if nothing was changed "
        "since. Run it again for the undo before it.",
    )

    p = command(
        sub,
        run_forget,
        ForgetOptions,
        "forget",
        help="remove a night's records",
        description="Remove a night's records: all of them, one step's (--step), or its "
        "cramp log and episodes (--cramps). History, statistics and the report then read "
        "as if they had never been written.",
    )
    p.add_argument("--night", type=night_arg, metavar=NIGHT_METAVAR, required=True)
    p.add_argument("--step", metavar="ID", help="only this step's records")
    p.add_argument("--cramps", action="store_true", help="only the cramp log and episodes")
