"""The doctor's report: one model of what a clinician needs (`coach.report.model`), built
from one snapshot of the period, rendered as Markdown (`coach.report.markdown`), HTML
(`coach.report.html`) or a PDF page (`coach.report.pdf`).

It shows what CONTENT.md says trials measure: cramps per week as counts with the nights
logged, worst pain and sleep disturbance, against the first week logged (labelled for what
it is); the longest cramps; how often each evening step was done; the red-flag patterns
seen; the user's notes; and the not-medical-advice line.

The report reads once: `read_period` takes what it needs from a `ReportSource` (the
session) into a `PeriodSnapshot`; everything after is built from that snapshot alone. A new
section is one builder function here (and, if it needs more data, one field of the
snapshot); every renderer already knows how to draw its blocks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple, Protocol

from coach import __version__
from coach.diary.episodes import episode_minutes
from coach.diary.nights import CrampWeek, Diary, NightFacts, calendar_weeks, week_start
from coach.diary.trends import MIN_RATE_NIGHTS
from coach.errors import CoachError
from coach.records.store import is_foreign
from coach.report.model import (
    NOT_MEDICAL_ADVICE,
    Block,
    Bullets,
    ChartBar,
    Paragraph,
    Period,
    Report,
    Section,
    Table,
    WeeklyChart,
)
from coach.safety.flags import LIMITS, flags_from
from coach.safety.note_rules import note_findings
from coach.safety.rules import RULES, WINDOW_NIGHTS, find_red_flags, night_findings
from coach.settings.model import Settings
from coach.system.text import printable

if TYPE_CHECKING:
    from coach.experiment.protocol import ExperimentResult
    from coach.records.store import CrampLog, Event
    from coach.safety.flags import RaisedFlag

__all__ = [
    "DEFAULT_WEEKS",
    "NOT_MEDICAL_ADVICE",
    "Extras",
    "PeriodSnapshot",
    "ReportSource",
    "build_report",
    "make_report",
    "read_period",
]

DEFAULT_WEEKS = 6
"""The report covers six weeks by default: the length of the stretching trial."""
LONGEST_SHOWN = 5
BASELINE_NOTE = (
    f"Weeks run Monday to Sunday, as in the app. The baseline is the first week logged "
    f"({MIN_RATE_NIGHTS}+ nights), usually the worst: people start a diary when "
    "cramps are bad, and bad spells ease on their own (regression to the mean); in trials, "
    "cramps fell by about 28% on placebo alone. A fall from it does not by itself show that "
    "the routine worked."
)
RATE_NOTE = (
    "Counts first. A rate is cramps per 7 nights, scaled from the nights logged, with its "
    "95% interval (Poisson; clustered cramps spread wider); none from under "
    f"{MIN_RATE_NIGHTS} logged nights. Nights not logged are unknown, not cramp-free. Pain "
    "and disturbance are means over the nights that have them."
)


class ReportSource(Protocol):
    """What a report reads: the session (coach.session.Session) provides it."""

    @property
    def settings(self) -> Settings: ...

    def now(self) -> datetime: ...

    def load(self, start: date | None = None, end: date | None = None) -> Diary: ...

    def first_record_night(self) -> date | None: ...

    def cramp_logs(self, start: date, end: date) -> dict[date, CrampLog]: ...

    def events(self, start: date, end: date, kind: str | None = None) -> list[Event]: ...

    def every_flag(self) -> list[RaisedFlag]: ...

    def experiment_result(self) -> ExperimentResult | None: ...


class PeriodSnapshot(NamedTuple):
    """Everything a report of the last `weeks` weeks shows, read once from its source."""

    diary: Diary
    """The report's weeks, with a night to spare each side."""
    settings: Settings
    now: datetime
    weeks: int
    period: Period
    baseline: CrampWeek | None
    """The first seven nights from the first morning log on record."""
    answers: tuple[Event, ...]
    """The weekly "not cramps?" answers given in the period."""
    flags: tuple[RaisedFlag, ...]
    """The red flags raised on the period's nights."""
    every_flag: tuple[RaisedFlag, ...]
    """Every red flag raised, whatever its night (for the safety block)."""
    experiment: ExperimentResult | None


