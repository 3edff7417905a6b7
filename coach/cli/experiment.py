"""`coach experiment start|status|result|stop`: the personal randomised experiment,
registered into the command line by `register`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.cli.args import Subparsers
    from coach.session import Session


class JsonOptions(NamedTuple):
    """`status`, `result` and `stop`."""

    json: bool


class StartOptions(NamedTuple):
    json: bool
    anyway: bool
    """Start the longest plan even when an answer is unlikely."""


def _protocol_json(protocol: Any) -> dict[str, Any]:
    return {
        "run_in_start": protocol.run_in_start.isoformat(),
        "start": protocol.start.isoformat() if protocol.start else None,
        "end": protocol.end.isoformat() if protocol.end else None,
        "pairs": protocol.pairs,
        "period_nights": protocol.period_nights,
        "washout_nights": protocol.washout_nights,
        "stopped": protocol.stopped.isoformat() if protocol.stopped else None,
        "ended_early": protocol.ended.json() if protocol.ended else None,
        "looked_after_pairs": protocol.looked,
        "predicted": None
        if protocol.power is None
        else {"power": protocol.power, "median_weeks": protocol.median_weeks},
    }


def run_start(options: StartOptions, ctx: Session) -> int:
    from coach.experiment import protocol as experiment

    outcome = ctx.start_experiment(anyway=options.anyway)
    protocol = outcome.protocol
    if options.json:
        print(json.dumps({"started": outcome.started, **_protocol_json(protocol)}, indent=2))
        return 0
    if not outcome.started:
        print("An experiment is already under way (`coach experiment status` says where).")
        return 0
    print(outcome.run_in.words())
    if protocol.start is None:
        print("That is not yet a full run-in, so the experiment starts with one.")
    elif not outcome.run_in.answerable:
        print("Started anyway, as asked. " + outcome.run_in.too_long_words())
    else:
        print(
            "That is enough to start, and to predict from your own cramp rate what the plan "
            "can tell you."
        )
    print(experiment.plan_words(protocol))
    if protocol.start is not None:
        print(experiment.SIMPLER)
    print(
        "Stop any time with `coach experiment stop`; see where it stands with "
        "`coach experiment status`."
    )
    return 0


def run_status(options: JsonOptions, ctx: Session) -> int:
    from coach.experiment import protocol as experiment
    from coach.planner import current_night

    now = ctx.clock.now()
    # The interim looks that are due are taken here too (the model loads only then).
    protocol = ctx.advance_experiment()
    tonight = current_night(ctx.settings, now)
    assigned = experiment.assignment(protocol, tonight)
    if options.json:
        print(
            json.dumps(
                {
                    "status": None
                    if protocol is None
                    else experiment.status_of(protocol, ctx.settings, now),
                    "protocol": None if protocol is None else _protocol_json(protocol),
                    "tonight": None if assigned is None else assigned.to_json(),
                },
                indent=2,
            )
        )
        return 0
    if protocol is None:
        print("No experiment yet. `coach experiment start` finds out whether stretching helps you.")
        from coach.experiment.design import weeks

        window = ctx.run_in()
        if window.answerable and not ctx.settings.profile.pregnant:
            # What a start now would promise, before anything is fixed.
            print(
                f"{window.words()} Started now, the plan would run "
                f"{weeks(window.pairs)} weeks at most from tomorrow night. " + window.promise()
            )
        return 0
    print(experiment.plan_words(protocol))
    progress = experiment.progress_words(protocol, ctx.settings, now)
    if protocol.ended is not None:
        print(protocol.ended.words(protocol.pairs))
        print("`coach experiment result` gives the answer.")
    elif protocol.stopped is not None:
        print(f"Stopped from the night of {protocol.stopped:%a %d %b %Y}.")
    elif assigned is not None:
        print("Tonight: " + assigned.tonight_line())
        if progress:
            print(progress)
    elif protocol.start is not None and tonight < protocol.start:
        print(progress or "")
    else:
        print("The plan is over: `coach experiment result` gives the answer.")
    return 0


def run_result(options: JsonOptions, ctx: Session) -> int:
    result = ctx.experiment_result()
    if result is None:
        raise CoachError("no experiment was started; `coach experiment start` begins one")
    if options.json:
        print(json.dumps(result.to_json(), indent=2))
        return 0
    print(result.summary())
    print()
    print(result.limits())
    return 0


def run_stop(options: JsonOptions, ctx: Session) -> int:
    from coach.experiment.checks import STATE_KEY

    # The way out always works: a stored plan that does not fit is set aside on reading
    # (the store says where), and that stops it as surely as a stop would.
    ctx.store.set_aside_state.pop(STATE_KEY, None)
    if ctx.experiment_or_none() is None and STATE_KEY in ctx.store.set_aside_state:
        if options.json:
            print(json.dumps(None))
            return 0
        print(
            "Experiment stopped: its stored plan could not be used and was set aside; the "
            "usual routine is back, stretches included. `coach experiment start` begins a "
            "new one."
        )
        return 0
    protocol = ctx.stop_experiment()
    result = ctx.experiment_result()
    if options.json:
        print(json.dumps(None if result is None else result.to_json(), indent=2))
        return 0
    assert protocol.stopped is not None
    print(
        f"Experiment stopped: from the night of {protocol.stopped:%a %d %b %Y} the usual "
        "routine is back, stretches included. `coach experiment start` begins a new one."
    )
    return 0


def register(sub: Subparsers) -> None:
    """Add `experiment` and its actions to coach's commands."""
    from coach.cli.args import Parser, add_plain, command

    p = sub.add_parser(
        "experiment",
        help="find out whether stretching helps you",
        description="A personal randomised experiment: periods of stretch and no-stretch "
        "nights in random order, then an honest answer from your own cramp diary.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser, required=True)

    def about(text: str) -> dict[str, str]:
        return {"help": text, "description": text[0].upper() + text[1:] + "."}

    start = command(
        actions,
        run_start,
        StartOptions,
        "start",
        **about("check your diary and start (a run-in first if it is short)"),
    )
    start.add_argument(
        "--anyway",
        action="store_true",
        help="start the longest plan even when your cramp rate makes an answer unlikely",
    )
    for name, handler, text in (
        ("status", run_status, "the plan, and what tonight is"),
        ("result", run_result, "the answer so far, in plain words"),
        ("stop", run_stop, "stop; the usual routine comes back tonight"),
    ):
        command(actions, handler, JsonOptions, name, **about(text))
    for action in actions.choices.values():
        action.add_argument("--json", action="store_true", help="print JSON for scripts")
        add_plain(action)
