"""Adherence, streaks, habit strength and the cramp diary by week.

Everything here is computed from a `Diary`: one pass over the store that turns each night
into a small `NightFacts`. Windowed figures (7/30/90 days, N weeks) are cached per window,
so a screen that asks again on every key press does not rescan ten years of records.

Definitions (shown to the user in plain words, so keep them simple):

- A night is **complete** when every enabled step was recorded as done. A skipped step
  is an honest record, but it is not done: a night with a skip is not complete.
- A **paused** night (a "pause" event: the user silenced that night's reminders) neither
  breaks nor extends a streak, and steps not done on it are left out of adherence.
- Tonight, while it is not over, neither breaks nor extends a streak; it extends the
  current streak as soon as it is complete.
- Nights before the first record in the store are not counted at all: a new user's
  figures start from their first night.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal, NamedTuple, TypeVar

from coach.diary.episodes import UNKNOWN_EVENT, cramp_episodes, episode_minutes, night_cramps
from coach.experiment.protocol import assignment, safe_protocol
from coach.planner import current_night, last_slept_night, plan_night
from coach.records.schema import Outcome
from coach.records.store import NO_DATA, CrampLog, Event, Store, paused_from
from coach.settings.model import Settings

NightStatus = Literal["complete", "partial", "none", "paused", "pending"]
StepStatus = Literal["done", "skipped", "missed", "pending"]
"""A step on a night: its latest outcome, or missed / pending when none was recorded."""

STRETCH = "stretch"
ANSWERS_EVENT = "safety-answers"
"""The check-in's weekly questions (walking pain, cramps elsewhere), as an event."""
WINDOWS: tuple[int, ...] = (7, 30, 90)
"""The adherence windows the history screen shows, in days."""

DURATION_BANDS: tuple[tuple[str, float], ...] = (
    ("under 1", 0.5),
    ("1-5", 3.0),
    ("5-10", 7.5),
    ("over 10", 11.0),
)
"""The longest-cramp bands the morning check-in offers (minutes), each with a value used
only to compare and check durations (the middle of the band, and just over 10 for
"over 10" so the red-flag check sees it). A band is stored and shown as a band."""
STREAK_EXPLANATION = (
    "A night counts toward the streak when every step is done; a paused night neither "
    "breaks nor extends it."
)

STRENGTH_GAIN = 1 / 14
"""Share of the gap to the night's completion that habit strength gains on a good night."""
STRENGTH_FADE = 1 / 42
"""Share of the gap it loses on a worse night: three times slower than it grows."""
STRENGTH_EXPLANATION = (
    "Habit strength grows with each night you do the routine and fades slowly if you don't."
)
"""One line for the app; the numbers: two weeks of full nights take it from 0 to about 65,
and a missed week after that costs about ten points."""


class NightFacts(NamedTuple):
    """One night as the statistics see it."""

    night: date
    steps: Mapping[str, StepStatus]
    """Step id -> its status, for every enabled step and any other step that has a record."""
    required: tuple[str, ...]
    """The enabled steps: the ones a complete night needs done."""
    cramps: CrampLog | None = None
    """The morning log, if one was made."""
    episodes: tuple[Event, ...] = ()
    """'cramp-episode' events logged during the night."""
    paused: bool = False
    over: bool = True
    """False while the night is still running (tonight)."""
    answers: Mapping[str, Any] = NO_DATA
    """The check-in's weekly safety questions answered for this night, if asked."""
    forgotten: bool = False
    """Asked about in the check-in and answered "don't remember": still unknown."""

    @property
    def done(self) -> int:
        return sum(1 for step in self.required if self.steps.get(step) == "done")

    @property
    def fraction(self) -> float:
        """Share of the enabled steps done, 0.0 to 1.0."""
        return self.done / len(self.required) if self.required else 0.0

    @property
    def complete(self) -> bool:
        return bool(self.required) and self.done == len(self.required)

    @property
    def counted(self) -> bool:
        """Whether the night counts in the figures: once it is over, or as soon as it is
        complete. The streak, adherence and habit strength all take the same nights, so a
        correction (or a morning log taken back before noon) moves them together."""
        return self.over or self.complete

    @property
    def status(self) -> NightStatus:
        if self.paused:
            return "paused"
        if self.complete:
            return "complete"
        if not self.over:
            return "pending"
        return "partial" if self.done else "none"

    @property
    def had_cramps(self) -> bool:
        """A cramp was logged: in the morning log, or as an episode during the night."""
        return bool(self.episodes) or (self.cramps is not None and self.cramps.cramps > 0)

    @property
    def logged(self) -> bool:
        """Something is known about the night's cramps: a morning log or an episode.

        A night with neither is unknown, not cramp-free."""
        return self.cramps is not None or bool(self.episodes)

    @property
    def cramp_count(self) -> int | None:
        """The night's cramps: the morning log's count or the episodes logged during the
        night, whichever is more (the morning log usually counts those episodes too);
        None for a night nothing is known about."""
        logged = self.cramps.cramps if self.cramps is not None else None
        return night_cramps(logged, len(self.episodes))

    @property
    def longest_minutes(self) -> float | None:
        """The longest cramp of the night, from the morning log and the episodes."""
        found = [float(m) for m in (episode_minutes(e) for e in self.episodes) if m is not None]
        if self.log_minutes is not None:
            found.append(self.log_minutes)
        return max(found, default=None)

    @property
    def log_minutes(self) -> float | None:
        """The morning log's longest cramp, to compare: its minutes, or its band's value."""
        log = self.cramps
        if log is None:
            return None
        if log.band is not None:
            return dict(DURATION_BANDS).get(log.band)
        return log.minutes