class Extras(NamedTuple):
    """What other parts of the app add to the report, when they have it.

    Each is a ready section, so the report does not depend on how they compute it.
    """

    profile: tuple[tuple[str, str], ...] = ()
    """Profile answers (question, answer), e.g. pregnancy, a fluid limit."""
    not_cramps: tuple[tuple[str, str], ...] = ()
    """"Not cramps?" answers (question, answer): walking pain, cramps elsewhere."""
    experiment: tuple[Block, ...] = ()
    """The personal experiment's result, as blocks."""
    flags: Section | None = None
    """More about red flags, after the routine's section; default: none (the safety block
    holds them)."""
    safety: Section | None = None
    """The safety block, first: flags raised, flags not yet acknowledged of any date, and
    medicines started or changed; default: from the snapshot."""
    sections: tuple[Section, ...] = ()
    """Anything else, appended before the notes."""


# --- reading ------------------------------------------------------------------------------


def read_period(source: ReportSource, weeks: int) -> PeriodSnapshot:
    """The one read a report makes: its weeks (with a night to spare), the baseline week,
    the weekly answers, the flags raised and the experiment's result."""
    settings, now = source.settings, source.now()
    first = source.first_record_night()
    diary = _load_diary(source, weeks, first, now)
    period = report_period(diary, weeks)
    events = source.events(period.start, period.end)  # the weekly answers and the flags
    return PeriodSnapshot(
        diary=diary,
        settings=settings,
        now=now,
        weeks=weeks,
        period=period,
        baseline=_baseline_week(source, diary, first),
        answers=tuple(e for e in events if e.kind == SAFETY_ANSWERS),
        flags=tuple(flags_from(events)),
        every_flag=tuple(source.every_flag()),
        experiment=source.experiment_result(),
    )


def report_period(diary: Diary, weeks: int) -> Period:
    """The last `weeks` weeks (Monday to Sunday, as in the app) of finished nights, the last
    one holding the last finished night, clipped to the first night on record.

    A night is finished once it is past noon the next day, or as soon as its morning log
    is in, so a report made in the morning includes the night just slept once logged.
    """
    end = diary.last_over
    first = diary.first
    if end is None or first is None:
        raise CoachError("nothing is recorded yet; the report needs at least one finished night")
    return Period(start=max(first, week_start(end) - timedelta(weeks=weeks - 1)), end=end)


def _load_diary(source: ReportSource, weeks: int, first: date | None, now: datetime) -> Diary:
    """The nights the report reads: its weeks, with a night to spare each side (`first`:
    the first night on record).

    Reading only these keeps a report on ten years of records as quick as on six weeks;
    the baseline week comes from `_baseline_week`.
    """
    from coach.planner import current_night

    tonight = current_night(source.settings, now)
    if first is None:
        return source.load()
    return source.load(start=max(first, tonight - timedelta(days=weeks * 7 + 1)))


def _baseline_week(source: ReportSource, diary: Diary, first: date | None) -> CrampWeek | None:
    """The first week (Monday to Sunday) with MIN_RATE_NIGHTS logged nights, from the first
    morning log on record on (`first`: the first night with any record)."""
    if first is None:
        return None
    if diary.first is not None and first >= diary.first:
        return diary.baseline()
    end = diary.last or first
    start = first
    # Search forward a quarter at a time: the first log is usually near the first record.
    while start <= end:
        chunk_end = min(end, start + timedelta(days=91))
        logs = source.cramp_logs(start, chunk_end)
        if logs:
            # From the week of the first log on, 14 weeks at a time, each chunk ending on a
            # Sunday so that no week is cut in two.
            start = max(first, week_start(min(logs)))
            while start <= end:
                chunk_end = min(end, week_start(start) + timedelta(days=97))
                baseline = source.load(start=start, end=chunk_end).baseline()
                if baseline is not None:
                    return baseline
                start = chunk_end + timedelta(days=1)
            return None
        start = chunk_end + timedelta(days=1)
    return None


# --- building -------------------------------------------------------------------------------


SAFETY_ANSWERS = "safety-answers"
"""The event the check-in's weekly questions are stored as: data {question key: bool|None}."""
NOT_CRAMPS_QUESTIONS: dict[str, str] = {
    "walking_pain": "Pain in the calf when walking that eases with rest?",
    "elsewhere": "Cramps in other parts of the body?",
}
"""What the answers mean, in the words of CONTENT.md's "Not cramps" and red flags."""


