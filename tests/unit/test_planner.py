"""The night rules: offsets from bedtime, after-midnight bedtimes, and DST gaps and folds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from coach.planner import current_night, last_slept_night, plan_night, resolve_local
from coach.settings.model import Settings, settings_from_dict

HERE = Path("config.toml")


def make(**config: Any) -> Settings:
    config.setdefault("timezone", "Europe/Berlin")
    return settings_from_dict(config, HERE)


def local_times(plan: Any, tz: str) -> dict[str, str]:
    zone = ZoneInfo(tz)
    return {s.id: s.at.astimezone(zone).strftime("%Y-%m-%d %H:%M %z") for s in plan.steps}


def test_default_plan_counts_back_from_bedtime() -> None:
    plan = plan_night(make(bedtime="22:30"), date(2026, 11, 22))
    assert local_times(plan, "Europe/Berlin") == {
        "last-meal": "2026-11-22 19:30 +0100",
        "hydration": "2026-11-22 20:30 +0100",
        "screens-off": "2026-11-22 21:30 +0100",
        "stretch": "2026-11-22 22:20 +0100",
        "sleep-position": "2026-11-22 22:30 +0100",
    }
    assert plan.to_json()["bedtime"] == "2026-11-22T22:30:00+01:00"


def test_a_bedtime_after_midnight_belongs_to_the_previous_evening() -> None:
    plan = plan_night(make(bedtime="00:30"), date(2026, 11, 22))
    assert plan.bedtime == datetime(2026, 11, 23, 0, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert local_times(plan, "Europe/Berlin")["last-meal"] == "2026-11-22 21:30 +0100"


def test_weekday_bedtime_follows_the_evening_not_the_calendar_day() -> None:
    settings = make(bedtime="22:00", bedtime_by_weekday={"fri": "00:45"})
    plan = plan_night(settings, date(2026, 11, 27))  # Friday evening
    assert plan.bedtime.isoformat() == "2026-11-28T00:45:00+01:00"


def test_spring_forward_moves_a_missing_time_to_the_end_of_the_gap() -> None:
    # Berlin, 29 Mar 2026: clocks jump from 02:00 to 03:00.
    plan = plan_night(make(bedtime="02:30"), date(2026, 3, 28))
    times = local_times(plan, "Europe/Berlin")
    assert times["sleep-position"] == "2026-03-29 03:00 +0200"
    assert times["stretch"] == "2026-03-29 03:00 +0200"  # 02:20 does not exist either
    assert times["screens-off"] == "2026-03-29 01:30 +0100"
    assert [s.id for s in plan.steps][-2:] == ["stretch", "sleep-position"]


def test_fall_back_uses_the_first_occurrence() -> None:
    # Berlin, 25 Oct 2026: 02:00-03:00 happens twice.
    plan = plan_night(make(bedtime="02:30"), date(2026, 10, 24))
    assert local_times(plan, "Europe/Berlin")["sleep-position"] == "2026-10-25 02:30 +0200"
    assert plan.bedtime.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_new_york_gap_and_fold() -> None:
    settings = make(timezone="America/New_York", bedtime="02:15")
    spring = plan_night(settings, date(2026, 3, 7))
    assert spring.bedtime.isoformat() == "2026-03-08T03:00:00-04:00"
    # New York repeats 01:00-02:00 on 1 Nov 2026; 01:30 is taken the first time round.
    fall = plan_night(make(timezone="America/New_York", bedtime="01:30"), date(2026, 10, 31))
    assert fall.bedtime.isoformat() == "2026-11-01T01:30:00-04:00"


def test_disabled_steps_are_left_out_and_bedtime_can_be_overridden() -> None:
    settings = make(steps={"hydration": {"enabled": False}})
    plan = plan_night(settings, date(2026, 11, 22), bedtime=time(21, 0))
    assert [s.id for s in plan.steps] == ["last-meal", "screens-off", "stretch", "sleep-position"]
    assert local_times(plan, "Europe/Berlin")["last-meal"] == "2026-11-22 18:00 +0100"


def test_which_night_it_is() -> None:
    settings = make(bedtime="22:30")
    berlin = ZoneInfo("Europe/Berlin")
    assert current_night(settings, datetime(2026, 11, 22, 18, 0, tzinfo=berlin)) == date(
        2026, 11, 22
    )
    assert current_night(settings, datetime(2026, 11, 23, 7, 0, tzinfo=berlin)) == date(
        2026, 11, 22
    )
    # The morning log is about the last night slept, even when written in the afternoon.
    assert last_slept_night(settings, datetime(2026, 11, 23, 15, 0, tzinfo=berlin)) == date(
        2026, 11, 22
    )
    assert last_slept_night(settings, datetime(2026, 11, 22, 23, 0, tzinfo=berlin)) == date(
        2026, 11, 22
    )


# --- properties over zones, dates, bedtimes and offsets --------------------------------

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "America/Santiago",  # DST at midnight
    "Europe/Dublin",  # "negative" DST in the tz database
    "Pacific/Chatham",
    "Asia/Kolkata",  # no DST at all
    "America/St_Johns",
]


def _dst_days(zone: str) -> list[date]:
    """Evenings around each offset change of `zone` in 2025-2027."""
    tz = ZoneInfo(zone)
    days = []
    instant = datetime(2025, 1, 1, tzinfo=UTC)
    previous = instant.astimezone(tz).utcoffset()
    while instant.year < 2028:
        instant += timedelta(hours=1)
        offset = instant.astimezone(tz).utcoffset()
        if offset != previous:
            day = instant.astimezone(tz).date()
            days += [day - timedelta(days=1), day]
            previous = offset
    return days


DST_DAYS = {zone: _dst_days(zone) for zone in ZONES}
OFFSETS = st.integers(min_value=-600, max_value=120)


@st.composite
def nights(draw: st.DrawFn) -> tuple[Settings, date]:
    zone = draw(st.sampled_from(ZONES))
    if DST_DAYS[zone] and draw(st.booleans()):
        night = draw(st.sampled_from(DST_DAYS[zone]))
    else:
        night = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2037, 12, 31)))
    bedtime = draw(st.times()).replace(second=0, microsecond=0)
    step_ids = ["last-meal", "hydration", "screens-off", "stretch", "sleep-position"]
    steps = {sid: {"offset_minutes": draw(OFFSETS)} for sid in step_ids}
    settings = make(timezone=zone, bedtime=bedtime.strftime("%H:%M"), steps=steps)
    return settings, night


def _is_real_instant(at: datetime, zone: ZoneInfo) -> bool:
    round_trip = at.astimezone(UTC).astimezone(zone)
    return round_trip == at and round_trip.utcoffset() == at.utcoffset()


@hyp_settings(max_examples=400, deadline=None)
@given(nights())
def test_every_step_is_a_real_instant_in_order_once(case: tuple[Settings, date]) -> None:
    settings, night = case
    zone = settings.tz
    plan = plan_night(settings, night)
    ids = [s.id for s in plan.steps]
    assert len(ids) == len(set(ids)) == 5
    assert all(_is_real_instant(s.at, zone) for s in plan.steps)
    assert [s.at for s in plan.steps] == sorted(s.at for s in plan.steps)
    bedtime_wall = plan.bedtime.astimezone(zone).replace(tzinfo=None)
    for step in plan.steps:
        wanted = datetime.combine(
            night + timedelta(days=1) if settings.bedtime < time(12) else night,
            settings.bedtime,
        ) + timedelta(minutes=step.offset_minutes)
        got = step.at.astimezone(zone).replace(tzinfo=None)
        if got != wanted:
            # Only a DST gap may move a step, and only forward to the first instant after it.
            assert got > wanted
            # Arithmetic on an aware datetime is wall-clock arithmetic; step back in UTC.
            one_second_earlier = step.at.astimezone(UTC) - timedelta(seconds=1)
            just_before = one_second_earlier.astimezone(zone).replace(tzinfo=None)
            assert just_before < wanted
    # The bedtime lies inside the night's own noon-to-noon window.
    assert datetime.combine(night, time(12)) <= bedtime_wall
    assert bedtime_wall < datetime.combine(night + timedelta(days=1), time(12)) + timedelta(hours=3)


@st.composite
def usual_weeks(draw: st.DrawFn) -> tuple[Settings, date]:
    """Default offsets and a bedtime per weekday anywhere from 20:00 to 03:00."""

    def bedtime() -> str:
        minutes = draw(st.integers(min_value=20 * 60, max_value=27 * 60))
        return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"

    zone = draw(st.sampled_from(ZONES))
    days = draw(st.sets(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])))
    settings = make(
        timezone=zone, bedtime=bedtime(), bedtime_by_weekday={day: bedtime() for day in days}
    )
    night = draw(st.sampled_from(DST_DAYS[zone])) if DST_DAYS[zone] else draw(st.dates())
    return settings, night


@hyp_settings(max_examples=300, deadline=None)
@given(usual_weeks())
def test_one_night_ends_before_the_next_begins(case: tuple[Settings, date]) -> None:
    settings, night = case
    tonight = plan_night(settings, night)
    tomorrow = plan_night(settings, night + timedelta(days=1))
    assert max(s.at for s in tonight.steps) < min(s.at for s in tomorrow.steps)
    assert tonight.ends_at <= min(s.at for s in tomorrow.steps)


@given(
    st.sampled_from(ZONES),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2037, 12, 31)),
)
def test_resolve_local_is_a_real_instant_never_before_the_wall_time(
    zone_name: str, wall: datetime
) -> None:
    zone = ZoneInfo(zone_name)
    wall = wall.replace(microsecond=0)
    at = resolve_local(wall, zone)
    assert _is_real_instant(at, zone)
    assert at.replace(tzinfo=None) >= wall
