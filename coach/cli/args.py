"""The command line's parser class, value types and the helpers its commands share.

Imported only when a command is parsed: `coach` alone, which opens the app, needs neither
argparse nor these.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, TypeAlias, TypeVar

from coach.errors import CoachError, UsageError
from coach.settings.model import parse_hhmm

if TYPE_CHECKING:
    from coach.session import Session

Subparsers: TypeAlias = "argparse._SubParsersAction[Parser]"
"""What each command module's `register` adds its parser to (coach.cli.main's `COMMANDS`)."""


class NoOptions(NamedTuple):
    """The options of a command that takes none."""


Options = TypeVar("Options", bound=tuple[Any, ...])
"""A command's typed options: a NamedTuple whose fields are its arguments' destinations."""


ParserT = TypeVar("ParserT", bound=argparse.ArgumentParser)


def command(
    sub: argparse._SubParsersAction[ParserT],
    run: Callable[[Options, Session], int],
    options: type[Options],
    name: str,
    *,
    kind: str = "cli",
    **parser: Any,
) -> ParserT:
    """Add a command: its parser (`name` and `parser` go to `add_parser`), its handler, and
    the options type the handler takes, paired here so mypy checks that they fit.
    coach.cli.main builds the options by field name from the parsed arguments. `kind`: the
    session the command runs in ('daemon' for `coach daemon`; stamped on its records)."""
    added = sub.add_parser(name, **parser)
    added.set_defaults(run=run, options=options, kind=kind)
    return added


FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2100, 12, 31)


class Parser(argparse.ArgumentParser):
    """Usage errors in one line, with where to look for help."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def add_plain(parser: argparse.ArgumentParser) -> None:
    """`--plain` after the command too (`coach history --plain`), as before it."""
    parser.add_argument(
        "--plain",
        action="store_true",
        default=argparse.SUPPRESS,
        help="lines of words for screen readers, no box drawing or symbols ($COACH_PLAIN=1)",
    )


def night_date(text: str) -> date:
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None
    if not FIRST_DATE <= value <= LAST_DATE:
        raise argparse.ArgumentTypeError(f"{text} is out of range; use a date from 2000 to 2100")
    return value


NIGHT_WORDS = ("tonight", "yesterday")
NIGHT_METAVAR = "YYYY-MM-DD|tonight|yesterday"


def night_arg(text: str) -> str:
    """A night as typed: YYYY-MM-DD, 'tonight' or 'yesterday'. The diary resolves the words
    against its clock and refuses a night after tonight."""
    if text.strip().lower() in NIGHT_WORDS:
        return text.strip().lower()
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a night; use YYYY-MM-DD, tonight or yesterday"
        ) from None
    if not FIRST_DATE <= value <= LAST_DATE:
        raise argparse.ArgumentTypeError(f"{text} is out of range; use a date from 2000 to 2100")
    return value.isoformat()


def resolve_night(text: str | None, ctx: Session, *, yes: bool = True) -> date:
    """The night given with --night (words resolved, a future night refused), or tonight.
    Unless `yes`, a night that looks like a slip (`Session.far_night`) is refused, saying
    why and that --yes records it."""
    night = ctx.tonight() if text is None else ctx.parse_night(text)
    why = None if yes else ctx.far_night(night)
    if why is not None:
        raise CoachError(f"{why}; if that is right, add --yes (nothing was recorded)")
    return night


def add_yes(parser: argparse.ArgumentParser) -> None:
    """`--yes`: record a night that looks like a slip (long ago, or long before the first
    record)."""
    parser.add_argument(
        "--yes",
        action="store_true",
        help="record it even if the night is over a year ago or 60 days before your first record",
    )


def check_step(step: str, ctx: Session) -> None:
    """Refuse, as a usage error, a step id the routine does not have."""
    ids = ctx.settings.routine.step_ids
    if step not in ids:
        raise UsageError(f"unknown step {step!r}; steps are: {', '.join(ids)}")


def hhmm(text: str) -> str:
    try:
        parse_hhmm(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def int_range(low: int, high: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be from {low} to {high}")
        return value

    return parse


def cramp_severity(text: str) -> int:
    """A cramp's worst pain: a cramp hurts, so 1 (mild) to 10; 0 would be no cramp at all."""
    if text.strip() == "0":
        raise argparse.ArgumentTypeError(
            "severity is a cramp's worst pain, from 1 (mild) to 10; 0 is no cramp at all "
            "(for a night without cramps use --none)"
        )
    return int_range(1, 10, "severity")(text)


def minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("minutes must be a number, like 2 or 0.5") from None
    if not 0 <= value <= 1440:
        raise argparse.ArgumentTypeError("minutes must be from 0 to 1440")
    return value


class VersionAction(argparse.Action):
    """`--version`: the installed version, looked up only when asked for."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(
            option_strings, dest=argparse.SUPPRESS, nargs=0, help="show coach's version and exit"
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from coach import installed_version

        print(f"{parser.prog} {installed_version()}")
        parser.exit()


def check_output_file(path: Path, example: str) -> None:
    """Refuse, in one line, an --output that is not a regular file or a new path (a
    folder, a device, a FIFO, a link), or that sits in a missing folder."""
    from coach.system.files import regular_or_new

    if path.is_dir() and not path.is_symlink():
        raise CoachError(f"{path} is a folder; give a file name, like {path / example}")
    why = regular_or_new(path)
    if why is not None:
        raise CoachError(f"cannot write {path}: it {why}; give a new file name")
    if not path.parent.is_dir():
        raise CoachError(f"cannot write {path}: the folder {path.parent} does not exist")


def write_output_file(path: Path, data: bytes) -> None:
    """Write a command's output file crash-safely; a failure is one line."""
    from coach.system.files import atomic_write, regular_or_new

    why = regular_or_new(path)  # again, just before: it may have been swapped meanwhile
    if why is not None:
        raise CoachError(f"cannot write {path}: it {why}; give a new file name")
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise CoachError(f"cannot write {path}: {exc.strerror}") from None
