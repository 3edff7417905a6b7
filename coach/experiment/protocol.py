"""The personal experiment: "does stretching help me?", as a randomised n-of-1 trial.

The design (Kravitz & Duan's block pairs, CONTENT.md): the nights after a run-in are cut
into periods of `period_nights`; each pair of periods holds one stretch and one no-stretch
period in random order. The first `washout_nights` of every period are left out of the
comparison, because the effect of stretching (or of stopping it) takes nights to build and
to fade. The number of pairs is sized from the user's own cramp rate in the run-in. The
protocol is drawn and stored before the first randomised night; the analysis follows it,
and changing it means stopping and starting again.

The protocol also fixes a stopping rule: after each pair from `first_look` on, an interim
look (`interim`) analyses the pairs so far and ends the plan when the answer is already
clear: harm first, then benefit, then futility. Looks run the model, so they are taken by
`advance` (commands) or in a worker (the app), once due, never by the planner; the answer
of a look that ends the plan is stored (`EarlyEnd`) and the usual routine comes back from
the next night.

Plans stored before version 3 (14-night periods, a model of nightly counts) keep their
periods, arms, looks taken and bars; they are analysed with the pair model and its
harm-first rule, which the bench calibrated (bench/README.md), since the nightly model was
over-confident when cramps cluster.

Defaults live in `coach.experiment.design`; the analysis in `coach.experiment.analysis`.
Everything here is driven through any store that satisfies
`coach.experiment.store.ExperimentStore`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, NamedTuple

from coach.errors import CoachError
from coach.experiment import design
from coach.experiment.analysis import (
    NIGHT_KEYS,
    STOP_REASONS,
    VERDICTS,
    Analysis,
    Arm,
    Observation,
    PeriodSummary,
    StopReason,
    Verdict,
    analyse,
    periods,
)
from coach.experiment.checks import STATE_KEY, plan_lock
from coach.experiment.design import (
    BENEFIT_RATIO,
    FIRST_LOOK,
    FUTILITY_PROBABILITY,
    HARM_HOLD,
    HARM_PROBABILITY,
    HELPS_PROBABILITY,
    LOOK_EVERY,
    MAX_INVERSE_SIZE,
    MAX_PAIRS,
    MIN_ARM_NIGHTS,
    MIN_CRAMP_NIGHTS,
    MIN_PAIRS,
    PERIOD_NIGHTS,
    PLAN_SIZE,
    PROTOCOL_VERSION,
    RUN_IN_MIN_LOGGED,
    RUN_IN_NIGHTS,
    SIZING_POWER,
    STOP_PROBABILITY,
    TARGET_POWER,
    WASHOUT_NIGHTS,
    Rules,
    draw_arms,
    outlook,
    pairs_needed,
    weeks,
)
from coach.experiment.estimate import Estimate
from coach.experiment.store import ExperimentStore
from coach.planner import Plan, current_night, last_slept_night, plan_night
from coach.settings.model import Settings

__all__ = [
    "BENEFIT_RATIO",
    "MAX_PAIRS",
    "MIN_ARM_NIGHTS",
    "MIN_CRAMP_NIGHTS",
    "MIN_PAIRS",
    "NIGHT_KEYS",
    "PERIOD_NIGHTS",
    "RUN_IN_MIN_LOGGED",
    "RUN_IN_NIGHTS",
    "SIZING_POWER",
    "TARGET_POWER",
    "WASHOUT_NIGHTS",
    "Analysis",
    "Estimate",
    "Observation",
    "PeriodSummary",
    "Verdict",
    "draw_arms",
    "pairs_needed",
]

STRETCH = "stretch"

Phase = Literal["run-in", "randomised"]
Status = Literal["run-in", "running", "complete", "stopped"]


CHANCE_ONLY = (
    "The bars were set by simulation so that, when stretching makes no difference, a wrong "
    '"helps" comes less than 1 time in 20, by chance alone: that figure says nothing about '
    "expectation (knowing which nights are stretch nights can lower the counts on its own)."
)
EXPECTATION = (
    "You knew which nights were stretch nights, so expectation may play a part: an answer "
    "of fewer cramps on stretch nights can come partly from expecting fewer (it cannot be "
    "blinded)."
)
FUTILE = (
    "a benefit worth having (at least 25% fewer cramps, or 1 fewer a week, counting the "
    "stretches as if done every planned night) had already become unlikely. This does not "
    "show that stretching does nothing for you: a smaller benefit, or one that builds over "
    "more weeks than a period, can be missed"
)


class EarlyEnd(NamedTuple):
    """An experiment that ended at an interim look: its answer, fixed when it was taken."""

    night: date
    """The first night back on the usual routine: the night after the pairs looked at, or
    the night the look was taken when that is later."""
    pairs: int
    """The pairs the look analysed."""
    through: date
    """The last night analysed (the last night of those pairs)."""
    verdict: Verdict
    reason: StopReason
    log_ratio: float
    sd: float
    nights: Mapping[str, int]
    adherence: float | None
    df: float = math.inf
    """The estimate's degrees of freedom (infinite: a normal, before version 3)."""
    p_benefit: float | None = None
    """The chance of a worthwhile benefit at the look (None: stored before version 3)."""

    @property
    def estimate(self) -> Estimate:
        return Estimate(log_ratio=self.log_ratio, sd=self.sd, df=self.df)

    def to_state(self) -> dict[str, Any]:
        doc = self._asdict()
        doc["night"], doc["through"] = self.night.isoformat(), self.through.isoformat()
        doc["nights"] = dict(self.nights)
        doc["df"] = None if math.isinf(self.df) else self.df
        return doc

    @classmethod
    def from_state(cls, doc: Mapping[str, Any]) -> EarlyEnd:
        verdict, reason = doc["verdict"], doc["reason"]
        if verdict not in VERDICTS or reason not in STOP_REASONS:
            raise ValueError("bad early end")
        adherence, df, benefit = doc.get("adherence"), doc.get("df"), doc.get("p_benefit")
        return cls(
            night=date.fromisoformat(doc["night"]),
            pairs=int(doc["pairs"]),
            through=date.fromisoformat(doc["through"]),
            verdict=verdict,
            reason=reason,
            log_ratio=float(doc["log_ratio"]),
            sd=float(doc["sd"]),
            nights={key: int(doc["nights"][key]) for key in NIGHT_KEYS},
            adherence=None if adherence is None else float(adherence),
            df=math.inf if df is None else float(df),
            p_benefit=None if benefit is None else float(benefit),
        )

    def json(self) -> dict[str, Any]:
        """The `ended_early` object of `coach experiment result|status --json`."""
        return {
            "night": self.night.isoformat(),
            "after_pairs": self.pairs,
            "through": self.through.isoformat(),
            "reason": self.reason,
        }

    @property
    def leans_to_harm(self) -> bool:
        """Ended for harm, or for futility with more cramps on stretch nights."""
        return self.reason == "harm" or (self.reason == "futility" and self.log_ratio > 0)

    def back_words(self) -> str:
        """What the nights after it hold: the usual routine, and, when the look leaned to
        harm, the choice of keeping the stretches left to the person."""
        if self.leans_to_harm:
            return (
                "your usual routine is back, stretches included (whether to keep them is "
                "yours to decide, perhaps with your doctor)"
            )
        return "your usual routine is back: stretches every night"

    def headline(self) -> str:
        """The answer of the look in one line (an estimate leaning to harm says so)."""
        if self.reason == "benefit":
            return "Stretching seems to help you."
        if self.reason == "harm":
            return "You had more cramps on stretch nights."
        if self.log_ratio > 0:
            return "No clear difference, though stretch nights had more cramps."
        return "No clear difference between stretch and no-stretch nights."

    def words(self, planned_pairs: int) -> str:
        """Why the experiment ended early, in plain words."""
        why = {
            "benefit": "your stretch nights already had clearly fewer cramps than your "
            "no-stretch nights, by enough to be worth having",
            "harm": "your stretch nights already had clearly more cramps than your "
            "no-stretch nights",
            "futility": FUTILE,
        }[self.reason]
        back = self.back_words()
        return (
            f"The experiment ended early, after {self.pairs} of its {planned_pairs} pairs "
            f"of periods (the nights to {self.through:%d %b %Y}), because {why}. "
            f"From the night of {self.night:%a %d %b} {back}."
        )