def not_cramps_answers(events: Sequence[Event]) -> tuple[tuple[str, str], ...]:
    """The patient's answers to the weekly questions (their events): the latest answer to
    each, and how often it was yes."""
    answers: dict[str, list[tuple[date, bool]]] = {}
    for event in events:
        for key, value in event.data.items():
            if key in NOT_CRAMPS_QUESTIONS and isinstance(value, bool):
                answers.setdefault(key, []).append((event.night, value))
    rows = []
    for key, question in NOT_CRAMPS_QUESTIONS.items():
        given = sorted(answers.get(key, ()))
        if not given:
            continue
        night, last = given[-1]
        yes = sum(1 for _, value in given if value)
        rows.append(
            (
                question,
                f"{'yes' if last else 'no'} on {night:%d %b %Y}; yes {yes} of {len(given)} "
                f"time{'s' if len(given) != 1 else ''} asked",
            )
        )
    return tuple(rows)


def experiment_blocks(result: ExperimentResult | None) -> tuple[Block, ...]:
    """The personal experiment's result (coach.experiment) as blocks, or () when none was
    ever started."""
    if result is None:
        return ()
    from coach.experiment.protocol import MODEL_WORDS

    blocks: list[Block] = [Paragraph(text=result.summary())]
    running = result.status in ("running", "run-in")
    if result.protocol.arms:
        blocks.append(
            Paragraph(
                text=f"Period sequence, drawn at random in pairs (S stretch, N no-stretch; "
                f"{result.protocol.period_nights} nights each): {result.diagram()}.",
                small=True,
            )
        )
    if result.periods:
        rows = tuple(
            (
                str(p.period),
                _span(p.start, p.end),
                p.arm,
                f"{p.followed:.0%}",
                str(p.logged),
                "hidden" if running else str(p.cramps),
                "hidden"
                if running
                else (f"{p.cramps / p.logged:.2f}" if p.logged >= MIN_RATE_NIGHTS else "-"),
            )
            for p in result.periods
        )
        blocks.append(
            Table(
                header=(
                    "period",
                    "nights",
                    "arm",
                    "followed",
                    "nights counted",
                    "cramps",
                    "per night (rate)",
                ),
                rows=rows,
                align=("r", "l", "l", "r", "r", "r", "r"),
                widths=(1, 3.2, 1.6, 1.2, 1.6, 1, 1.5),
            )
        )
        if running:
            blocks.append(
                Paragraph(
                    text="Cramps per period are hidden while the plan runs, as the estimate "
                    "is: only its planned looks may end it early.",
                    small=True,
                )
            )
    blocks += [
        Paragraph(
            text="Design: randomised block pairs of stretch and no-stretch periods (n-of-1, "
            f"reported after CENT 2015); the first {result.protocol.washout_nights} nights "
            "of each period are left out, and mornings not logged are missing, never zero. "
            f"{MODEL_WORDS}",
            small=True,
        ),
        Paragraph(text=result.limits(), small=True),
    ]
    return tuple(blocks)


PROFILE_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("pregnant", "pregnant"),
    ("fluid_limit", "a fluid limit (or heart, kidney or liver disease, low sodium)"),
    ("trouble_standing", "trouble standing or balancing"),
    ("numb_feet", "numb feet"),
)
"""The profile's questions (config `[profile]`), as the report asks them."""


def profile_answers(settings: Settings) -> tuple[tuple[str, str], ...]:
    """What the patient told the app about themselves: "yes", or "not marked" (the app
    cannot tell a "no" from a question never answered)."""
    profile = settings.profile
    return tuple(
        (question, "yes" if getattr(profile, key) else "not marked")
        for key, question in PROFILE_QUESTIONS
    )


def _patients_words(detail: str, facts: NightFacts | None, rule: str = "") -> str:
    """A finding's detail, with a note's whole words where a note showed it."""
    note = facts.cramps.notes if facts is not None and facts.cramps is not None else ""
    if (detail.startswith("note:") or rule == "new-medicine") and note:
        return f"\u201c{' '.join(note.split())}\u201d"
    return detail


def _words(flag: RaisedFlag, diary: Diary) -> str:
    """What showed a flag, in the patient's words where there are some: the night's whole
    note for a flag a note raised, the answer for an answered sign."""
    facts = diary.night(flag.night) if diary.nights else None
    note = facts.cramps.notes if facts is not None and facts.cramps is not None else ""
    detail = flag.detail
    if (detail.startswith("note:") or flag.rule == "new-medicine") and note:
        return f"\u201c{' '.join(note.split())}\u201d"
    if detail:
        return detail
    return flag.text.split(", night of")[0]


