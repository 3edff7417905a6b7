"""`coach config get|set|unset|path|keys`: reading and changing config.toml."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from coach.errors import CoachError
from coach.settings.model import (
    bedtime_question,
    config_get,
    config_set,
    config_unset,
    known_keys,
)

if TYPE_CHECKING:
    from coach.cli.args import NoOptions, Subparsers
    from coach.session import Session


class KeyOptions(NamedTuple):
    key: str
    """A dotted key, like steps.stretch.offset_minutes."""


class SetOptions(NamedTuple):
    key: str
    value: str
    """As typed; the settings check it like the file's own value."""
    yes: bool = False
    """--yes: a bedtime in the morning is meant."""


def run_get(options: KeyOptions, ctx: Session) -> int:
    print(config_get(ctx.settings, options.key, ctx.paths.config_file))
    return 0


def run_set(options: SetOptions, ctx: Session) -> int:
    path = ctx.paths.config_file
    if options.key == "bedtime" or options.key.startswith("bedtime_by_weekday."):
        question = bedtime_question(options.value)
        if question is not None and not options.yes:
            raise CoachError(f"{question} Nothing was changed; add --yes if you do go to bed then")
    config_set(path, options.key, options.value)
    print(f"{options.key} = {config_get(ctx.reload_settings(), options.key, path)}")
    return 0


def run_unset(options: KeyOptions, ctx: Session) -> int:
    path = ctx.paths.config_file
    config_unset(path, options.key)
    print(f"{options.key} = {config_get(ctx.reload_settings(), options.key, path)} (default)")
    return 0


def run_path(options: NoOptions, ctx: Session) -> int:
    print(ctx.paths.config_file)
    return 0


def run_keys(options: NoOptions, ctx: Session) -> int:
    print("\n".join(known_keys()))
    return 0


def register(sub: Subparsers) -> None:
    """Add `config` and its actions to coach's commands."""
    from coach.cli.args import NoOptions, Parser, command

    p = sub.add_parser(
        "config",
        help="read or change config.toml",
        description="Read or change config.toml with dotted keys, like "
        "`coach config set steps.stretch.offset_minutes -15`.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser, required=True)
    get = command(actions, run_get, KeyOptions, "get", help="print the value in force for KEY")
    get.add_argument("key", metavar="KEY")
    put = command(
        actions, run_set, SetOptions, "set", help="set KEY to VALUE, keeping the rest of the file"
    )
    put.add_argument("key", metavar="KEY")
    put.add_argument("value", metavar="VALUE")
    put.add_argument(
        "--yes",
        action="store_true",
        help="set a bedtime in the morning (05:00-11:59) without being asked if you meant "
        "the evening",
    )
    unset = command(
        actions, run_unset, KeyOptions, "unset", help="remove KEY so its default applies"
    )
    unset.add_argument("key", metavar="KEY")
    command(actions, run_path, NoOptions, "path", help="print where config.toml is")
    command(actions, run_keys, NoOptions, "keys", help="list every key")
