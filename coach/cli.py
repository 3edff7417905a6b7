"""The command line, and the composition root: the only core module that may import
`screens` (lazily, to start the TUI)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from coach.clock import check_local_zone
from coach.context import Context
from coach.errors import CoachError
from coach.paths import HOME_ENV, Paths
from coach.planner import current_night
from coach.record_store import LEGS
from coach.settings import (
    TIMEZONE_UNKNOWN,
    config_get,
    config_set,
    config_unset,
    known_keys,
    parse_hhmm,
)
from coach.wording import describe_cramps

if TYPE_CHECKING:
    import argparse

    Handler = Callable[[argparse.Namespace, Context], int]


class UsageError(Exception):
    """Bad command-line input: one line on stderr, exit 2."""


# --- commands --------------------------------------------------------------------------


def cmd_plan(args: argparse.Namespace, ctx: Context) -> int:
    from coach.experiment import advance, plan_for

    settings = ctx.settings
    night = args.date or current_night(settings, ctx.clock.now())
    try:
        advance(ctx.store, settings, ctx.clock.now())  # a finished run-in draws its plan first
    except CoachError as exc:
        # A damaged experiment plan never keeps the night's plan from showing.
        print(f"coach: note: {exc}", file=sys.stderr)
    bedtime = parse_hhmm(args.bedtime) if args.bedtime else None
    plan, assigned = plan_for(settings, ctx.store, night, bedtime=bedtime)
    if args.json:
        print(
            json.dumps(
                {**plan.to_json(), "experiment": assigned.to_json() if assigned else None},
                indent=2,
            )
        )
        return 0
    tz = settings.tz
    print(f"Night of {night:%a %d %b %Y} ({settings.timezone})")
    print(f"Bedtime {plan.bedtime.astimezone(tz):%H:%M}")
    for step in plan.steps:
        local = step.at.astimezone(tz)
        day = "" if local.date() == night else f" (+{(local.date() - night).days}d)"
        print(f"  {local:%H:%M}{day}  {step.title}")
    if assigned is not None:
        print(assigned.tonight_line())
    return 0


def _night_arg(args: argparse.Namespace, ctx: Context) -> date:
    """The night given with --night (words resolved, a future night refused), or tonight."""
    text: str | None = args.night
    return ctx.diary.tonight() if text is None else ctx.diary.parse_night(text)


def _check_step(step: str, ctx: Context) -> None:
    ids = ctx.settings.routine.step_ids
    if step not in ids:
        raise UsageError(f"unknown step {step!r}; steps are: {', '.join(ids)}")


def _announce_flags(ctx: Context, night: date) -> None:
    """Red flags the write just raised: `URGENT:`/`SOON:` lines after "Recorded"."""
    from coach.cli_flags import announce_flags

    announce_flags(ctx, night)


def cmd_done(args: argparse.Namespace, ctx: Context) -> int:
    _check_step(args.step, ctx)
    night = _night_arg(args, ctx)
    ctx.diary.record_step(night, args.step, "done")
    title = ctx.settings.routine.step(args.step).title
    print(f"Recorded: {title} done, night of {night:%a %d %b %Y}.")
    _announce_flags(ctx, night)
    return 0


def cmd_skip(args: argparse.Namespace, ctx: Context) -> int:
    _check_step(args.step, ctx)
    night = _night_arg(args, ctx)
    ctx.diary.record_step(night, args.step, "skipped", reason=args.reason)
    title = ctx.settings.routine.step(args.step).title
    why = f" ({args.reason})" if args.reason else ""
    print(f"Recorded: {title} skipped{why}, night of {night:%a %d %b %Y}.")
    _announce_flags(ctx, night)
    return 0


def cmd_cramp(args: argparse.Namespace, ctx: Context) -> int:
    if args.none and args.count is not None:
        raise UsageError("give either --count N or --none, not both")
    if not args.none and args.count is None:
        raise UsageError("say how many cramps with --count N, or --none for a night without")
    if args.none and any(
        v is not None for v in (args.severity, args.minutes, args.leg, args.muscle)
    ):
        raise UsageError("--none takes no severity, minutes, leg or muscle")
    diary = ctx.diary
    night = diary.last_slept() if args.night is None else diary.parse_night(args.night)
    count = 0 if args.none else args.count
    logged = diary.log_cramps(
        night,
        count,
        severity=args.severity,
        minutes=args.minutes,
        leg=args.leg,
        disturbance=args.disturbance,
        notes=args.note,  # None keeps the note of a log this replaces
        muscle=args.muscle,
    )
    if logged.replaced is not None:
        print(
            f"Replaced the cramp log of the night of {night:%a %d %b %Y} "
            f"(was: {describe_cramps(logged.replaced)})."
        )
    print(f"Recorded: {describe_cramps(logged.log)}, night of {night:%a %d %b %Y}.")
    if logged.log.notes:
        print(f"Note: {logged.log.notes}")
    _announce_flags(ctx, night)
    return 0


def cmd_history(args: argparse.Namespace, ctx: Context) -> int:
    from coach.history_export import night_json, to_csv, to_table

    diary = ctx.diary
    end = diary.tonight()
    # Nights before the first record (or the first use) were never kept: not "missed".
    start = end - timedelta(days=args.days - 1)
    nights = diary.load(start=start, end=end).nights if diary.first_night() else []
    if args.format == "json":
        print(json.dumps([night_json(facts) for facts in nights], indent=2))
    elif args.format == "csv":
        sys.stdout.write(to_csv(nights))
    elif not nights:
        print("Nothing recorded yet.")
    else:
        print(to_table(nights))
    return 0


def cmd_config(args: argparse.Namespace, ctx: Context) -> int:
    path = ctx.paths.config_file
    if args.action == "path":
        print(path)
    elif args.action == "get":
        print(config_get(ctx.settings, args.key, path))
    elif args.action == "set":
        config_set(path, args.key, args.value)
        print(f"{args.key} = {config_get(ctx.reload_settings(), args.key, path)}")
    elif args.action == "unset":
        config_unset(path, args.key)
        print(f"{args.key} = {config_get(ctx.reload_settings(), args.key, path)} (default)")
    elif args.action == "keys":
        print("\n".join(known_keys()))
    return 0


def cmd_restore(args: argparse.Namespace, ctx: Context) -> int:
    backups = ctx.backups
    if args.list or not args.name:
        found = backups.list()
        if not found:
            print(f"No backups yet in {ctx.paths.backups_dir}.")
        for path in found:
            held = backups.contents(path)
            if held.problem:
                print(f"{path.name}  damaged: {held.problem}")
            elif held.first is None or held.last is None:
                print(f"{path.name}  no records")
            else:
                print(
                    f"{path.name}  {held.nights} night{'s' if held.nights != 1 else ''}, "
                    f"{held.records} record{'s' if held.records != 1 else ''} "
                    f"({held.first} to {held.last})"
                )
        return 0
    done = backups.restore(args.name, ctx.store, merge=args.merge)
    if not done.changed:
        print(f"Nothing changed: the database already holds what {done.source.name} holds.")
    elif args.merge:
        print(
            f"Merged the records of {done.source.name} into the database; "
            "the state before is in before-restore-*."
        )
    else:
        print(
            f"Restored the database exactly as in {done.source.name}; "
            "the state before is in before-restore-*."
        )
    return 0


def cmd_merge(args: argparse.Namespace, ctx: Context) -> int:
    other = Path(args.folder).expanduser()
    db_dir = other / "db" if (other / "db").is_dir() else other
    if db_dir.resolve() == ctx.paths.db_dir.resolve():
        raise UsageError("that is this copy's own data folder; name the other copy")
    added = ctx.store.merge_from(db_dir)
    print(f"Merged {added} record{'s' if added != 1 else ''} from {db_dir}.")
    return 0


def cmd_daemon(args: argparse.Namespace, ctx: Context) -> int:
    from coach.autostart import systemd_unit
    from coach.daemon import run_daemon

    if args.print_systemd_unit:
        # The unit runs outside this shell, so a data folder chosen here goes into it.
        sys.stdout.write(systemd_unit(args.data_dir or os.environ.get(HOME_ENV) or None))
        return 0
    return run_daemon(ctx)


def cmd_notify_test(args: argparse.Namespace, ctx: Context) -> int:
    from coach.notify import BellNotifier, PlyerNotifier

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


def cmd_pause(args: argparse.Namespace, ctx: Context) -> int:
    if args.tonight and args.night:
        raise UsageError("give either --tonight or --night YYYY-MM-DD, not both")
    from coach.reminder_rules import set_paused

    night = _night_arg(args, ctx)
    set_paused(ctx.store, night, not args.undo)
    if args.undo:
        print(f"Reminders are back on for the night of {night:%a %d %b %Y}.")
    else:
        print(
            f"Reminders paused for the night of {night:%a %d %b %Y}; this night will not "
            "count against your streak. Undo with `coach pause --undo`."
        )
    return 0


def cmd_snooze(args: argparse.Namespace, ctx: Context) -> int:
    _check_step(args.step, ctx)
    from coach.reminder_rules import snooze, snoozes_left

    night = _night_arg(args, ctx)
    wake = snooze(ctx.store, ctx.settings, ctx.clock.now(), night, args.step)
    left = snoozes_left(ctx.store, night, args.step)
    title = ctx.settings.routine.step(args.step).title
    print(
        f"Snoozed: {title} again at {wake.astimezone(ctx.settings.tz):%H:%M} "
        f"({left} snooze{'s' if left != 1 else ''} left tonight)."
    )
    return 0


def cmd_tui(args: argparse.Namespace, ctx: Context) -> int:
    return _open_app(ctx)


def _open_app(ctx: Context) -> int:
    from screens.app import run_tui  # the composition root alone imports the UI

    return run_tui(ctx)


# --- the parser ------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    from coach.cli_args import (
        NIGHT_METAVAR,
        Parser,
        VersionAction,
        hhmm,
        int_range,
        minutes,
        night_arg,
        night_date,
    )

    parser = Parser(
        prog="coach",
        description="A bedtime coach for night-time leg cramps. Run without a command "
        "to open tonight's routine.",
        epilog="Not medical advice: general self-care information; see a professional for "
        "red-flag symptoms or if pregnant.",
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep config, database, backups and logs under DIR (default: $COACH_HOME, "
        "else the platform's user folders)",
    )
    parser.set_defaults(handler=cmd_tui)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)

    p = sub.add_parser(
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
    p.set_defaults(handler=cmd_plan)

    for name, handler, verb in (("done", cmd_done, "done"), ("skip", cmd_skip, "skipped")):
        p = sub.add_parser(
            name,
            help=f"record a step as {verb}",
            description=f"Record a step as {verb}. The latest record for a "
            "night and step wins, so this also corrects an earlier one.",
        )
        p.add_argument(
            "step",
            metavar="STEP",
            help="step id: last-meal, hydration, screens-off, stretch, "
            "sleep-position, or one of your own",
        )
        if name == "skip":
            p.add_argument("--reason", metavar="TEXT", help="why, for your own record")
        p.add_argument("--night", type=night_arg, metavar=NIGHT_METAVAR, help="default: tonight")
        p.set_defaults(handler=handler)

    p = sub.add_parser(
        "cramp",
        help="log last night's cramps",
        description="Log a night's cramps (the morning log). Example: "
        "coach cramp --count 2 --severity 6 --minutes 3 --leg left",
    )
    p.add_argument("--count", type=int_range(0, 50, "count"), metavar="N", help="how many cramps")
    p.add_argument("--none", action="store_true", help="a night without cramps")
    p.add_argument(
        "--severity",
        type=int_range(0, 10, "severity"),
        metavar="0-10",
        help="worst pain, 0 (none) to 10 (worst imaginable)",
    )
    p.add_argument("--minutes", type=minutes, metavar="M", help="how long the longest lasted")
    p.add_argument("--leg", choices=LEGS, help="which leg")
    p.add_argument("--muscle", choices=("calf", "thigh", "foot"), help="which muscle")
    p.add_argument(
        "--disturbance",
        type=int_range(0, 10, "disturbance"),
        metavar="0-10",
        help="how much your sleep was disturbed, 0 to 10",
    )
    p.add_argument("--note", metavar="TEXT", help="anything else, e.g. a new medicine")
    p.add_argument(
        "--night",
        type=night_arg,
        metavar=NIGHT_METAVAR,
        help="default: the last night whose bedtime has passed; a night already logged "
        "is replaced (its note kept unless --note is given)",
    )
    p.set_defaults(handler=cmd_cramp)

    p = sub.add_parser(
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
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(handler=cmd_history)

    p = sub.add_parser(
        "config",
        help="read or change config.toml",
        description="Read or change config.toml with dotted keys, like "
        "`coach config set steps.stretch.offset_minutes -15`.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser, required=True)
    get = actions.add_parser("get", help="print the value in force for KEY")
    get.add_argument("key", metavar="KEY")
    put = actions.add_parser("set", help="set KEY to VALUE, keeping the rest of the file")
    put.add_argument("key", metavar="KEY")
    put.add_argument("value", metavar="VALUE")
    unset = actions.add_parser("unset", help="remove KEY so its default applies")
    unset.add_argument("key", metavar="KEY")
    actions.add_parser("path", help="print where config.toml is")
    actions.add_parser("keys", help="list every key")
    p.set_defaults(handler=cmd_config)

    p = sub.add_parser(
        "restore",
        help="restore the database from a daily backup",
        description="Put the database back exactly as it was in a daily backup (or, with "
        "--merge, add the backup's records to it). The last 7 days are kept; the state "
        "before a restore is kept too.",
    )
    p.add_argument(
        "name",
        nargs="?",
        metavar="BACKUP",
        help="'latest', a date (YYYY-MM-DD) or a name from --list",
    )
    p.add_argument(
        "--list", action="store_true", help="list the backups, newest first, with what each holds"
    )
    p.add_argument(
        "--merge",
        action="store_true",
        help="add the backup's records to the database instead (keeps everything written since)",
    )
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser(
        "merge",
        help="merge records from another copy of the data",
        description="Add every record from another coach data folder (say, "
        "a second machine's) that this one lacks. Safe to repeat.",
    )
    p.add_argument("folder", metavar="DIR", help="the other data folder (or its db/ folder)")
    p.set_defaults(handler=cmd_merge)

    from coach.cli_diary import register as register_diary
    from coach.cli_report import register as register_report

    register_report(sub, Parser)
    from coach.cli_calendar import register as register_calendar
    from coach.cli_voice import register as register_voice

    register_calendar(sub, Parser)
    register_voice(sub, Parser)
    register_diary(sub, Parser)
    from coach.cli_flags import register as register_flags

    register_flags(sub, Parser)
    from coach.cli_experiment import register as register_experiment

    register_experiment(sub, Parser)
    from coach.cli_doctor import register as register_doctor

    register_doctor(sub, Parser)
    p = sub.add_parser(
        "daemon",
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
    p.set_defaults(handler=cmd_daemon)

    p = sub.add_parser(
        "notify-test",
        help="send a test notification now",
        description="Send one desktop notification now and say which backend was used "
        "and whether it worked (exit 1 if it did not).",
    )
    p.set_defaults(handler=cmd_notify_test)

    p = sub.add_parser(
        "pause",
        help="silence tonight's reminders",
        description="Silence a night's reminders without counting the night against your streak.",
    )
    p.add_argument("--tonight", action="store_true", help="pause tonight (the default)")
    p.add_argument("--night", type=night_arg, metavar=NIGHT_METAVAR, help="default: tonight")
    p.add_argument("--undo", action="store_true", help="turn the night's reminders back on")
    p.set_defaults(handler=cmd_pause)

    p = sub.add_parser(
        "snooze",
        help="remind about a step again later",
        description="Remind about a step again after notifications.snooze_minutes "
        "(10 by default), at most 3 times per step and night.",
    )
    p.add_argument("step", metavar="STEP", help="step id, like screens-off")
    p.add_argument("--night", type=night_arg, metavar=NIGHT_METAVAR, help="default: tonight")
    p.set_defaults(handler=cmd_snooze)

    return parser


def _check_text(argv: Sequence[str]) -> None:
    """Arguments that are not valid UTF-8 arrive as surrogates and could not be stored."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(
                f"{arg.encode('utf-8', 'replace').decode()!r} is not valid UTF-8 text"
            ) from None


