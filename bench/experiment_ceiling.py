"""How much power the experiment's design leaves to any honest analysis: a ceiling.

For each simulated user that `coach.experiment` starts a plan for (the same users, seeds
and rows as bench/experiment_calibration.py), the same person is run again many times
(`User.again`: their rate, spread, clustering, trend, adherence, carry-over and missed
mornings, with fresh chance) through a plan of the same number of pairs in a fresh random
order. Each pair gives the model's comparison d = log((s + 1/2) / n) - log((m + 1/2) / o)
on its counted, logged nights. From all the replicates, the person's own mean and variance
of d are known almost exactly, which no analysis of one plan can know. Printed per row,
among starters:

- "oracle": the power of a test that knew each person's variance of d exactly (a z test
  at the 95% interval's bar, no worthwhile requirement, no looks): a ceiling for any
  analysis of the pairs' totals;
- "model": the share of replicates whose own pair model (`coach.experiment.model`) put
  the 95% interval beyond 1 in the effect's direction at the planned end (no looks);
- "oracle, N pairs": the oracle with plans of N pairs, to show the length a target needs.

    nice -n 10 python bench/experiment_ceiling.py            # about 2 minutes
    python bench/experiment_ceiling.py --users 100 --reps 10  # a quick look
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from experiment_calibration import FIRST_NIGHT, SCENARIOS, User, simulate_user

from coach.experiment import design, model
from coach.experiment import protocol as ex
from coach.settings.model import settings_from_dict

Z = 1.959964
ROWS = (7, 10, 8, 12, 0)
"""A halving (realistic mix), a halving with strong clustering, a slow-onset halving,
harm, no effect."""
LONGER = (10, 15, 20)


def replicate_pairs(
    user: User, protocol: ex.Protocol, rng: random.Random
) -> list[model.PairTotals]:
    """One replicate of the person through a plan like theirs: each usable pair's totals."""
    assert protocol.start is not None
    first = (protocol.start - FIRST_NIGHT).days
    arms = design.draw_arms(protocol.pairs, rng)
    period, washout = protocol.period_nights, protocol.washout_nights
    planned = np.ones(first + len(arms) * period, dtype=bool)
    for index, arm in enumerate(arms):
        planned[first + index * period : first + (index + 1) * period] = arm == "stretch"
    cramps, _, _ = user.counts(planned)
    found = []
    for pair in range(protocol.pairs):
        totals = {}
        for index in (2 * pair, 2 * pair + 1):
            begin = first + index * period + washout
            nights = slice(begin, first + (index + 1) * period)
            logged = ~user.missed[nights]
            totals[arms[index]] = (int(cramps[nights][logged].sum()), int(logged.sum()))
        row = model.PairTotals(*totals["stretch"], *totals["no-stretch"])
        if row.usable:
            found.append(row)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=1000, help="simulated users per row")
    parser.add_argument("--reps", type=int, default=30, help="replicates of each starter")
    parser.add_argument("--seed", type=int, default=24)
    args = parser.parse_args()
    settings = settings_from_dict({"timezone": "UTC"}, Path("bench.toml"))
    began = time.perf_counter()
    print(
        f"{args.users} users a row, {args.reps} replicates of each starter; design "
        f"{design.PERIOD_NIGHTS}/{design.WASHOUT_NIGHTS} nights, up to {design.MAX_PAIRS} "
        "pairs; power = the share told the effect's direction (95% interval beyond 1)"
    )
    heads = " ".join(f"{f'oracle {k}':>10}" for k in LONGER)
    print(f"{'scenario':<31} {'starters':>8} {'pairs':>5} {'var d':>6} {'model':>6} {heads}")
    for row in ROWS:
        scenario = SCENARIOS[row]
        rng = np.random.default_rng(args.seed + row)
        draw = random.Random(args.seed + row)
        model_hits: list[float] = []
        oracle: dict[int, list[float]] = {k: [] for k in LONGER}
        own, variances, pairs = [], [], []
        for _ in range(args.users):
            ran = simulate_user(scenario, settings, rng)
            if ran["outcome"] != "started":
                continue
            user, protocol = ran["user"], ran["protocol"]
            d_all: list[float] = []
            for _ in range(args.reps):
                replicate = user.again(np.random.default_rng(int(rng.integers(2**32))))
                rows = replicate_pairs(replicate, protocol, draw)
                d_all += [r.difference for r in rows]
                estimate = model.fit_pairs(rows)
                if estimate is not None:
                    low, high = estimate.interval()
                    toward = high < 1 if scenario.ratio <= 1 else low > 1
                    model_hits.append(float(toward))
            if len(d_all) < 2:
                continue
            mean, var = statistics.fmean(d_all), statistics.variance(d_all)
            sign = -1 if scenario.ratio <= 1 else 1
            variances.append(var)
            pairs.append(protocol.pairs)
            own.append(_power(sign * mean, var, protocol.pairs))
            for k in LONGER:
                oracle[k].append(_power(sign * mean, var, k))
        n = len(own)
        cells = " ".join(f"{statistics.fmean(oracle[k]) if n else math.nan:>10.1%}" for k in LONGER)
        print(
            f"{scenario.name:<31} {n:>8} {statistics.median(pairs) if n else 0:>5.0f} "
            f"{statistics.median(variances) if n else math.nan:>6.2f} "
            f"{statistics.fmean(model_hits) if model_hits else math.nan:>6.1%} {cells}"
            f"   (oracle at own pairs {statistics.fmean(own) if n else math.nan:.1%})",
            flush=True,
        )
    print(f"took {time.perf_counter() - began:.0f} s")
    return 0


def _power(effect: float, variance: float, pairs: int) -> float:
    """A z test that knows the variance of d: the chance its 95% bar is passed in the
    effect's direction (`effect` signed so that positive is that direction)."""
    return 0.5 * math.erfc(-(effect / math.sqrt(variance / pairs) - Z) / math.sqrt(2))


if __name__ == "__main__":
    sys.exit(main())
