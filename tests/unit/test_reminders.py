"""The reminder service with a fake clock and a recording notifier: what is sent, when, once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from coach.clock import FakeClock
from coach.errors import CoachError
from coach.planner import PlannedStep
from coach.reminders.service import (
    MAX_SNOOZES,
    ReminderService,
    ScheduledReminders,
    paused_nights,
)
from coach.session import Session
from coach.settings.model import config_set, load_settings
from tests.support.fakes import RecordingNotifier
from tests.support.reminder_support import ShiftedClock

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NIGHT = date(2026, 11, 22)


@dataclass
class Sent:
    """One reminder as the user saw it."""

    step: str
    night: date
    at: datetime
    late_by: timedelta
    title: str
    body: str


@dataclass
class Harness:
    """A service wired like the daemon's, but to a recording notifier."""

    clock: FakeClock
    service: ReminderService
    notifier: RecordingNotifier = field(default_factory=RecordingNotifier)
    sent: list[Sent] = field(default_factory=list)
    missed: list[tuple[str, date]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def run_until(self, until: datetime) -> list[Sent]:
        """Let time pass to `until`, waking at each reminder as a scheduler would."""
        before = len(self.sent)
        self.service.run_due()
        while (due := self.service.next_due()) is not None and due <= until:
            self.clock.set(due)
            self.service.run_due()
        if self.clock.now() < until:
            self.clock.set(until)
        self.service.run_due()
        return self.sent[before:]

    def local_times(self, sent: list[Sent], tz: ZoneInfo = BERLIN) -> list[tuple[str, str]]:
        return [(s.step, s.at.astimezone(tz).strftime("%a %H:%M")) for s in sent]


def harness(
    ctx: Session, clock: FakeClock, *, is_sender: Callable[[], bool] | None = None
) -> Harness:
    h = Harness(clock=clock, service=None)  # type: ignore[arg-type]

    def on_due(step: PlannedStep, night: date, late_by: timedelta) -> None:
        title, body = h.service.describe(step, night, late_by)
        h.notifier.notify(title, body)
        h.sent.append(Sent(step.id, night, clock.now(), late_by, title, body))

    def on_missed(step: PlannedStep, night: date, late_by: timedelta, recorded: bool) -> None:
        h.missed.append((step.id, night))

    h.service = ReminderService(
        ctx.settings,
        clock,
        on_due,
        store=ctx.store,
        config_file=ctx.paths.config_file,
        on_missed=on_missed,
        on_problem=h.problems.append,
        is_sender=is_sender,
    )
    return h


def berlin(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def write_config(ctx: Session, text: str) -> None:
    ctx.paths.config_file.write_text(text)
    ctx.reload_settings()


# --- a whole night -------------------------------------------------------------------


def test_a_whole_night_reminds_each_step_once_in_order(ctx: Session, clock: FakeClock) -> None:
    h = harness(ctx, clock)
    sent = h.run_until(berlin(23, 12))
    assert h.local_times(sent) == [
        ("last-meal", "Sun 19:30"),
        ("hydration", "Sun 20:30"),
        ("screens-off", "Sun 21:30"),
        ("stretch", "Sun 22:20"),
        ("sleep-position", "Sun 22:30"),
    ]
    assert all(s.late_by == timedelta(0) and s.night == NIGHT for s in sent)
    assert [title for title, _ in h.notifier.sent] == [
        "Last meal: 3 hours to bedtime",
        "Hydration: 2 hours to bedtime",
        "Screens off: 60 minutes to bedtime",
        "Calf and hamstring stretches: 10 minutes to bedtime",
        "Sleep position: bedtime now",
    ]
    screens_off = h.notifier.sent[2][1]
    assert screens_off.startswith("Time to put screens away and dim the lights.")
    assert "coach" in screens_off and "bedtime 22:30" in screens_off
    assert "This reminder is late" not in screens_off


def test_the_next_night_follows_without_a_restart(ctx: Session, clock: FakeClock) -> None:
    write_config(
        ctx, 'timezone = "Europe/Berlin"\nbedtime = "22:30"\n[bedtime_by_weekday]\nmon = "23:00"\n'
    )
    h = harness(ctx, clock)
    h.run_until(berlin(23, 12))
    sent = h.run_until(berlin(24, 12))
    assert h.local_times(sent) == [
        ("last-meal", "Mon 20:00"),
        ("hydration", "Mon 21:00"),
        ("screens-off", "Mon 22:00"),
        ("stretch", "Mon 22:50"),
        ("sleep-position", "Mon 23:00"),
    ]
    assert {s.night for s in sent} == {date(2026, 11, 23)}


def test_what_was_sent_is_recorded_for_every_process_to_see(ctx: Session, clock: FakeClock) -> None:
    h = harness(ctx, clock)
    h.run_until(berlin(22, 21, 45))
    events = ctx.store.events(NIGHT, NIGHT, "reminder")
    # Each one pending before it was shown, delivered after.
    assert [(e.data["step"], e.data["status"], e.data["phase"]) for e in events] == [
        (step, "sent", phase)
        for step in ("last-meal", "hydration", "screens-off")
        for phase in ("pending", "delivered")
    ]


class Crash(BaseException):
    """The process dies while the notification is on its way."""


def test_a_crash_between_pending_and_delivered_gives_exactly_one_delivery_after_restart(
    ctx: Session, clock: FakeClock
) -> None:
    first = harness(ctx, clock)
    first.run_until(berlin(22, 21, 29))  # three steps delivered; screens-off at 21:30

    def crash(step: PlannedStep, night: date, late_by: timedelta) -> None:
        raise Crash

    first.service.on_due = crash
    clock.set(berlin(22, 21, 30))
    with pytest.raises(Crash):
        first.service.run_due()
    phases = [
        e.data["phase"]
        for e in ctx.store.events(NIGHT, NIGHT, "reminder")
        if e.data["step"] == "screens-off"
    ]
    assert phases == ["pending"]

    clock.set(berlin(22, 21, 36))  # restarted six minutes later
    again = harness(ctx, clock)
    sent = again.run_until(berlin(22, 22, 25))
    assert [(s.step, s.late_by) for s in sent] == [
        ("screens-off", timedelta(minutes=6)),
        ("stretch", timedelta(0)),
    ]
    assert "This reminder is late: it was due at 21:30." in sent[0].body
    screens_off = [
        e.data["phase"]
        for e in ctx.store.events(NIGHT, NIGHT, "reminder")
        if e.data["step"] == "screens-off"
    ]
    assert screens_off == ["pending", "pending", "delivered"]
    # And a third start finds nothing owed: exactly one delivery.
    assert harness(ctx, clock).run_until(berlin(22, 22, 25)) == []


# --- late and missed -----------------------------------------------------------------


def test_after_a_suspend_a_useful_reminder_comes_late_and_a_stale_one_is_missed(
    ctx: Session, clock: FakeClock
) -> None:
    h = harness(ctx, clock)
    h.run_until(berlin(22, 20))
    # The lid closes at 20:00 and opens at 21:50: the wall clock jumps, timers did not run.
    clock.jump(berlin(22, 21, 50))
    sent = h.run_until(berlin(22, 21, 50))

    assert [(s.step, s.late_by) for s in sent] == [("screens-off", timedelta(minutes=20))]
    title, body = h.notifier.sent[-1]
    assert title == "Screens off: 40 minutes to bedtime"
    assert "This reminder is late: it was due at 21:30." in body
    assert h.missed == [("hydration", NIGHT)]
    outcome = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "hydration")]
    assert outcome.outcome == "missed" and outcome.late