class Protocol(NamedTuple):
    """The stored plan of one experiment. `start` is None while the run-in lasts."""

    created: str
    run_in_start: date
    start: date | None = None
    arms: tuple[str, ...] = ()
    """One arm per period, in order: each pair holds both, in random order."""
    period_nights: int = PERIOD_NIGHTS
    washout_nights: int = WASHOUT_NIGHTS
    run_in_rate: float | None = None
    """Cramps per logged night in the run-in that sized the plan."""
    stopped: date | None = None
    """The first night no longer part of the experiment, when the user stopped it."""
    version: int = PROTOCOL_VERSION
    first_look: int = FIRST_LOOK
    """Pairs before the first interim look; 0: no interim looks (plans stored before
    early stopping was calibrated keep the rule they were fixed with)."""
    look_every: int = LOOK_EVERY
    stop_probability: float = STOP_PROBABILITY
    """A look ends the experiment with "helps" when the chance that stretch nights have
    fewer cramps is at least this (and a worthwhile benefit is likely)."""
    futility_probability: float = FUTILITY_PROBABILITY
    """A look ends it with "no clear difference" when the chance of a worthwhile benefit
    is below this (0: never)."""
    helps_probability: float = HELPS_PROBABILITY
    """The planned end's bar for "helps" and "worse"."""
    looked: int = 0
    """The pairs already looked at (each look is taken once, on the nights it covers)."""
    ended: EarlyEnd | None = None
    """The interim look that ended the experiment, with its answer."""
    harm_probability: float = HARM_PROBABILITY
    """A look ends it with "worse" when the chance of more cramps is at least this."""
    harm_hold: float = HARM_HOLD
    """No futility stop while the chance of more cramps is at least this."""
    power: float | None = None
    """The chance of "helps" the sizing predicted if stretching halves the cramps."""
    median_weeks: int | None = None
    """The weeks by which half of such plans would answer if stretching halves the cramps
    (predicted with `power`, run-in included)."""

    @property
    def rules(self) -> Rules:
        return Rules(
            first_look=self.first_look,
            look_every=self.look_every,
            stop_probability=self.stop_probability,
            harm_probability=self.harm_probability,
            futility_probability=self.futility_probability,
            harm_hold=self.harm_hold,
            helps_probability=self.helps_probability,
        )

    @property
    def pairs(self) -> int:
        return len(self.arms) // 2

    @property
    def end(self) -> date | None:
        """The last night of the plan."""
        if self.start is None:
            return None
        return self.start + timedelta(days=len(self.arms) * self.period_nights - 1)

    @property
    def weeks(self) -> int:
        return math.ceil(len(self.arms) * self.period_nights / 7)

    @property
    def over_from(self) -> date | None:
        """The first night outside the experiment, once stopped or ended early."""
        if self.stopped is not None:
            return self.stopped
        return None if self.ended is None else self.ended.night

    def look_pairs(self) -> range:
        """The pairs after which an interim look is taken (never after the last pair: the
        planned end has its own analysis)."""
        if self.first_look <= 0:
            return range(0)
        return range(self.first_look, self.pairs, max(1, self.look_every))

    def pair_end(self, pairs: int) -> date:
        """The last night of the first `pairs` pairs."""
        assert self.start is not None
        return self.start + timedelta(days=pairs * 2 * self.period_nights - 1)

    def next_look(self) -> int | None:
        """The pairs the next interim look will cover (None: no look left)."""
        return next((p for p in self.look_pairs() if p > self.looked), None)

    def looks_words(self) -> str:
        """When the plan may end early, in plain words (for a plan with interim looks)."""
        looks = self.look_pairs()
        first = (
            self.start + timedelta(days=looks[0] * 2 * self.period_nights) if self.start else None
        )
        when = f" (the first on {first:%d %b %Y})" if first else ""
        every = "every pair" if looks.step == 1 else f"every {looks.step} pairs"
        return (
            f"after {looks[0] * 2 * self.period_nights // 7} weeks and then after {every} of "
            f"periods{when}, coach looks at the nights so far and ends the plan early when "
            "the answer is already clear: clearly more cramps on stretch nights (checked "
            "first), clearly fewer by a worthwhile amount, or a worthwhile benefit already "
            "unlikely."
        )

    def to_state(self) -> dict[str, Any]:
        doc = self._asdict()
        for key in ("run_in_start", "start", "stopped"):
            value = getattr(self, key)
            doc[key] = value.isoformat() if value is not None else None
        doc["arms"] = list(self.arms)
        doc["ended"] = None if self.ended is None else self.ended.to_state()
        return doc

    @classmethod
    def from_state(cls, doc: Mapping[str, Any]) -> Protocol:
        def night(key: str) -> date | None:
            value = doc.get(key)
            return date.fromisoformat(value) if isinstance(value, str) else None

        def number(key: str, default: float) -> float:
            value = doc.get(key)
            if value is None:
                return default
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"bad {key}")
            if not math.isfinite(value):
                raise ValueError(f"bad {key}")
            return float(value)

        run_in = night("run_in_start")
        if run_in is None:
            raise ValueError("no run-in start")
        arms = tuple(str(a) for a in doc.get("arms", ()))
        if any(a not in ("stretch", "no-stretch") for a in arms) or len(arms) % 2:
            raise ValueError("bad arms")
        rate = doc.get("run_in_rate")
        ended = doc.get("ended")
        power = doc.get("power")
        period_nights = int(number("period_nights", 14))
        washout_nights = int(number("washout_nights", 3))
        if not 0 <= washout_nights < period_nights:
            raise ValueError("bad periods")
        return cls(
            created=str(doc.get("created", "")),
            run_in_start=run_in,
            start=night("start"),
            arms=arms,
            period_nights=period_nights,
            washout_nights=washout_nights,
            run_in_rate=float(rate) if isinstance(rate, int | float) else None,
            stopped=night("stopped"),
            version=int(number("version", 1)),
            # A plan stored without a stopping rule was fixed without one: no looks.
            first_look=int(number("first_look", 0)),
            look_every=int(number("look_every", LOOK_EVERY)),
            stop_probability=number("stop_probability", STOP_PROBABILITY),
            futility_probability=number("futility_probability", 0.0),
            helps_probability=number("helps_probability", 0.97),
            looked=int(number("looked", 0)),
            ended=None if ended is None else EarlyEnd.from_state(ended),
            # Plans stored before version 3 checked harm at the benefit bar; harm before
            # futility (HARM_HOLD) applies to them too.
            harm_probability=number("harm_probability", number("stop_probability", 0.995)),
            harm_hold=number("harm_hold", HARM_HOLD),
            power=float(power) if isinstance(power, int | float) else None,
            median_weeks=int(number("median_weeks", 0)) or None,
        )


