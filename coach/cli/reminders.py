"""`coach daemon`, `coach notify-test`, `coach pause` and `coach snooze`: the desktop
reminders. The only module that imports `coach.reminders.daemon` (an import-linter contract)."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from typing import TYPE_CHECKING, NamedTuple

from coach.cli.args import check_step, resolve_night
from coach.errors import UsageError

if TYPE_CHECKING:
    from coach.cli.args import NoOptions, Subparsers
    from coach.session import Session


class DaemonOptions(NamedTuple):
    print_systemd_unit: bool
    data_dir: str | None
    """coach's own --data-dir: the unit runs outside this shell, so it goes into the unit."""


class PauseOptions(NamedTuple):
    tonight: bool
    night: str | None
    undo: bool
    """Turn the reminders back on: the night given, or from tonight on (a pause ended)."""
    until: date | None = None
    """Pause from tonight to this night."""
    days: int | None = None
    """Pause this many nights, tonight the first."""


class SnoozeOptions(NamedTuple):
    step: str
    night: str | None


def run_daemon(options: DaemonOptions, ctx: Session) -> int:
    if options.print_systemd_unit:
        from coach.desktop.autostart import chosen_data_dir, systemd_unit

        sys.stdout.write(systemd_unit(chosen_data_dir(options.data_dir)))
        return 0
    import coach.reminders.daemon

    return coach.reminders.daemon.run_daemon(ctx)


def run_notify_test(options: NoOptions, ctx: Session) -> int:
    from coach.desktop.notify import BellNotifier, PlyerNotifier

    desktop = PlyerNotifier()
    title = "Test notification"
    body = "If you can read this, coach's reminders will reach you on this desktop."
    delivery = desktop.notify(title, body)
    if delivery.ok:
        shown = f" ({delivery.detail})" if delivery.detail else ""
        print(f"Sent a test notification with {delivery.backend}{shown}: it worked.")
        return 0
    print(f"The desktop notification with {delivery.backend} did not work: {delivery.detail}.")
    bell = BellNotifier(sys.stdout).notify(title, body)
    if bell.ok:
        print(
            "Fell back to the terminal bell. Reminders will still show inside coach and "
            "in the daemon's log."
        )
    return 1


def run_pause(options: PauseOptions, ctx: Session) -> int:
    if options.tonight and options.night:
        raise UsageError("give either --tonight or --night YYYY-MM-DD, not both")
    if options.until is not None and options.days is not None:
        raise UsageError("give either --until YYYY-MM-DD or --days N, not both")
    if options.until is not None or options.days is not None:
        if options.night or options.tonight or options.undo:
            given = "--until" if options.until is not None else "--days"
            raise UsageError(
                f"{given} starts tonight; give it without --tonight, --night or --undo"
            )
        return _pause_for_a_while(options, ctx)
    if options.undo and options.night is None:
        return _end_pause(ctx)
    night = resolve_night(options.night, ctx)
    changed = ctx.set_paused(night, not options.undo)
    when = f"the night of {night:%a %d %b %Y}"
    if not changed:
        state = "on" if options.undo else "paused"
        print(f"Reminders are {state} for {when} already; nothing changed.")
    elif options.undo:
        print(f"Reminders are back on for {when}.")
    else:
        undo = "coach pause --undo" + (
            "" if night == ctx.tonight() else f" --night {night.isoformat()}"
        )
        print(
            f"Reminders paused for {when}; this night will not count against your streak. "
            f"Undo with `{undo}`."
        )
    return 0


def _pause_for_a_while(options: PauseOptions, ctx: Session) -> int:
    tonight = ctx.tonight()
    if options.days is not None:
        last = tonight + timedelta(days=options.days - 1)
    else:
        assert options.until is not None
        last = options.until
    ctx.pause_nights(last)
    count = (last - tonight).days + 1
    print(
        f"Reminders paused from tonight ({tonight:%a %d %b %Y}) to the night of "
        f"{last:%a %d %b %Y}: {count} night{'s' if count != 1 else ''}. They count neither "
        "for nor against your streak. End the pause sooner with `coach pause --undo`."
    )
    return 0


