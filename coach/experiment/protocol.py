"""The personal experiment: "does stretching help me?", as a randomised n-of-1 trial.

The design (Kravitz & Duan's block pairs, CONTENT.md): the nights after a run-in are cut
into periods of `PERIOD_NIGHTS`; each pair of periods holds one stretch and one no-stretch
period in random order. The first `WASHOUT_NIGHTS` of every period are left out of the
comparison, because the effect of stretching (or of stopping it) takes some nights to show.
The number of pairs is sized from the user's own cramp rate in the run-in. The protocol is
drawn and stored before the first randomised night; the analysis follows it, and changing
it means stopping and starting again.

The protocol also fixes a stopping rule: after each pair from FIRST_LOOK on, an interim
look (`interim`) analyses the pairs so far and ends the plan when the answer is already
clear. Looks run the model, so they are taken by `advance` (commands) or in a worker (the
app), once due, never by the planner; the answer of a look that ends the plan is stored
(`EarlyEnd`) and the usual routine comes back from the next night.

Defaults are the ones `bench/experiment_calibration.py` chose by simulation (see
bench/README.md). The model (`coach.experiment.model`, scipy) is imported only when a
result is computed, so the planner and the app's start never pay for it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, NamedTuple

from coach.errors import CoachError
from coach.experiment.checks import STATE_KEY
from coach.experiment.estimate import Estimate
from coach.planner import Plan, current_night, last_slept_night, plan_night
from coach.records.store import Store
from coach.settings.model import Settings

STRETCH = "stretch"
PROTOCOL_VERSION = 2
"""2: the plan holds its stopping rule and final bar (version 1 had neither: no looks)."""

PERIOD_NIGHTS = 14
"""Nights in one period (one arm). Chosen by simulation: see bench/README.md."""
WASHOUT_NIGHTS = 3
"""Nights at the start of each period left out of the comparison (carry-over)."""
MIN_PAIRS, MAX_PAIRS = 2, 20
"""The number of pairs is sized from the run-in, within these bounds (20 pairs of 14-night
periods: 80 weeks; a year, 13 pairs, falls short of the 80% "helps" aimed at among the
users who start: bench/README.md)."""
TARGET_POWER = 0.9
"""Refused (unless `--anyway`) when even the longest plan is predicted to give a halving
of cramps "helps" less often than this. The prediction is optimistic (a run-in picked for
its high rate overstates it): a predicted 0.9 gives about 81% of simulated starters
"helps" (bench/README.md)."""
SIZING_POWER = 0.99
"""Pairs are sized for this predicted power, at most MAX_PAIRS: the plan's longest run.
With the interim looks a clear answer ends it sooner, so sizing for 0.99 rather than 0.95
(the second pass, without looks) gains "helps" among starters for a shorter median wait
(bench/README.md "Third pass")."""
PLAN_RATIO = 0.6
"""The rate ratio the sizing plans for: a halving when the stretches are done, diluted by
stretches missed on stretch nights and done on no-stretch nights (bench/README.md)."""
PLAN_SIZE = 1.0
"""The overdispersion (negative binomial size) the sizing assumes; a fortnight is too short
to measure one's own, so a value on the overdispersed side, calibrated by simulation."""
MAX_INVERSE_SIZE = 3.0
"""The run-in's own overdispersion is taken as at most this (1 / size)."""
LOGGED_SHARE = 0.85
"""The share of mornings the sizing expects to be logged."""
RUN_IN_NIGHTS = 14
"""The run-in: the last fortnight of mornings before randomisation."""
RUN_IN_MIN_LOGGED = 10
"""Logged mornings the run-in needs."""
MIN_CRAMP_NIGHTS = 3
"""Nights with cramps the run-in needs: with fewer, no plan of sensible length answers."""
BENEFIT_RATIO = 0.75
"""A meaningful benefit: at least 25% fewer cramps (CONTENT.md, Cochrane 2020)."""
HELPS_PROBABILITY = 0.97
"""Chosen by simulation to keep "helps" under 5% with no true effect among the users who
start (0.96 came to 5.4% among them, with a declining baseline). "helps" when the
chance that stretch nights have fewer cramps is at least this;
"worse" when the chance that they have more is at least this."""
FIRST_LOOK = 2
"""Interim looks: the first after this many pairs, then every LOOK_EVERY pairs, each on
the nights of the pairs so far (never after the last pair). Chosen by simulation with the
thresholds below (bench/README.md "Third pass"): a look after one pair never ended a
simulated plan (too few nights), and a look every second pair only (at 0.99) let "helps"
with no effect above 5%."""
LOOK_EVERY = 1
STOP_PROBABILITY = 0.995
"""An interim look ends the experiment with "helps" when the chance that stretch nights
have fewer cramps is at least this ("worse": more cramps); much stricter than the final
HELPS_PROBABILITY, so that all the looks together keep "helps" under 5% with no effect
(0.99 at every look came to 6.7% among simulated starters; 0.997 kept the same power for
a longer median wait)."""
FUTILITY_PROBABILITY = 0.05
"""An interim look ends the experiment with "no clear difference" when the chance of a
real benefit (at least 25% fewer cramps) has fallen below this: with no true effect it
halves the median wait, and costs about a point of "helps" with a true halving (0.1 cost
about four)."""
MIN_ARM_NIGHTS = 4
"""Logged nights each arm needs (outside washouts) before any figure is shown."""