class NightAssignment(NamedTuple):
    """What the protocol asks of one night."""

    phase: Phase
    arm: Arm | None = None
    period: int | None = None
    """1-based period number."""
    washout: bool = False
    periods: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "arm": self.arm,
            "period": self.period,
            "washout": self.washout,
        }

    def tonight_line(self) -> str:
        """Why tonight looks as it does, in plain words, for the Tonight screen."""
        if self.phase == "run-in":
            return (
                "Experiment: run-in. Keep your routine as usual and log your cramps each "
                "morning; the random plan starts once a fortnight is logged."
            )
        where = f"period {self.period} of {self.periods}"
        first = (
            " The first nights of a period do not count, so the change can settle."
            if self.washout
            else ""
        )
        if self.arm == "no-stretch":
            return (
                f"Experiment, {where}: a no-stretch night, so your nights with and "
                "without stretches can be compared. Leave out the stretches tonight (no "
                f"reminder); every other step stays.{first}"
            )
        return f"Experiment, {where}: a stretch night. Do the stretches as usual.{first}"


def assignment(protocol: Protocol | None, night: date) -> NightAssignment | None:
    """The protocol's word on `night`: None outside the experiment."""
    if protocol is None:
        return None
    over = protocol.over_from
    if over is not None and night >= over:
        return None
    if night < protocol.run_in_start:
        return None
    if protocol.start is None:
        return NightAssignment(phase="run-in")
    if night < protocol.start:
        return None
    day = (night - protocol.start).days
    period = day // protocol.period_nights
    if period >= len(protocol.arms):
        return None
    arm: Arm = "stretch" if protocol.arms[period] == "stretch" else "no-stretch"
    return NightAssignment(
        phase="randomised",
        arm=arm,
        period=period + 1,
        washout=day % protocol.period_nights < protocol.washout_nights,
        periods=len(protocol.arms),
    )


# --- storing ---------------------------------------------------------------------------


def load_protocol(store: ExperimentStore) -> Protocol | None:
    """The stored experiment (running, finished or stopped), or None."""
    doc = store.get_state(STATE_KEY)
    if not isinstance(doc, Mapping):
        return None
    try:
        return Protocol.from_state(doc)
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
        raise CoachError(
            "the stored experiment plan cannot be read; `coach experiment stop` clears it"
        ) from None


def new_rng() -> random.Random:
    """Where the random order comes from: the operating system's randomness."""
    return random.SystemRandom()


def _save(store: ExperimentStore, protocol: Protocol) -> None:
    store.set_state(STATE_KEY, protocol.to_state())


def night_assignment(store: ExperimentStore, night: date) -> NightAssignment | None:
    return assignment(safe_protocol(store), night)