def _sign(flag: RaisedFlag) -> str:
    rule = RULES.get(flag.rule)
    return rule.title if rule is not None else flag.text.split(" (")[0]


def _flag_rows(flags: Sequence[RaisedFlag], diary: Diary) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (
            f"{flag.night:%d %b %Y}",
            flag.level,
            _sign(flag),
            ("(raised in another copy of the data, in its words) " if flag.foreign else "")
            + printable(_words(flag, diary), one_line=True),
            "yes" if flag.acknowledged else "NOT YET",
        )
        for flag in sorted(flags, key=lambda f: (f.night, f.level != "urgent", f.id))
    )


FLAG_HEADER = ("night", "level", "red flag", "what showed it", "acknowledged")


def _raised_for(rule: str, night: date, raised: Sequence[RaisedFlag]) -> bool:
    """Whether a flag raised in the period stands for this night of a rule's pattern. Most
    rules are raised for the night itself. The frequency rule is raised on the night that
    ends 14 frequent nights, and is not raised again in the 14 nights after: each of its
    cramp nights in that span is already in the table."""
    if rule != "frequent":
        return any(flag.id == f"{rule}-{night.isoformat()}" for flag in raised)
    reach = timedelta(days=WINDOW_NIGHTS - 1)
    return any(
        flag.rule == "frequent" and flag.night - reach <= night <= flag.night + reach
        for flag in raised
    )


def safety_section(
    raised: Sequence[RaisedFlag], every: Sequence[RaisedFlag], diary: Diary, period: Period
) -> Section:
    """The block a clinician reads first: the red flags raised in the period (night, sign,
    the patient's words, acknowledged or not), any flag not yet acknowledged whatever its
    night, and the medicines started or changed, of any night; and what coach can miss."""
    blocks: list[Block] = []
    none: list[str] = []
    shown = {flag.id for flag in raised}
    rows = list(_flag_rows(raised, diary))
    for found in find_red_flags(diary, period.start, period.end):
        # What the rules find in the records today and no save raised (records merged or
        # restored, or written before a rule knew the words): one row each.
        nights = [n for n in found.nights if not _raised_for(found.id, n, raised)]
        if not nights:
            continue
        unraised = found._replace(nights=tuple(nights))
        one = diary.night(nights[0]) if len(nights) == 1 else None
        details = {f.rule.id: f.detail for f in night_findings(one)} if one is not None else {}
        words = _patients_words(details.get(found.id, ""), one, found.id) or "the records"
        words = printable(words, one_line=True)
        rows.append(
            (unraised.when(), found.pattern.level, found.pattern.title, words, "not raised")
        )
    older = [f for f in every if not f.acknowledged and f.id not in shown]
    rows += _flag_rows(older, diary)
    if rows:
        blocks.append(
            Table(
                header=FLAG_HEADER,
                rows=tuple(rows),
                align=("l", "l", "l", "l", "l"),
                widths=(1.6, 0.7, 3.0, 2.7, 1.1),
            )
        )
        if older:
            none.append("Flags from outside this period are listed while not acknowledged.")
    else:
        none.append("No red flag was raised or found in this period.")
    medicines: dict[date, str] = {}
    for flag in (*every, *raised):
        if flag.rule == "new-medicine":
            words = _words(flag, diary)
            said = f"{flag.detail}, in the note {words}" if words != flag.detail else words
            medicines[flag.night] = said
    for facts in diary.window(period.start, period.end):
        # The period's notes read again: a note merged or restored here raised nothing.
        note = facts.cramps.notes if facts.cramps is not None else ""
        medicine = note_findings(note).get("new-medicine") if note else None
        if medicine is not None and facts.night not in medicines:
            medicines[facts.night] = f"{medicine}, in the note \u201c{' '.join(note.split())}\u201d"
    if medicines:
        items = tuple(
            (f"Medicine started or changed, {night:%d %b %Y}", printable(said, one_line=True))
            for night, said in sorted(medicines.items())
        )
        blocks.append(Bullets(items=items))
    else:
        none.append("No medicine started or changed was found in the notes, of any date.")
    blocks.append(Paragraph(text=" ".join([*none, LIMITS, ASKED]), small=True))
    return Section(title="Safety: red flags and medicines", blocks=tuple(blocks))


ASKED = "The urgent signs are also asked at each morning log."