def _app_shortcut(argv: Sequence[str]) -> tuple[bool, str | None]:
    """For `coach` and `coach --data-dir DIR`: (True, DIR or None), the app and its folder.

    The app is what most starts are, so it skips argparse and the sub-commands' parsers.
    Anything else, a mistake included, is (False, None) and goes to the full parser.
    """
    match list(argv):
        case []:
            return True, None
        case ["--data-dir", folder] if not folder.startswith("-"):
            return True, folder
        case [option] if option.startswith("--data-dir="):
            return True, option.removeprefix("--data-dir=")
    return False, None


def _context(paths: Paths, context: Context | None, seen: list[Context]) -> Context:
    ctx = context or Context(paths, kind="cli")
    seen.append(ctx)
    ctx.paths.check()
    check_local_zone()
    return ctx


def _saved(seen: list[Context]) -> bool:
    """Whether this run made a record durable (the outcome to report, whatever else)."""
    return any("store" in ctx.__dict__ and ctx.store.writes > 0 for ctx in seen)


def _tell_notices(seen: list[Context]) -> None:
    """Records set aside, by this command or by the daemon or the app since the last one."""
    from coach.record_store import NOTICES_FILE, QUARANTINE_DIR

    for ctx in seen:
        kept = ctx.paths.data_dir / QUARANTINE_DIR / NOTICES_FILE
        if "store" not in ctx.__dict__ and not kept.exists():
            continue
        for notice in ctx.store.take_notices():
            print(f"coach: note: {notice}", file=sys.stderr)


