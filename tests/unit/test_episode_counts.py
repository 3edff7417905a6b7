"""Episodes of "cramping now" count as cramps: in cramps per week and the report,
without counting a cramp twice when the morning log counts it too."""

from __future__ import annotations

from datetime import date, timedelta

from coach.diary.nights import Diary
from coach.session import Session
from tests.support.reports import markdown_report

START = date(2026, 10, 25)


def episode(ctx: Session, night: date, n: int, minutes: float = 2) -> None:
    ctx.store.add_event(night, "cramp-episode", {"started": f"{night}-{n}", "minutes": minutes})


def test_28_nights_of_episodes_are_28_nights_of_cramps(ctx: Session) -> None:
    for i in range(28):
        episode(ctx, START + timedelta(days=i), 0)
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    week = diary.cramp_block(START, 7)
    assert (week.nights_logged, week.cramp_nights, week.cramps) == (7, 7, 7)
    # Four weeks, Monday to Sunday: Mon 26 Oct to Sat 21 Nov, 27 nights.
    report = markdown_report(diary, ctx.settings, 4, ctx.clock.now())
    assert "- Nights logged: 27 of 27 (a morning log or cramps logged at night)" in report
    assert "| **Whole period** | 27 of 27 | 27 | 27 | 7.0 (4.6-10.2) |" in report


def test_a_morning_log_that_counts_the_episodes_is_not_added_to_them(ctx: Session) -> None:
    night = START
    episode(ctx, night, 0)
    episode(ctx, night, 1)
    ctx.store.record_cramps(night, 3, severity=5)  # the morning log: 3 in all
    ctx.store.record_cramps(night + timedelta(days=1), 1)
    episode(ctx, night + timedelta(days=1), 0)
    episode(ctx, night + timedelta(days=1), 1)  # two episodes, the log said 1
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    assert diary.night(night).cramp_count == 3  # type: ignore[union-attr]
    assert diary.night(night + timedelta(days=1)).cramp_count == 2  # type: ignore[union-attr]
    assert diary.night(night + timedelta(days=2)).cramp_count is None  # type: ignore[union-attr]
    assert diary.cramp_block(night, 3).cramps == 5
