"""The read model of the diary: nights and their facts, adherence, streaks and cramp
weeks, trends, when to offer the morning check-in, the words for a night, and the exports
(CSV, JSON, table).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach import lazy_exports

if TYPE_CHECKING:
    from coach.diary.checkin import checkin_due as checkin_due
    from coach.diary.checkin import mark_asked as mark_asked
    from coach.diary.export import night_json as night_json
    from coach.diary.export import to_csv as to_csv
    from coach.diary.export import to_lines as to_lines
    from coach.diary.export import to_table as to_table
    from coach.diary.nights import Adherence as Adherence
    from coach.diary.nights import CrampWeek as CrampWeek
    from coach.diary.nights import Diary as Diary
    from coach.diary.nights import NightFacts as NightFacts
    from coach.diary.nights import Streaks as Streaks
    from coach.diary.trends import Trend as Trend
    from coach.diary.trends import TrendPoint as TrendPoint
    from coach.diary.trends import trend as trend
    from coach.diary.wording import clock_text as clock_text
    from coach.diary.wording import describe_cramps as describe_cramps
    from coach.diary.wording import duration_text as duration_text
    from coach.diary.wording import night_label as night_label

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "coach.diary.nights": ("Diary", "NightFacts", "CrampWeek", "Adherence", "Streaks"),
        "coach.diary.trends": ("Trend", "TrendPoint", "trend"),
        "coach.diary.checkin": ("checkin_due", "mark_asked"),
        "coach.diary.wording": ("describe_cramps", "night_label", "clock_text", "duration_text"),
        "coach.diary.export": ("to_csv", "to_table", "to_lines", "night_json"),
    },
)