class Adherence(NamedTuple):
    """How often one step was done in a window."""

    step: str
    done: int
    nights: int
    """Nights on which the step was expected (paused nights only when it was done)."""

    @property
    def rate(self) -> float | None:
        return self.done / self.nights if self.nights else None


class Streaks(NamedTuple):
    """Runs of complete nights."""

    current: int
    best: int
    from_first: bool
    """Nothing broke the current run back to the diary's first night: a diary of recent
    nights only may not hold all of it."""


MIN_RATE_NIGHTS = 4
"""No rate is worked out from fewer logged nights than this: it would be noise (History,
the trend view and the report)."""


def week_start(night: date) -> date:
    """The Monday of `night`'s week. A week runs Monday to Sunday by the evening's date: the
    one definition of a week for History, the trend view and the report, so a week's figures
    are the same on every screen and on paper."""
    return night - timedelta(days=night.weekday())


def calendar_weeks(start: date, end: date) -> list[tuple[date, date]]:
    """The weeks (Monday to Sunday) that nights start..end fall in, oldest first, each
    clipped to start..end: the first and the last may be shorter than seven nights."""
    weeks = []
    monday = week_start(start)
    while monday <= end:
        weeks.append((max(monday, start), min(monday + timedelta(days=6), end)))
        monday += timedelta(days=7)
    return weeks


class CrampWeek(NamedTuple):
    """The cramp diary over one stretch of (up to) seven nights."""

    start: date
    end: date
    nights_logged: int
    cramp_nights: int
    cramps: int
    severities: tuple[int, ...] = ()
    """Worst pain of each logged night that had cramps and a severity."""
    disturbances: tuple[int, ...] = ()
    """Sleep disturbance (0-10) of each logged night that has one."""

    @property
    def per_week(self) -> float | None:
        """Cramps per week, scaled from the nights that were logged."""
        return self.cramps * 7 / self.nights_logged if self.nights_logged else None

    @property
    def mean_severity(self) -> float | None:
        return sum(self.severities) / len(self.severities) if self.severities else None

    @property
    def mean_disturbance(self) -> float | None:
        return sum(self.disturbances) / len(self.disturbances) if self.disturbances else None


_T = TypeVar("_T")


