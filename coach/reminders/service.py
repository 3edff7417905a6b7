"""Reminders on time: which step is due, what a late one becomes, and APScheduler to wake us.

`ReminderService` is the policy, driven by a Clock: it knows every reminder it owes (each
enabled step of the current night, the next one, and any snoozed repeat), delivers each one
once through `on_due(step, night, late_by)`, and decides what a late one becomes:

- up to `ON_TIME_GRACE` after its time: delivered, on time;
- later, but still useful (before the next step and before bedtime): delivered once, late;
- otherwise: recorded as missed for that night, and reported through `on_missed`.

Never twice, never lost: in the process that holds the sender lock, a reminder is written
to the store as a `reminder` event with phase "pending" before it is shown and again with
phase "delivered" after. A reminder left pending (the process died in between) is owed
again, so a restart shows it once, late-marked if late. Every process reads these events.
Never silent: a reminder is either delivered or recorded as missed.

The words, snooze and pause rules live in `coach.reminders.rules` (no APScheduler there).

`ScheduledReminders` runs the service on an APScheduler 3 scheduler: one date job per
upcoming reminder, rebuilt after each run (so a new night, a changed config or a snooze
moves the jobs). The event loop's timers run on the monotonic clock, which stands still
while the machine sleeps: the reminder host (`coach.reminders.host`) calls `tick()` on
resume and on wall-clock changes; a periodic catch-up job is only its fallback.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, NamedTuple

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from coach.clock import Clock
from coach.errors import CoachError
from coach.experiment.protocol import plan_for
from coach.planner import Plan, PlannedStep, current_night
from coach.records.store import PAUSE_EVENT, Store
from coach.reminders.rules import (
    DELIVERED,
    ON_TIME_GRACE,
    PENDING,
    REMINDER_EVENT,
    reminder_text,
)
from coach.session import MAX_SNOOZES, SNOOZE_EVENT, parse_instant, record_pause, record_snooze
from coach.settings.model import Settings
from coach.settings.watch import ConfigWatcher

__all__ = ["MAX_SNOOZES", "ON_TIME_GRACE", "REMINDER_EVENT", "SNOOZE_EVENT"]

FALLBACK_CHECK_SECONDS = 300.0
"""How often the service wakes anyway where neither resume nor clock changes can be heard."""
MAX_LOOKBACK_NIGHTS = 2
"""After a long sleep, the nights before tonight still settled (sent late or missed)."""

Status = Literal["sent", "late", "missed", "expired"]
"""sent: on time; late: late but useful; missed: too late, the step is recorded missed;
expired: a snoozed repeat that came too late (the step itself was reminded already)."""

OnDue = Callable[[PlannedStep, date, timedelta], object]
"""on_due(step, night, late_by): a step falls due; late_by is zero or more."""
OnMissed = Callable[[PlannedStep, date, timedelta, bool], object]
"""on_missed(step, night, late_by, recorded): a step's reminder came too late; `recorded`
says whether this process wrote it down as missed (False: it could not write, or does not
send the reminders)."""


class Reminder(NamedTuple):
    """One reminder the service owes: a step's own (repeat 0) or its n-th snoozed repeat."""

    night: date
    step: PlannedStep
    due: datetime
    useful_until: datetime
    """After this instant a late reminder no longer helps: the next step or bedtime came."""
    repeat: int = 0

    @property
    def key(self) -> tuple[date, str, int]:
        return (self.night, self.step.id, self.repeat)


class Handled(NamedTuple):
    """What the service did with one reminder, for logs and tests."""

    reminder: Reminder
    status: Status
    late_by: timedelta
    at: datetime


def useful_until(plan: Plan, step: PlannedStep) -> datetime:
    """The last moment a late reminder for `step` is still worth sending.

    That is the next later step or bedtime, whichever comes first; never earlier than the
    on-time grace, so a step at or after bedtime is still sent when a little late.
    """
    later = [other.at for other in plan.steps if other.at > step.at]
    if plan.bedtime > step.at:
        later.append(plan.bedtime)
    limit = min(later) if later else step.at
    return max(limit, step.at + ON_TIME_GRACE)


