"""The experiment's model keeps its calibration when cramps cluster: a small simulation,
quick enough for every run (the full calibration, through the whole experiment, is
bench/experiment_calibration.py; its figures are in bench/README.md).

Each simulated plan: 10 pairs of 28-night periods in random order, the first 7 nights of
each left out, cramps from a negative binomial around a level that wanders over days (a
log-normal AR(1): bad weeks come together), some mornings not logged. The model
(`coach.experiment.model.fit_pairs`) must keep a wrong "interval beyond 1" under 1 in 20
either way and cover the truth at least 93% of the time, and still find a real difference
often; the same nights analysed as if each night stood alone must not (the simulation is
hard enough to catch a model that forgets the clustering).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy import signal, stats

from coach.experiment.design import PERIOD_NIGHTS, WASHOUT_NIGHTS
from coach.experiment.model import PairTotals, fit_pairs

PAIRS = 10
PLANS = 1500


class Shares(NamedTuple):
    below: float
    """The 95% interval below 1 ("fewer cramps on stretch nights")."""
    above: float
    """The 95% interval above 1 ("more")."""
    covered: float
    """The interval holds the true rate ratio."""
    naive_below: float
    """A model that treats every night as independent (Poisson on the totals): below 1."""
    naive_above: float


def simulate(ratio: float, sigma: float, seed: int) -> Shares:
    rng = np.random.default_rng(seed)
    nights = PAIRS * 2 * PERIOD_NIGHTS
    below = above = covered = naive_below = naive_above = 0
    for _ in range(PLANS):
        rate = rng.uniform(0.2, 1.2)  # 1.4 to 8.4 cramps a week
        memory = rng.uniform(3, 14)
        rho = math.exp(-1 / memory)
        shocks = rng.normal(0, sigma * math.sqrt(1 - rho * rho), nights)
        shocks[0] = rng.normal(0, sigma)
        level = signal.lfilter([1.0], [1.0, -rho], shocks) - sigma * sigma / 2
        arms = np.concatenate([rng.permutation([1, 0]) for _ in range(PAIRS)])
        stretch = np.repeat(arms, PERIOD_NIGHTS).astype(bool)
        mean = rate * np.exp(level) * np.where(stretch, ratio, 1.0)
        mean *= rng.gamma(1.5, 1 / 1.5, nights)  # night to night overdispersion
        cramps = rng.poisson(mean)
        logged = rng.random(nights) > 0.15
        counted = (np.arange(nights) % PERIOD_NIGHTS >= WASHOUT_NIGHTS) & logged
        rows = []
        for pair in range(PAIRS):
            totals = {}
            for period in (2 * pair, 2 * pair + 1):
                span = slice(period * PERIOD_NIGHTS, (period + 1) * PERIOD_NIGHTS)
                use = counted[span]
                totals[bool(arms[period])] = (int(cramps[span][use].sum()), int(use.sum()))
            rows.append(PairTotals(*totals[True], *totals[False]))
        estimate = fit_pairs(rows)
        assert estimate is not None
        low, high = estimate.interval()
        below += high < 1
        above += low > 1
        covered += low <= ratio <= high
        # Each night as its own observation: a Poisson rate ratio on the totals.
        s, n = sum(r.stretch_cramps for r in rows), sum(r.stretch_nights for r in rows)
        m, o = sum(r.other_cramps for r in rows), sum(r.other_nights for r in rows)
        log_ratio = math.log((s + 0.5) / n) - math.log((m + 0.5) / o)
        se = math.sqrt(1 / (s + 0.5) + 1 / (m + 0.5))
        z = float(stats.norm.ppf(0.975))
        naive_below += log_ratio + z * se < 0
        naive_above += log_ratio - z * se > 0
    return Shares(
        below=below / PLANS,
        above=above / PLANS,
        covered=covered / PLANS,
        naive_below=naive_below / PLANS,
        naive_above=naive_above / PLANS,
    )


def test_no_effect_with_strongly_clustered_cramps_keeps_wrong_answers_under_1_in_20() -> None:
    got = simulate(ratio=1.0, sigma=0.8, seed=24)
    assert got.below <= 0.04 and got.above <= 0.04
    assert got.covered >= 0.93
    # Nights taken as independent would say "fewer" or "more" far more often than 1 in 20.
    assert got.naive_below + got.naive_above >= 0.2


def test_a_real_difference_is_still_found_when_cramps_cluster() -> None:
    got = simulate(ratio=0.5, sigma=0.4, seed=25)
    assert got.below >= 0.6
    assert got.above == 0
    assert got.covered >= 0.93
