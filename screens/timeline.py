"""Tonight's timeline as the home screen shows it: each step's state and the words for times.

Plain functions over the core's plan and records, so they are tested without a terminal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Literal, NamedTuple

from coach.clock import whole_minutes
from coach.diary.wording import describe_logged
from coach.planner import Plan, PlannedStep
from coach.reminders.rules import DUE_WINDOW, overtaken
from coach.session import CrampLog, Event, StepRecord
from routines import StepDef

StepState = Literal["upcoming", "due", "late", "done", "skipped", "missed"]


MARKS: dict[str, str] = {
    "upcoming": "○",
    "due": "●",
    "late": "!",
    "done": "✓",
    "skipped": "-",
    "missed": "✗",
}
NOT_MARKED = "not marked"
LABELS: dict[str, str] = {
    "upcoming": "upcoming",
    "due": "due now",
    "late": "due, late",
    "done": "done",
    "skipped": "skipped",
    "missed": "missed",
}


class StepRow(NamedTuple):
    """One line of the timeline."""

    planned: PlannedStep
    definition: StepDef
    state: StepState
    record: StepRecord | None

    @property
    def id(self) -> str:
        return self.planned.id

    @property
    def open(self) -> bool:
        """Not yet recorded: done and skip still make sense."""
        return self.state in ("upcoming", "due", "late")


def build_timeline(
    plan: Plan,
    definitions: Sequence[StepDef],
    outcomes: Mapping[tuple[date, str], StepRecord],
    now: datetime,
) -> list[StepRow]:
    """Each planned step with its state at `now`.

    A step with no record is upcoming before its time, due from its time until the next
    step's time (the last step: for DUE_WINDOW), and late after that, still recordable.
    """
    by_id = {d.id: d for d in definitions}
    rows: list[StepRow] = []
    for planned in plan.steps:
        record = outcomes.get((plan.night, planned.id))
        state: StepState
        if record is not None:
            state = record.outcome
        elif now < planned.at:
            state = "upcoming"
        else:
            state = "late" if overtaken(plan, planned.id, now) else "due"
        rows.append(
            StepRow(planned=planned, definition=by_id[planned.id], state=state, record=record)
        )
    return rows


def focus_index(rows: Sequence[StepRow]) -> int:
    """The row to select on opening: the step due now, else the next, else the last open one."""
    for wanted in ("due", "upcoming"):
        for index, row in enumerate(rows):
            if row.state == wanted:
                return index
    for index in range(len(rows) - 1, -1, -1):
        if rows[index].open:
            return index
    return 0


def steps_ahead(rows: Sequence[StepRow]) -> list[StepRow]:
    """The steps still ahead, in order: the one due now (its time has come and the next
    step's has not), then those not yet due; recorded and overtaken steps are behind."""
    return [row for row in rows if row.state in ("due", "upcoming")]


def span(delta: timedelta) -> str:
    """A duration in words, to the nearest minute (`whole_minutes`): '2 h 05 min', '7 min',
    'under a minute'."""
    minutes = whole_minutes(delta)
    if minutes == 0:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


def next_step_line(rows: Sequence[StepRow], bedtime: datetime, now: datetime) -> str:
    """The countdown line: the next step not yet recorded, and how long until it."""
    for row in rows:
        if row.planned.at > now and row.open:
            return f"Next: {row.planned.title} in {span(row.planned.at - now)}"
    if now < bedtime:
        return f"Bedtime in {span(bedtime - now)}"
    unmarked = sum(row.open for row in rows)
    if unmarked:
        steps = f"{unmarked} step{'s' if unmarked != 1 else ''}"
        return f"Bedtime was at {bedtime:%H:%M}. {steps} not marked: d if you did it, x if not."
    return f"Bedtime was at {bedtime:%H:%M}. Sleep well; if a cramp wakes you, press c."


def row_label(row: StepRow, bedtime: datetime, now: datetime) -> str:
    """A row's state in words. Once the night's bedtime has passed, a step not marked is
    not "due" any more: it is one to mark if it was done."""
    if row.state == "late" and now >= bedtime + DUE_WINDOW:
        return NOT_MARKED
    return LABELS[row.state]


def cutoff_line(row: StepRow, now: datetime) -> str | None:
    """For a cutoff step, the time left until it (or how long ago it passed)."""
    if not row.definition.cutoff:
        return None
    at = row.planned.at
    if now < at:
        return f"Cutoff at {at:%H:%M}: {span(at - now)} left"
    return f"Cutoff was at {at:%H:%M}, {span(now - at)} ago"


def last_night_line(
    log: CrampLog | None,
    episodes: Sequence[Event] = (),
    tz: tzinfo | None = None,
    *,
    forgotten: bool = False,
) -> str:
    """One line about the night before, plainly: not logged (or answered "don't
    remember": `forgotten`), no cramps, or what was, the cramps logged during it included
    (`tz`: the zone their times are shown in)."""
    if log is None and not episodes:
        said = "not remembered" if forgotten else "not logged"
        return f"Last night: {said} (press m to log it)."
    words = describe_logged(log, episodes, tz or UTC, full=False)
    return f"Last night: {words} ({'m to edit' if log is not None else 'press m to log it'})."