@dataclass
class Diary:
    """Every night from the first record to tonight, with cached statistics over them."""

    nights: list[NightFacts]
    required: tuple[str, ...]
    _cache: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)

    # --- building -------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        store: Store,
        settings: Settings,
        now: datetime,
        *,
        start: date | None = None,
        end: date | None = None,
    ) -> Diary:
        """Read nights start..end (default: the first record to tonight) in one pass."""
        required = tuple(step.id for step in settings.enabled_steps)
        end = end or current_night(settings, now)
        first = start or store.first_night()
        if first is None or first > end:
            return cls(nights=[], required=required)
        recorded = store.latest_steps(first, end)
        logs = store.cramp_logs(first, end)
        events = store.events(first, end)
        paused = paused_from(events)  # `coach pause --undo` un-pauses a night
        episodes: dict[date, list[Event]] = {}
        for event in cramp_episodes(events):
            episodes.setdefault(event.night, []).append(event)
        by_night = {night: tuple(found) for night, found in episodes.items()}
        forgotten = {event.night for event in events if event.kind == UNKNOWN_EVENT}
        answers: dict[date, dict[str, Any]] = {}
        for event in events:  # the latest answer to each question wins
            if event.kind == ANSWERS_EVENT:
                answers.setdefault(event.night, {}).update(event.data)
        # Only the last two nights can still be running; planning every night of ten
        # years just to learn that it is over would be most of the cost of a load.
        running_from = current_night(settings, now) - timedelta(days=1)
        # The night just slept is over once its morning log is in (or its cramps are
        # answered "don't remember"), even before noon: a report made on Monday morning
        # after logging Sunday's night includes Sunday.
        slept = last_slept_night(settings, now)
        protocol = safe_protocol(store)
        # A no-stretch night of the experiment asks no stretch: following the plan must not
        # break a streak or lower adherence.
        without_stretch = tuple(step for step in required if step != STRETCH)
        nights = []
        for night in _dates(first, end):
            over = (
                night < running_from
                or (night <= slept and (night in logs or night in forgotten))
                or now >= plan_night(settings, night).ends_at
            )
            assigned = assignment(protocol, night) if protocol is not None else None
            facts = _facts(
                night,
                without_stretch
                if assigned is not None and assigned.arm == "no-stretch"
                else required,
                recorded.get(night, NO_DATA),
                logs.get(night),
                by_night.get(night, ()),
                night in paused,
                over,
                answers.get(night, NO_DATA),
            )
            nights.append(facts._replace(forgotten=True) if night in forgotten else facts)
        return cls(nights=nights, required=required)

    def replace_night(self, facts: NightFacts) -> None:
        """Put one night, read again after a correction, in place of the one held, and
        forget every cached figure (a night outside the diary's span is left out)."""
        index = self._index(facts.night)
        if index is None:
            return
        self.nights[index] = facts
        self._cache.clear()

    # --- looking up -----------------------------------------------------------------

    @property
    def first(self) -> date | None:
        return self.nights[0].night if self.nights else None

    @property
    def last(self) -> date | None:
        return self.nights[-1].night if self.nights else None

    def _index(self, night: date) -> int | None:
        if not self.nights:
            return None
        index = (night - self.nights[0].night).days
        return index if 0 <= index < len(self.nights) else None

    def night(self, night: date) -> NightFacts | None:
        index = self._index(night)
        return None if index is None else self.nights[index]

    def window(self, start: date, end: date) -> Sequence[NightFacts]:
        """The nights start..end that the diary holds, oldest first."""
        if not self.nights or end < start:
            return []
        first = max(0, (start - self.nights[0].night).days)
        last = min(len(self.nights) - 1, (end - self.nights[0].night).days)
        return self.nights[first : last + 1] if first <= last else []

    @property
    def last_over(self) -> date | None:
        """The latest night that is over (yesterday's, while tonight runs)."""
        facts: NightFacts  # mypy types `reversed` of a tuple type holding Any as Any
        for facts in reversed(self.nights):
            if facts.over:
                return facts.night
        return None

    def _cached(self, key: tuple[Any, ...], compute: Callable[[], _T]) -> _T:
        if key not in self._cache:
            self._cache[key] = compute()
        result: _T = self._cache[key]
        return result

    # --- statistics -----------------------------------------------------------------

    @property
    def last_counted(self) -> date | None:
        """The latest night that counts in the figures (over, or complete already)."""
        return next((f.night for f in reversed(self.nights) if f.counted), None)

    def adherence(self, days: int, end: date | None = None) -> list[Adherence]:
        """Per enabled step: nights done of nights expected, over the `days` nights to `end`
        (default: the last night that counts, as in the streak)."""
        end = end or self.last_counted
        if end is None:
            return [Adherence(step=step, done=0, nights=0) for step in self.required]
        result: list[Adherence] = self._cached(
            ("adherence", days, end), lambda: self._adherence(days, end)
        )
        return result

    def _adherence(self, days: int, end: date) -> list[Adherence]:
        counts = {step: [0, 0] for step in self.required}
        for facts in self.window(end - timedelta(days=days - 1), end):
            if not facts.counted:
                continue
            for step in self.required:
                done = facts.steps.get(step) == "done"
                # Paused nights, and the stretch on an experiment's no-stretch night, are
                # not expected: they count only when done anyway.
                if (facts.paused or step not in facts.required) and not done:
                    continue
                counts[step][1] += 1
                counts[step][0] += done
        return [
            Adherence(step=step, done=done, nights=nights)
            for step, (done, nights) in counts.items()
        ]

    def streaks(self) -> Streaks:
        """The current run of complete nights and the best run ever."""
        result: Streaks = self._cached(("streaks",), self._streaks)
        return result

    def _streaks(self) -> Streaks:
        run = best = 0
        broken = False
        for facts in self.nights:
            if facts.paused:
                continue
            if facts.complete:
                run += 1
                best = max(best, run)
            elif facts.over:
                run = 0
                broken = True
        return Streaks(current=run, best=best, from_first=not broken)

    def habit_strength(self) -> int:
        """0 to 100: rises with nights done, fades three times more slowly."""
        result: int = self._cached(("strength",), self._strength)
        return result

    def _strength(self) -> int:
        return round(strength_over(self.nights) * 100)

    def cramp_block(self, start: date, days: int = 7) -> CrampWeek:
        """The cramp diary of `days` nights from `start`."""
        end = start + timedelta(days=days - 1)
        result: CrampWeek = self._cached(
            ("block", start, days), lambda: _cramp_week(start, end, self.window(start, end))
        )
        return result

    def cramp_weeks(self, weeks: int, end: date | None = None) -> list[CrampWeek]:
        """Calendar weeks (Monday to Sunday, by the evening's date), oldest first, the last
        one holding `end` (default: the last night that is over)."""
        end = end or self.last_over or self.last
        if end is None:
            return []
        monday = week_start(end)
        starts = [monday - timedelta(weeks=w) for w in range(weeks - 1, -1, -1)]
        return [self.cramp_block(start, 7) for start in starts]

    def baseline(self) -> CrampWeek | None:
        """What later weeks compare to: the first week (Monday to Sunday, as everywhere)
        from the first logged night (a morning log or an episode) on that has
        MIN_RATE_NIGHTS logged nights, so that it has a rate; None if no week has. Only
        nights that are over count: tonight, still running, is in no week yet."""
        first = self._cached(("first-log",), self._first_log)
        last = self.last_over
        if first is None or last is None:
            return None
        # Nights before the first on record are not in the diary: the week starts there.
        for start, end in calendar_weeks(max(week_start(first), self.nights[0].night), last):
            week = self.cramp_block(start, (end - start).days + 1)
            if week.nights_logged >= MIN_RATE_NIGHTS:
                return week
        return None

    def _first_log(self) -> date | None:
        return next((f.night for f in self.nights if f.logged), None)


