"""The command line, and the composition root: the only core module that may import
`screens` (lazily, to start the TUI).

Each command lives in its own module, `coach/cli/<topic>.py` (listed in COMMANDS): its
typed options (a NamedTuple), its handler `run(options, session)` and `register(sub)`,
which adds its parser and arguments. Here: the parser that registers them, the app's fast
path, and the error mapping.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from coach.clock import check_local_zone
from coach.errors import CoachError, UsageError
from coach.settings.model import TIMEZONE_UNKNOWN
from coach.system.paths import Paths

if TYPE_CHECKING:
    import argparse

    from coach.cli.args import NoOptions, Subparsers
    from coach.session import Session

__all__ = ["UsageError", "build_parser", "main", "options_of"]


EVENING = "evening"
"""`coach open evening`: the guided evening ("Start my evening")."""


class OpenOptions(NamedTuple):
    step: str


def _run_app(options: NoOptions, ctx: Session) -> int:
    """No command: the app (here when the fast path did not take the arguments)."""
    return _open_app(ctx)


def _run_open(options: OpenOptions, ctx: Session) -> int:
    """`coach open STEP`: the app on one of tonight's steps (a reminder's Open button)."""
    ids = ctx.settings.routine.step_ids
    if options.step != EVENING and options.step not in ids:
        raise UsageError(f"unknown step {options.step!r}; choose one of: {', '.join(ids)}, evening")
    return _open_app(ctx, options.step)


def _open_app(ctx: Session, step: str | None = None) -> int:
    from screens.app import run_tui  # the composition root alone imports the UI

    return run_tui(ctx, open_step=step)


def _register_open(sub: Subparsers) -> None:
    # Here, beside the app's own start: the composition root alone imports the UI.
    from coach.cli.args import command

    p = command(
        sub,
        _run_open,
        OpenOptions,
        "open",
        kind=APP_KIND,
        help="open coach on one of tonight's steps",
        description="Open the app on one of tonight's steps: the stretch step starts the "
        "guided stretches, `evening` the guided evening, any other step its card. A "
        "reminder's Open button starts it so.",
    )
    p.add_argument("step", metavar="STEP", help="a step id, like stretch, or evening")


APP_KIND = "tui"
"""The kind of session the app runs in (stamped on its records); a command's is in its
parser's defaults (`kind=`): 'cli' unless it says otherwise (`coach daemon`)."""


COMMANDS = (
    "plan",  # plan
    "record",  # done, skip, cramp
    "history",  # history
    "config",  # config
    "data",  # restore, merge
    "report",  # report
    "calendar",  # calendar
    "voice",  # voice-test
    "diary",  # undo, forget
    "flags",  # flags
    "experiment",  # experiment
    "doctor",  # doctor
    "serve",  # serve
    "reminders",  # daemon, notify-test, pause, snooze
)
"""The command modules, `coach/cli/<topic>.py`, in `--help` order: the one list a new
command joins. Each adds its commands with `coach.cli.args.command`, which pairs a
handler with its typed options."""


class CommandModule(Protocol):
    """What a module of COMMANDS provides."""

    def register(self, sub: Subparsers) -> None: ...


def build_parser() -> argparse.ArgumentParser:
    """coach's parser: the global options, then each command module's, in `--help` order."""
    from importlib import import_module

    from coach.cli.args import NoOptions, Parser, VersionAction

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
    parser.add_argument(
        "--plain",
        action="store_true",
        help="output for screen readers: lines of words, no box drawing or symbols "
        "(also $COACH_PLAIN=1)",
    )
    parser.set_defaults(run=_run_app, options=NoOptions)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)
    for topic in COMMANDS:
        if topic == "reminders":
            _register_open(sub)  # open: before the reminders, which end the list
        module: CommandModule = import_module(f"coach.cli.{topic}")
        module.register(sub)
    return parser


