"""The reminder rules that need no scheduler: what a reminder says, and when it is late.

Snooze and pause are changes a user makes, so their rule lives with the session
(`coach.session`), which the command line, the app and the reminder service all use.

- A reminder's title says the step and the time to bedtime; its body says what to do, and
  a late one says when it was due. The app shows the same words as the desktop.
- A reminder up to ON_TIME_GRACE after its time is on time; a reminder event is written
  PENDING before it is shown and DELIVERED after (`coach.reminders.service`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from coach.clock import whole_minutes
from coach.planner import DUE_WINDOW as DUE_WINDOW
from coach.planner import Plan, PlannedStep
from coach.settings.model import Settings

ON_TIME_GRACE = timedelta(minutes=2)
"""A reminder delivered this long after its time still counts as on time."""

REMINDER_EVENT = "reminder"
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
    left = whole_minutes(plan.bedtime - now) * (1 if plan.bedtime >= now else -1)
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


def overtaken(plan: Plan, step_id: str, now: datetime) -> bool:
    """Whether a step's own time has passed: the next step's time has come (for the last
    step, DUE_WINDOW after it). Done then, it is recorded late."""
    steps = plan.steps
    for index, step in enumerate(steps):
        if step.id == step_id:
            following = steps[index + 1].at if index + 1 < len(steps) else step.at + DUE_WINDOW
            return now >= following
    return False
