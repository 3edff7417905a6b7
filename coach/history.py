"""Each night's outcome per step and its cramp log, for `coach history` and its exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from coach.experiment import assignment, plan_as_assigned, safe_protocol
from coach.records import CrampLog, Store
from coach.settings import Settings

STATUSES = ("done", "skipped", "missed", "pending")


@dataclass(frozen=True)
class NightSummary:
    """One night as history shows it."""

    night: date
    steps: dict[str, str]
    """Step id -> 'done' | 'skipped' | 'missed' | 'pending', in the night's time order."""
    cramps: CrampLog | None

    def to_json(self) -> dict[str, Any]:
        cramps = None
        if self.cramps is not None:
            log = self.cramps
            cramps = {
                "count": log.count,
                "severity": log.severity,
                "minutes": log.minutes,
                "leg": log.leg,
                "disturbance": log.disturbance,
                "notes": log.notes,
            }
        return {"night": self.night.isoformat(), "steps": dict(self.steps), "cramps": cramps}


def summarize(
    settings: Settings, store: Store, start: date, end: date, now: datetime
) -> list[NightSummary]:
    """Nights start..end, oldest first. A step with no record is missed once its night is over."""
    outcomes = store.latest_outcomes(start, end)
    logs = store.cramp_logs(start, end)
    protocol = safe_protocol(store)
    summaries = []
    night = start
    while night <= end:
        # The experiment's no-stretch nights have no stretch step.
        plan = plan_as_assigned(settings, night, assignment(protocol, night))
        over = now >= plan.ends_at
        steps: dict[str, str] = {}
        for step in plan.steps:
            record = outcomes.get((night, step.id))
            if record is not None:
                steps[step.id] = record.outcome
            else:
                steps[step.id] = "missed" if over else "pending"
        # A step that was recorded but has since been turned off still counts.
        for (record_night, step_id), record in outcomes.items():
            if record_night == night and step_id not in steps:
                steps[step_id] = record.outcome
        summaries.append(NightSummary(night=night, steps=steps, cramps=logs.get(night)))
        night += timedelta(days=1)
    return summaries


def _cramp_cells(log: CrampLog | None) -> list[str]:
    if log is None:
        return ["", "", "", "", ""]
    return [
        str(log.count),
        "" if log.severity is None else str(log.severity),
        "" if log.minutes is None else f"{log.minutes:g}",
        log.leg or "",
        "" if log.disturbance is None else str(log.disturbance),
    ]


def step_columns(summaries: Sequence[NightSummary]) -> list[str]:
    columns: list[str] = []
    for summary in summaries:
        for step_id in summary.steps:
            if step_id not in columns:
                columns.append(step_id)
    return columns


def to_csv(summaries: Sequence[NightSummary]) -> str:
    columns = step_columns(summaries)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["night", *columns, "cramps", "severity", "minutes", "leg", "disturbance", "notes"]
    )
    for summary in summaries:
        writer.writerow(
            [
                summary.night.isoformat(),
                *(summary.steps.get(step_id, "") for step_id in columns),
                *_cramp_cells(summary.cramps),
                summary.cramps.notes if summary.cramps else "",
            ]
        )
    return out.getvalue()


MARKS = {"done": "✓", "skipped": "-", "missed": "✗", "pending": "·", "": " "}


def to_table(summaries: Sequence[NightSummary]) -> str:
    """A plain-text table for the terminal: a mark per step, then the cramp log."""
    columns = step_columns(summaries)
    lines = [
        "night        " + " ".join(f"{i + 1:>2}" for i in range(len(columns))) + "  cramps",
    ]
    for summary in summaries:
        marks = " ".join(f"{MARKS[summary.steps.get(s, '')]:>2}" for s in columns)
        log = summary.cramps
        if log is None:
            cramps = "not logged"
        elif log.count == 0:
            cramps = "none"
        else:
            parts = [f"{log.count}"]
            if log.severity is not None:
                parts.append(f"worst {log.severity}/10")
            if log.minutes is not None:
                parts.append(f"longest {log.minutes:g} min")
            cramps = ", ".join(parts)
        lines.append(f"{summary.night:%a %Y-%m-%d} {marks}  {cramps}")
    legend = "  ".join(f"{i + 1}={step_id}" for i, step_id in enumerate(columns))
    lines.append("")
    lines.append(f"steps: {legend}")
    lines.append("✓ done  - skipped  ✗ missed  · pending")
    return "\n".join(lines)