class ReminderService:
    """Delivers each reminder of each night once, on time or late, or records it missed.

    Call `run_due()` whenever it may be time (a scheduler does, see `ScheduledReminders`);
    `next_due()` says when that is. Safe to call from several threads.
    """

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        on_due: OnDue,
        *,
        store: Store | None = None,
        config_file: Path | None = None,
        on_missed: OnMissed | None = None,
        on_problem: Callable[[str], object] | None = None,
        is_sender: Callable[[], bool] | None = None,
        not_before: datetime | None = None,
        snooze_interval: timedelta | None = None,
    ) -> None:
        """`config_file`: re-read when it changes, once the change is whole and valid (see
        `coach.settings.watch`); a reload never makes a step missed: one it moves into the
        past is sent late while that still helps, else dropped. `is_sender`: whether this
        process holds the sender lock and so writes what it did to the store (default: it
        does).
        `not_before`: when coach was first used here; a step due before it that is past
        being useful is not owed at all (never recorded missed): a first evening is not
        penalised for what came before it. `snooze_interval`: how long a snooze waits
        (default: notifications.snooze_minutes; the end-to-end tests shorten it)."""
        self.settings = settings
        self.clock = clock
        self.on_due = on_due
        self.on_missed = on_missed
        self.on_problem = on_problem
        self.store = store
        self.config_file = config_file
        self.is_sender = is_sender or (lambda: True)
        self.config = ConfigWatcher(config_file, clock, settings) if config_file else None
        self._moved: set[tuple[date, str]] = set()
        """Steps a settings change moved into the past: never recorded missed."""
        self._handled: set[tuple[date, str, int]] = set()
        self._snoozes: dict[tuple[date, str], list[datetime]] = {}
        self._paused: dict[date, bool] = {}
        self._said: set[str] = set()
        self._lock = threading.RLock()
        self._started = clock.now()
        self.not_before = not_before
        self.snooze_interval = snooze_interval

    # --- what is owed ----------------------------------------------------------------

    def plan(self, night: date) -> Plan:
        # The personal experiment leaves the stretch out of a no-stretch night's plan.
        return plan_for(self.settings, self.store, night)[0]

    def describe(self, step: PlannedStep, night: date, late_by: timedelta) -> tuple[str, str]:
        """The notification's title and body for a step falling due now."""
        settings = self.settings
        return reminder_text(settings, self.plan(night), step, self.clock.now(), late_by)

    def pending(self) -> list[Reminder]:
        """Every reminder not yet handled, of the nights that matter now, by due time."""
        with self._lock:
            self._refresh()
            return self._pending(self.clock.now())

    def next_due(self) -> datetime | None:
        """When the next reminder after now falls due, or None if nothing is owed."""
        now = self.clock.now()
        future = [r.due for r in self.pending() if r.due > now]
        return min(future, default=None)

    def _night_range(self, now: datetime) -> tuple[date, date]:
        """The nights that may still owe something: from the one this service started in
        (at most MAX_LOOKBACK_NIGHTS back, after a long sleep) to tomorrow's."""
        tonight = current_night(self.settings, now)
        first = max(
            min(current_night(self.settings, self._started), tonight - timedelta(days=1)),
            tonight - timedelta(days=MAX_LOOKBACK_NIGHTS),
        )
        return first, tonight + timedelta(days=1)

    def _nights(self, now: datetime) -> list[Plan]:
        first, last = self._night_range(now)
        plans = [self.plan(first + timedelta(days=n)) for n in range((last - first).days + 1)]
        # A night that was over before this service started is history's business (its
        # steps count as missed there); one that ended while we watched, say during a
        # suspend, is ours to settle.
        return [plan for plan in plans if plan.ends_at > self._started]

    def _pending(self, now: datetime) -> list[Reminder]:
        owed: list[Reminder] = []
        for plan in self._nights(now):
            if self._paused.get(plan.night, False):
                continue  # silenced: nothing sent, nothing recorded missed
            done = self._recorded_steps(plan.night)
            for step in plan.steps:
                if step.id in done:
                    continue
                until = useful_until(plan, step)
                if self.not_before is not None and step.at < self.not_before and now >= until:
                    continue
                if (plan.night, step.id) in self._moved and now >= until:
                    continue  # a settings change moved it past its use: not missed
                owed.append(Reminder(night=plan.night, step=step, due=step.at, useful_until=until))
                # A snooze from before the step's own time is stale (older versions let
                # one be asked early): the step's own reminder replaces it.
                snoozes = [w for w in self._snoozes.get((plan.night, step.id), []) if w > step.at]
                if snoozes:
                    # Only the latest snooze counts: snoozing again replaces the wait.
                    repeat, wake = len(snoozes), snoozes[-1]
                    owed.append(
                        Reminder(
                            night=plan.night,
                            step=step,
                            due=wake,
                            useful_until=max(until, wake + ON_TIME_GRACE),
                            repeat=repeat,
                        )
                    )
        owed = [r for r in owed if r.key not in self._handled]
        owed.sort(key=lambda r: (r.due, r.step.offset_minutes, r.repeat))
        return owed

    def _recorded_steps(self, night: date) -> set[str]:
        """Steps the user has already marked done or skipped (or that were recorded missed)."""
        if self.store is None:
            return set()
        try:
            return {step for (_, step) in self.store.latest_outcomes(night, night)}
        except CoachError as exc:
            self._problem(str(exc))
            return set()

    # --- doing it --------------------------------------------------------------------

    def run_due(self) -> list[Handled]:
        """Deliver, or record as missed, every reminder whose time has come."""
        with self._lock:
            self._refresh()
            now = self.clock.now()
            sender = self._sender()
            handled: list[Handled] = []
            for reminder in self._pending(now):
                if reminder.due > now:
                    break
                handled.append(self._handle(reminder, now, sender))
            return handled

    def _sender(self) -> bool:
        try:
            return self.is_sender()
        except CoachError as exc:
            # Without the lock we cannot tell who sends: show reminders, write nothing.
            self._problem(str(exc))
            return False

    def _handle(self, reminder: Reminder, now: datetime, sender: bool) -> Handled:
        late_by = max(now - reminder.due, timedelta(0))
        status: Status
        if late_by <= ON_TIME_GRACE:
            status = "sent"
        elif now < reminder.useful_until:
            status = "late"
        else:
            status = "missed" if reminder.repeat == 0 else "expired"
        self._handled.add(reminder.key)
        if status in ("sent", "late"):
            # Pending before, delivered after: a crash in between leaves it owed, so the
            # next start shows it once (late-marked if late), never zero times.
            if sender:
                self._write(reminder, status, late_by, PENDING)
            self.on_due(reminder.step, reminder.night, late_by)
            if sender:
                self._write(reminder, status, late_by, DELIVERED)
            return Handled(reminder=reminder, status=status, late_by=late_by, at=now)
        recorded = self._write(reminder, status, late_by, DELIVERED) if sender else False
        if status == "missed" and recorded is not None and self.on_missed is not None:
            self.on_missed(reminder.step, reminder.night, late_by, recorded)
        return Handled(reminder=reminder, status=status, late_by=late_by, at=now)

    def _write(
        self, reminder: Reminder, status: Status, late_by: timedelta, phase: str
    ) -> bool | None:
        """Write the reminder event (and a missed outcome); for a missed one, whether it
        was recorded, or None when the step had an outcome already (it was not missed)."""
        if self.store is None:
            return False
        data = {
            "step": reminder.step.id,
            "repeat": reminder.repeat,
            "status": status,
            "due": reminder.due.isoformat(),
            "late_seconds": int(late_by.total_seconds()),
            "phase": phase,
        }
        try:
            # Decided and written under one hold of the lock: a `done` written since the
            # reminder fell due keeps the step from being recorded missed.
            self.store.add_event(reminder.night, REMINDER_EVENT, data)
            if status == "missed":
                written = self.store.record_step_unless_recorded(
                    reminder.night,
                    reminder.step.id,
                    "missed",
                    late=True,
                    detail={"why": "the reminder could not be given in time", **data},
                )
                return None if written is None else True
        except CoachError as exc:
            self._problem(str(exc))
            return False
        return True

    # --- snooze and pause (the rules are in coach.reminders.rules) -----------------------

    def snooze(self, night: date, step_id: str) -> datetime:
        """Remind again about a due step after the configured snooze; returns when.

        Refused (CoachError, saying why) for a step not due yet or not on the night's plan,
        done or skipped, on a paused night, or past MAX_SNOOZES (`coach.session.check_snooze`:
        the one rule the command line uses too); the count is kept in the store, so it
        holds across restarts and between the TUI and the daemon.
        """
        with self._lock:
            if self.store is None:
                raise CoachError("reminders here keep no records, so nothing can be snoozed")
            self._reload_config()
            wake = record_snooze(
                self.store,
                self.settings,
                self.clock.now(),
                night,
                step_id,
                self.snooze_interval,
            )
            self._read_store()
            return wake

    def snoozes_left(self, night: date, step_id: str) -> int:
        with self._lock:
            self._refresh()
            return MAX_SNOOZES - len(self._snoozes.get((night, step_id), []))

    def set_paused(self, night: date, paused: bool = True) -> None:
        """Silence (or unsilence) a night's reminders; a paused night records nothing missed."""
        with self._lock:
            if self.store is not None:
                record_pause(self.store, night, paused)
            self._paused[night] = paused

    def is_paused(self, night: date) -> bool:
        with self._lock:
            self._refresh()
            return self._paused.get(night, False)

    # --- keeping up with the config and the store -----------------------------------

    def set_settings(self, settings: Settings) -> None:
        """Use new settings from now on (the TUI calls this after changing them)."""
        with self._lock:
            if self.config is not None:
                self.config.accept(settings)
            self._use(settings)

    def _use(self, settings: Settings) -> None:
        """Switch to `settings`; the steps this moves from the future into the past are
        remembered, so they are sent late while useful and never recorded missed."""
        now = self.clock.now()
        before = {
            (plan.night, step.id): step.at for plan in self._nights(now) for step in plan.steps
        }
        self.settings = settings
        for plan in self._nights(now):
            for step in plan.steps:
                was = before.get((plan.night, step.id))
                if step.at <= now and (was is None or was > now):
                    self._moved.add((plan.night, step.id))

    def config_recheck_in(self) -> float | None:
        """Seconds until a change of config.toml seen can be read whole (see
        `ConfigWatcher.recheck_in`); None when none is waiting."""
        with self._lock:
            return self.config.recheck_in() if self.config is not None else None

    def refresh(self) -> None:
        """Read the config and the store again now (after a snooze or pause written by the
        session)."""
        with self._lock:
            self._refresh()

    def _refresh(self) -> None:
        self._reload_config()
        self._read_store()

    def _reload_config(self) -> None:
        if self.config is None:
            return
        settings = self.config.poll()
        problem = self.config.take_problem()
        if problem is not None and self.on_problem is not None:
            # Said once per broken version of the file (the watcher keeps count).
            self.on_problem(f"{problem} (reminders keep the settings they had)")
        if settings is not None:
            self._use(settings)

    def _read_store(self) -> None:
        """Pick up what other processes wrote: reminders handled, snoozes, pauses."""
        if self.store is None:
            return
        start, end = self._night_range(self.clock.now())
        try:
            events = self.store.events(start, end)
        except CoachError as exc:
            self._problem(str(exc))
            return
        snoozes: dict[tuple[date, str], list[datetime]] = {}
        sender = self.store_counts_all()
        for event in events:
            data = event.data
            if event.kind == REMINDER_EVENT:
                step, repeat = data.get("step"), data.get("repeat", 0)
                if not isinstance(step, str) or not isinstance(repeat, int):
                    continue  # not a reminder we can read; the store reports such records
                if data.get("phase") == PENDING:
                    continue  # decided but never shown: still owed
                # A process that only shows reminders in-app (the TUI while the daemon
                # sends) shows what falls due while it runs, even if the daemon was first.
                if sender or event.at < self._started:
                    self._handled.add((event.night, step, repeat))
            elif event.kind == SNOOZE_EVENT:
                wake, step = parse_instant(data.get("until")), data.get("step")
                if wake is not None and isinstance(step, str):
                    snoozes.setdefault((event.night, step), []).append(wake)
            elif event.kind == PAUSE_EVENT:
                self._paused[event.night] = bool(data.get("paused", True))
        for key, wakes in snoozes.items():
            if len(wakes) >= len(self._snoozes.get(key, [])):
                self._snoozes[key] = wakes

    def store_counts_all(self) -> bool:
        """Whether every reminder the store holds counts as handled here: true for the
        sender (and when nobody can tell), false for an in-app-only process."""
        try:
            return self.is_sender()
        except CoachError:
            return True

    def _problem(self, text: str) -> None:
        """Tell the user about a problem once, not at every wake-up."""
        if text in self._said:
            return
        self._said.add(text)
        if self.on_problem is not None:
            self.on_problem(text)


