"""Tonight's states and wording, as plain functions over the planner and the store."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from coach.clock import FakeClock
from coach.planner import plan_night
from coach.session import Session
from screens.timeline import (
    build_timeline,
    cutoff_line,
    focus_index,
    last_night_line,
    next_step_line,
    row_label,
    span,
)
from tests.support import BERLIN

NIGHT = date(2026, 11, 22)


def rows_at(ctx: Session, clock: FakeClock, hh: int, mm: int) -> list[tuple[str, str]]:
    clock.set(datetime(2026, 11, 22, hh, mm, tzinfo=BERLIN))
    plan = plan_night(ctx.settings, NIGHT)
    outcomes = ctx.store.latest_outcomes(NIGHT, NIGHT)
    rows = build_timeline(plan, ctx.settings.routine.steps, outcomes, clock.now())
    return [(row.id, row.state) for row in rows]


def test_states_through_the_evening(ctx: Session, clock: FakeClock) -> None:
    assert {state for _, state in rows_at(ctx, clock, 18, 0)} == {"upcoming"}
    assert rows_at(ctx, clock, 20, 45)[:3] == [
        ("last-meal", "late"),
        ("hydration", "due"),
        ("screens-off", "upcoming"),
    ]
    # The last step stays due for half an hour, then counts as late.
    assert rows_at(ctx, clock, 22, 59)[-1] == ("sleep-position", "due")
    assert rows_at(ctx, clock, 23, 0)[-1] == ("sleep-position", "late")


def test_records_win_over_the_clock_and_a_later_record_wins(ctx: Session, clock: FakeClock) -> None:
    ctx.store.record_step(NIGHT, "hydration", "missed", detail={"by": "reminders"})
    assert dict(rows_at(ctx, clock, 20, 45))["hydration"] == "missed"
    ctx.store.record_step(NIGHT, "hydration", "done")
    assert dict(rows_at(ctx, clock, 20, 46))["hydration"] == "done"


def test_focus_goes_to_the_due_step_else_the_next_else_the_last_open(
    ctx: Session, clock: FakeClock
) -> None:
    def focus(hh: int, mm: int) -> int:
        clock.set(datetime(2026, 11, 22, hh, mm, tzinfo=BERLIN))
        plan = plan_night(ctx.settings, NIGHT)
        outcomes = ctx.store.latest_outcomes(NIGHT, NIGHT)
        return focus_index(build_timeline(plan, ctx.settings.routine.steps, outcomes, clock.now()))

    assert focus(18, 0) == 0
    assert focus(21, 35) == 2
    assert focus(23, 30) == 4


def test_words_for_times_and_last_night(ctx: Session, clock: FakeClock) -> None:
    assert span(timedelta(seconds=29)) == "under a minute"
    assert span(timedelta(seconds=30)) == "1 min"
    assert span(timedelta(minutes=7, seconds=29)) == "7 min"
    assert span(timedelta(minutes=7, seconds=59)) == "8 min"
    assert span(timedelta(hours=2, minutes=5)) == "2 h 05 min"
    plan = plan_night(ctx.settings, NIGHT)
    rows = build_timeline(plan, ctx.settings.routine.steps, {}, clock.now())
    assert next_step_line(rows, plan.bedtime, clock.now()) == "Next: Last meal in 1 h 30 min"
    ctx.store.record_step(NIGHT, "last-meal", "skipped")
    recorded = build_timeline(
        plan, ctx.settings.routine.steps, ctx.store.latest_outcomes(NIGHT, NIGHT), clock.now()
    )
    assert next_step_line(recorded, plan.bedtime, clock.now()) == "Next: Hydration in 2 h 30 min"
    late = datetime(2026, 11, 22, 23, 0, tzinfo=BERLIN)
    # After bedtime the line says what is left to mark, never "passed" or "due".
    assert next_step_line(rows, plan.bedtime, late) == (
        "Bedtime was at 22:30. 5 steps not marked: d if you did it, x if not."
    )
    marked = [row._replace(state="done") for row in rows]
    assert next_step_line(marked, plan.bedtime, late) == (
        "Bedtime was at 22:30. Sleep well; if a cramp wakes you, press c."
    )
    at_nine = datetime(2026, 11, 22, 21, 0, tzinfo=BERLIN)
    past = build_timeline(plan, ctx.settings.routine.steps, {}, late)[0]
    assert row_label(past, plan.bedtime, late) == "not marked"
    evening = build_timeline(plan, ctx.settings.routine.steps, {}, at_nine)[0]
    assert row_label(evening, plan.bedtime, at_nine) == "due, late"
    assert cutoff_line(rows[1], clock.now()) == "Cutoff at 20:30: 2 h 30 min left"
    assert cutoff_line(rows[1], late) == "Cutoff was at 20:30, 2 h 30 min ago"
    assert cutoff_line(rows[4], clock.now()) is None
    log = ctx.store.record_cramps(NIGHT, 1, minutes=2.5)
    assert last_night_line(log) == "Last night: 1 cramp, longest 2.5 min (m to edit)."
    banded = ctx.store.record_cramps(NIGHT, 2, severity=4, band="1-5")
    assert (
        last_night_line(banded) == "Last night: 2 cramps, worst 4/10, longest 1-5 min (m to edit)."
    )
    # Plainly one or the other: a night without cramps, or a night nobody logged.
    assert (
        last_night_line(ctx.store.record_cramps(NIGHT, 0)) == "Last night: no cramps (m to edit)."
    )
    assert last_night_line(None) == "Last night: not logged (press m to log it)."


def test_a_countdown_a_moment_after_the_minute_reads_the_whole_minutes(
    ctx: Session, clock: FakeClock
) -> None:
    """At 13:00 (drawn a fraction of a second later) the last meal at 19:30 is 6 h 30 min
    away, not 6 h 29 min."""
    clock.jump(datetime(2026, 11, 22, 13, 0, 0, 300_000, tzinfo=BERLIN))
    plan = plan_night(ctx.settings, NIGHT)
    rows = build_timeline(plan, ctx.settings.routine.steps, {}, clock.now())
    assert next_step_line(rows, plan.bedtime, clock.now()) == "Next: Last meal in 6 h 30 min"


def test_the_countdown_and_the_reminder_never_disagree_by_a_minute(
    ctx: Session, clock: FakeClock
) -> None:
    """The guided evening's 'N min to go' and the reminder's 'N minutes to bedtime', drawn
    at the same instant, say the same N, whatever the seconds."""
    from coach.reminders.rules import reminder_text

    plan = plan_night(ctx.settings, NIGHT)
    step = plan.steps[-2]  # the stretches, ten minutes before bedtime
    for seconds in range(0, 120, 5):
        now = plan.bedtime - timedelta(minutes=24, seconds=seconds)
        title, _ = reminder_text(ctx.settings, plan, step, now, timedelta(0))
        header = span(plan.bedtime - now)
        said = title.split(": ")[1].split(" minute")[0]
        assert header == f"{said} min", (seconds, header, title)