def test_a_reminder_a_minute_late_still_counts_as_on_time(ctx: Session, clock: FakeClock) -> None:
    h = harness(ctx, clock)
    clock.jump(berlin(22, 19, 31))
    sent = h.run_until(berlin(22, 19, 31))
    assert [(s.step, s.late_by) for s in sent] == [("last-meal", timedelta(minutes=1))]
    assert "This reminder is late" not in h.notifier.sent[0][1]


def test_nothing_is_sent_twice_after_a_restart_or_a_clock_set_back(
    ctx: Session, clock: FakeClock
) -> None:
    first = harness(ctx, clock)
    first.run_until(berlin(22, 21, 40))
    assert len(first.sent) == 3

    again = harness(ctx, clock)  # the daemon restarts with the same data folder
    clock.jump(berlin(22, 19, 0))  # and the clock is set back by hand
    assert again.run_until(berlin(22, 21, 40)) == []
    assert again.service.next_due() == berlin(22, 22, 20)
    sent = again.run_until(berlin(22, 23))
    assert [s.step for s in sent] == ["stretch", "sleep-position"]


def test_a_step_already_done_gets_no_reminder(ctx: Session, clock: FakeClock) -> None:
    ctx.store.record_step(NIGHT, "hydration", "done")
    h = harness(ctx, clock)
    sent = h.run_until(berlin(22, 21, 40))
    assert [s.step for s in sent] == ["last-meal", "screens-off"]


