"""The experiment's analysis: from the randomised nights to the estimate, the verdict and
the decision of an interim look. Pure functions of the nights (no store, no clock), the
same in the app, the command line and bench/experiment_calibration.py.

What counts: nights outside each period's washout with a logged morning, compared pair by
pair (model.fit_pairs). The effect is estimated as assigned (intention to treat); the
effect "as planned" divides its log by the contrast in stretching between the arms (the
share of stretch nights with the stretch done, less the share of no-stretch nights with
it), so that missed stretches do not make a benefit look smaller than what a person who
stretched as planned would get.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Literal, NamedTuple

from coach.experiment.design import (
    BENEFIT_PER_WEEK,
    BENEFIT_RATIO,
    MIN_ARM_NIGHTS,
    MIN_CONTRAST,
    WORTHWHILE_LIKELY,
    Rules,
)
from coach.experiment.estimate import Estimate

Arm = Literal["stretch", "no-stretch"]
Verdict = Literal["helps", "fewer, not by much", "no clear difference", "worse", "not enough data"]
VERDICTS: tuple[Verdict, ...] = (
    "helps",
    "fewer, not by much",
    "no clear difference",
    "worse",
    "not enough data",
)
StopReason = Literal["benefit", "harm", "futility"]
STOP_REASONS = ("benefit", "harm", "futility")
NIGHT_KEYS = ("stretch", "no_stretch", "washout", "unlogged")


class Observation(NamedTuple):
    """One randomised night, as the analysis sees it."""

    night: date
    day: int
    """Nights since the first randomised night."""
    arm: Arm
    period: int
    """1-based; periods 2j - 1 and 2j make pair j."""
    washout: bool
    cramps: int | None
    """The morning's count (None: not logged)."""
    stretched: bool
    """Whether the stretch was recorded as done that night."""


class PeriodSummary(NamedTuple):
    """One period, for the diagram and the tables (CENT: adherence and outcome per period)."""

    period: int
    arm: Arm
    start: date
    end: date
    counts: tuple[int | None, ...]
    """Each night's cramps (None: not logged), washout nights first."""
    washout: int
    stretched: int = 0
    """Nights of the period with the stretch recorded as done."""

    @property
    def nights(self) -> int:
        return len(self.counts)

    @property
    def logged(self) -> int:
        return sum(1 for c in self.counts[self.washout :] if c is not None)

    @property
    def cramps(self) -> int:
        return sum(c for c in self.counts[self.washout :] if c is not None)

    @property
    def unlogged(self) -> int:
        return sum(1 for c in self.counts[self.washout :] if c is None)

    @property
    def followed(self) -> float:
        """The share of its nights that followed the plan."""
        done = self.stretched if self.arm == "stretch" else self.nights - self.stretched
        return done / self.nights if self.nights else 0.0


class Analysis(NamedTuple):
    """What the nights so far say."""

    estimate: Estimate | None
    """None when there is not enough data."""
    nights: Mapping[str, int]
    adherence: float | None
    contrast: float
    """Stretch nights stretched, less no-stretch nights stretched (at least MIN_CONTRAST)."""
    worthwhile: float
    """The smallest worthwhile benefit as a rate ratio (stretching as planned): 25% fewer,
    or 1 fewer a week when that is the smaller change."""

    @property
    def p_benefit(self) -> float | None:
        """The chance of a worthwhile benefit if the stretches were done as planned."""
        if self.estimate is None:
            return None
        return self.estimate.prob_below(math.exp(self.contrast * math.log(self.worthwhile)))

    @property
    def p_fewer(self) -> float | None:
        return None if self.estimate is None else self.estimate.prob_below(1.0)

    def verdict(self, rules: Rules) -> Verdict:
        """The verdict at the planned end."""
        fewer, benefit = self.p_fewer, self.p_benefit
        if fewer is None or benefit is None:
            return "not enough data"
        if fewer >= rules.helps_probability:
            return "helps" if benefit >= WORTHWHILE_LIKELY else "fewer, not by much"
        if 1 - fewer >= rules.helps_probability:
            return "worse"
        return "no clear difference"

    def decision(self, rules: Rules) -> tuple[Verdict, StopReason] | None:
        """An interim look's decision: harm first, then benefit, then futility; None to go
        on. An estimate pointing to harm (HARM_HOLD) is never stopped as futile."""
        fewer, benefit = self.p_fewer, self.p_benefit
        if fewer is None or benefit is None:
            return None
        if 1 - fewer >= rules.harm_probability:
            return "worse", "harm"
        if fewer >= rules.stop_probability and benefit >= WORTHWHILE_LIKELY:
            return "helps", "benefit"
        if benefit < rules.futility_probability and 1 - fewer < rules.harm_hold:
            return "no clear difference", "futility"
        return None


def pair_totals(found: Sequence[Observation]) -> list[tuple[int, int, int, int]]:
    """Per pair: stretch cramps, stretch nights, no-stretch cramps, no-stretch nights
    (counted, logged nights only)."""
    totals: dict[int, list[int]] = {}
    for o in found:
        if o.washout or o.cramps is None:
            continue
        row = totals.setdefault((o.period - 1) // 2, [0, 0, 0, 0])
        at = 0 if o.arm == "stretch" else 2
        row[at] += o.cramps
        row[at + 1] += 1
    return [(a, b, c, d) for _, (a, b, c, d) in sorted(totals.items())]


def analyse(found: Sequence[Observation]) -> Analysis:
    """The estimate and the figures of these nights."""
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
    counted = [o for o in found if not o.washout]
    on = [o.stretched for o in counted if o.arm == "stretch"]
    off = [o.stretched for o in counted if o.arm == "no-stretch"]
    contrast = (sum(on) / len(on) if on else 1.0) - (sum(off) / len(off) if off else 0.0)
    contrast = min(1.0, max(MIN_CONTRAST, contrast))
    other = [o.cramps or 0 for o in used if o.arm == "no-stretch"]
    weekly = 7 * sum(other) / len(other) if other else 0.0
    worthwhile = max(BENEFIT_RATIO, 1 - BENEFIT_PER_WEEK / weekly) if weekly > 0 else BENEFIT_RATIO
    enough = (
        min(nights["stretch"], nights["no_stretch"]) >= MIN_ARM_NIGHTS
        and sum(o.cramps or 0 for o in used) >= 3
    )
    estimate = None
    if enough:
        from coach.experiment.model import PairTotals, fit_pairs

        rows = pair_totals(found)
        estimate = fit_pairs(
            [
                PairTotals(stretch_cramps=a, stretch_nights=b, other_cramps=c, other_nights=d)
                for a, b, c, d in rows
            ]
        )
    return Analysis(
        estimate=estimate,
        nights=nights,
        adherence=adherence,
        contrast=contrast,
        worthwhile=worthwhile,
    )


def periods(found: Sequence[Observation], washout_nights: int) -> tuple[PeriodSummary, ...]:
    """Each period's nights, in order."""
    by_period: dict[int, list[Observation]] = {}
    for o in found:
        by_period.setdefault(o.period, []).append(o)
    return tuple(
        PeriodSummary(
            period=period,
            arm=items[0].arm,
            start=items[0].night,
            end=items[-1].night,
            counts=tuple(o.cramps for o in items),
            washout=min(washout_nights, len(items)),
            stretched=sum(1 for o in items if o.stretched),
        )
        for period, items in sorted(by_period.items())
    )