def make_report(source: ReportSource, weeks: int, extras: Extras | None = None) -> Report:
    """The report of the last `weeks` weeks: one snapshot read, then built from it."""
    return report_from(read_period(source, weeks), extras)


def report_from(snapshot: PeriodSnapshot, extras: Extras | None = None) -> Report:
    """The report of a snapshot; `extras` given replace what the snapshot would give."""
    extras = extras or Extras()
    if not extras.not_cramps:
        extras = extras._replace(not_cramps=not_cramps_answers(snapshot.answers))
    if not extras.experiment:
        extras = extras._replace(experiment=experiment_blocks(snapshot.experiment))
    if not extras.profile:
        extras = extras._replace(profile=profile_answers(snapshot.settings))
    if extras.safety is None:
        extras = extras._replace(
            safety=safety_section(
                snapshot.flags, snapshot.every_flag, snapshot.diary, snapshot.period
            )
        )
    return build_report(
        snapshot.diary,
        snapshot.settings,
        snapshot.weeks,
        snapshot.now,
        baseline=snapshot.baseline,
        extras=extras,
    )


def build_report(
    diary: Diary,
    settings: Settings,
    weeks: int,
    now: datetime,
    *,
    baseline: CrampWeek | None = None,
    extras: Extras | None = None,
) -> Report:
    """The report of the last `weeks` weeks of `diary`; the baseline defaults to the
    diary's first week logged."""
    extras = extras or Extras()
    period = report_period(diary, weeks)
    nights = diary.window(period.start, period.end)
    whole = diary.cramp_block(period.start, period.nights)
    baseline = baseline if baseline is not None else diary.baseline()
    made = now.astimezone(settings.tz)
    facts: tuple[tuple[str, str], ...] = (
        ("Patient", ""),
        (
            "Period",
            f"{period.start:%a %d %b %Y} to {period.end:%a %d %b %Y} "
            f"({period.nights} night{'s' if period.nights != 1 else ''}, each named by its "
            "evening)",
        ),
        (
            "Nights logged",
            f"{whole.nights_logged} of {period.nights} (a morning log or cramps logged at night)",
        ),
        (
            "Made",
            f"{made:%d %b %Y %H:%M} ({settings.timezone}) by coach {__version__}, from the "
            "patient's own records",
        ),
    )
    if extras.profile:
        # Who the patient is, as they told the app: beside the name, not a section.
        said = [question for question, answer in extras.profile if answer == "yes"]
        unsaid = [question for question, answer in extras.profile if answer != "yes"]
        if said:
            text = f"marked: {'; '.join(said)}."
            text += f" Not marked: {'; '.join(unsaid)}." if unsaid else ""
        else:
            # "none marked (pregnant; ...)" read as if she were pregnant: say what it is.
            text = f"Not marked: {'; '.join(unsaid)}."
        facts = (facts[0], ("Profile", text), *facts[1:])
    safety = extras.safety or safety_section((), (), diary, period)
    sections = [
        safety,
        _cramp_section(diary, period, whole, baseline),
        _longest_section(nights),
        _adherence_section(diary, settings, period, nights),
    ]
    if extras.flags is not None:
        sections.append(extras.flags)
    if extras.not_cramps:
        sections.append(
            Section(
                title="Not cramps? (the patient's answers; the app does not diagnose)",
                blocks=(
                    Table(
                        header=("question", "answer"),
                        rows=extras.not_cramps,
                        align=("l", "l"),
                        widths=(3, 2),
                    ),
                ),
            )
        )
    sections.extend(extras.sections)
    sections.append(_notes_section(nights))
    if extras.experiment:
        sections.append(
            Section(
                title="Personal experiment: does stretching help?",
                blocks=extras.experiment,
            )
        )
    return Report(
        title="Night-time leg cramps: diary report",
        facts=facts,
        sections=tuple(sections),
    )


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def poisson_interval(count: int, level: float = 0.95) -> tuple[float, float]:
    """The exact (Garwood) interval for the mean of a Poisson count."""
    tail = (1 - level) / 2

    def cdf(k: int, mean: float) -> float:
        # P(X <= k), summed in log space so large means do not underflow.
        if k < 0:
            return 0.0
        total = 0.0
        for i in range(k + 1):
            total += math.exp(i * math.log(mean) - mean - math.lgamma(i + 1))
        return min(total, 1.0)

    def solve(target: float, k: int) -> float:
        lo, hi = 0.0, max(10.0, 4.0 * (count + 5))
        for _ in range(80):
            mid = (lo + hi) / 2
            if cdf(k, mid) > target:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    lower = 0.0 if count == 0 else solve(1 - tail, count - 1)
    upper = solve(tail, count)
    return lower, upper


