"""The doctor's report: a Markdown page a clinician can read in a minute, and the exports.

It shows what CONTENT.md says trials measure: cramps per week and mean worst pain, week
by week, against the first week logged; the longest cramps; how often each evening step
was done; the red-flag patterns seen; the user's notes; and the not-medical-advice line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from coach import __version__
from coach.errors import CoachError
from coach.experiment import report_lines
from coach.fsutil import atomic_write
from coach.history import to_csv
from coach.redflags import RULES_SUMMARY, find_red_flags
from coach.settings import Settings
from coach.stats import CrampWeek, Diary, NightFacts

if TYPE_CHECKING:
    from coach.diary import DiaryService
    from coach.records import Store

DEFAULT_WEEKS = 6
"""The report covers six weeks by default: the length of the stretching trial."""
LONGEST_SHOWN = 5
NOT_MEDICAL_ADVICE = (
    "Not medical advice. This diary was kept by the patient with a self-care app; the app "
    "does not diagnose or treat. Figures are self-reported, and the evidence for the "
    "evening routine is limited (stretching may help some people; results are mixed)."
)


@dataclass(frozen=True)
class Period:
    """The nights a report covers."""

    start: date
    end: date

    @property
    def nights(self) -> int:
        return (self.end - self.start).days + 1


def report_period(diary: Diary, weeks: int) -> Period:
    """The last `weeks` weeks of finished nights, clipped to the first night on record."""
    end = diary.last_over
    first = diary.first
    if end is None or first is None:
        raise CoachError("nothing is recorded yet; the report needs at least one finished night")
    return Period(max(first, end - timedelta(days=weeks * 7 - 1)), end)


def render_report(
    diary: Diary, settings: Settings, weeks: int, now: datetime, store: Store | None = None
) -> str:
    """The Markdown report of the last `weeks` weeks of the diary (with the personal
    experiment's section when `store` holds one)."""
    period = report_period(diary, weeks)
    nights = diary.window(period.start, period.end)
    whole = diary.cramp_block(period.start, period.nights)
    made = now.astimezone(settings.tz)
    lines = [
        "# Night-time leg cramps: diary report",
        "",
        f"- Period: {period.start:%a %d %b %Y} to {period.end:%a %d %b %Y} "
        f"({period.nights} nights, by the date of each evening)",
        f"- Mornings logged: {whole.nights_logged} of {period.nights} nights",
        f"- Made on {made:%d %b %Y %H:%M} ({settings.timezone}) by coach {__version__}, "
        "from the patient's own records",
        "",
        *_cramp_section(diary, period, whole),
        *_longest_section(nights),
        *_adherence_section(diary, settings, period),
        *(report_lines(store, settings, now) if store is not None else []),
        *_red_flag_section(diary, period),
        *_notes_section(nights),
        "---",
        "",
        f"*{NOT_MEDICAL_ADVICE}*",
        "",
    ]
    return "\n".join(lines)


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _week_row(label: str, week: CrampWeek) -> str:
    return (
        f"| {label} | {week.nights_logged} | {week.cramp_nights} | {week.cramps} | "
        f"{_num(week.per_week)} | {_num(week.mean_severity)} | {_num(week.mean_disturbance)} |"
    )


def _cramp_section(diary: Diary, period: Period, whole: CrampWeek) -> list[str]:
    lines = [
        "## Cramps per week",
        "",
        "| nights | logged | with cramps | cramps | cramps per week | mean worst pain (0-10) "
        "| mean sleep disturbance (0-10) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    baseline = diary.baseline()
    if baseline is not None:
        lines.append(_week_row(f"first week logged, from {baseline.start:%d %b %Y}", baseline))
    start = period.start
    while start <= period.end:
        end = min(start + timedelta(days=6), period.end)
        block = diary.cramp_block(start, (end - start).days + 1)
        lines.append(_week_row(f"{start:%d %b} to {end:%d %b %Y}", block))
        start = end + timedelta(days=1)
    lines.append(_week_row("**whole period**", whole))
    lines += [
        "",
        "Cramps per week are scaled to 7 nights from the nights logged. Worst pain is the "
        "mean over nights with cramps; a dash means nothing was logged.",
        "",
    ]
    return lines


def _longest_section(nights: Sequence[NightFacts]) -> list[str]:
    timed = [f for f in nights if f.longest_minutes is not None and f.longest_minutes > 0]
    timed.sort(key=lambda f: (-(f.longest_minutes or 0.0), f.night))
    lines = ["## Longest cramps", ""]
    if not timed:
        return [*lines, "No cramp durations were logged in this period.", ""]
    note = (
        "Durations from the app's morning check-in are bands, shown as bands (for example "
        "1-5 min); those from the command line or a timed episode are as entered."
    )
    lines += ["| night | minutes | worst pain | leg | muscle |", "|---|---:|---:|---|---|"]
    for facts in timed[:LONGEST_SHOWN]:
        log = facts.cramps
        severity = "-" if log is None or log.severity is None else str(log.severity)
        leg = (log.leg if log else None) or "-"
        muscle = (log.muscle if log else None) or "-"
        lines.append(
            f"| {facts.night:%a %d %b %Y} | {_longest_text(facts)} | {severity} | {leg} "
            f"| {muscle} |"
        )
    return [*lines, "", note, ""]


def _longest_text(facts: NightFacts) -> str:
    """The night's longest cramp in minutes as it was logged: the morning log's band
    ('1-5') or minutes, or a timed episode's minutes if one was longer."""
    log = facts.cramps
    longest = facts.longest_minutes or 0.0
    if log is not None and log.band is not None and facts.log_minutes == longest:
        return log.band
    return f"{longest:g}"


def _adherence_section(diary: Diary, settings: Settings, period: Period) -> list[str]:
    lines = [
        "## Evening routine: steps done",
        "",
        "| step | nights done | of nights | share |",
        "|---|---:|---:|---:|",
    ]
    titles = {step.id: step.title for step in settings.routine.steps}
    for item in diary.adherence(period.nights, end=period.end):
        rate = "-" if item.rate is None else f"{item.rate:.0%}"
        title = titles.get(item.step, item.step)
        lines.append(f"| {title} | {item.done} | {item.nights} | {rate} |")
    streaks = diary.streaks()
    lines += [
        "",
        f"Nights with every step done in a row: now {streaks.current}, best {streaks.best}. "
        "Nights the user paused the reminders are left out unless a step was done.",
        "",
    ]
    return lines


def _red_flag_section(diary: Diary, period: Period) -> list[str]:
    flags = find_red_flags(diary, period.start, period.end)
    lines = ["## Red flags seen", ""]
    if not flags:
        return [
            *lines,
            f"None of the patterns the app watches for ({RULES_SUMMARY}) appear in this period.",
            "",
        ]
    for flag in flags:
        lines.append(f"- **{flag.pattern.urgency.capitalize()}**: {flag.line()}")
    return [*lines, ""]


def _notes_section(nights: Sequence[NightFacts]) -> list[str]:
    noted = [(f.night, f.cramps.notes) for f in nights if f.cramps is not None and f.cramps.notes]
    lines = ["## Notes", ""]
    if not noted:
        return [*lines, "No notes in this period.", ""]
    for night, note in noted:
        lines.append(f"- {night:%a %d %b %Y}: {' '.join(note.split())}")
    return [*lines, ""]


def export_files(
    source: DiaryService, folder: Path, weeks: int = DEFAULT_WEEKS
) -> tuple[Path, Path]:
    """Write the report (Markdown) and every finished night (CSV) into `folder`; return both."""
    settings, now = source.settings, source.now()
    diary = source.load()
    report = render_report(diary, settings, weeks, now, source.store)
    stamp = f"{now.astimezone(settings.tz):%Y-%m-%d}"
    report_path = folder / f"report-{stamp}.md"
    csv_path = folder / f"history-{stamp}.csv"
    atomic_write(report_path, report.encode())
    # The CSV holds every night on record: it is the user's own data, not a summary.
    period = report_period(diary, weeks)
    nights = diary.window(diary.first or period.start, period.end)
    atomic_write(csv_path, to_csv(nights).encode())
    return report_path, csv_path