# --- DST and bedtimes after midnight -------------------------------------------------


def test_spring_forward_in_berlin_moves_lost_times_to_the_jump_and_sends_each_once(
    ctx: Session,
) -> None:
    write_config(ctx, 'timezone = "Europe/Berlin"\nbedtime = "02:30"\n')
    clock = FakeClock(datetime(2027, 3, 27, 18, 0, tzinfo=BERLIN))
    h = harness(ctx, clock)
    sent = h.run_until(datetime(2027, 3, 28, 11, 0, tzinfo=BERLIN))
    assert [(s.step, s.at.astimezone(BERLIN).isoformat()) for s in sent] == [
        ("last-meal", "2027-03-27T23:30:00+01:00"),
        ("hydration", "2027-03-28T00:30:00+01:00"),
        ("screens-off", "2027-03-28T01:30:00+01:00"),
        # 02:20 and 02:30 do not exist that night: both move to 03:00 CEST.
        ("stretch", "2027-03-28T03:00:00+02:00"),
        ("sleep-position", "2027-03-28T03:00:00+02:00"),
    ]
    assert {s.night for s in sent} == {date(2027, 3, 27)}
    assert all(s.late_by == timedelta(0) for s in sent)


def test_fall_back_in_new_york_uses_the_first_1_30_and_not_the_second(ctx: Session) -> None:
    write_config(ctx, 'timezone = "America/New_York"\nbedtime = "01:30"\n')
    clock = FakeClock(datetime(2026, 10, 31, 18, 0, tzinfo=NEW_YORK))
    h = harness(ctx, clock)
    # Run through both 01:30s (EDT, then EST an hour later) into the morning.
    sent = h.run_until(datetime(2026, 11, 1, 9, 0, tzinfo=NEW_YORK))
    assert [(s.step, s.at.astimezone(NEW_YORK).isoformat()) for s in sent] == [
        ("last-meal", "2026-10-31T22:30:00-04:00"),
        ("hydration", "2026-10-31T23:30:00-04:00"),
        ("screens-off", "2026-11-01T00:30:00-04:00"),
        ("stretch", "2026-11-01T01:20:00-04:00"),
        ("sleep-position", "2026-11-01T01:30:00-04:00"),
    ]


def test_a_bedtime_after_midnight_belongs_to_the_evening_before(
    ctx: Session, clock: FakeClock
) -> None:
    write_config(ctx, 'timezone = "Europe/Berlin"\nbedtime = "00:30"\n')
    h = harness(ctx, clock)
    sent = h.run_until(berlin(23, 11))
    assert h.local_times(sent) == [
        ("last-meal", "Sun 21:30"),
        ("hydration", "Sun 22:30"),
        ("screens-off", "Sun 23:30"),
        ("stretch", "Mon 00:20"),
        ("sleep-position", "Mon 00:30"),
    ]
    assert {s.night for s in sent} == {NIGHT}
    assert h.notifier.sent[-1][0] == "Sleep position: bedtime now"