def strength_over(nights: Sequence[NightFacts]) -> float:
    """Habit strength after these nights, 0.0 to 1.0, starting from 0.

    Each finished, unpaused night moves the score toward that night's share of steps done:
    by STRENGTH_GAIN of the gap when that is higher, by STRENGTH_FADE when lower.
    """
    score = 0.0
    for facts in nights:
        if facts.paused or not facts.counted:
            continue
        target = facts.fraction
        rate = STRENGTH_GAIN if target >= score else STRENGTH_FADE
        score += (target - score) * rate
    return score


def _cramp_week(start: date, end: date, nights: Sequence[NightFacts]) -> CrampWeek:
    logged = cramp_nights = cramps = 0
    severities: list[int] = []
    disturbances: list[int] = []
    for facts in nights:
        count = facts.cramp_count
        if count is None:
            continue
        logged += 1
        cramps += count
        log = facts.cramps
        if log is not None and log.disturbance is not None:
            disturbances.append(log.disturbance)
        if count > 0:
            cramp_nights += 1
            severity = _night_severity(facts)
            if severity is not None:
                severities.append(severity)
    return CrampWeek(
        start=start,
        end=end,
        nights_logged=logged,
        cramp_nights=cramp_nights,
        cramps=cramps,
        severities=tuple(severities),
        disturbances=tuple(disturbances),
    )


def _night_severity(facts: NightFacts) -> int | None:
    """The morning log's worst pain, else the worst pain given for an episode."""
    if facts.cramps is not None and facts.cramps.severity is not None:
        return facts.cramps.severity
    given = [e.data.get("severity") for e in facts.episodes]
    return max((v for v in given if isinstance(v, int)), default=None)


def _facts(
    night: date,
    required: tuple[str, ...],
    recorded: Mapping[str, Outcome],
    log: CrampLog | None,
    episodes: tuple[Event, ...],
    paused: bool,
    over: bool,
    answers: Mapping[str, Any],
) -> NightFacts:
    # The enabled steps first, in order, then any other step that has a record.
    steps: dict[str, StepStatus] = dict.fromkeys(required, "missed" if over else "pending")
    steps.update(recorded)
    return NightFacts(
        night=night,
        steps=steps,
        required=required,
        cramps=log,
        episodes=episodes,
        paused=paused,
        over=over,
        answers=answers,
    )


def _dates(start: date, end: date) -> Iterator[date]:
    night = start
    while night <= end:
        yield night
        night += timedelta(days=1)