def rate_text(week: CrampWeek) -> str:
    """Cramps per 7 nights with its interval, or why there is none."""
    if week.nights_logged < MIN_RATE_NIGHTS:
        return f"none (<{MIN_RATE_NIGHTS} nights)"
    lo, hi = poisson_interval(week.cramps)
    scale = 7 / week.nights_logged
    return f"{week.cramps * scale:.1f} ({lo * scale:.1f}-{hi * scale:.1f})"


def _span(start: date, end: date) -> str:
    if start == end:
        return f"{start:%d %b %Y}"
    if start.year != end.year:
        return f"{start:%d %b %Y} - {end:%d %b %Y}"
    return f"{start:%d %b} - {end:%d %b %Y}"


def _week_row(label: str, week: CrampWeek) -> tuple[str, ...]:
    nights = (week.end - week.start).days + 1
    # A week with nothing logged has no count: a 0 would read as a week without cramps.
    known = week.nights_logged > 0
    return (
        label,
        f"{week.nights_logged} of {nights}",
        str(week.cramp_nights) if known else "-",
        str(week.cramps) if known else "-",
        rate_text(week),
        _num(week.mean_severity),
        _num(week.mean_disturbance),
    )


def weekly_blocks(period: Period) -> list[tuple[date, date]]:
    """The period's weeks, Monday to Sunday as in the app; the first and the last may be
    shorter."""
    return calendar_weeks(period.start, period.end)


def _cramp_section(
    diary: Diary, period: Period, whole: CrampWeek, baseline: CrampWeek | None
) -> Section:
    rows: list[tuple[str, ...]] = []
    bars: list[ChartBar] = []
    spans = weekly_blocks(period)
    # The baseline gets a row of its own unless it is one of the period's weeks already.
    aligned = baseline is not None and baseline.end in {end for _, end in spans}
    if baseline is not None and not aligned:
        rows.append(
            _week_row(
                f"Baseline: first week logged, {_span(baseline.start, baseline.end)}",
                baseline,
            )
        )
        if baseline.end < period.start:
            bars.append(
                ChartBar(
                    label=f"{baseline.start:%d %b}\nbaseline",
                    cramps=baseline.cramps,
                    nights_logged=baseline.nights_logged,
                    nights=7,
                    baseline=True,
                )
            )
    for start, end in spans:
        block = diary.cramp_block(start, (end - start).days + 1)
        is_baseline = aligned and baseline is not None and end == baseline.end
        label = _span(start, end) + (" (baseline)" if is_baseline else "")
        rows.append(_week_row(label, block))
        bars.append(
            ChartBar(
                label=f"{start:%d %b}" + ("\nbaseline" if is_baseline else ""),
                cramps=block.cramps,
                nights_logged=block.nights_logged,
                nights=(end - start).days + 1,
                baseline=is_baseline,
            )
        )
    rows.append(_week_row("Whole period", whole))
    table = Table(
        header=(
            "nights",
            "logged",
            "with cramps",
            "cramps",
            "rate per 7 nights (95% CI)",
            "worst pain 0-10",
            "sleep disturbed 0-10",
        ),
        rows=tuple(rows),
        align=("l", "r", "r", "r", "r", "r", "r"),
        total=True,
        widths=(3.5, 1.3, 1.3, 1.05, 3.3, 1.45, 1.9),
    )
    chart = WeeklyChart(
        title="Cramps per week (count), nights logged under each bar; hatched: under "
        f"{MIN_RATE_NIGHTS} nights logged",
        bars=tuple(bars),
    )
    blocks: list[Block] = [chart, table, Paragraph(text=RATE_NOTE, small=True)]
    if baseline is not None:
        blocks.append(Paragraph(text=BASELINE_NOTE, small=True))
    return Section(title="Cramps per week", blocks=tuple(blocks))


