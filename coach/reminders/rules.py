"""The reminder rules that need no scheduler: what a reminder says, snooze and pause.

The session (`coach snooze`, `coach pause`) and the reminder service (the app, the daemon)
both snooze and pause through `snooze` and `set_paused` here, so the rules, and the plan
they check against, are written once; the command line starts without APScheduler.

- A reminder's title says the step and the time to bedtime; its body says what to do, and
  a late one says when it was due. The app shows the same words as the desktop.
- Snooze means "again in N minutes" for a step that is due or past, at most MAX_SNOOZES
  times per step and night; a step not due yet, done, skipped or on a paused night is
  refused with a line that says why.
- Pause silences a night; a paused night records nothing missed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import NamedTuple

from coach.errors import CoachError
from coach.planner import Plan, PlannedStep, plan_night
from coach.records.store import PAUSE_EVENT, Event, Store
from coach.settings.model import Settings

ON_TIME_GRACE = timedelta(minutes=2)
"""A reminder delivered this long after its time still counts as on time."""
MAX_SNOOZES = 3
"""How many times one step may be snoozed on one night."""

REMINDER_EVENT = "reminder"
SNOOZE_EVENT = "snooze"
PENDING = "pending"
"""A reminder event's phase: decided and about to be shown."""
DELIVERED = "delivered"
"""A reminder event's phase: shown (or, for missed and expired, settled)."""


# --- what a reminder says ---------------------------------------------------------------


def format_minutes(minutes: int) -> str:
    """Minutes in words: '1 minute', '45 minutes', '2 hours', '2 h 15 min'."""
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, rest = divmod(minutes, 60)
    return f"{hours} hours" if rest == 0 else f"{hours} h {rest} min"


def stretch_minutes(settings: Settings) -> int:
    """How long the guided stretches take with these settings, in whole minutes (at least 1)."""
    from coach.stretch.player import plan_slots  # only a timed step needs the player's arithmetic

    stretch = settings.stretch
    slots = plan_slots(settings.routine.exercises_for(stretch.variant), stretch.reps)
    seconds = len(slots) * (stretch.hold_seconds + stretch.rest_seconds)
    return max(1, round(seconds / 60))


def reminder_text(
    settings: Settings, plan: Plan, step: PlannedStep, now: datetime, late_by: timedelta
) -> tuple[str, str]:
    """The notification's title and body: what to do now, and how long until bedtime.

    Title: 'Screens off: 60 minutes to bedtime'. Body: what to do, then the app's name and
    bedtime. A late reminder says when it was due; a late timed step (the stretches) that
    no longer fits before bedtime says when it will end, so the title's minutes and the
    body's never seem to disagree.
    """
    left = round((plan.bedtime - now).total_seconds() / 60)
    if left > 0:
        when = f"{format_minutes(left)} to bedtime"
    elif left == 0:
        when = "bedtime now"
    else:
        when = f"{format_minutes(-left)} past bedtime"
    tz = plan.bedtime.tzinfo
    try:
        definition = settings.routine.step(step.id)
        body, timed = definition.notification or step.title, definition.timed
    except KeyError:  # the step was removed from the config since it was planned
        body, timed = step.title, False
    if late_by > ON_TIME_GRACE:
        body += f" (This reminder is late: it was due at {step.at.astimezone(tz):%H:%M}.)"
        takes = stretch_minutes(settings) if timed else 0
        if takes > max(left, 0):
            ends = now + timedelta(minutes=takes)
            body += (
                f" They take about {format_minutes(takes)}: go to bed when they are done, "
                f"at about {ends.astimezone(tz):%H:%M}."
            )
    body += f"\ncoach · bedtime {plan.bedtime.astimezone(tz):%H:%M}"
    return f"{step.title}: {when}", body


# --- snooze and pause -------------------------------------------------------------------


class NightState(NamedTuple):
    """What the store says about one night's reminders: snoozes (in order) and pause."""

    snoozes: dict[str, list[datetime]]
    paused: bool


def night_state(events: list[Event], night: date) -> NightState:
    """Read a night's snoozes and pause from its events (written order)."""
    snoozes: dict[str, list[datetime]] = {}
    paused = False
    for event in events:
        if event.night != night:
            continue
        if event.kind == SNOOZE_EVENT:
            wake = parse_instant(event.data.get("until"))
            step = event.data.get("step")
            if wake is not None and isinstance(step, str):
                snoozes.setdefault(step, []).append(wake)
        elif event.kind == PAUSE_EVENT:
            paused = bool(event.data.get("paused", True))
    return NightState(snoozes=snoozes, paused=paused)


def parse_instant(value: object) -> datetime | None:
    """An aware datetime from an ISO-8601 string in a record; None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def check_snooze(
    settings: Settings,
    plan: Plan,
    step_id: str,
    now: datetime,
    state: NightState,
    recorded: str | None,
) -> datetime:
    """When a snooze asked now would remind again; CoachError saying why if it may not.

    `recorded`: the step's latest outcome that night ('done', 'skipped', 'missed') or None.
    """
    tz = settings.tz
    step = plan.step(step_id)
    if step is None:
        raise CoachError(f"step {step_id!r} is not on the plan for the night of {plan.night}")
    if now < step.at:
        raise CoachError(
            f"{step.title} is not due yet: it is due at {step.at.astimezone(tz):%H:%M} "
            f"on {step.at.astimezone(tz):%a %d %b}; snooze works once a step is due"
        )
    if recorded in ("done", "skipped"):
        raise CoachError(f"{step.title} is already recorded {recorded} for that night")
    if state.paused:
        raise CoachError(
            "reminders are paused for that night; `coach pause --undo` turns them back on"
        )
    if len(state.snoozes.get(step_id, [])) >= MAX_SNOOZES:
        raise CoachError(f"already snoozed {MAX_SNOOZES} times tonight; mark it done or skip it")
    return now + timedelta(minutes=settings.notifications.snooze_minutes)


def snooze(store: Store, settings: Settings, now: datetime, night: date, step_id: str) -> datetime:
    """Record a snooze of a due step; returns when it will remind again (see check_snooze).

    The plan is the night's as the experiment wants it (`plan_for`): on a no-stretch night
    the stretch is not on it, so it cannot be snoozed, whoever asks."""
    from coach.experiment.protocol import plan_for

    plan, assigned = plan_for(settings, store, night)
    if (
        assigned is not None
        and plan.step(step_id) is None
        and plan_night(settings, night).step(step_id)
    ):
        raise CoachError(
            f"{settings.routine.step(step_id).title}: not on the plan for the night of "
            f"{night:%a %d %b}, a {assigned.arm} night of your experiment; nothing to snooze"
        )
    state = night_state(store.events(night, night), night)
    latest = store.latest_outcomes(night, night).get((night, step_id))
    wake = check_snooze(
        settings, plan, step_id, now, state, latest.outcome if latest is not None else None
    )
    taken = len(state.snoozes.get(step_id, []))
    store.add_event(
        night, SNOOZE_EVENT, {"step": step_id, "until": wake.isoformat(), "repeat": taken + 1}
    )
    return wake


def snoozes_left(store: Store, night: date, step_id: str) -> int:
    state = night_state(store.events(night, night), night)
    return MAX_SNOOZES - len(state.snoozes.get(step_id, []))


def set_paused(store: Store, night: date, paused: bool = True) -> None:
    """Silence (or unsilence) a night's reminders; a paused night records nothing missed."""
    store.add_event(night, PAUSE_EVENT, {"paused": paused})
