"""The experiment's design: period length, washout, the number of pairs, the bars of the
verdict and of the interim looks, and the sizing that predicts what a plan will give.

Every number here was chosen by simulation (bench/experiment_calibration.py, figures in
bench/README.md); a plan stores the ones it was fixed with, so changing a default never
changes a plan already running. Nothing here loads numpy or scipy.
"""

from __future__ import annotations

import math
import random
from typing import NamedTuple

PROTOCOL_VERSION = 3
"""3: 28-night periods analysed by pair totals (model.fit_pairs), with harm checked before
futility; 2: interim looks; 1: neither."""

PERIOD_NIGHTS = 28
"""Nights in one period (one arm). Long enough for an effect that builds over two weeks
(the one positive trial measured after six): bench/README.md."""
WASHOUT_NIGHTS = 7
"""Nights at the start of each period left out of the comparison (carry-over)."""
MIN_PAIRS, MAX_PAIRS = 3, 10
"""The number of pairs is sized from the run-in, within these bounds (10 pairs of 28-night
periods: 80 weeks)."""
RUN_IN_NIGHTS = 14
"""The run-in: the last fortnight of mornings before randomisation."""
RUN_IN_MIN_LOGGED = 10
"""Logged mornings the run-in needs."""
MIN_CRAMP_NIGHTS = 3
"""Nights with cramps the run-in needs: with fewer, no plan of sensible length answers."""
MIN_ARM_NIGHTS = 4
"""Logged nights each arm needs (outside washouts) before any figure is shown."""

BENEFIT_RATIO = 0.75
"""A worthwhile benefit: at least 25% fewer cramps (CONTENT.md, Cochrane 2020) ..."""
BENEFIT_PER_WEEK = 1.0
"""... or at least 1 fewer cramp a week, whichever is the smaller change."""
HELPS_PROBABILITY = 0.975
"""The planned end: "helps" needs the 95% interval below 1 (the chance of fewer cramps on
stretch nights at least this) and a worthwhile benefit likely (WORTHWHILE_LIKELY);
"worse" needs the interval above 1."""
WORTHWHILE_LIKELY = 0.5
"""The chance of a worthwhile benefit "helps" needs; below it, fewer cramps on stretch
nights are "fewer, not by much"."""
FIRST_LOOK = 3
"""Interim looks: the first after this many pairs, then every LOOK_EVERY pairs (never after
the last pair), each on the nights of the pairs so far."""
LOOK_EVERY = 1
STOP_PROBABILITY = 0.995
"""A look ends the plan with "helps" when the chance of fewer cramps on stretch nights is at
least this and a worthwhile benefit is likely."""
HARM_PROBABILITY = 0.99
"""A look ends the plan with "worse" when the chance of more cramps on stretch nights is at
least this (checked before benefit is judged futile: harm comes first)."""
FUTILITY_PROBABILITY = 0.1
"""A look ends the plan with "no clear difference" when the chance of a worthwhile benefit,
if the stretches were done as planned, is below this ..."""
HARM_HOLD = 0.6
"""... unless the chance of more cramps on stretch nights is at least this: an estimate that
points to harm runs on, so that harm can be told (it is never ended as "no clear
difference")."""
MIN_CONTRAST = 0.5
"""The share of nights that followed the plan is taken as at least this when the effect
of stretching as planned is worked out (a diary without stretch records would divide by
nothing)."""

# Sizing: what the plan predicts (calibrated in bench/README.md "Fourth pass").
PLAN_RATIO = 0.6
"""The rate ratio between the arms the sizing plans for: a halving when the stretches are
done, diluted by stretches missed, stretches done on no-stretch nights and carry-over."""
PLAN_SIZE = 1.0
"""The night-to-night overdispersion (negative binomial size) the sizing assumes at most
evidence; a fortnight's own is taken half-way to it."""
MAX_INVERSE_SIZE = 3.0
"""The run-in's own overdispersion is taken as at most this (1 / size)."""
PERIOD_VARIANCE = 0.16
"""The variance of a period's log rate from bad and good weeks (clustering) and trends,
beyond what its nights give: what makes a plan need pairs, not just nights."""
RATE_DISCOUNT = 0.8
"""The run-in's rate is taken as this share of itself: a run-in that starts a plan was
picked for its high rate, and rates fall back."""
LOGGED_SHARE = 0.85
"""The share of mornings the sizing expects to be logged."""
SIZING_POWER = 0.9
"""Pairs are sized for this predicted power of "helps" with a halving, at most MAX_PAIRS."""
TARGET_POWER = 0.5
"""`start` refuses (unless `--anyway`) when even MAX_PAIRS predicts less than this."""