def plan_for(
    settings: Settings, store: ExperimentStore | None, night: date, *, bedtime: time | None = None
) -> tuple[Plan, NightAssignment | None]:
    """The night's plan as the experiment wants it: no stretch on a no-stretch night."""
    assigned = night_assignment(store, night) if store is not None else None
    return plan_as_assigned(settings, night, assigned, bedtime=bedtime), assigned


def plan_as_assigned(
    settings: Settings,
    night: date,
    assigned: NightAssignment | None,
    *,
    bedtime: time | None = None,
) -> Plan:
    """The night's plan, without the stretch when `assigned` is a no-stretch night."""
    plan = plan_night(settings, night, bedtime=bedtime)
    if assigned is not None and assigned.arm == "no-stretch":
        plan = plan._replace(steps=tuple(s for s in plan.steps if s.id != STRETCH))
    return plan


def safe_protocol(store: ExperimentStore) -> Protocol | None:
    """The stored protocol, or None when there is none or it cannot be read: a damaged
    plan never takes the routine away."""
    try:
        return load_protocol(store)
    except CoachError:
        return None


# --- the run-in and eligibility ----------------------------------------------------------

SIMPLER = (
    "A simpler check, weaker evidence: stretch every night for 6 weeks, then compare your "
    "cramps a week with your run-in (`coach report` shows both). A fall is expected after "
    "starting anything (about 28% on placebo in trials), so only a clearly larger fall "
    "says much, and it cannot tell stretching from chance, a trend or expectation."
)


class RunIn(NamedTuple):
    """The last RUN_IN_NIGHTS mornings before `end`, as eligibility sees them."""

    start: date
    end: date
    logged: int
    cramp_nights: int
    cramps: int
    squares: int | None = None
    """The sum of each logged night's count squared (its spread sizes the plan)."""

    @property
    def rate(self) -> float | None:
        """Cramps per logged night."""
        return self.cramps / self.logged if self.logged else None

    @property
    def long_enough(self) -> bool:
        return self.logged >= RUN_IN_MIN_LOGGED

    @property
    def eligible(self) -> bool:
        return self.long_enough and self.cramp_nights >= MIN_CRAMP_NIGHTS

    @property
    def size(self) -> float:
        """The overdispersion the plan is sized for: the run-in's own (moments: variance =
        mean + mean^2 / size), half-way to PLAN_SIZE, since a fortnight measures it
        poorly."""
        rate = self.rate
        if self.squares is None or rate is None or rate <= 0 or self.logged < 2:
            return PLAN_SIZE
        variance = (self.squares - self.logged * rate * rate) / (self.logged - 1)
        own = min(max((variance - rate) / (rate * rate), 0.0), MAX_INVERSE_SIZE)
        return 1 / (0.5 * own + 0.5 / PLAN_SIZE)

    @property
    def pairs_needed(self) -> int | None:
        """Pairs a plan needs at this rate to reach SIZING_POWER (None: no rate)."""
        if self.rate is None:
            return None
        return pairs_needed(
            self.rate,
            design.PERIOD_NIGHTS,
            design.WASHOUT_NIGHTS,
            power=design.SIZING_POWER,
            size=self.size,
            most=design.MAX_PAIRS,
        )

    @property
    def pairs(self) -> int:
        """The pairs the plan gets: as needed, at most MAX_PAIRS (80 weeks)."""
        return min(design.MAX_PAIRS, self.pairs_needed or design.MAX_PAIRS)

    def power(self, pairs: int | None = None) -> float:
        """The predicted chance of "helps" with a halving, for a plan of `pairs` pairs (by
        default the plan this run-in gets)."""
        return outlook(
            self.rate or 0.0,
            pairs or self.pairs,
            size=self.size,
            period_nights=design.PERIOD_NIGHTS,
            washout_nights=design.WASHOUT_NIGHTS,
        ).power

    @property
    def answerable(self) -> bool:
        """Eligible, and the longest plan predicts "helps" with a halving at least
        TARGET_POWER of the time."""
        return (
            self.eligible
            and self.rate is not None
            and self.power(design.MAX_PAIRS) >= design.TARGET_POWER
        )

    def words(self) -> str:
        return (
            f"In the {RUN_IN_NIGHTS} nights from {self.start:%d %b} to {self.end:%d %b} you "
            f"logged the cramps of {_plural(self.logged, 'night')}: "
            f"{_plural(self.cramps, 'cramp')} on {_plural(self.cramp_nights, 'night')}."
        )

    def promise(self, pairs: int | None = None) -> str:
        """`promise_words` for the plan this run-in would get (or one of `pairs`)."""
        pairs = pairs or self.pairs
        median = design.median_weeks(
            self.rate or 0.0,
            pairs,
            size=self.size,
            period_nights=design.PERIOD_NIGHTS,
            washout_nights=design.WASHOUT_NIGHTS,
        )
        run_in_weeks = math.ceil(RUN_IN_NIGHTS / 7)
        return promise_words(self.power(pairs), median + run_in_weeks, weeks(pairs) + run_in_weeks)

    def too_long_words(self) -> str:
        """Why an eligible run-in is not answerable, in plain words."""
        power = self.power(MAX_PAIRS)
        return (
            f"At about {7 * (self.rate or 0.0):.1f} cramps a week, even the longest plan "
            f"({weeks(MAX_PAIRS)} weeks), if stretching halved your cramps, would be "
            f'expected to say "helps" only about {_in_ten(power)} times in 10; most often '
            'it would end "no clear difference". ' + SIMPLER
        )


def _in_ten(p: float) -> int:
    return max(0, min(10, round(p * 10)))


def promise_words(power: float, median_weeks: int, longest: int) -> str:
    """What a plan predicts, before and after it starts: how often "helps" with a halving,
    and when half of such plans would answer as well as the longest (weeks from the
    run-in's first night)."""
    when = (
        f"half of such plans would answer within about {median_weeks} weeks of your "
        f"run-in's first night (the longest {longest})"
        if median_weeks < longest
        else f"most such plans would run to the end ({longest} weeks with the run-in)"
    )
    return (
        "If stretching halved your cramps, a plan like this would be expected to say "
        f'"helps" about {_in_ten(power)} times in 10, and {when}.'
    )


