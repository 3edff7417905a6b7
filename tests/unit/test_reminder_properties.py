"""Whatever the zone, bedtime and suspends: each step of a night is handled exactly once."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from coach.clock import FakeClock
from coach.planner import PlannedStep, plan_night, resolve_local
from coach.reminders.service import ON_TIME_GRACE, Handled, ReminderService
from coach.settings.model import settings_from_dict

ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata")
# Nights around DST changes in those zones, and an ordinary one.
NIGHTS = (
    date(2027, 3, 27),  # Berlin springs forward
    date(2026, 10, 24),  # Berlin falls back
    date(2026, 10, 31),  # New York falls back
    date(2027, 3, 13),  # New York springs forward
    date(2026, 10, 3),  # Sydney springs forward
    date(2026, 11, 22),
)

suspends = st.lists(
    st.tuples(st.sampled_from(["awake", "asleep"]), st.integers(min_value=1, max_value=240)),
    max_size=8,
)


@settings(max_examples=120, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    night=st.sampled_from(NIGHTS),
    bedtime=st.times().map(lambda t: time(t.hour, t.minute)),
    periods=suspends,
)
def test_every_step_is_sent_late_or_missed_exactly_once(
    zone: str, night: date, bedtime: time, periods: list[tuple[str, int]]
) -> None:
    config = settings_from_dict(
        {"timezone": zone, "bedtime": bedtime.strftime("%H:%M")}, Path("config.toml")
    )
    tz = ZoneInfo(zone)
    clock = FakeClock(resolve_local(datetime.combine(night, time(12, 0)), tz))
    delivered: list[tuple[str, date]] = []

    def on_due(step: PlannedStep, on_night: date, late_by: timedelta) -> None:
        delivered.append((step.id, on_night))

    service = ReminderService(config, clock, on_due)
    handled: list[Handled] = []

    def wait(minutes: int) -> None:
        """Stay awake: wake at each reminder, as the scheduler does."""
        until = clock.now() + timedelta(minutes=minutes)
        while (due := service.next_due()) is not None and due <= until:
            clock.set(due)
            handled.extend(service.run_due())
        clock.set(until)
        handled.extend(service.run_due())

    for state, minutes in periods:
        if state == "awake":
            wait(minutes)
        else:
            clock.jump(clock.now() + timedelta(minutes=minutes))
            handled.extend(service.run_due())
    plan = plan_night(config, night)
    wait(max(0, int((plan.ends_at - clock.now()).total_seconds() // 60) + 1))

    tonight = [h for h in handled if h.reminder.night == night]
    counts = Counter(h.reminder.step.id for h in tonight)
    assert counts == Counter(step.id for step in plan.steps)  # each once, none left out
    for h in tonight:
        assert h.at >= h.reminder.due
        if h.status == "sent":
            assert h.late_by <= ON_TIME_GRACE
        elif h.status == "late":
            assert h.at < h.reminder.useful_until
        else:
            assert h.status == "missed" and h.at >= h.reminder.useful_until
    sent = [(h.reminder.step.id, night) for h in tonight if h.status in ("sent", "late")]
    assert [d for d in delivered if d[1] == night] == sent