def test_a_suspend_across_midnight_with_a_late_bedtime(ctx: Session, clock: FakeClock) -> None:
    write_config(ctx, 'timezone = "Europe/Berlin"\nbedtime = "00:30"\n')
    h = harness(ctx, clock)
    h.run_until(berlin(22, 23, 40))
    clock.jump(berlin(23, 0, 25))  # asleep from 23:40 to 00:25
    sent = h.run_until(berlin(23, 0, 25))
    # The 00:20 stretch is still useful before the 00:30 bedtime: late, once.
    assert [(s.step, s.night, s.late_by) for s in sent] == [
        ("stretch", NIGHT, timedelta(minutes=5))
    ]
    clock.jump(berlin(23, 0, 36))  # asleep again, past bedtime
    assert h.run_until(berlin(23, 11)) == []
    assert h.missed == [("sleep-position", NIGHT)]


def test_asleep_past_the_end_of_the_night_still_settles_that_night(
    ctx: Session, clock: FakeClock
) -> None:
    write_config(ctx, 'timezone = "Europe/Berlin"\nbedtime = "11:50"\n')  # late sleepers
    h = harness(ctx, clock)
    h.run_until(berlin(23, 11, 40))
    clock.jump(berlin(23, 15, 40))  # the night ended at 11:51 while the lid was shut
    h.run_until(berlin(23, 15, 40))
    assert h.missed == [("sleep-position", NIGHT)]


def test_a_night_over_before_the_service_started_is_left_to_history(
    ctx: Session, clock: FakeClock
) -> None:
    clock.set(berlin(23, 13))  # coach is first started on Monday afternoon
    h = harness(ctx, clock)
    assert h.run_until(berlin(23, 19)) == []
    assert h.missed == []
    assert ctx.store.latest_outcomes(NIGHT, NIGHT) == {}


# --- config changes ------------------------------------------------------------------


def test_a_config_change_mid_evening_moves_the_remaining_reminders(
    ctx: Session, clock: FakeClock
) -> None:
    h = harness(ctx, clock)
    h.run_until(berlin(22, 20))
    config_set(ctx.paths.config_file, "bedtime", "23:30")
    config_set(ctx.paths.config_file, "steps.stretch.enabled", "false")
    sent = h.run_until(berlin(23, 11))
    # last-meal (now 20:30) was sent at 19:30 already; it is not sent again.
    assert h.local_times(sent) == [
        ("hydration", "Sun 21:30"),
        ("screens-off", "Sun 22:30"),
        ("sleep-position", "Sun 23:30"),
    ]
    assert h.notifier.sent[-1][0] == "Sleep position: bedtime now"


def test_a_broken_config_keeps_the_old_schedule_and_is_reported_once(
    ctx: Session, clock: FakeClock
) -> None:
    h = harness(ctx, clock)
    h.run_until(berlin(22, 20))
    ctx.paths.config_file.write_text('bedtime = "25:99"\n')
    sent = h.run_until(berlin(22, 21, 45))
    assert h.local_times(sent) == [("hydration", "Sun 20:30"), ("screens-off", "Sun 21:30")]
    assert len(h.problems) == 1
    assert "config.toml: bedtime" in h.problems[0]
    assert "keep the settings they had" in h.problems[0]


# --- snooze and pause ----------------------------------------------------------------


def test_snooze_reminds_again_after_ten_minutes_at_most_three_times(
    ctx: Session, clock: FakeClock
) -> None:
    h = harness(ctx, clock)
    h.run_until(berlin(22, 21, 30))
    for _ in range(MAX_SNOOZES):
        wake = h.service.snooze(NIGHT, "screens-off")
        assert wake == clock.now() + timedelta(minutes=10)
        sent = h.run_until(wake)
        assert [(s.step, s.at) for s in sent] == [("screens-off", wake)]
    with pytest.raises(CoachError, match="already snoozed 3 times"):
        h.service.snooze(NIGHT, "screens-off")
    # The count is kept in the store: a restarted process knows it too.
    assert harness(ctx, clock).service.snoozes_left(NIGHT, "screens-off") == 0