ANYWAY_HINT = (
    f"`coach experiment start --anyway` starts the {weeks(MAX_PAIRS)}-week plan all the same."
)


def run_in_now(store: ExperimentStore, settings: Settings, now: datetime) -> RunIn:
    """The run-in as it stands `now`: the RUN_IN_NIGHTS nights to the last night slept, or
    to the night before while that one is still running with nothing logged (just after
    bedtime, or before the morning's log): it is no missing morning yet."""
    end = last_slept_night(settings, now)
    if end not in store.cramp_logs(end, end) and now < plan_night(settings, end).ends_at:
        end -= timedelta(days=1)
    return run_in(store, end)


def run_in(store: ExperimentStore, end: date) -> RunIn:
    start = end - timedelta(days=RUN_IN_NIGHTS - 1)
    logs = store.cramp_logs(start, end)
    return RunIn(
        start=start,
        end=end,
        logged=len(logs),
        cramp_nights=sum(1 for log in logs.values() if log.cramps > 0),
        cramps=sum(log.cramps for log in logs.values()),
        squares=sum(log.cramps * log.cramps for log in logs.values()),
    )


def randomise(
    protocol: Protocol,
    window: RunIn,
    start: date,
    rng: random.Random,
    pairs: int | None = None,
) -> Protocol:
    """Fix the randomised part of the plan, to begin on `start` (pairs sized from the
    run-in unless given)."""
    pairs = pairs or window.pairs
    median = design.median_weeks(
        window.rate or 0.0,
        pairs,
        size=window.size,
        period_nights=protocol.period_nights,
        washout_nights=protocol.washout_nights,
        first_look=protocol.first_look,
        stop_probability=protocol.stop_probability,
    )
    return protocol._replace(
        start=start,
        arms=draw_arms(pairs, rng),
        run_in_rate=window.rate,
        power=round(window.power(pairs), 4),
        median_weeks=median + math.ceil(((start - window.start).days) / 7),
    )


def new_protocol(created: str, run_in_start: date) -> Protocol:
    """A new plan with the design's current periods and bars (read when it is made, so
    bench/experiment_calibration.py can try others through the same code)."""
    return Protocol(
        created=created,
        run_in_start=run_in_start,
        period_nights=design.PERIOD_NIGHTS,
        washout_nights=design.WASHOUT_NIGHTS,
        first_look=design.FIRST_LOOK,
        look_every=design.LOOK_EVERY,
        stop_probability=design.STOP_PROBABILITY,
        futility_probability=design.FUTILITY_PROBABILITY,
        helps_probability=design.HELPS_PROBABILITY,
        harm_probability=design.HARM_PROBABILITY,
        harm_hold=design.HARM_HOLD,
    )


class StartOutcome(NamedTuple):
    """What `start` did: the stored protocol, and the run-in it looked at."""

    protocol: Protocol
    run_in: RunIn
    started: bool
    """False when an experiment was already under way (nothing changed)."""


PREGNANT = (
    "Your profile says you are pregnant, so coach does not start the experiment: cramps "
    "change with the weeks of a pregnancy and usually stop after the birth, so a plan of "
    "months cannot answer, and a midwife or doctor should be asked first about the "
    "routine. `coach config set profile.pregnant false` when that no longer applies."
)


def start(
    store: ExperimentStore,
    settings: Settings,
    now: datetime,
    rng: random.Random | None = None,
    *,
    anyway: bool = False,
) -> StartOutcome:
    """`_start`, decided and written under the store's lock: two starts at once give one
    plan, and the second says an experiment is under way."""
    with plan_lock(store):
        return _start(store, settings, now, rng, anyway=anyway)


def _start(
    store: ExperimentStore,
    settings: Settings,
    now: datetime,
    rng: random.Random | None = None,
    *,
    anyway: bool = False,
) -> StartOutcome:
    """Start an experiment: randomised from tomorrow night if the diary's run-in is
    eligible, else a run-in first. Refused while the profile says pregnant, when the
    run-in shows too few cramps, and when even the longest plan is unlikely to answer
    unless `anyway` (which also moves a run-in that is waiting for that reason on to the
    longest plan)."""
    current = load_protocol(store)
    tonight = current_night(settings, now)
    window = run_in_now(store, settings, now)
    under_way = current is not None and not _finished(current, tonight)
    waiting = current is not None and current.start is None and window.eligible
    if under_way and not (anyway and waiting):
        assert current is not None
        return StartOutcome(protocol=current, run_in=window, started=False)
    if settings.profile.pregnant:
        raise CoachError(PREGNANT)
    if window.long_enough and not window.eligible:
        raise CoachError(
            f"{window.words()} With fewer than {MIN_CRAMP_NIGHTS} nights with cramps in a "
            "fortnight, an experiment would take far too long to give an answer."
        )
    if window.eligible and not window.answerable and not anyway:
        raise CoachError(f"{window.words()} {window.too_long_words()} {ANYWAY_HINT}")
    protocol = new_protocol(created=now.isoformat(timespec="seconds"), run_in_start=tonight)
    if window.eligible and window.rate is not None:
        protocol = randomise(
            protocol,
            window,
            tonight + timedelta(days=1),
            rng or new_rng(),
            window.pairs if window.answerable else MAX_PAIRS,
        )
    _save(store, protocol)
    return StartOutcome(protocol=protocol, run_in=window, started=True)


def advance(
    store: ExperimentStore,
    settings: Settings,
    now: datetime,
    rng: random.Random | None = None,
    *,
    looks: bool = True,
) -> Protocol | None:
    """The stored experiment, brought up to date before a night's plan is read.

    A finished run-in draws the randomised plan, from tomorrow night: it is stored before
    its first night, whoever asks first (the app, `coach plan`, `coach experiment`). Then,
    unless `looks` is False, the interim looks that are due are taken (`take_looks`: the
    model loads only when one is due, once a pair); the app passes False and takes them in
    a worker thread."""
    protocol = _draw_plan(store, settings, now, rng)
    return take_looks(store, settings, now, protocol) if looks else protocol


