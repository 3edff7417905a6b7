"""`coach history` and its exports: each night's outcome per step and its cramp log, read
from the diary's one model of a night (`coach.diary.nights.NightFacts`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import tzinfo
from typing import Any

from coach.diary.episodes import episode_minutes, episode_time
from coach.diary.nights import NightFacts
from coach.diary.wording import describe_night, episode_times
from coach.records.store import CrampLog, Event


def episode_json(episode: Event) -> dict[str, Any]:
    """One cramp logged at night: when it began, how long, which leg and muscle."""
    leg, muscle = episode.data.get("leg"), episode.data.get("muscle")
    return {
        "at": episode_time(episode).isoformat(),
        "minutes": episode_minutes(episode),
        "leg": leg if isinstance(leg, str) else None,
        "muscle": muscle if isinstance(muscle, str) else None,
    }


def night_json(facts: NightFacts) -> dict[str, Any]:
    """One night for `coach history --format json`. "cramps" is null only for a night with
    neither a morning log nor a cramp logged at night; its count is the night's count
    (never fewer than its episodes)."""
    cramps = None
    log = facts.cramps
    if facts.logged:
        cramps = {
            "count": facts.cramp_count,
            "severity": None if log is None else log.severity,
            "minutes": None if log is None else log.minutes,
            "band": None if log is None else log.band,
            "leg": None if log is None else log.leg,
            "muscle": None if log is None else log.muscle,
            "disturbance": None if log is None else log.disturbance,
            "notes": "" if log is None else log.notes,
            "morning_log": log is not None,
        }
    return {
        "night": facts.night.isoformat(),
        "steps": dict(facts.steps),
        "cramps": cramps,
        "unknown": unknown_of(facts),
        "episodes": [episode_json(e) for e in sorted(facts.episodes, key=episode_time)],
        "paused": facts.paused,
        "signs": _signs(facts),
    }


def unknown_of(facts: NightFacts) -> str | None:
    """Why nothing is known of a night's cramps: "not remembered" (answered so) or "not
    logged"; None for a night whose cramps are known."""
    if facts.logged:
        return None
    return "not remembered" if facts.forgotten else "not logged"


def _signs(facts: NightFacts) -> list[str] | None:
    """The urgent signs answered for the night (the check-in's checklist, `coach cramp
    --sign`; [] when the answer was "none"), or null when they were not asked."""
    given = facts.answers.get("signs")
    if not isinstance(given, list | tuple):
        return None
    return [s for s in given if isinstance(s, str)]


def _cramp_cells(facts: NightFacts, tz: tzinfo) -> list[str]:
    log: CrampLog | None = facts.cramps
    count = facts.cramp_count
    times = episode_times(facts.episodes, tz) if facts.episodes else ""
    if log is None:
        return [
            "" if count is None else str(count),
            "",
            "",
            "",
            "",
            "",
            "",
            str(len(facts.episodes)) if facts.episodes else "",
            times,
        ]
    return [
        str(count),
        "" if log.severity is None else str(log.severity),
        "" if log.minutes is None else f"{log.minutes:g}",
        log.band or "",
        log.leg or "",
        log.muscle or "",
        "" if log.disturbance is None else str(log.disturbance),
        str(len(facts.episodes)) if facts.episodes else "",
        times,
    ]


def step_columns(nights: Sequence[NightFacts]) -> list[str]:
    columns: list[str] = []
    for facts in nights:
        for step_id in facts.steps:
            if step_id not in columns:
                columns.append(step_id)
    return columns


FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
"""What makes a spreadsheet run a cell as a formula (OWASP, "CSV Injection")."""


def csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one that could start a formula gets a leading
    apostrophe, as OWASP advises (numbers coach writes never start so)."""
    return "'" + text if text.startswith(FORMULA_START) else text


CRAMP_COLUMNS = (
    "cramps",
    "severity",
    "minutes",
    "band",
    "leg",
    "muscle",
    "disturbance",
    "episodes",
    "episode_times",
    "notes",
    "unknown",
    "paused",
)
"""The CSV's columns after the steps: "cramps" is the night's count (never fewer than
"episodes", the cramps logged at night; empty for a night not logged, and "unknown" then
says whether it was "not remembered" or "not logged"); "paused": "yes" for a night whose
reminders were paused (its steps not done are not counted against it)."""


def to_csv(nights: Sequence[NightFacts], tz: tzinfo) -> str:
    columns = step_columns(nights)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in ("night", *columns)] + list(CRAMP_COLUMNS))
    for facts in nights:
        row = [
            facts.night.isoformat(),
            *(facts.steps.get(step_id, "") for step_id in columns),
            *_cramp_cells(facts, tz),
            facts.cramps.notes if facts.cramps else "",
            unknown_of(facts) or "",
            "yes" if facts.paused else "",
        ]
        writer.writerow([csv_cell(str(cell)) for cell in row])
    return out.getvalue()


MARKS = {"done": "✓", "skipped": "-", "missed": "✗", "pending": "·", "": " "}


def to_lines(
    nights: Sequence[NightFacts], tz: tzinfo, titles: Mapping[str, str] | None = None
) -> str:
    """The same nights as `to_table`, for a screen reader: one line of words per night,
    each step by its title ("Last meal missed") where `titles` has it, else by its id."""
    names = titles or {}
    lines = []
    for facts in nights:
        steps = ", ".join(
            f"{names.get(step_id, step_id)} {facts.steps[step_id]}"
            for step_id in step_columns([facts])
        )
        paused = "; reminders paused" if facts.paused else ""
        lines.append(
            f"{facts.night:%A %d %B %Y}: {steps or 'no steps'}; "
            f"cramps: {describe_night(facts, tz)}{paused}."
        )
    return "\n".join(lines)


NIGHT_WIDTH = len("Wed 2026-12-02")


def to_table(nights: Sequence[NightFacts], tz: tzinfo) -> str:
    """A plain-text table for the terminal: a mark per step, then the night's cramps. Each
    step's number sits above its marks."""
    columns = step_columns(nights)
    lines = [
        # Each step's number over its marks: a night is "Sat 2026-11-21" (NIGHT_WIDTH).
        f"{'night':<{NIGHT_WIDTH}} "
        + " ".join(f"{i + 1:>2}" for i in range(len(columns)))
        + "  cramps",
    ]
    for facts in nights:
        marks = " ".join(f"{MARKS[facts.steps.get(s, '')]:>2}" for s in columns)
        paused = "  (reminders paused)" if facts.paused else ""
        lines.append(f"{facts.night:%a %Y-%m-%d} {marks}  {describe_night(facts, tz)}{paused}")
    legend = "  ".join(f"{i + 1}={step_id}" for i, step_id in enumerate(columns))
    lines.append("")
    lines.append(f"steps: {legend}")
    lines.append("✓ done  - skipped  ✗ missed  · pending")
    return "\n".join(lines)