Arm = Literal["stretch", "no-stretch"]
Phase = Literal["run-in", "randomised"]
Status = Literal["run-in", "running", "complete", "stopped"]
Verdict = Literal["helps", "no clear difference", "worse", "not enough data"]
VERDICTS = ("helps", "no clear difference", "worse", "not enough data")
StopReason = Literal["benefit", "harm", "futility"]
STOP_REASONS = ("benefit", "harm", "futility")
NIGHT_KEYS = ("stretch", "no_stretch", "washout", "unlogged")


HEADLINES: Mapping[str, str] = {
    "helps": "Stretching seems to help you.",
    "worse": "You had more cramps on stretch nights.",
    "no clear difference": "No clear difference between stretch and no-stretch nights.",
    "not enough data": "Not enough data for an answer yet.",
}
"""Each verdict's headline, wherever it is shown (the result, an early end's notice)."""


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

    @property
    def estimate(self) -> Estimate:
        return Estimate(log_ratio=self.log_ratio, sd=self.sd)

    def to_state(self) -> dict[str, Any]:
        doc = self._asdict()
        doc["night"], doc["through"] = self.night.isoformat(), self.through.isoformat()
        doc["nights"] = dict(self.nights)
        return doc

    @classmethod
    def from_state(cls, doc: Mapping[str, Any]) -> EarlyEnd:
        verdict, reason = doc["verdict"], doc["reason"]
        if verdict not in VERDICTS or reason not in STOP_REASONS:
            raise ValueError("bad early end")
        adherence = doc.get("adherence")
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
        )

    def json(self) -> dict[str, Any]:
        """The `ended_early` object of `coach experiment result|status --json`."""
        return {
            "night": self.night.isoformat(),
            "after_pairs": self.pairs,
            "through": self.through.isoformat(),
            "reason": self.reason,
        }

    def headline(self) -> str:
        return HEADLINES[self.verdict]

    def back_words(self) -> str:
        """What the nights are from the early end on."""
        if self.reason == "harm":
            return (
                "your usual routine is back, stretches included (whether to keep them is "
                "yours to decide, perhaps with your doctor)"
            )
        return "your usual routine is back: stretches every night"

    def words(self, planned_pairs: int) -> str:
        """Why the experiment ended early, in plain words."""
        why = {
            "benefit": "your stretch nights already had clearly fewer cramps than your "
            "no-stretch nights",
            "harm": "your stretch nights already had clearly more cramps than your "
            "no-stretch nights",
            "futility": "a real benefit (at least 25% fewer cramps) had already become "
            "unlikely, so more weeks would probably not change the answer",
        }[self.reason]
        back = self.back_words()
        return (
            f"The experiment ended early, after {self.pairs} of its {planned_pairs} pairs "
            f"of periods (the nights to {self.through:%d %b %Y}), because {why}. It checks "
            "at set points, with a bar set by simulation high enough that a wrong "
            '"helps" stays under 1 in 20 when stretching makes no difference. From the '
            f"night of {self.night:%a %d %b} {back}."
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
    """An interim look ends the experiment with "helps" ("worse") when the chance that
    stretch nights have fewer (more) cramps is at least this."""
    futility_probability: float = FUTILITY_PROBABILITY
    """An interim look ends it with "no clear difference" when the chance of a real
    benefit (rate ratio below BENEFIT_RATIO) is below this (0: never)."""
    helps_probability: float = HELPS_PROBABILITY
    """The planned end's bar for "helps" ("worse"); plans stored before it was kept in the
    plan had 0.97."""
    looked: int = 0
    """The pairs already looked at (each look is taken once, on the nights it covers)."""
    ended: EarlyEnd | None = None
    """The interim look that ended the experiment, with its answer."""

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
            "the answer is already clear (clearly fewer or more cramps on stretch nights, or "
            "a real benefit already unlikely)."
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

        run_in = night("run_in_start")
        if run_in is None:
            raise ValueError("no run-in start")
        arms = tuple(str(a) for a in doc.get("arms", ()))
        if any(a not in ("stretch", "no-stretch") for a in arms) or len(arms) % 2:
            raise ValueError("bad arms")
        rate = doc.get("run_in_rate")
        ended = doc.get("ended")
        return cls(
            created=str(doc.get("created", "")),
            run_in_start=run_in,
            start=night("start"),
            arms=arms,
            period_nights=int(doc.get("period_nights", PERIOD_NIGHTS)),
            washout_nights=int(doc.get("washout_nights", WASHOUT_NIGHTS)),
            run_in_rate=float(rate) if isinstance(rate, int | float) else None,
            stopped=night("stopped"),
            version=int(doc.get("version", 1)),
            # A plan stored without a stopping rule was fixed without one: no looks.
            first_look=int(doc.get("first_look", 0)),
            look_every=int(doc.get("look_every", LOOK_EVERY)),
            stop_probability=float(doc.get("stop_probability", STOP_PROBABILITY)),
            futility_probability=float(doc.get("futility_probability", 0.0)),
            helps_probability=float(doc.get("helps_probability", 0.97)),
            looked=int(doc.get("looked", 0)),
            ended=None if ended is None else EarlyEnd.from_state(ended),
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


def load_protocol(store: Store) -> Protocol | None:
    """The stored experiment (running, finished or stopped), or None."""
    doc = store.get_state(STATE_KEY)
    if not isinstance(doc, Mapping):
        return None
    try:
        return Protocol.from_state(doc)
    except (ValueError, TypeError, KeyError, AttributeError):
        raise CoachError(
            "the stored experiment plan cannot be read; `coach experiment stop` clears it"
        ) from None


def new_rng() -> random.Random:
    """Where the random order comes from: the operating system's randomness."""
    return random.SystemRandom()


def _save(store: Store, protocol: Protocol) -> None:
    store.set_state(STATE_KEY, protocol.to_state())


def night_assignment(store: Store, night: date) -> NightAssignment | None:
    return assignment(safe_protocol(store), night)


def plan_for(
    settings: Settings, store: Store | None, night: date, *, bedtime: time | None = None
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


def safe_protocol(store: Store) -> Protocol | None:
    """The stored protocol, or None when there is none or it cannot be read: a damaged
    plan never takes the routine away."""
    try:
        return load_protocol(store)
    except CoachError:
        return None


# --- the run-in and eligibility ----------------------------------------------------------


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
    def pairs_needed(self) -> int | None:
        """Pairs a plan needs at this rate to reach TARGET_POWER (None: no rate)."""
        return None if self.rate is None else pairs_needed(self.rate, size=self.size)

    @property
    def pairs(self) -> int:
        """The pairs the plan gets: as needed, at most MAX_PAIRS (80 weeks)."""
        return min(MAX_PAIRS, self.pairs_needed or MAX_PAIRS)

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
    def answerable(self) -> bool:
        """Eligible, and a plan of at most MAX_PAIRS (80 weeks) is likely to answer."""
        rate = self.rate
        if not self.eligible or rate is None:
            return False
        return pairs_needed(rate, power=TARGET_POWER, size=self.size) <= MAX_PAIRS

    def words(self) -> str:
        return (
            f"In the {RUN_IN_NIGHTS} nights from {self.start:%d %b} to {self.end:%d %b} you "
            f"logged {self.logged} mornings: {_plural(self.cramps, 'cramp')} on "
            f"{_plural(self.cramp_nights, 'night')}."
        )

    def too_long_words(self) -> str:
        """Why an eligible run-in is not answerable, in plain words."""
        needed = pairs_needed(self.rate or 0.0, power=TARGET_POWER, size=self.size)
        return (
            f"At about {7 * (self.rate or 0.0):.1f} cramps a week, telling a halving of your "
            f"cramps from chance would take a plan of about {_weeks(needed)} weeks, longer "
            f"than the longest plan ({_weeks(MAX_PAIRS)} weeks), so its answer would "
            'probably be "no clear difference" even if stretching helps you.'
        )


def _weeks(pairs: int) -> int:
    return math.ceil(pairs * 2 * PERIOD_NIGHTS / 7)


ANYWAY_HINT = (
    f"`coach experiment start --anyway` starts the {_weeks(MAX_PAIRS)}-week plan all the same."
)


def run_in(store: Store, end: date) -> RunIn:
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


def pairs_needed(
    rate: float,
    period_nights: int = PERIOD_NIGHTS,
    washout_nights: int = WASHOUT_NIGHTS,
    *,
    power: float = SIZING_POWER,
    size: float = PLAN_SIZE,
) -> int:
    """Pairs for a run-in rate (cramps a night) to reach `power`, with no upper bound.

    The run-in is the usual routine, stretches included, so under the planned effect the
    stretch nights keep the run-in rate and the no-stretch nights have rate / PLAN_RATIO.
    The log rate ratio of two negative binomial means over n nights each has a variance of
    about (1/m0 + 1/m1 + 2/size) / n; "helps" needs the estimate HELPS_PROBABILITY's normal
    quantile below zero."""
    from statistics import NormalDist

    stretch_rate = max(rate, 1e-6)
    spread = 1 / (stretch_rate / PLAN_RATIO) + 1 / stretch_rate + 2 / size
    z = NormalDist().inv_cdf(HELPS_PROBABILITY) + NormalDist().inv_cdf(power)
    nights = z * z * spread / math.log(PLAN_RATIO) ** 2
    usable = (period_nights - washout_nights) * LOGGED_SHARE
    return max(MIN_PAIRS, math.ceil(nights / usable))


def draw_arms(pairs: int, rng: random.Random) -> tuple[str, ...]:
    """Each pair: stretch and no-stretch, in an order drawn by `rng`."""
    arms: list[str] = []
    for _ in range(pairs):
        pair = ["stretch", "no-stretch"]
        rng.shuffle(pair)
        arms += pair
    return tuple(arms)


def randomise(
    protocol: Protocol, rate: float, start: date, rng: random.Random, pairs: int | None = None
) -> Protocol:
    """Fix the randomised part of the plan, to begin on `start` (pairs sized from `rate`
    unless given)."""
    if pairs is None:
        pairs = min(MAX_PAIRS, pairs_needed(rate, protocol.period_nights, protocol.washout_nights))
    return protocol._replace(start=start, arms=draw_arms(pairs, rng), run_in_rate=rate)


class StartOutcome(NamedTuple):
    """What `start` did: the stored protocol, and the run-in it looked at."""

    protocol: Protocol
    run_in: RunIn
    started: bool
    """False when an experiment was already under way (nothing changed)."""


def start(
    store: Store,
    settings: Settings,
    now: datetime,
    rng: random.Random | None = None,
    *,
    anyway: bool = False,
) -> StartOutcome:
    """Start an experiment: randomised from tomorrow night if the diary's run-in is
    eligible, else a run-in first. Refused when the run-in shows too few cramps, and when
    even the longest plan is unlikely to answer unless `anyway` (which also moves a
    run-in that is waiting for that reason on to the longest plan)."""
    current = load_protocol(store)
    tonight = current_night(settings, now)
    window = run_in(store, last_slept_night(settings, now))
    under_way = current is not None and not _finished(current, tonight)
    waiting = current is not None and current.start is None and window.eligible
    if under_way and not (anyway and waiting):
        assert current is not None
        return StartOutcome(protocol=current, run_in=window, started=False)
    if window.long_enough and not window.eligible:
        raise CoachError(
            f"{window.words()} With fewer than {MIN_CRAMP_NIGHTS} nights with cramps in a "
            "fortnight, an experiment would take far too long to give an answer."
        )
    if window.eligible and not window.answerable and not anyway:
        raise CoachError(f"{window.words()} {window.too_long_words()} {ANYWAY_HINT}")
    protocol = Protocol(created=now.isoformat(timespec="seconds"), run_in_start=tonight)
    if window.eligible and window.rate is not None:
        protocol = randomise(
            protocol,
            window.rate,
            tonight + timedelta(days=1),
            rng or new_rng(),
            window.pairs,
        )
    _save(store, protocol)
    return StartOutcome(protocol=protocol, run_in=window, started=True)


def advance(
    store: Store,
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
    model, scipy, loads only when one is due, about once a month); the app passes False
    and takes them in a worker thread."""
    protocol = _draw_plan(store, settings, now, rng)
    return take_looks(store, settings, now, protocol) if looks else protocol


def plan_drawable(
    protocol: Protocol | None, store: Store, settings: Settings, now: datetime
) -> bool:
    """Whether a run-in is over and `advance` would draw the plan now (cheap: no model).

    A run-in too sparse for the longest plan keeps waiting (its fortnight rolls on);
    `start --anyway` moves it on all the same."""
    if protocol is None or protocol.start is not None or protocol.stopped is not None:
        return False
    window = run_in(store, last_slept_night(settings, now))
    return window.answerable and window.rate is not None


def _draw_plan(
    store: Store, settings: Settings, now: datetime, rng: random.Random | None
) -> Protocol | None:
    protocol = load_protocol(store)
    if not plan_drawable(protocol, store, settings, now):
        return protocol
    assert protocol is not None
    window = run_in(store, last_slept_night(settings, now))
    assert window.rate is not None
    protocol = randomise(
        protocol,
        window.rate,
        current_night(settings, now) + timedelta(days=1),
        rng or new_rng(),
        window.pairs,
    )
    _save(store, protocol)
    return protocol


def stop(store: Store, settings: Settings, now: datetime) -> Protocol:
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


# --- the result --------------------------------------------------------------------------


class Observation(NamedTuple):
    """One randomised night, as the analysis sees it."""

    night: date
    day: int
    """Nights since the first randomised night."""
    arm: Arm
    period: int
    washout: bool
    cramps: int | None
    """The morning's count (None: not logged)."""
    stretched: bool


class PeriodSummary(NamedTuple):
    """One period, for the chart and the tables."""

    period: int
    arm: Arm
    start: date
    end: date
    counts: tuple[int | None, ...]
    """Each night's cramps (None: not logged), washout nights first."""
    washout: int

    @property
    def logged(self) -> int:
        return sum(1 for c in self.counts[self.washout :] if c is not None)

    @property
    def cramps(self) -> int:
        return sum(c for c in self.counts[self.washout :] if c is not None)


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

    @property
    def p_benefit(self) -> float | None:
        return None if self.estimate is None else self.estimate.prob_below(BENEFIT_RATIO)

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
        return HEADLINES[self.verdict]

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
                f"The plan runs {p.weeks} weeks, to the night of {end:%d %b %Y}; the "
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
                f"Chance of a real benefit (at least 25% fewer cramps): {_chance(self.p_benefit)}."
            )
        parts.append(
            f"Nights used: {used['stretch']} stretch and {used['no_stretch']} no-stretch "
            f"nights logged; {used['washout']} settling-in nights left out; "
            f"{used['unlogged']} not logged."
        )
        if self.adherence is not None:
            parts.append(f"The plan was followed on {self.adherence:.0%} of the nights.")
        parts.extend(self.notes)
        return " ".join(part for part in parts if part)

    def limits(self) -> str:
        """What the experiment cannot say."""
        return (
            "What this cannot say: you knew which nights were stretch nights, so "
            "expectations may play a part (it cannot be blinded); it is about you alone, "
            "over these weeks, not about anyone else; and if stretching helps only after "
            "many weeks (as in the one positive trial), periods this short can miss it."
        )


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


def observations(
    store: Store, settings: Settings, protocol: Protocol, now: datetime
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


def analyse_observations(
    protocol: Protocol, found: Sequence[Observation], *, complete: bool
) -> tuple[Verdict, Estimate | None, dict[str, int], float | None]:
    """The verdict, the estimate, the nights used and the adherence of these nights."""
    used = [o for o in found if not o.washout and o.cramps is not None]
    nights = {
        "stretch": sum(1 for o in used if o.arm == "stretch"),
        "no_stretch": sum(1 for o in used if o.arm == "no-stretch"),
        "washout": sum(1 for o in found if o.washout),
        "unlogged": sum(1 for o in found if not o.washout and o.cramps is None),
    }
    adherence = (
        sum(1 for o in found if o.stretched == (o.arm == "stretch")) / len(found) if found else None
    )
    enough = (
        min(nights["stretch"], nights["no_stretch"]) >= MIN_ARM_NIGHTS
        and sum(o.cramps or 0 for o in used) >= 3
    )
    if not enough:
        return "not enough data", None, nights, adherence
    from coach.experiment.model import fit_rate_ratio

    estimate = fit_rate_ratio(
        [o.cramps or 0 for o in used],
        [o.arm == "stretch" for o in used],
        [o.day / 28.0 for o in used],
        [(o.period - 1) // 2 for o in used],
    )
    verdict: Verdict = "not enough data"
    if estimate is not None and complete:
        if estimate.prob_below(1.0) >= protocol.helps_probability:
            verdict = "helps"
        elif 1 - estimate.prob_below(1.0) >= protocol.helps_probability:
            verdict = "worse"
        else:
            verdict = "no clear difference"
    return verdict, estimate, nights, adherence


def _periods(protocol: Protocol, found: Sequence[Observation]) -> tuple[PeriodSummary, ...]:
    by_period: dict[int, list[Observation]] = {}
    for o in found:
        by_period.setdefault(o.period, []).append(o)
    out = []
    for period, items in sorted(by_period.items()):
        out.append(
            PeriodSummary(
                period=period,
                arm=items[0].arm,
                start=items[0].night,
                end=items[-1].night,
                counts=tuple(o.cramps for o in items),
                washout=min(protocol.washout_nights, len(items)),
            )
        )
    return tuple(out)


def interim(protocol: Protocol, found: Sequence[Observation], pairs: int) -> EarlyEnd | None:
    """The interim look after `pairs` pairs, on those pairs' nights only: the early end it
    calls for, or None to carry on. The same function runs in the app and in
    bench/experiment_calibration.py, which calibrates its thresholds."""
    if protocol.start is None:
        return None
    nights = pairs * 2 * protocol.period_nights
    _, estimate, used, adherence = analyse_observations(
        protocol, [o for o in found if o.day < nights], complete=False
    )
    if estimate is None:
        return None
    fewer = estimate.prob_below(1.0)
    verdict: Verdict
    reason: StopReason
    if fewer >= protocol.stop_probability:
        verdict, reason = "helps", "benefit"
    elif 1 - fewer >= protocol.stop_probability:
        verdict, reason = "worse", "harm"
    elif estimate.prob_below(BENEFIT_RATIO) < protocol.futility_probability:
        verdict, reason = "no clear difference", "futility"
    else:
        return None
    through = protocol.pair_end(pairs)
    return EarlyEnd(
        night=through + timedelta(days=1),
        pairs=pairs,
        through=through,
        verdict=verdict,
        reason=reason,
        log_ratio=estimate.log_ratio,
        sd=estimate.sd,
        nights=used,
        adherence=adherence,
    )


def first_stop(protocol: Protocol, found: Sequence[Observation]) -> EarlyEnd | None:
    """The first interim look, in order, that ends the experiment (the bench's path)."""
    for pairs in protocol.look_pairs():
        ended = interim(protocol, found, pairs)
        if ended is not None:
            return ended
    return None


def look_due(protocol: Protocol | None, store: Store, settings: Settings, now: datetime) -> bool:
    """Whether an interim look is waiting to be taken (cheap: no model, no scipy).

    The look after a pair is due once that pair's last morning is logged, or from noon
    the day after it either way, so it sees the same nights whoever takes it."""
    if protocol is None or protocol.start is None or protocol.over_from is not None:
        return False
    pending = [p for p in protocol.look_pairs() if p > protocol.looked]
    if not pending:
        return False
    through = protocol.pair_end(pending[0])
    if current_night(settings, now) > through:
        return True
    return last_slept_night(settings, now) >= through and bool(store.cramp_logs(through, through))


def take_looks(
    store: Store, settings: Settings, now: datetime, protocol: Protocol | None
) -> Protocol | None:
    """Take the interim looks that are due, in order, and store each (`advance` calls it).

    A look that ends the experiment stores its answer; the usual routine comes back from
    the night after (tonight, when the look is taken late). The model (scipy) is loaded
    only when a look is due: this runs in a command or a worker thread, never in the
    planner."""
    while look_due(protocol, store, settings, now):
        assert protocol is not None
        pairs = next(p for p in protocol.look_pairs() if p > protocol.looked)
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


def experiment_result(store: Store, settings: Settings, now: datetime) -> ExperimentResult | None:
    """The experiment's state and answer, or None when none was ever started."""
    protocol = advance(store, settings, now)
    if protocol is None:
        return None
    status = status_of(protocol, settings, now)
    found = observations(store, settings, protocol, now)
    ended = protocol.ended
    if ended is not None:
        # Its answer was fixed at the look: mornings logged later change nothing.
        verdict: Verdict = ended.verdict
        estimate: Estimate | None = ended.estimate
        nights: Mapping[str, int] = ended.nights
        adherence = ended.adherence
    else:
        verdict, estimate, nights, adherence = analyse_observations(
            protocol, found, complete=status == "complete"
        )
    if status == "running":
        estimate = None  # no peeking: only the planned looks may end the plan early
    return ExperimentResult(
        protocol=protocol,
        status=status,
        verdict=verdict,
        estimate=estimate,
        nights=nights,
        adherence=adherence,
        periods=_periods(protocol, found),
        run_in=run_in(store, last_slept_night(settings, now)) if status == "run-in" else None,
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
    return (
        f"From the night of {protocol.start:%a %d %b} to {end:%a %d %b %Y} "
        f"({protocol.weeks} weeks): {protocol.pairs} pairs of {protocol.period_nights}-night "
        "periods. In each pair one period has stretch nights and the other no-stretch "
        "nights, in an order drawn at random. On a stretch night do the stretches as usual; "
        "on a no-stretch night leave them out (no reminder). Every other step stays, and "
        f"log your cramps each morning. The first {protocol.washout_nights} nights of each "
        "period do not count: the effect of starting or stopping takes a few nights to "
        "settle. The plan was fixed before its first night; changing it means stopping and "
        "starting again."
        + (f" It may end sooner: {protocol.looks_words()}" if protocol.look_pairs() else "")
    )