def plan_drawable(
    protocol: Protocol | None, store: ExperimentStore, settings: Settings, now: datetime
) -> bool:
    """Whether a run-in is over and `advance` would draw the plan now (cheap: no model).

    A run-in too sparse for the longest plan keeps waiting (its fortnight rolls on);
    `start --anyway` moves it on all the same. No plan is drawn during a pregnancy."""
    if protocol is None or protocol.start is not None or protocol.stopped is not None:
        return False
    if settings.profile.pregnant:
        return False
    window = run_in_now(store, settings, now)
    return window.answerable and window.rate is not None


def _draw_plan(
    store: ExperimentStore, settings: Settings, now: datetime, rng: random.Random | None
) -> Protocol | None:
    protocol = load_protocol(store)
    if not plan_drawable(protocol, store, settings, now):
        return protocol
    with plan_lock(store):  # drawn once: another process drawing now finds it stored
        protocol = load_protocol(store)
        if not plan_drawable(protocol, store, settings, now):
            return protocol
        assert protocol is not None
        window = run_in_now(store, settings, now)
        assert window.rate is not None
        protocol = randomise(
            protocol, window, current_night(settings, now) + timedelta(days=1), rng or new_rng()
        )
        _save(store, protocol)
    return protocol


def stop(store: ExperimentStore, settings: Settings, now: datetime) -> Protocol:
    """`_stop`, under the store's lock: a look being taken at that moment elsewhere cannot
    write the plan back without the stop."""
    with plan_lock(store):
        return _stop(store, settings, now)


def _stop(store: ExperimentStore, settings: Settings, now: datetime) -> Protocol:
    """Stop the experiment: tonight and later follow the usual routine again.

    A stored plan that cannot be read is cleared (its nights follow the usual routine
    already: `night_assignment` ignores it)."""
    tonight = current_night(settings, now)
    try:
        protocol = load_protocol(store)
    except CoachError:
        store.set_state(STATE_KEY, None)
        raise CoachError(
            "the stored experiment plan could not be read and was cleared; "
            "`coach experiment start` begins a new one"
        ) from None
    if protocol is None or _finished(protocol, tonight):
        raise CoachError("no experiment is running; start one with `coach experiment start`")
    protocol = protocol._replace(stopped=tonight)
    _save(store, protocol)
    return protocol


def _finished(protocol: Protocol, tonight: date) -> bool:
    """Stopped, ended early, or past the plan's last night."""
    end = protocol.end
    return protocol.over_from is not None or (end is not None and tonight > end)


# --- the nights and the looks ------------------------------------------------------------


def observations(
    store: ExperimentStore, settings: Settings, protocol: Protocol, now: datetime
) -> list[Observation]:
    """Every randomised night that is over (before any stop), oldest first."""
    if protocol.start is None or protocol.end is None:
        return []
    last = min(protocol.end, last_slept_night(settings, now))
    if protocol.stopped is not None:
        last = min(last, protocol.stopped - timedelta(days=1))
    if protocol.ended is not None:
        last = min(last, protocol.ended.through)  # the nights its answer rests on
    if last < protocol.start:
        return []
    logs = store.cramp_logs(protocol.start, last)
    outcomes = store.latest_outcomes(protocol.start, last)
    found = []
    night = protocol.start
    while night <= last:
        assigned = assignment(protocol, night)
        if assigned is None or assigned.arm is None or assigned.period is None:
            break
        log = logs.get(night)
        record = outcomes.get((night, STRETCH))
        found.append(
            Observation(
                night=night,
                day=(night - protocol.start).days,
                arm=assigned.arm,
                period=assigned.period,
                washout=assigned.washout,
                cramps=None if log is None else log.cramps,
                stretched=record is not None and record.outcome == "done",
            )
        )
        night += timedelta(days=1)
    return found


def interim(protocol: Protocol, found: Sequence[Observation], pairs: int) -> EarlyEnd | None:
    """The interim look after `pairs` pairs, on those pairs' nights only: the early end it
    calls for, or None to carry on. The same function runs in the app and in
    bench/experiment_calibration.py, which calibrates its bars."""
    if protocol.start is None:
        return None
    nights = pairs * 2 * protocol.period_nights
    analysis = analyse([o for o in found if o.day < nights])
    decided = analysis.decision(protocol.rules)
    if decided is None or analysis.estimate is None:
        return None
    verdict, reason = decided
    through = protocol.pair_end(pairs)
    return EarlyEnd(
        night=through + timedelta(days=1),
        pairs=pairs,
        through=through,
        verdict=verdict,
        reason=reason,
        log_ratio=analysis.estimate.log_ratio,
        sd=analysis.estimate.sd,
        nights=analysis.nights,
        adherence=analysis.adherence,
        df=analysis.estimate.df,
        p_benefit=analysis.p_benefit,
    )


def first_stop(protocol: Protocol, found: Sequence[Observation]) -> EarlyEnd | None:
    """The first interim look, in order, that ends the experiment."""
    for pairs in protocol.look_pairs():
        ended = interim(protocol, found, pairs)
        if ended is not None:
            return ended
    return None


def look_due(
    protocol: Protocol | None, store: ExperimentStore, settings: Settings, now: datetime
) -> bool:
    """Whether an interim look is waiting to be taken (cheap: no model, no scipy).

    Looks are counted by night, not by the clock: the look after a pair is due once the
    diary has reached that pair's last night (its morning, or a later one, is logged). A
    clock that steps forward past several pairs takes no look on nights nobody logged;
    mornings not logged for a while only delay a look, and the first morning logged
    after the pair takes it, on that pair's nights."""
    if protocol is None or protocol.start is None or protocol.over_from is not None:
        return False
    pending = protocol.next_look()
    if pending is None:
        return False
    through = protocol.pair_end(pending)
    last = last_slept_night(settings, now)
    return last >= through and bool(store.cramp_logs(through, last))