def test_snooze_length_comes_from_the_config_and_done_cancels_it(
    ctx: Session, clock: FakeClock
) -> None:
    write_config(ctx, 'timezone = "Europe/Berlin"\n[notifications]\nsnooze_minutes = 5\n')
    h = harness(ctx, clock)
    h.run_until(berlin(22, 19, 30))
    assert h.service.snooze(NIGHT, "last-meal") == berlin(22, 19, 35)
    assert h.service.snooze(NIGHT, "last-meal") == berlin(22, 19, 35)  # again: replaces
    ctx.store.record_step(NIGHT, "last-meal", "done")
    sent = h.run_until(berlin(22, 20, 0))
    assert sent == []


def test_a_snooze_that_comes_too_late_is_dropped_without_marking_the_step_missed(
    ctx: Session, clock: FakeClock
) -> None:
    h = harness(ctx, clock)
    h.run_until(berlin(22, 21, 30))
    h.service.snooze(NIGHT, "screens-off")  # again at 21:40
    clock.jump(berlin(22, 22, 25))  # asleep through it and past the next step
    handled = h.service.run_due()
    assert [(x.reminder.step.id, x.reminder.repeat, x.status) for x in handled] == [
        ("screens-off", 1, "expired"),
        ("stretch", 0, "late"),
    ]
    assert h.missed == []
    assert (NIGHT, "screens-off") not in ctx.store.latest_outcomes(NIGHT, NIGHT)


def test_a_step_not_due_yet_cannot_be_snoozed_and_the_refusal_says_when(
    ctx: Session, clock: FakeClock
) -> None:
    h = harness(ctx, clock)
    clock.set(berlin(22, 19, 11))
    with pytest.raises(CoachError) as refused:
        h.service.snooze(NIGHT, "stretch")
    assert str(refused.value) == (
        "Calf and hamstring stretches is not due yet: it is due at 22:20 on Sun 22 Nov; "
        "snooze works once a step is due"
    )
    assert ctx.store.events(NIGHT, NIGHT, "snooze") == []
    # So no stray 'stretch' reminder hours early, and one 'Due now' at 22:20, alone.
    sent = h.run_until(berlin(22, 22, 25))
    assert [(s.step, s.at.astimezone(BERLIN).strftime("%H:%M")) for s in sent][-2:] == [
        ("screens-off", "21:30"),
        ("stretch", "22:20"),
    ]


def test_a_stale_snooze_from_before_the_step_was_due_does_not_come_back(
    ctx: Session, clock: FakeClock
) -> None:
    # Older versions let `coach snooze stretch` run hours early: such a record stays.
    ctx.store.add_event(
        NIGHT, "snooze", {"step": "stretch", "until": berlin(22, 19, 21).isoformat(), "repeat": 1}
    )
    h = harness(ctx, clock)
    sent = h.run_until(berlin(22, 22, 25))
    assert [s.step for s in sent].count("stretch") == 1
    assert [s.at for s in sent if s.step == "stretch"] == [berlin(22, 22, 20)]


def test_done_skipped_or_paused_steps_cannot_be_snoozed(ctx: Session, clock: FakeClock) -> None:
    h = harness(ctx, clock)
    clock.set(berlin(22, 21, 31))
    ctx.store.record_step(NIGHT, "screens-off", "done")
    with pytest.raises(CoachError, match="Screens off is already recorded done"):
        h.service.snooze(NIGHT, "screens-off")
    h.service.set_paused(NIGHT)
    with pytest.raises(CoachError, match="reminders are paused for that night"):
        h.service.snooze(NIGHT, "hydration")