def main(argv: Sequence[str] | None = None, *, context: Context | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    seen: list[Context] = []
    try:
        return _main(argv, context, seen)
    finally:
        _tell_notices(seen)


def _main(argv: list[str], context: Context | None, seen: list[Context]) -> int:
    try:
        _check_text(argv)
        opens_app, folder = _app_shortcut(argv)
        if opens_app:
            ctx = _context(Paths.resolve(folder), context, seen)
            code = _open_app(ctx)
        else:
            args = build_parser().parse_args(argv)
            ctx = _context(Paths.resolve(args.data_dir), context, seen)
            handler: Handler = args.handler
            code = handler(args, ctx)
        if "settings" in ctx.__dict__ and ctx.settings.timezone_unknown:
            print(f"coach: note: {TIMEZONE_UNKNOWN}", file=sys.stderr)
        # Flush here, not at exit: a full or closed stdout must be reported like any error.
        sys.stdout.flush()
        return code
    except SystemExit as exc:  # argparse: --help, --version, or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 2
    except UsageError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return 2
    except CoachError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # `coach history | head`: the reader left; nothing to tell anyone.
        _drop_stdout()
        return 0 if _saved(seen) else 1
    except OSError as exc:
        if _saved(seen):
            # The record is durable; only its confirmation could not be shown.
            _drop_stdout()
            print(
                f"coach: the record was saved; only its confirmation could not be printed "
                f"({exc.strerror or exc})",
                file=sys.stderr,
            )
            return 0
        # A full or read-only disk and the like: say so plainly, in one line.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"coach: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("coach: interrupted", file=sys.stderr)
        return 1
    except Exception as exc:  # the last line of defence: one line, never a traceback
        print(
            f"coach: unexpected error: {type(exc).__name__}: {exc} (please report this)",
            file=sys.stderr,
        )
        return 1


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the flush at exit does not fail a second time."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