def take_looks(
    store: ExperimentStore, settings: Settings, now: datetime, protocol: Protocol | None
) -> Protocol | None:
    """Take the interim looks that are due, in order, and store each (`advance` calls it).

    A look that ends the experiment stores its answer; the usual routine comes back from
    the night after (tonight, when the look is taken late). This runs in a command or a
    worker thread, never in the planner. Each look is decided and written under the
    store's lock, on the plan as stored then: a stop or a look taken meanwhile by another
    process is never written over."""
    while look_due(protocol, store, settings, now):
        with plan_lock(store):
            protocol = load_protocol(store)
            if not look_due(protocol, store, settings, now):
                break
            assert protocol is not None
            pairs = protocol.next_look()
            assert pairs is not None
            found = observations(store, settings, protocol, now)
            ended = interim(protocol, found, pairs)
            if ended is not None:
                ended = ended._replace(night=max(ended.night, current_night(settings, now)))
            protocol = protocol._replace(looked=pairs, ended=ended)
            _save(store, protocol)
    return protocol


def status_of(protocol: Protocol, settings: Settings, now: datetime) -> Status:
    """Where the experiment stands: an early end is "complete", a stop by the user
    "stopped" (no model needed)."""
    if protocol.stopped is not None:
        return "stopped"
    if protocol.start is None:
        return "run-in"
    if _finished(protocol, current_night(settings, now)) or (
        protocol.end is not None and last_slept_night(settings, now) >= protocol.end
    ):
        return "complete"
    return "running"


def progress_words(protocol: Protocol, settings: Settings, now: datetime) -> str | None:
    """Where a running plan stands between looks: the last look's finding (never its
    figures: only the planned looks may end the plan) and when the next one comes."""
    if protocol.start is None or protocol.over_from is not None:
        return None
    tonight = current_night(settings, now)
    parts = []
    if tonight < protocol.start:
        parts.append(f"The randomised plan begins on the night of {protocol.start:%a %d %b}.")
    if protocol.looked:
        parts.append(
            f"The look after {_plural(protocol.looked, 'pair')} (the nights to "
            f"{protocol.pair_end(protocol.looked):%d %b}) found no clear answer yet, so the "
            "plan goes on."
        )
    pending = protocol.next_look()
    if pending is not None:
        parts.append(
            f"Next look: after pair {pending}, once the morning after the night of "
            f"{protocol.pair_end(pending):%a %d %b %Y} is logged."
        )
    elif protocol.end is not None:
        parts.append(f"No looks left: the answer comes after the night of {protocol.end:%d %b %Y}.")
    return " ".join(parts)


# --- the result --------------------------------------------------------------------------

MODEL_WORDS = (
    "Analysed by assignment, pair by pair: each pair of periods gives one comparison of "
    "cramps a night (counted, logged nights only), and the spread between pairs sets the "
    "interval, so cramps that come in bad weeks do not make it over-confident."
)


class ExperimentResult(NamedTuple):
    """Where the experiment stands, and what it says."""

    protocol: Protocol
    status: Status
    verdict: Verdict
    estimate: Estimate | None
    nights: Mapping[str, int]
    adherence: float | None
    periods: tuple[PeriodSummary, ...] = ()
    run_in: RunIn | None = None
    notes: tuple[str, ...] = ()
    p_benefit: float | None = None
    """The chance of a worthwhile benefit, stretching as planned (None with no estimate)."""
    worthwhile: float = BENEFIT_RATIO
    """The smallest worthwhile benefit as a rate ratio (25% fewer, or 1 fewer a week)."""

    def to_json(self) -> dict[str, Any]:
        est = self.estimate
        return {
            "status": self.status,
            "verdict": self.verdict,
            "rate_ratio": None
            if est is None
            else {
                "estimate": round(est.ratio, 4),
                "interval95": [round(v, 4) for v in est.interval()],
            },
            "p_benefit": None if self.p_benefit is None else round(self.p_benefit, 4),
            "nights": dict(self.nights),
            "adherence": None if self.adherence is None else round(self.adherence, 4),
            "ended_early": None if self.protocol.ended is None else self.protocol.ended.json(),
        }

    def interval_words(self) -> str | None:
        """The 95% interval as a change in cramps on stretch nights, in words."""
        if self.estimate is None:
            return None
        low, high = self.estimate.interval()
        fewer_low, fewer_high = round((1 - low) * 100), round((1 - high) * 100)
        if high < 1:
            return f"somewhere between {fewer_high}% and {fewer_low}% fewer cramps"
        if low > 1:
            return f"somewhere between {-fewer_low}% and {-fewer_high}% more cramps"
        return f"somewhere between {fewer_low}% fewer and {-fewer_high}% more cramps"

    def headline(self) -> str:
        pointing_up = self.estimate is not None and self.estimate.log_ratio > 0
        if self.verdict == "no clear difference" and pointing_up:
            return "No clear difference, though stretch nights had more cramps."
        return {
            "helps": "Stretching seems to help you: clearly fewer cramps on stretch nights.",
            "fewer, not by much": "Fewer cramps on stretch nights, probably not by much.",
            "worse": "You had more cramps on stretch nights.",
            "no clear difference": "No clear difference between stretch and no-stretch nights.",
            "not enough data": "Not enough data for an answer yet.",
        }[self.verdict]

    def summary(self) -> str:
        """The verdict in plain words, with the numbers it rests on."""
        p = self.protocol
        used = self.nights
        parts = [self.headline()]
        if self.status == "run-in":
            parts.append(
                "The experiment is in its run-in: keep your routine and log every morning. "
                + (self.run_in.words() if self.run_in else "")
            )
            if self.run_in is not None and self.run_in.eligible and not self.run_in.answerable:
                parts += [self.run_in.too_long_words(), ANYWAY_HINT]
        elif self.status == "running":
            end = p.end
            parts.append(
                f"The plan runs {p.weeks} weeks at most, to the night of {end:%d %b %Y}; the "
                "answer comes at the end, from every night that counts"
                + (f", or earlier: {p.looks_words()}" if p.look_pairs() else ".")
                if end
                else ""
            )
        elif p.ended is not None:
            parts.append(p.ended.words(p.pairs))
        elif self.status == "stopped":
            parts.append(
                "The experiment was stopped before the end of its plan, so it gives no "
                "verdict; the figures below are what the nights so far show."
            )
        est = self.estimate
        if est is not None and self.p_benefit is not None:
            parts.append(
                f"On stretch nights you had {_change(est.ratio)} than on no-stretch nights "
                f"(rate ratio {est.ratio:.2f}), {self.interval_words()} (95% interval). "
                f"Chance of a benefit worth having ({_worthwhile(self.worthwhile)}, "
                f"stretching every planned night): {_chance(self.p_benefit)}."
            )
        parts.append(
            f"Nights used: {used['stretch']} stretch and {used['no_stretch']} no-stretch "
            f"nights logged; {used['washout']} settling-in nights left out; "
            f"{used['unlogged']} not logged."
        )
        if self.adherence is not None:
            parts.append(f"The plan was followed on {self.adherence:.0%} of the nights.")
        if self.verdict in ("helps", "fewer, not by much", "worse", "no clear difference") and (
            self.status != "running"
        ):
            parts.append(EXPECTATION)
            parts.append(CHANCE_ONLY)
        parts.extend(self.notes)
        return " ".join(part for part in parts if part)

    def limits(self) -> str:
        """What the experiment cannot say."""
        return (
            "What this cannot say: you knew which nights were stretch nights, so "
            "expectations may play a part (it cannot be blinded); it is about you alone, "
            "over these weeks, not about anyone else; and an effect that builds over more "
            f"weeks than a period ({self.protocol.period_nights} nights, the first "
            f"{self.protocol.washout_nights} left out) can be missed."
        )

    def diagram(self) -> str:
        """The period sequence (CENT 2015): S for stretch, N for no-stretch, pair by pair."""
        arms = self.protocol.arms
        letters = ["S" if a == "stretch" else "N" for a in arms]
        return " | ".join("".join(letters[i : i + 2]) for i in range(0, len(letters), 2))