def _end_pause(ctx: Session) -> int:
    tonight = ctx.tonight()
    ended = ctx.end_pause()
    if not ended:
        print(f"Reminders are on from tonight ({tonight:%a %d %b %Y}); nothing was paused.")
    elif ended == [tonight]:
        print(f"Reminders are back on for the night of {tonight:%a %d %b %Y}.")
    else:
        print(
            f"Reminders are back on from the night of {ended[0]:%a %d %b %Y}; the pause "
            f"to the night of {ended[-1]:%a %d %b %Y} is over."
        )
    return 0


def run_snooze(options: SnoozeOptions, ctx: Session) -> int:
    check_step(options.step, ctx)
    night = resolve_night(options.night, ctx)
    wake = ctx.snooze(night, options.step)
    left = ctx.snoozes_left(night, options.step)
    title = ctx.settings.routine.step(options.step).title
    print(
        f"Snoozed: {title} again at {wake.astimezone(ctx.settings.tz):%H:%M} "
        f"({left} snooze{'s' if left != 1 else ''} left tonight)."
    )
    return 0


def register(sub: Subparsers) -> None:
    """Add `daemon`, `notify-test`, `pause` and `snooze` to coach's commands."""
    from coach.cli.args import NIGHT_METAVAR, NoOptions, command, int_range, night_arg, night_date
    from coach.planner import MAX_PAUSE_NIGHTS

    p = command(
        sub,
        run_daemon,
        DaemonOptions,
        kind="daemon",
        name="daemon",
        help="send desktop reminders in the background",
        description="Send a desktop notification when each step falls due, until stopped "
        "with Ctrl-C or SIGTERM. Logs each reminder to stderr and to daemon.log in the "
        "data folder. Only one coach process sends reminders at a time.",
    )
    p.add_argument(
        "--print-systemd-unit",
        action="store_true",
        help="print a systemd user unit that starts the daemon at login, and exit",
    )

    p = command(
        sub,
        run_notify_test,
        NoOptions,
        "notify-test",
        help="send a test notification now",
        description="Send one desktop notification now and say which backend was used "
        "and whether it worked (exit 1 if it did not).",
    )

    p = command(
        sub,
        run_pause,
        PauseOptions,
        "pause",
        help="silence tonight's reminders, or every night for a while",
        description="Silence a night's reminders (tonight by default), or every night from "
        "tonight to a date (--until) or for N nights (--days), without counting those nights "
        "for or against your streak. --undo turns them back on.",
    )
    p.add_argument("--tonight", action="store_true", help="pause tonight (the default)")
    p.add_argument("--night", type=night_arg, metavar=NIGHT_METAVAR, help="default: tonight")
    p.add_argument(
        "--until",
        type=night_date,
        metavar="YYYY-MM-DD",
        help="pause every night from tonight to this one (travel, illness)",
    )
    p.add_argument(
        "--days",
        type=int_range(1, MAX_PAUSE_NIGHTS, "days"),
        metavar="N",
        help=f"pause N nights, tonight the first (at most {MAX_PAUSE_NIGHTS})",
    )
    p.add_argument(
        "--undo",
        action="store_true",
        help="turn reminders back on: the night given, or from tonight on (ends a pause)",
    )

    p = command(
        sub,
        run_snooze,
        SnoozeOptions,
        "snooze",
        help="remind about a step again later",
        description="Remind about a step again after notifications.snooze_minutes "
        "(10 by default), at most 3 times per step and night.",
    )
    p.add_argument("step", metavar="STEP", help="step id, like screens-off")
    p.add_argument("--night", type=night_arg, metavar=NIGHT_METAVAR, help="default: tonight")