def paused_nights(store: Store, start: date, end: date) -> set[date]:
    """Nights start..end the user paused (`coach pause --tonight`): not counted in streaks."""
    return store.paused_nights(start, end)


# --- APScheduler --------------------------------------------------------------------------

JOB_PREFIX = "reminder:"
_SAME_TIME = timedelta(seconds=1)
CATCH_UP_JOB = "catch-up"


class ScheduledReminders:
    """Runs a ReminderService on an APScheduler 3 scheduler.

    Each upcoming reminder gets a date job; every job runs `tick()`, which delivers what is
    due and then rebuilds the date jobs from what is still owed. With `catch_up_seconds`, a
    catch-up job also runs that often (the fallback where resume and clock changes cannot
    be heard); without, nothing wakes the process between reminders.
    """

    def __init__(
        self,
        service: ReminderService,
        scheduler: BaseScheduler,
        *,
        catch_up_seconds: float | None = None,
        on_handled: Callable[[list[Handled]], object] | None = None,
    ) -> None:
        self.service = service
        self.scheduler = scheduler
        self.catch_up_seconds = catch_up_seconds
        self.on_handled = on_handled
        self._sync_lock = threading.Lock()
        self._busy = 0
        self._idle = threading.Condition()

    def start(self, *, paused: bool = False, run_now: bool = True) -> None:
        """Add the jobs and start the scheduler (if it is not running yet); then, unless
        told not to, deliver what is due at once."""
        if self.catch_up_seconds is not None:
            self.scheduler.add_job(
                self.tick,
                IntervalTrigger(seconds=self.catch_up_seconds),
                id=CATCH_UP_JOB,
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=None,
            )
        if not self.scheduler.running:
            self.scheduler.start(paused=paused)
        if run_now:
            self.tick()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def tick(self) -> list[Handled]:
        """Deliver what is due, then move the date jobs to what is still owed."""
        with self._idle:
            self._busy += 1
        try:
            handled = self.service.run_due()
            if handled and self.on_handled is not None:
                self.on_handled(handled)
            self.sync()
            return handled
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no tick runs (a notification on its way is finished); False if one
        still runs after `timeout` seconds."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    def sync(self) -> None:
        """Make the scheduler's date jobs match the reminders still owed."""
        now = self.service.clock.now()
        # The scheduler keeps real time, the service its injected clock: a job runs when
        # its reminder is due by the service's clock (the same instant for SystemClock).
        shift = datetime.now(UTC) - now
        wanted: dict[str, datetime] = {}
        for reminder in self.service.pending():
            if reminder.due > now:
                night, step, repeat = reminder.key
                wanted[f"{JOB_PREFIX}{night.isoformat()}:{step}:{repeat}"] = reminder.due + shift
        with self._sync_lock:
            for job in self.scheduler.get_jobs():
                if not job.id.startswith(JOB_PREFIX):
                    continue
                when = wanted.get(job.id)
                if when is None or abs(_run_date(job) - when) > _SAME_TIME:
                    job.remove()
                else:
                    del wanted[job.id]
            for job_id, when in wanted.items():
                self.scheduler.add_job(
                    self.tick,
                    DateTrigger(run_date=when),
                    id=job_id,
                    coalesce=True,
                    # However late the job runs, run it: the service decides what late means.
                    misfire_grace_time=None,
                )

    def jobs(self) -> list[tuple[str, datetime]]:
        """The date jobs as (id, run time by the scheduler's real clock), soonest first."""
        found = [
            (job.id, _run_date(job))
            for job in self.scheduler.get_jobs()
            if job.id.startswith(JOB_PREFIX)
        ]
        return sorted(found, key=lambda item: item[1])


def _run_date(job: Any) -> datetime:
    trigger = job.trigger
    when: datetime = trigger.run_date if isinstance(trigger, DateTrigger) else job.next_run_time
    return when