def test_a_late_stretch_reminder_says_when_the_stretches_will_end(
    ctx: Session, clock: FakeClock
) -> None:
    h = harness(ctx, clock)
    h.run_until(berlin(22, 22, 19))
    clock.jump(berlin(22, 22, 28))  # the lid opens eight minutes late, 2 minutes to bedtime
    sent = h.run_until(berlin(22, 22, 28))
    assert [s.step for s in sent] == ["stretch"]
    assert sent[0].title == "Calf and hamstring stretches: 2 minutes to bedtime"
    assert sent[0].body == (
        "Time for your calf and hamstring stretches (about 4 minutes). (This reminder is "
        "late: it was due at 22:20.) They take about 4 minutes: go to bed when they are "
        "done, at about 22:32.\ncoach · bedtime 22:30"
    )


def test_the_stretch_length_in_a_late_reminder_follows_the_settings(
    ctx: Session, clock: FakeClock
) -> None:
    write_config(ctx, 'timezone = "Europe/Berlin"\n[stretch]\nhold_seconds = 30\n')
    h = harness(ctx, clock)
    h.run_until(berlin(22, 22, 19))
    clock.jump(berlin(22, 22, 25))
    (sent,) = h.run_until(berlin(22, 22, 25))
    # 12 holds of 30 s and 12 rests of 10 s: 8 minutes, ending after bedtime.
    assert "They take about 8 minutes: go to bed when they are done, at about 22:33." in sent.body


def test_a_paused_night_is_silent_and_records_nothing_missed(
    ctx: Session, clock: FakeClock
) -> None:
    h = harness(ctx, clock)
    h.service.set_paused(NIGHT)
    assert h.run_until(berlin(23, 11)) == []
    assert ctx.store.latest_outcomes(NIGHT, NIGHT) == {}
    assert paused_nights(ctx.store, NIGHT, NIGHT) == {NIGHT}
    # The next night is not paused.
    sent = h.run_until(berlin(23, 19, 30))
    assert [(s.step, s.night) for s in sent] == [("last-meal", date(2026, 11, 23))]


def test_a_pause_from_another_process_is_picked_up(ctx: Session, clock: FakeClock) -> None:
    h = harness(ctx, clock)
    h.run_until(berlin(22, 20))
    other = harness(ctx, clock)  # `coach pause --tonight` in a terminal
    other.service.set_paused(NIGHT)
    assert h.run_until(berlin(22, 23)) == []
    other.service.set_paused(NIGHT, False)
    assert paused_nights(ctx.store, NIGHT, NIGHT) == set()


def test_a_process_without_the_sender_lock_shows_reminders_but_writes_nothing(
    ctx: Session, clock: FakeClock
) -> None:
    viewer = harness(ctx, clock, is_sender=lambda: False)
    clock.jump(berlin(22, 21, 50))
    sent = viewer.run_until(berlin(22, 22, 30))
    assert [s.step for s in sent] == ["screens-off", "stretch", "sleep-position"]
    assert ctx.store.events(NIGHT, NIGHT) == []
    assert ctx.store.latest_outcomes(NIGHT, NIGHT) == {}


# --- on APScheduler ------------------------------------------------------------------


def _job_times(runner: ScheduledReminders, clock: FakeClock) -> list[tuple[str, datetime]]:
    """The jobs' run times, read back on the service's clock."""
    shift = datetime.now(UTC) - clock.now()
    return [(job_id, (when - shift).astimezone(BERLIN)) for job_id, when in runner.jobs()]


