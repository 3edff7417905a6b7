"""`coach history` and its exports: each night's outcome per step and its cramp log, read
from the diary's one model of a night (`coach.diary.nights.NightFacts`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from coach.diary.nights import NightFacts
from coach.diary.wording import describe_cramps
from coach.records.store import CrampLog


def night_json(facts: NightFacts) -> dict[str, Any]:
    """One night for `coach history --format json`."""
    cramps = None
    if facts.cramps is not None:
        log = facts.cramps
        cramps = {
            "count": log.cramps,
            "severity": log.severity,
            "minutes": log.minutes,
            "band": log.band,
            "leg": log.leg,
            "disturbance": log.disturbance,
            "notes": log.notes,
        }
    return {
        "night": facts.night.isoformat(),
        "steps": dict(facts.steps),
        "cramps": cramps,
        "paused": facts.paused,
    }


def _cramp_cells(log: CrampLog | None) -> list[str]:
    if log is None:
        return ["", "", "", "", "", ""]
    return [
        str(log.cramps),
        "" if log.severity is None else str(log.severity),
        "" if log.minutes is None else f"{log.minutes:g}",
        log.band or "",
        log.leg or "",
        "" if log.disturbance is None else str(log.disturbance),
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


def to_csv(nights: Sequence[NightFacts]) -> str:
    columns = step_columns(nights)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [csv_cell(c) for c in ("night", *columns)]
        + ["cramps", "severity", "minutes", "band", "leg", "disturbance", "notes"]
    )
    for facts in nights:
        row = [
            facts.night.isoformat(),
            *(facts.steps.get(step_id, "") for step_id in columns),
            *_cramp_cells(facts.cramps),
            facts.cramps.notes if facts.cramps else "",
        ]
        writer.writerow([csv_cell(str(cell)) for cell in row])
    return out.getvalue()


MARKS = {"done": "✓", "skipped": "-", "missed": "✗", "pending": "·", "": " "}


def to_lines(nights: Sequence[NightFacts], titles: Mapping[str, str] | None = None) -> str:
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
            f"cramps: {describe_cramps(facts.cramps)}{paused}."
        )
    return "\n".join(lines)


def to_table(nights: Sequence[NightFacts]) -> str:
    """A plain-text table for the terminal: a mark per step, then the cramp log."""
    columns = step_columns(nights)
    lines = [
        # Each step's number over its marks: a night is "Sat 2026-11-21" (14 wide).
        f"{'night':<14} " + " ".join(f"{i + 1:>2}" for i in range(len(columns))) + "  cramps",
    ]
    for facts in nights:
        marks = " ".join(f"{MARKS[facts.steps.get(s, '')]:>2}" for s in columns)
        paused = "  (reminders paused)" if facts.paused else ""
        lines.append(f"{facts.night:%a %Y-%m-%d} {marks}  {describe_cramps(facts.cramps)}{paused}")
    legend = "  ".join(f"{i + 1}={step_id}" for i, step_id in enumerate(columns))
    lines.append("")
    lines.append(f"steps: {legend}")
    lines.append("✓ done  - skipped  ✗ missed  · pending")
    return "\n".join(lines)