def _worthwhile(ratio: float) -> str:
    if ratio <= BENEFIT_RATIO + 1e-9:
        return "at least 25% fewer cramps"
    return f"at least 1 fewer cramp a week, {round((1 - ratio) * 100)}% fewer at your rate"


def _change(ratio: float) -> str:
    percent = round(abs(1 - ratio) * 100)
    if percent == 0:
        return "about the same number of cramps"
    return f"{percent}% {'fewer' if ratio < 1 else 'more'} cramps"


def _chance(p: float) -> str:
    if p > 0.99:
        return "over 99%"
    if p < 0.01:
        return "under 1%"
    return f"{p:.0%}"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def experiment_result(
    store: ExperimentStore, settings: Settings, now: datetime
) -> ExperimentResult | None:
    """The experiment's state and answer, or None when none was ever started."""
    protocol = advance(store, settings, now)
    if protocol is None:
        return None
    status = status_of(protocol, settings, now)
    found = observations(store, settings, protocol, now)
    ended = protocol.ended
    analysis = analyse(found)
    if ended is not None:
        # Its answer was fixed at the look: mornings logged later change nothing.
        verdict: Verdict = ended.verdict
        estimate: Estimate | None = ended.estimate
        nights: Mapping[str, int] = ended.nights
        adherence = ended.adherence
        p_benefit: float | None = (
            ended.p_benefit
            if ended.p_benefit is not None
            else ended.estimate.prob_below(BENEFIT_RATIO)
        )
    else:
        estimate, nights, adherence = analysis.estimate, analysis.nights, analysis.adherence
        verdict = analysis.verdict(protocol.rules) if status == "complete" else "not enough data"
        p_benefit = analysis.p_benefit
    if status == "running":
        estimate = p_benefit = None  # no peeking: only the planned looks may end the plan early
    return ExperimentResult(
        protocol=protocol,
        status=status,
        verdict=verdict,
        estimate=estimate,
        nights=nights,
        adherence=adherence,
        periods=periods(found, protocol.washout_nights),
        run_in=run_in_now(store, settings, now) if status == "run-in" else None,
        p_benefit=p_benefit,
        worthwhile=analysis.worthwhile,
    )


def plan_words(protocol: Protocol) -> str:
    """The plan in plain words: how long, what to do on each kind of night, and why."""
    if protocol.start is None:
        return (
            f"First a run-in: keep your routine as usual and log your cramps every morning "
            f"for {RUN_IN_NIGHTS} nights (at least {RUN_IN_MIN_LOGGED} logged, with cramps "
            f"on {MIN_CRAMP_NIGHTS} or more). Then coach draws the plan and tells you each "
            "evening what to do."
        )
    end = protocol.end
    assert end is not None
    power = ""
    if protocol.power is not None and protocol.median_weeks is not None:
        power = (
            " "
            + promise_words(protocol.power, protocol.median_weeks, protocol.weeks + 2)
            + " These are predictions from your run-in, checked by simulation; with no "
            "difference most plans run to the end."
        )
    return (
        f"From the night of {protocol.start:%a %d %b} to {end:%a %d %b %Y} at most "
        f"({protocol.weeks} weeks): {protocol.pairs} pairs of {protocol.period_nights}-night "
        "periods. In each pair one period has stretch nights and the other no-stretch "
        "nights, in an order drawn at random. On a stretch night do the stretches as usual; "
        "on a no-stretch night leave them out (no reminder). Every other step stays, and "
        f"log your cramps each morning. The first {protocol.washout_nights} nights of each "
        "period do not count: the effect of starting or stopping takes some nights to "
        "build or fade. The plan was fixed before its first night; changing it means "
        "stopping and starting again."
        + (f" It may end sooner: {protocol.looks_words()}" if protocol.look_pairs() else "")
        + power
    )