def test_apscheduler_holds_a_job_per_reminder_and_rebuilds_at_rollover(
    ctx: Session, clock: FakeClock
) -> None:
    h = harness(ctx, clock)
    scheduler = BackgroundScheduler(timezone=UTC)
    runner = ScheduledReminders(h.service, scheduler)
    runner.start(paused=True)
    try:
        jobs = _job_times(runner, clock)
        assert [job_id for job_id, _ in jobs[:5]] == [
            "reminder:2026-11-22:last-meal:0",
            "reminder:2026-11-22:hydration:0",
            "reminder:2026-11-22:screens-off:0",
            "reminder:2026-11-22:stretch:0",
            "reminder:2026-11-22:sleep-position:0",
        ]
        assert abs(jobs[0][1] - berlin(22, 19, 30)) < timedelta(seconds=2)
        assert len(jobs) == 10  # tomorrow night's too
        # Nothing periodic: the host wakes the scheduler on resume and clock changes.
        assert scheduler.get_job("catch-up") is None

        h.run_until(berlin(23, 13))  # the night is over
        runner.tick()
        ids = [job_id for job_id, _ in runner.jobs()]
        assert ids[0] == "reminder:2026-11-23:last-meal:0"
        assert {i.split(":")[1] for i in ids} == {"2026-11-23", "2026-11-24"}
    finally:
        runner.stop()


def test_a_real_scheduler_fires_the_reminder_on_time(ctx: Session, tmp_path: Path) -> None:
    clock = ShiftedClock.starting_at(berlin(22, 21, 29) + timedelta(seconds=59.3))
    got: list[tuple[str, timedelta]] = []
    arrived = threading.Event()

    def on_due(step: PlannedStep, night: date, late_by: timedelta) -> None:
        got.append((step.id, late_by))
        if step.id == "screens-off":
            arrived.set()

    settings = load_settings(ctx.paths.config_file)
    service = ReminderService(settings, clock, on_due, store=ctx.store)
    runner = ScheduledReminders(service, BackgroundScheduler(timezone=UTC))
    runner.start()
    try:
        assert arrived.wait(5), "the scheduler did not fire the 21:30 reminder"
    finally:
        runner.stop()
    # hydration (20:30) is still useful before 21:30, so it came at once, late.
    assert [step for step, _ in got] == ["hydration", "screens-off"]
    assert got[1][1] < timedelta(seconds=1)


def test_the_fallback_catch_up_job_delivers_after_a_suspend_without_the_old_timer(
    ctx: Session,
) -> None:
    clock = ShiftedClock.starting_at(berlin(22, 20, 0))
    got: list[tuple[str, timedelta]] = []
    arrived = threading.Event()

    def on_due(step: PlannedStep, night: date, late_by: timedelta) -> None:
        got.append((step.id, late_by))
        if step.id == "screens-off":
            arrived.set()

    service = ReminderService(load_settings(ctx.paths.config_file), clock, on_due, store=ctx.store)
    runner = ScheduledReminders(service, BackgroundScheduler(timezone=UTC), catch_up_seconds=0.2)
    runner.start()
    try:
        # The machine sleeps from 20:00 to 21:50: wall time jumps; the 21:30 job's timer,
        # set for 90 minutes of running time, is nowhere near due.
        clock.shift += timedelta(minutes=110)
        assert arrived.wait(5), "the catch-up did not deliver the late reminder"
    finally:
        runner.stop()
    assert [step for step, _ in got] == ["last-meal", "screens-off"]
    assert timedelta(minutes=20) <= got[1][1] < timedelta(minutes=21)
    outcomes = ctx.store.latest_outcomes(NIGHT, NIGHT)
    assert outcomes[(NIGHT, "hydration")].outcome == "missed"


def test_a_reminder_record_without_its_step_does_not_stop_the_reminders(
    ctx: Session, clock: FakeClock
) -> None:
    # The record schema refuses one at the door (and sets aside one merged in from another
    # copy); the service also skips any it cannot read, rather than stopping on it.
    h = harness(ctx, clock)
    with pytest.raises(CoachError, match=r"data\.step of a 'reminder' event is missing"):
        ctx.store.add_event(NIGHT, "reminder", {"status": "sent", "repeat": 0})
    sent = h.run_until(berlin(22, 21, 31))
    assert [s.step for s in sent] == ["last-meal", "hydration", "screens-off"]
