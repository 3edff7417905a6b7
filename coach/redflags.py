"""The red-flag patterns of CONTENT.md, found in the cramp log, each shown to the user once.

The app does not diagnose. A finding means "this pattern is in your log", and its advice
is always the same modest one: contact a health professional (urgently where CONTENT.md
says so).

Patterns:
- ``long-cramp``: a morning log with its longest cramp over 10 minutes, or a
  "cramp-episode" event over 10 minutes (urgent if it did not ease when the leg moved;
  the log cannot tell, so the advice says so).
- ``frequent``: cramps on 3 or more nights in each of 2 or more consecutive calendar weeks
  (Monday to Sunday, by the evening's date) while the routine was kept on at least half
  of each week's nights (the stretch done; or, with the stretch turned off, every step
  done): frequent despite the routine.
- ``numbness``, ``swelling``, ``weakness``, ``new-medicine``: words in the morning notes.

"Shown once": for each pattern the store keeps the latest night already shown
(`Store.get_state(SHOWN_KEY)`); a finding is new only when it has a later night.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from coach.records import Store
from coach.stats import STRETCH, Diary, NightFacts

Urgency = Literal["urgent", "soon"]
SHOWN_KEY = "redflags_shown"
LONG_MINUTES = 10.0
FREQUENT_NIGHTS = 3
"""Nights with cramps in one week that make the week a frequent one."""
FREQUENT_WEEKS = 2
"""Frequent weeks in a row before the pattern is a red flag."""


@dataclass(frozen=True)
class Pattern:
    """One red-flag pattern and the advice the app gives for it."""

    id: str
    urgency: Urgency
    title: str
    advice: str


PATTERNS: dict[str, Pattern] = {
    p.id: p
    for p in (
        Pattern(
            "long-cramp",
            "urgent",
            "A cramp lasted more than 10 minutes",
            "A cramp that lasts more than 10 minutes and does not ease when you move the leg "
            "is a reason to contact a health professional promptly.",
        ),
        Pattern(
            "frequent",
            "soon",
            "Frequent cramps week after week, despite the routine",
            "Cramps on 3 or more nights a week for 2 weeks or more are worth discussing "
            "with a health professional soon.",
        ),
        Pattern(
            "numbness",
            "soon",
            "Numbness or tingling noted",
            "Numbness or tingling in the legs is worth discussing with a health professional soon.",
        ),
        Pattern(
            "swelling",
            "urgent",
            "Swelling noted",
            "If one calf is swollen, red, warm or tender, seek care the same day: it can be "
            "a blood clot. Other swelling is worth discussing with a health professional soon.",
        ),
        Pattern(
            "weakness",
            "soon",
            "Weakness noted",
            "Muscles getting weaker or thinner are worth discussing with a health "
            "professional soon.",
        ),
        Pattern(
            "new-medicine",
            "soon",
            "A new medicine noted",
            "Cramps that began after starting a new medicine are worth raising with your "
            "doctor or pharmacist. Do not stop or change a medicine on your own.",
        ),
    )
}

NOTE_WORDS: dict[str, re.Pattern[str]] = {
    "numbness": re.compile(r"\b(numb(ness)?\b|tingl\w*|pins and needles)", re.IGNORECASE),
    "swelling": re.compile(r"\b(swell\w*|swollen)", re.IGNORECASE),
    "weakness": re.compile(r"\b(weak\w*|thinner|wasting)", re.IGNORECASE),
    "new-medicine": re.compile(
        r"\b(new (medicine|medication|meds|pills?|tablets?|drug|prescription)"
        r"|started (taking|on)\b|began taking)",
        re.IGNORECASE,
    ),
}


@dataclass(frozen=True)
class RedFlag:
    """A pattern found in the log, with the nights that show it."""

    pattern: Pattern
    nights: tuple[date, ...]

    @property
    def id(self) -> str:
        return self.pattern.id

    @property
    def last(self) -> date:
        return self.nights[-1]

    def line(self) -> str:
        """One line for a notice or the report: the pattern, when, and the advice."""
        if len(self.nights) > 3:
            when = f"{len(self.nights)} nights, the latest {self.last:%d %b %Y}"
        else:
            when = ", ".join(f"{n:%d %b %Y}" for n in self.nights)
        return f"{self.pattern.title} ({when}). {self.pattern.advice}"


def find_red_flags(
    diary: Diary, start: date | None = None, end: date | None = None
) -> list[RedFlag]:
    """Every pattern found in nights start..end (default: the whole diary), urgent first."""
    if not diary.nights:
        return []
    start = start or diary.nights[0].night
    end = end or diary.nights[-1].night
    nights = diary.window(start, end)
    found: dict[str, list[date]] = {}
    for facts in nights:
        longest = facts.longest_minutes
        if longest is not None and longest > LONG_MINUTES:
            found.setdefault("long-cramp", []).append(facts.night)
        notes = facts.cramps.notes if facts.cramps is not None else ""
        for pattern_id, words in NOTE_WORDS.items():
            if notes and _mentions(words, notes):
                found.setdefault(pattern_id, []).append(facts.night)
    frequent = _frequent_weeks(diary, start, end)
    if frequent:
        found["frequent"] = frequent
    flags = [RedFlag(PATTERNS[pid], tuple(sorted(nights_))) for pid, nights_ in found.items()]
    order = list(PATTERNS)
    flags.sort(key=lambda f: (f.pattern.urgency != "urgent", order.index(f.id)))
    return flags


NEGATION = re.compile(r"\b(no|not|without|never)\s+(\w+\s+)?$", re.IGNORECASE)


def _mentions(words: re.Pattern[str], notes: str) -> bool:
    """True when a note names the symptom, unless it says it is absent ("no swelling")."""
    return any(not NEGATION.search(notes[: m.start()]) for m in words.finditer(notes))


def _frequent_weeks(diary: Diary, start: date, end: date) -> list[date]:
    """The cramp nights of every run of FREQUENT_WEEKS+ frequent weeks despite the routine."""
    monday = start - timedelta(days=start.weekday())
    weeks: list[Sequence[NightFacts]] = []
    while monday <= end:
        weeks.append(diary.window(max(monday, start), min(monday + timedelta(days=6), end)))
        monday += timedelta(weeks=1)
    nights: list[date] = []
    run: list[Sequence[NightFacts]] = []
    for week in [*weeks, []]:
        if _frequent(week):
            run.append(week)
            continue
        if len(run) >= FREQUENT_WEEKS:
            nights.extend(f.night for w in run for f in w if _cramp_night(f))
        run = []
    return nights


def _cramp_night(facts: NightFacts) -> bool:
    return facts.cramps is not None and facts.cramps.count > 0


def _frequent(week: Sequence[NightFacts]) -> bool:
    if not week:
        return False
    cramp_nights = sum(1 for f in week if _cramp_night(f))
    kept = sum(1 for f in week if _routine_kept(f))
    return cramp_nights >= FREQUENT_NIGHTS and kept * 2 >= len(week)


def _routine_kept(facts: NightFacts) -> bool:
    if STRETCH in facts.required:
        return facts.steps.get(STRETCH) == "done"
    return facts.complete


def unshown(store: Store, flags: Sequence[RedFlag]) -> list[RedFlag]:
    """The flags with a night later than the last one shown for their pattern."""
    shown = _shown(store)
    return [f for f in flags if f.id not in shown or f.last.isoformat() > shown[f.id]]


def mark_shown(store: Store, flags: Sequence[RedFlag]) -> None:
    """Remember these flags as shown, so each finding reaches the user once."""
    if not flags:
        return
    shown = _shown(store)
    for flag in flags:
        shown[flag.id] = max(shown.get(flag.id, ""), flag.last.isoformat())
    store.set_state(SHOWN_KEY, shown)


def _shown(store: Store) -> dict[str, str]:
    value = store.get_state(SHOWN_KEY, {})
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}
