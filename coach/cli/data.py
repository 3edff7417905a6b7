"""`coach restore` and `coach merge`: the database back from a daily backup, and records
from another copy of the data."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from coach.errors import CoachError, UsageError

if TYPE_CHECKING:
    from coach.cli.args import Subparsers
    from coach.session import Session


class RestoreOptions(NamedTuple):
    name: str | None
    """'latest', a date or a backup's file name; None lists the backups."""
    list: bool
    merge: bool
    """Add the backup's records instead of putting the database back as it was."""
    yes: bool = False
    """Restore without asking, though records written since the backup would go."""


class MergeOptions(NamedTuple):
    folder: str
    """The other copy's data folder, or its db/ folder."""


def run_restore(options: RestoreOptions, ctx: Session) -> int:
    backups = ctx.backups
    if options.list or not options.name:
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
    preview = backups.preview(options.name, ctx.store, merge=options.merge)
    if preview.removes or preview.adds:
        print(f"Restoring {preview.source.name} {preview.words(ctx.settings.tz)}.")
    if preview.removes and not options.yes and not _confirmed():
        raise CoachError(
            f"nothing was restored: it would remove {preview.removes} record"
            f"{'s' if preview.removes != 1 else ''} written since the backup; "
            + (
                "add --yes to restore anyway, or --merge to keep them"
                if not sys.stdin.isatty()
                else "--merge adds the backup's records and keeps them"
            )
        )
    done = backups.restore(options.name, ctx.store, merge=options.merge)
    if done.changed:
        ctx.reindex_flags()
    if not done.changed:
        print(f"Nothing changed: the database already holds what {done.source.name} holds.")
    elif options.merge:
        print(
            f"Merged the records of {done.source.name} into the database; "
            "the state before is in before-restore-*."
        )
        _recheck_flags(ctx)
    else:
        print(
            f"Restored the database exactly as in {done.source.name}; "
            "the state before is in before-restore-*."
        )
    return 0


def _confirmed() -> bool:
    """Asked on a terminal: restore anyway? (Never asked off a terminal: --yes instead.)"""
    if not sys.stdin.isatty():
        return False
    try:
        answer = input("Restore anyway? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def run_merge(options: MergeOptions, ctx: Session) -> int:
    other = Path(options.folder).expanduser()
    db_dir = other / "db" if (other / "db").is_dir() else other
    if db_dir.resolve() == ctx.paths.db_dir.resolve():
        raise UsageError("that is this copy's own data folder; name the other copy")
    added = ctx.store.merge_from(db_dir)
    print(f"Merged {added} record{'s' if added != 1 else ''} from {db_dir}.")
    if added:
        ctx.reindex_flags()
    said = _merge_plan(ctx, db_dir)
    if said:
        print(said)
    if added:
        _recheck_flags(ctx)
    return 0


def _merge_plan(ctx: Session, db_dir: Path) -> str | None:
    """The other copy's experiment plan, if it has one: kept, combined or left (the older
    of two different plans stays), in words."""
    from coach.errors import CoachError
    from coach.experiment.checks import merge_plan
    from coach.records.files import read_tables

    try:
        tables = read_tables(db_dir / "state.json")
    except FileNotFoundError:
        return None
    except CoachError as exc:
        return f"The other copy's small state file was not read ({exc}); no plan was taken."
    state = tables.get("state", {})
    return merge_plan(ctx.store, state.get("1") if isinstance(state, dict) else None)


RECHECK_NIGHTS = 14
"""After a merge, the red-flag rules run again on this many nights up to tonight: records
from two machines together can show what neither showed alone (frequent cramps), and a
flag on an older night was the other machine's to raise when it was saved there."""


def _recheck_flags(ctx: Session) -> None:
    from coach.cli.flags import announce_flags

    tonight = ctx.tonight()
    nights = (tonight - timedelta(days=back) for back in range(RECHECK_NIGHTS - 1, -1, -1))
    announce_flags(ctx, *nights)


def register(sub: Subparsers) -> None:
    """Add `restore` and `merge` to coach's commands."""
    from coach.cli.args import command

    p = command(
        sub,
        run_restore,
        RestoreOptions,
        "restore",
        help="restore the database from a daily backup",
        description="Put the database back exactly as it was in a daily backup (or, with "
        "--merge, add the backup's records to it). It first says how many records it "
        "removes and adds, and asks before removing any (--yes off a terminal). The last "
        "7 days are kept; the state before a restore is kept too.",
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
    p.add_argument(
        "--yes",
        action="store_true",
        help="restore without asking, though records written since the backup go "
        "(needed when not on a terminal)",
    )

    p = command(
        sub,
        run_merge,
        MergeOptions,
        "merge",
        help="merge records from another copy of the data",
        description="Add every record from another coach data folder (say, "
        "a second machine's) that this one lacks. Safe to repeat.",
    )
    p.add_argument("folder", metavar="DIR", help="the other data folder (or its db/ folder)")