def _longest_section(nights: Sequence[NightFacts]) -> Section:
    timed = [f for f in nights if f.longest_minutes is not None and f.longest_minutes > 0]
    timed.sort(key=lambda f: (-(f.longest_minutes or 0.0), f.night))
    title = "Longest cramps"
    if not timed:
        return Section(
            title=title,
            blocks=(Paragraph(text="No cramp durations were logged in this period."),),
            narrow=True,
        )
    note = (
        "Durations from the morning check-in are bands (for example 1-5 min); those from "
        "the command line or a timed episode are as entered."
    )
    rows = []
    for facts in timed[:LONGEST_SHOWN]:
        log = facts.cramps
        severity = "-" if log is None or log.severity is None else str(log.severity)
        leg: str = (log.leg if log else None) or "-"
        muscle = (log.muscle if log else None) or "-"
        longest = _longest_episode(facts)
        if longest is not None:
            # The longest cramp was logged at night: its own leg and muscle (and its pain,
            # when the morning log gives none).
            data = longest.data
            leg = _text_or(data.get("leg"), "-")
            muscle = _text_or(data.get("muscle"), "-")
            if severity == "-":
                severity = _text_or(data.get("severity"), "-")
        rows.append((f"{facts.night:%a %d %b %Y}", _longest_text(facts), severity, leg, muscle))
    table = Table(
        header=("night", "minutes", "worst pain", "leg", "muscle"),
        rows=tuple(rows),
        align=("l", "r", "r", "l", "l"),
        widths=(3.1, 1.5, 1.6, 1.1, 1.4),
    )
    return Section(title=title, blocks=(table, Paragraph(text=note, small=True)), narrow=True)


def _longest_episode(facts: NightFacts) -> Event | None:
    """The cramp logged at night that is the night's longest, if one is (longer than the
    morning log's)."""
    timed = [(m, e) for e in facts.episodes if (m := episode_minutes(e)) is not None]
    if not timed:
        return None
    minutes, episode = max(timed, key=lambda pair: pair[0])
    log_minutes = facts.log_minutes
    return episode if log_minutes is None or minutes > log_minutes else None


def _text_or(value: object, missing: str) -> str:
    """A stored value as the report prints it: text cleaned, a number as it is."""
    if isinstance(value, bool) or value is None:
        return missing
    if isinstance(value, int | float):
        return f"{value:g}"
    return printable(str(value), one_line=True) or missing


def _longest_text(facts: NightFacts) -> str:
    """The night's longest cramp in minutes as it was logged: the morning log's band
    ('1-5') or minutes, or a timed episode's minutes if one was longer."""
    log = facts.cramps
    longest = facts.longest_minutes or 0.0
    if log is not None and log.band is not None and facts.log_minutes == longest:
        return log.band
    return f"{longest:g}"


def _adherence_section(
    diary: Diary, settings: Settings, period: Period, nights: Sequence[NightFacts]
) -> Section:
    titles = {step.id: step.title for step in settings.routine.steps}
    rows = []
    for item in diary.adherence(period.nights, end=period.end):
        share = "-" if item.rate is None else f"{item.rate:.0%}"
        rows.append((titles.get(item.step, item.step), str(item.done), str(item.nights), share))
    table = Table(
        header=("step", "done", "of nights", "share"),
        rows=tuple(rows),
        align=("l", "r", "r", "r"),
        widths=(4.3, 0.9, 1.3, 1.0),
    )
    finished = [f for f in nights if f.over]
    complete = sum(1 for f in finished if f.complete)
    paused = sum(1 for f in finished if f.paused)
    # A paused night counts only when every step was done anyway, as in the table above.
    expected = sum(1 for f in finished if f.complete or not f.paused)
    text = f"Every step done on {complete} of {expected} night{'s' if expected != 1 else ''}."
    if paused:
        text += (
            f" Reminders were paused on {paused} night{'s' if paused != 1 else ''}; steps "
            "not done on those are left out."
        )
    return Section(
        title="Evening routine: steps done",
        blocks=(table, Paragraph(text=text, small=True)),
        narrow=True,
    )


def _notes_section(nights: Sequence[NightFacts]) -> Section:
    noted = [
        (f.night, f.cramps.notes, is_foreign(f.cramps.origin))
        for f in nights
        if f.cramps is not None and f.cramps.notes
    ]
    title = "Notes the patient wrote (medicines and anything else)"
    if not noted:
        return Section(title=title, blocks=(Paragraph(text="No notes in this period."),))
    items = tuple(
        (
            f"{night:%a %d %b %Y}",
            ("(from another copy of the data) " if foreign else "")
            + " ".join(printable(note, one_line=True).split()),
        )
        for night, note, foreign in noted
    )
    return Section(title=title, blocks=(Bullets(items=items),))


# --- Markdown -------------------------------------------------------------------------------
