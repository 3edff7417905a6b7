"""`coach done`, `coach skip` and `coach cramp`: recording a step's outcome and the
morning's cramp log."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NamedTuple

from coach.cli.args import check_step, resolve_night
from coach.errors import CoachError, UsageError
from coach.system.text import printable

if TYPE_CHECKING:
    from datetime import date

    from coach.cli.args import Subparsers
    from coach.session import Leg, Muscle, Session


class DoneOptions(NamedTuple):
    step: str
    night: str | None
    """YYYY-MM-DD, 'tonight' or 'yesterday' as typed; None: tonight."""
    yes: bool = False
    """--yes: a night that looks like a slip is meant."""


class SkipOptions(NamedTuple):
    step: str
    reason: str | None
    night: str | None
    yes: bool = False


class CrampOptions(NamedTuple):
    cramps: int | None
    """--count: how many (a NamedTuple field cannot be named `count`)."""
    none: bool
    severity: int | None
    minutes: float | None
    leg: Leg | None
    muscle: Muscle | None
    disturbance: int | None
    note: str | None
    """None keeps the note of a log this replaces."""
    night: str | None
    """None: the last night whose bedtime has passed."""
    signs: list[str] | None = None
    """--sign, repeatable: the urgent signs the user has (ids of SIGN_CHOICES)."""
    now: bool = False
    """--now: a cramp episode now (the night-time log), not the morning log."""
    yes: bool = False
    unknown: bool = False
    """--unknown: the night's cramps are not remembered (the check-in's "don't remember")."""


SIGN_CHOICES = (
    "calf-swollen",
    "calf-red-warm",
    "breathless",
    "chest-pain",
    "long-not-easing",
    "wound-or-toxin",
)
"""The urgent signs `--sign` takes (DESIGN.md; a test checks they are the rules' SIGNS)."""


def _announce_flags(ctx: Session, night: date) -> None:
    """Red flags the write just raised: `URGENT:`/`SOON:` lines after "Recorded"."""
    from coach.cli.flags import announce_flags

    announce_flags(ctx, night)


def run_done(options: DoneOptions, ctx: Session) -> int:
    check_step(options.step, ctx)
    night = resolve_night(options.night, ctx, yes=options.yes)
    ctx.record_step(night, options.step, "done")
    title = ctx.settings.routine.step(options.step).title
    print(f"Recorded: {title} done, night of {night:%a %d %b %Y}.")
    _announce_flags(ctx, night)
    return 0


def run_skip(options: SkipOptions, ctx: Session) -> int:
    check_step(options.step, ctx)
    night = resolve_night(options.night, ctx, yes=options.yes)
    ctx.record_step(night, options.step, "skipped", reason=options.reason)
    title = ctx.settings.routine.step(options.step).title
    # Said as it is read back: an escape typed in the reason is shown as a mark.
    why = f" ({printable(options.reason, one_line=True)})" if options.reason else ""
    print(f"Recorded: {title} skipped{why}, night of {night:%a %d %b %Y}.")
    _announce_flags(ctx, night)
    return 0


def _takes_only(options: CrampOptions, does: str, allowed: tuple[str, ...]) -> None:
    """Refuse (UsageError, naming them) the options of `coach cramp` given beside a mode
    that takes only `allowed` (its own flag first)."""
    given = {
        "--now": options.now,
        "--unknown": options.unknown,
        "--count": options.cramps,
        "--none": options.none,
        "--severity": options.severity,
        "--minutes": options.minutes,
        "--leg": options.leg,
        "--muscle": options.muscle,
        "--disturbance": options.disturbance,
        "--note": options.note,
        "--sign": options.signs,
        "--night": options.night,
    }
    extra = [name for name, value in given.items() if value is not None and value is not False]
    extra = [name for name in extra if name not in allowed]
    if extra:
        *most, last = allowed[1:]
        takes = f"{', '.join(most)} and {last}" if most else last
        raise UsageError(f"{does} and takes only {takes}, not {', '.join(extra)}")


def _run_episode(options: CrampOptions, ctx: Session) -> int:
    """`coach cramp --now`: one cramp, now, on the night it began in."""
    from coach.diary.wording import episode_times

    _takes_only(
        options,
        "--now logs one cramp now",
        ("--now", "--minutes", "--leg", "--muscle", "--severity", "--sign"),
    )
    episode = ctx.log_episode(
        minutes=options.minutes, leg=options.leg, muscle=options.muscle, severity=options.severity
    )
    details = [
        f"{options.minutes:g} min" if options.minutes is not None else None,
        f"worst {options.severity}/10" if options.severity is not None else None,
        {"both": "both legs"}.get(options.leg or "", f"{options.leg} leg" if options.leg else None),
        options.muscle,
    ]
    said = ", ".join(d for d in details if d)
    tz = ctx.settings.tz
    print(
        f"Recorded: a cramp at {episode_times([episode], tz)}"
        + (f" ({said})" if said else "")
        + f", night of {episode.night:%a %d %b %Y}."
    )
    count = len(ctx.episodes(episode.night))
    if count > 1:
        print(f"That night has {count} cramps logged so far.")
    print("The morning check-in (or `coach cramp --count N`) counts this one.")
    if options.signs:
        from coach.safety.rules import record_signs

        print(f"Urgent signs: {record_signs(ctx, episode.night, options.signs)}.")
    _announce_flags(ctx, episode.night)
    return 0


def _run_unknown(options: CrampOptions, ctx: Session) -> int:
    _takes_only(
        options, "--unknown says the night's cramps are not remembered", ("--unknown", "--night")
    )
    night = (
        ctx.last_slept()
        if options.night is None
        else resolve_night(options.night, ctx, yes=options.yes)
    )
    if ctx.dont_remember(night):
        print(
            f"Recorded: the cramps of the night of {night:%a %d %b %Y} are not remembered. "
            "The night stays unknown (not counted as free of cramps) and is not asked about "
            "again."
        )
    else:
        print(f"The cramps of the night of {night:%a %d %b %Y} are marked not remembered already.")
    return 0


def run_cramp(options: CrampOptions, ctx: Session) -> int:
    from coach.diary.wording import describe_cramps

    if options.now:
        return _run_episode(options, ctx)
    if options.unknown:
        return _run_unknown(options, ctx)
    if options.none:
        if options.cramps is not None:
            raise UsageError("give either --count N or --none, not both")
        if any(
            v is not None for v in (options.severity, options.minutes, options.leg, options.muscle)
        ):
            raise UsageError("--none takes no severity, minutes, leg or muscle")
        count = 0
    elif options.cramps is None:
        raise UsageError("say how many cramps with --count N, or --none for a night without")
    else:
        count = options.cramps
    night = (
        ctx.last_slept()
        if options.night is None
        else resolve_night(options.night, ctx, yes=options.yes)
    )
    was_unknown = ctx.not_remembered(night)
    logged = ctx.log_cramps(
        night,
        count,
        severity=options.severity,
        minutes=options.minutes,
        leg=options.leg,
        disturbance=options.disturbance,
        notes=options.note,  # None keeps the note of a log this replaces
        muscle=options.muscle,
    )
    if logged.replaced is not None:
        print(
            f"Replaced the cramp log of the night of {night:%a %d %b %Y} "
            f"(was: {describe_cramps(logged.replaced)})."
        )
    elif was_unknown:
        print(f'Replaced "don\'t remember" for the night of {night:%a %d %b %Y}.')
    print(f"Recorded: {describe_cramps(logged.log)}, night of {night:%a %d %b %Y}.")
    if logged.log.notes:
        print(f"Note: {logged.log.notes}")
    if options.signs:
        from coach.safety.rules import record_signs

        signs = record_signs(ctx, night, options.signs)
        print(f"Urgent signs: {signs}.")
    _announce_flags(ctx, night)
    _take_experiment_look(ctx)
    return 0


def _take_experiment_look(ctx: Session) -> None:
    """The morning log that completes a pair of the experiment makes its interim look due:
    take it now, so a plan that has its answer ends here (and the daemon, which reads the
    stored plan, stops holding the stretch back) rather than at the next command."""
    if not ctx.look_due():
        return
    try:
        after = ctx.take_looks()
    except CoachError as exc:  # the log is saved: say so, and leave the look for later
        print(f"coach: note: could not update the experiment: {exc}", file=sys.stderr)
        return
    if after is not None and after.ended is not None:
        print(after.ended.words(after.pairs))
        print("`coach experiment result` shows the answer.")


def register(sub: Subparsers) -> None:
    """Add `done`, `skip` and `cramp` to coach's commands."""
    from coach.cli.args import (
        NIGHT_METAVAR,
        add_yes,
        command,
        cramp_severity,
        int_range,
        minutes,
        night_arg,
    )
    from coach.records.schema import LEGS
    from coach.records.store import MUSCLES

    for name, verb in (("done", "done"), ("skip", "skipped")):
        about = {
            "help": f"record a step as {verb}",
            "description": f"Record a step as {verb}. The latest record for a "
            "night and step wins, so this also corrects an earlier one.",
        }
        p = (
            command(sub, run_skip, SkipOptions, name, **about)
            if name == "skip"
            else command(sub, run_done, DoneOptions, name, **about)
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
        add_yes(p)

    p = command(
        sub,
        run_cramp,
        CrampOptions,
        "cramp",
        help="log last night's cramps",
        description="Log a night's cramps (the morning log), or with --now one cramp as it "
        "happens. Examples: coach cramp --count 2 --severity 6 --minutes 3 --leg left; "
        "coach cramp --now --minutes 2 --leg left --muscle calf",
    )
    p.add_argument(
        "--now",
        action="store_true",
        help="a cramp now, logged at night (the morning log counts it)",
    )
    p.add_argument(
        "--count",
        dest="cramps",
        type=int_range(0, 50, "count"),
        metavar="N",
        help="how many cramps",
    )
    p.add_argument("--none", action="store_true", help="a night without cramps")
    p.add_argument(
        "--unknown",
        action="store_true",
        help="you do not remember the night's cramps: it stays unknown and is not asked again",
    )
    p.add_argument(
        "--severity",
        type=cramp_severity,
        metavar="1-10",
        help="worst pain, 1 (mild) to 10 (worst imaginable); a night without cramps is --none",
    )
    p.add_argument("--minutes", type=minutes, metavar="M", help="how long the longest lasted")
    p.add_argument("--leg", choices=LEGS, help="which leg")
    p.add_argument("--muscle", choices=MUSCLES, help="which muscle")
    p.add_argument(
        "--disturbance",
        type=int_range(0, 10, "disturbance"),
        metavar="0-10",
        help="how much your sleep was disturbed, 0 to 10",
    )
    p.add_argument("--note", metavar="TEXT", help="anything else, e.g. a new medicine")
    p.add_argument(
        "--sign",
        dest="signs",
        action="append",
        choices=SIGN_CHOICES,
        metavar="SIGN",
        help="an urgent sign you have (repeat for several): "
        + ", ".join(SIGN_CHOICES)
        + ". coach reads notes for key words and can miss signs: say them here",
    )
    p.add_argument(
        "--night",
        type=night_arg,
        metavar=NIGHT_METAVAR,
        help="default: the last night whose bedtime has passed; a night already logged "
        "is replaced (its note kept unless --note is given)",
    )
    add_yes(p)
