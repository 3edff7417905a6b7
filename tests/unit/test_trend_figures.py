"""The trend view's figures per week and month (coach.diary.trends)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from coach.clock import FakeClock
from coach.diary.nights import Diary
from coach.diary.trends import trend
from coach.session import Session
from tests.support.diaries import four_weeks_of_cramps, write_diary


def test_weeks_carry_counts_nights_logged_and_a_rate_only_from_four(
    ctx: Session, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    four_weeks_of_cramps(ctx)
    diary = Diary.load(ctx.store, ctx.settings, clock.now())
    points = trend(diary, "12w").points
    assert len(points) == 4  # the diary starts on Mon 26 Oct
    assert [p.nights for p in points] == [7, 7, 7, 6]  # Sunday is not logged: not over
    assert points[-1].start == date(2026, 11, 16) and points[-1].end == date(2026, 11, 22)
    figures = [(p.nights_logged, p.cramps, p.per_week, p.mean_severity) for p in points[-4:]]
    assert figures == [(3, 6, None, 6.0), (0, 0, None, None), (7, 7, 7.0, 4.0), (5, 0, 0.0, None)]


def test_all_goes_by_month_after_two_years(ctx: Session, clock: FakeClock) -> None:
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    ctx.paths.db_dir.mkdir(parents=True)
    write_diary(ctx.paths.db_dir, date(2024, 1, 10), date(2026, 11, 22))
    diary = Diary.load(ctx.store, ctx.settings, clock.now())
    data = trend(diary, "all")
    assert data.unit == "month"
    assert data.points[0].start == date(2024, 1, 1)
    assert data.points[-1].start == date(2026, 11, 1)
    assert data.points[-1].nights == 22  # the month still running counts up to last night
    assert sum(p.cramps for p in data.points) == sum(
        f.cramps.cramps for f in diary.nights if f.cramps is not None
    )