def options_of(args: argparse.Namespace) -> NamedTuple:
    """The command's typed options, each field read from the parsed arguments by name: a
    field without an argument of that name fails here, at once, not in the handler."""
    options_type = args.options
    options: NamedTuple = options_type(**{f: getattr(args, f) for f in options_type._fields})
    return options


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


def _context(paths: Paths, context: Session | None, seen: list[Session], kind: str) -> Session:
    from coach.session import Session  # loaded once the arguments are known to be good

    ctx = context or Session(paths, kind=kind)
    seen.append(ctx)
    ctx.paths.check()
    check_local_zone()
    return ctx


def _saved(seen: list[Session]) -> bool:
    """Whether this run made a record durable (the outcome to report, whatever else)."""
    return any(ctx.writes > 0 for ctx in seen)


def _tell_notices(seen: list[Session]) -> None:
    """Records set aside, by this command or by the daemon or the app since the last one."""
    from coach.records.store import NOTICES_FILE, QUARANTINE_DIR

    for ctx in seen:
        kept = ctx.paths.data_dir / QUARANTINE_DIR / NOTICES_FILE
        try:
            if not ctx.store_opened and not os.path.lexists(kept):
                continue
            notices = ctx.store.take_notices()
        except (OSError, CoachError) as exc:  # an unreadable quarantine/ folder, say
            notices = [f"{kept.parent}: cannot be read ({getattr(exc, 'strerror', exc)})"]
        for notice in notices:
            with contextlib.suppress(OSError, ValueError):
                print(f"coach: note: {notice}", file=sys.stderr)


def _tolerant_streams() -> None:
    """A terminal that cannot show a character (PYTHONIOENCODING=ascii) gets a `?` for it,
    never an error after the record was saved."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError, AttributeError):
                reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None, *, context: Session | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _tolerant_streams()
    seen: list[Session] = []
    try:
        return _main(argv, context, seen)
    finally:
        _tell_notices(seen)


def _main(argv: list[str], context: Session | None, seen: list[Session]) -> int:
    try:
        _check_text(argv)
        opens_app, folder = _app_shortcut(argv)
        if opens_app:
            ctx = _context(Paths.resolve(folder), context, seen, APP_KIND)
            code = _open_app(ctx)
        else:
            args = build_parser().parse_args(argv)
            from coach.cli import plain  # the parsed commands' path only, not the app's

            args.plain = plain.wanted(args.plain)
            options = options_of(args)
            kind: str = APP_KIND if args.run is _run_app else args.kind
            ctx = _context(Paths.resolve(args.data_dir), context, seen, kind)
            run: Callable[[Any, Session], int] = args.run
            with _plain_output(args.plain and not _machine_readable(args)):
                code = run(options, ctx)
        settings = ctx.settings_loaded
        if settings is not None and settings.timezone_unknown:
            print(f"coach: note: {TIMEZONE_UNKNOWN}", file=sys.stderr)
        # Flush here, not at exit: a full or closed stdout must be reported like any error.
        if sys.stdout is not None:  # None: started with its stdout closed
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


def _machine_readable(args: argparse.Namespace) -> bool:
    """Output for programs or files, which --plain leaves exactly as it is."""
    return (
        getattr(args, "json", False)
        or getattr(args, "format", None) in ("json", "csv")
        or getattr(args, "print_autostart", False)
        or getattr(args, "print_systemd_unit", False)
        or getattr(args.run, "__module__", None) in _DOCUMENTS
    )


_DOCUMENTS = {"coach.cli.report", "coach.cli.calendar", "coach.cli.config"}
"""Commands whose output is a document or a value: the report, the calendar, config's."""


@contextlib.contextmanager
def _plain_output(on: bool) -> Iterator[None]:
    if not on:
        yield
        return
    from coach.cli.plain import SpeakableOutput

    real = sys.stdout
    sys.stdout = SpeakableOutput(real)
    try:
        yield
    finally:
        sys.stdout = real


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the flush at exit does not fail a second time."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
