"""Cramps and worst pain over time, in weeks or months, for the history's trend view.

Counts come with the nights logged they rest on; a rate (cramps per 7 nights) is given only
from MIN_RATE_NIGHTS logged nights or more, as in the doctor's report.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Literal, NamedTuple

from coach.diary.nights import MIN_RATE_NIGHTS, CrampWeek, Diary, week_start

__all__ = ["MIN_RATE_NIGHTS", "SPANS", "Span", "Trend", "TrendPoint", "trend"]

Span = Literal["12w", "12m", "all"]
SPANS: dict[Span, str] = {"12w": "12 weeks", "12m": "12 months", "all": "all"}
MAX_WEEKS = 104
"""Over this many weeks, "all" is drawn month by month."""


class TrendPoint(NamedTuple):
    """One week or month of the cramp diary."""

    start: date
    end: date
    nights: int
    """Nights of the week or month that are on record and not after the last one shown."""
    nights_logged: int
    cramps: int
    mean_severity: float | None

    @property
    def per_week(self) -> float | None:
        """Cramps per 7 nights, from MIN_RATE_NIGHTS logged nights or more."""
        if self.nights_logged < MIN_RATE_NIGHTS:
            return None
        return self.cramps * 7 / self.nights_logged


class Trend(NamedTuple):
    """The points of one span, oldest first."""

    span: Span
    unit: Literal["week", "month"]
    points: tuple[TrendPoint, ...]

    def label(self, point: TrendPoint) -> str:
        return f"{point.start:%d %b}" if self.unit == "week" else f"{point.start:%b %y}"


def trend(diary: Diary, span: Span, end: date | None = None) -> Trend:
    """Weekly points for 12 weeks or 12 months; "all" by week up to MAX_WEEKS, by month
    beyond. Weeks run Monday to Sunday by the evening's date; the last holds `end`
    (default: the last night that is over); none starts before the diary's first night."""
    end = end or diary.last_over or diary.last
    if end is None or diary.first is None:
        return Trend(span=span, unit="week", points=())
    if span == "12w":
        weeks = 12
    elif span == "12m":
        weeks = 52
    else:
        weeks = (end - week_start(diary.first)).days // 7 + 1
        if weeks > MAX_WEEKS:
            return Trend(span=span, unit="month", points=tuple(_months(diary, diary.first, end)))
    first = diary.first
    points = [_point(w, first, end) for w in diary.cramp_weeks(weeks, end)]
    # Weeks before the first record are not empty weeks: they are not in the diary at all.
    return Trend(span=span, unit="week", points=tuple(p for p in points if p.nights))


def _point(week: CrampWeek, first: date, end: date) -> TrendPoint:
    nights = max(0, (min(week.end, end) - max(week.start, first)).days + 1)
    return TrendPoint(
        start=week.start,
        end=week.end,
        nights=nights,
        nights_logged=week.nights_logged,
        cramps=week.cramps,
        mean_severity=week.mean_severity,
    )


def _months(diary: Diary, first: date, end: date) -> list[TrendPoint]:
    points = []
    start = first.replace(day=1)
    while start <= end:
        days = calendar.monthrange(start.year, start.month)[1]
        points.append(_point(diary.cramp_block(start, days), first, end))
        start = start + timedelta(days=days)
    return points