class Rules(NamedTuple):
    """The bars a plan is fixed with (stored in it)."""

    first_look: int = FIRST_LOOK
    look_every: int = LOOK_EVERY
    stop_probability: float = STOP_PROBABILITY
    harm_probability: float = HARM_PROBABILITY
    futility_probability: float = FUTILITY_PROBABILITY
    harm_hold: float = HARM_HOLD
    helps_probability: float = HELPS_PROBABILITY


def weeks(pairs: int, period_nights: int = PERIOD_NIGHTS) -> int:
    return math.ceil(pairs * 2 * period_nights / 7)


def draw_arms(pairs: int, rng: random.Random) -> tuple[str, ...]:
    """Each pair: stretch and no-stretch, in an order drawn by `rng`."""
    arms: list[str] = []
    for _ in range(pairs):
        pair = ["stretch", "no-stretch"]
        rng.shuffle(pair)
        arms += pair
    return tuple(arms)


def _t_quantile(p: float, df: float) -> float:
    """Student t quantile (Cornish-Fisher to the second order: close enough for sizing)."""
    from statistics import NormalDist  # here: Tonight loads this module, not the sizing

    z = NormalDist().inv_cdf(p)
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df * df)


class Outlook(NamedTuple):
    """What a plan of `pairs` pairs predicts for one run-in."""

    pairs: int
    power: float
    """The predicted chance of "helps" if stretching halves the cramps."""
    effect: float
    """The expected difference between the arms (log rate ratio of a pair)."""
    spread: float
    """The expected variance of one pair's difference."""


def outlook(
    rate: float,
    pairs: int,
    *,
    size: float = PLAN_SIZE,
    period_nights: int = PERIOD_NIGHTS,
    washout_nights: int = WASHOUT_NIGHTS,
    helps_probability: float = HELPS_PROBABILITY,
) -> Outlook:
    """The predicted power of a plan for a run-in `rate` (cramps a night).

    The run-in is the usual routine, stretches included, so under the planned effect the
    stretch nights keep the (discounted) run-in rate and the no-stretch nights have
    rate / PLAN_RATIO. A pair's difference of log period rates then has the mean and the
    variance its counts give (Poisson, plus 1 / (nights * size) for the night-to-night
    spread, plus PERIOD_VARIANCE for each period), and the final t test on `pairs` of them
    answers "helps" when the difference is beyond the bar."""
    from coach.experiment import model

    nights = (period_nights - washout_nights) * LOGGED_SHARE
    stretch = max(rate, 1e-6) * RATE_DISCOUNT * nights
    other = stretch / PLAN_RATIO
    effect = math.log((stretch + 0.5) / (other + 0.5))
    counts = 1 / (stretch + 0.5) + 1 / (other + 0.5)
    spread = counts + 2 / (nights * size) + 2 * PERIOD_VARIANCE
    # The model's posterior spread mixes its prior guess with the spread between pairs.
    df = model.PRIOR_DF + pairs - 1
    prior = model.PRIOR_SCALE * counts + model.PRIOR_EXTRA
    posterior = (model.PRIOR_DF * prior + (pairs - 1) * spread) / df
    bar = _t_quantile(helps_probability, df) * math.sqrt(posterior / pairs)
    from statistics import NormalDist

    power = NormalDist().cdf((abs(effect) - bar) / math.sqrt(spread / pairs))
    return Outlook(pairs=pairs, power=power, effect=effect, spread=spread)


def median_weeks(
    rate: float,
    pairs: int,
    *,
    size: float = PLAN_SIZE,
    period_nights: int = PERIOD_NIGHTS,
    washout_nights: int = WASHOUT_NIGHTS,
    first_look: int = FIRST_LOOK,
    stop_probability: float = STOP_PROBABILITY,
) -> int:
    """The weeks by which half of such plans would have answered if stretching halves the
    cramps: the first interim look at which "helps" alone is predicted at least half the
    time, else the whole plan (a look's chance is not added to the earlier ones', so this
    errs on the long side)."""
    for look in range(max(first_look, 1), pairs):
        chance = outlook(
            rate,
            look,
            size=size,
            period_nights=period_nights,
            washout_nights=washout_nights,
            helps_probability=stop_probability,
        ).power
        if chance >= 0.5:
            return weeks(look, period_nights)
    return weeks(pairs, period_nights)


def pairs_needed(
    rate: float,
    period_nights: int = PERIOD_NIGHTS,
    washout_nights: int = WASHOUT_NIGHTS,
    *,
    power: float = SIZING_POWER,
    size: float = PLAN_SIZE,
    most: int = 60,
) -> int:
    """The fewest pairs (at least MIN_PAIRS) predicted to reach `power`; `most` + 1 when
    even `most` pairs fall short."""
    for pairs in range(MIN_PAIRS, most + 1):
        got = outlook(
            rate, pairs, size=size, period_nights=period_nights, washout_nights=washout_nights
        )
        if got.power >= power:
            return pairs
    return most + 1
