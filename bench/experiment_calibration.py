"""Calibration of the personal experiment's verdict, by simulating users.

Each simulated user has negative-binomial cramp counts (2 to 10 cramps a week at the
start, overdispersed), a baseline that declines (an elevated start that fades, as when
people start at their worst, plus a slow seasonal drift), unlogged mornings, and imperfect
adherence (some stretch nights without the stretch, a few no-stretch nights with it). The
effect of stretching builds up and fades over a couple of nights (carry-over). Each user
goes through the real code: the run-in eligibility rule, the pair sizing, the random
draw, the planner (`coach.experiment.plan_for`, which drops the stretch step on a
no-stretch night: the user stretches only when the plan holds the step) and the analysis
(`coach.experiment.analyse_observations`, the negative binomial model).

Prints per scenario and design how often the verdict is "helps" (target: at most 5% with
no true effect, 80% or more with a true halving), "worse", and the median weeks to an
answer (run-in included). Exits non-zero when the shipped design misses a target.

    python bench/experiment_calibration.py           # about 2-3 minutes on 2 cores
    python bench/experiment_calibration.py --quick   # a smoke run, under 30 s
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coach import experiment as ex
from coach.settings import Settings, settings_from_dict

FIRST_NIGHT = date(2026, 1, 5)


@dataclass(frozen=True)
class Scenario:
    name: str
    ratio: float
    trend: bool = True


SCENARIOS = (
    Scenario("no effect, declining baseline", 1.0),
    Scenario("no effect, flat baseline", 1.0, trend=False),
    Scenario("50% fewer cramps, declining baseline", 0.5),
    Scenario("25% fewer cramps, declining baseline", 0.75),
)


@dataclass(frozen=True)
class Design:
    period: int
    washout: int
    target: float = ex.TARGET_CRAMPS
    most: int = ex.MAX_PAIRS

    def label(self) -> str:
        return f"{self.period}n/{self.washout}w/t{self.target:g}/max{self.most}"


BANDS = ((0, 4), (5, 6), (7, 9), (10, 14))
"""Bands of run-in nights with cramps (of 14), for the breakdown of eligible users."""

SHIPPED = Design(ex.PERIOD_NIGHTS, ex.WASHOUT_NIGHTS)
CANDIDATES = (
    Design(7, 2),
    Design(10, 3),
    SHIPPED,
    Design(14, 4),
)


class MemoryState:
    """The store's state, in memory: what `plan_for` reads the protocol from."""

    def __init__(self, protocol: ex.Protocol) -> None:
        self.doc = protocol.to_state()

    def get_state(self, key: str, default: Any = None) -> Any:
        return self.doc if key == ex.STATE_KEY else default


def simulate_user(
    scenario: Scenario, design: Design, settings: Settings, rng: random.Random
) -> tuple[str, float | None, int]:
    """One user through run-in, plan and analysis: (verdict, weeks to the answer, nights
    with cramps in the run-in)."""
    nprng = rng
    weekly = rng.uniform(2.0, 10.0)
    size = math.exp(rng.uniform(math.log(0.7), math.log(5.0)))
    miss = rng.uniform(0.05, 0.25)
    adhere = rng.uniform(0.75, 0.95)
    contaminate = rng.uniform(0.0, 0.15)
    carry = 1 - math.exp(-1 / 1.5)  # the effect builds up and fades over ~2 nights
    state = 1.0  # the user stretched before: the run-in is on the usual routine
    day = 0

    def night_count(stretched: bool) -> int | None:
        nonlocal state, day
        state += (float(stretched) - state) * carry
        base = weekly / 7
        if scenario.trend:
            base *= (1 + 0.4 * math.exp(-day / 21)) * math.exp(-0.3 * day / 182)
        mean = base * math.exp(math.log(scenario.ratio) * state)
        day += 1
        # Negative binomial as a gamma-Poisson mixture.
        rate = nprng.gammavariate(size, mean / size)
        count = _poisson(rate, nprng)
        return None if nprng.random() < miss else count

    # The run-in: the usual routine, the real eligibility rule.
    logs = [night_count(nprng.random() < adhere) for _ in range(ex.RUN_IN_NIGHTS)]
    seen = [c for c in logs if c is not None]
    window = ex.RunIn(
        FIRST_NIGHT,
        FIRST_NIGHT + timedelta(days=ex.RUN_IN_NIGHTS - 1),
        len(seen),
        sum(1 for c in seen if c > 0),
        sum(seen),
    )
    if not window.eligible or window.rate is None:
        return "not eligible", None, window.cramp_nights
    start = FIRST_NIGHT + timedelta(days=ex.RUN_IN_NIGHTS)
    protocol = ex.Protocol(
        created="sim",
        run_in_start=FIRST_NIGHT,
        period_nights=design.period,
        washout_nights=design.washout,
    )
    pairs = ex.pairs_for(
        window.rate, design.period, design.washout, target=design.target, most=design.most
    )
    protocol = ex.randomise(protocol, window.rate, start, rng, pairs)
    store: Any = MemoryState(protocol)
    found = []
    night = start
    assert protocol.end is not None
    while night <= protocol.end:
        plan, assigned = ex.plan_for(settings, store, night)
        assert assigned is not None and assigned.arm is not None and assigned.period is not None
        if plan.step(ex.STRETCH) is not None:
            stretched = nprng.random() < adhere
        else:
            stretched = nprng.random() < contaminate
        found.append(
            ex.Observation(
                night,
                (night - start).days,
                assigned.arm,
                assigned.period,
                assigned.washout,
                night_count(stretched),
                stretched,
            )
        )
        night += timedelta(days=1)
    if EARLY["every"]:
        per_pair = 2 * design.period
        for look in range(EARLY["every"], protocol.pairs, EARLY["every"]):
            _, est, _, _ = ex.analyse_observations(
                protocol, found[: look * per_pair], complete=False
            )
            if est is not None and est.prob_below(1.0) >= EARLY["threshold"]:
                return "helps", (ex.RUN_IN_NIGHTS + look * per_pair) / 7, window.cramp_nights
    verdict, _, _, _ = ex.analyse_observations(protocol, found, complete=True)
    return verdict, (ex.RUN_IN_NIGHTS + len(found)) / 7, window.cramp_nights


EARLY: dict[str, Any] = {"every": 0, "threshold": 1.0}


def _poisson(rate: float, rng: random.Random) -> int:
    # Knuth's method is fine for the small rates here (a few cramps a night at most).
    limit, k, p = math.exp(-rate), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def run(scenario: Scenario, design: Design, users: int, seed: int) -> dict[str, Any]:
    settings = settings_from_dict({"timezone": "Europe/Berlin"}, Path("bench.toml"))
    rng = random.Random(seed)
    verdicts: list[str] = []
    weeks: list[float] = []
    by_band: dict[tuple[int, int], list[Any]] = {}
    for _ in range(users):
        verdict, took, cramp_nights = simulate_user(scenario, design, settings, rng)
        verdicts.append(verdict)
        for low, high in BANDS:
            if low <= cramp_nights <= high and verdict != "not eligible":
                band = by_band.setdefault((low, high), [0, 0, []])
                band[0] += 1
                band[1] += verdict == "helps"
                if took is not None:
                    band[2].append(took)
        if took is not None:
            weeks.append(took)
    share = {v: verdicts.count(v) / users for v in set(verdicts)}
    eligible = users - verdicts.count("not eligible")
    return {
        "helps": share.get("helps", 0.0),
        "worse": share.get("worse", 0.0),
        "ineligible": share.get("not eligible", 0.0),
        "helps_eligible": verdicts.count("helps") / eligible if eligible else float("nan"),
        "weeks": statistics.median(weeks) if weeks else float("nan"),
        "weeks90": statistics.quantiles(weeks, n=10)[-1] if len(weeks) > 1 else float("nan"),
        "bands": {
            band: (n, helps / n, statistics.median(took))
            for band, (n, helps, took) in sorted(by_band.items())
            if n
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: few users, one design")
    parser.add_argument("--users", type=int, help="simulated users per scenario and design")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--candidates", action="store_true", help="compare the candidate designs")
    parser.add_argument("--design", metavar="P,W,TARGET,MAX", help="try one design")
    parser.add_argument("--threshold", type=float, help="try another 'helps' probability")
    parser.add_argument("--early", metavar="EVERY,P", help="try early stopping for benefit")
    args = parser.parse_args()
    users = args.users or (40 if args.quick else 400)
    designs = CANDIDATES if args.candidates else (SHIPPED,)
    if args.design:
        p, w, t, m = args.design.split(",")
        designs = (Design(int(p), int(w), float(t), int(m)),)
    if args.threshold:
        ex.HELPS_PROBABILITY = args.threshold
    if args.early:
        every, threshold = args.early.split(",")
        EARLY.update(every=int(every), threshold=float(threshold))
    began = time.perf_counter()
    print(f"{users} simulated users per row; shipped design {SHIPPED.label()}")
    print(
        f"{'design':<22} {'scenario':<38} {'helps':>6} {'(elig.)':>7} {'worse':>6} "
        f"{'inel.':>6} {'weeks: median, 90%':>19}"
    )
    ok = True
    for design in designs:
        for index, scenario in enumerate(SCENARIOS):
            if design != SHIPPED and scenario.name.startswith("25%"):
                continue
            row = run(scenario, design, users, args.seed + index)
            print(
                f"{design.label():<22} {scenario.name:<38} {row['helps']:>6.1%} "
                f"{row['helps_eligible']:>7.1%} {row['worse']:>6.1%} {row['ineligible']:>6.1%} "
                f"{row['weeks']:>12.0f}, {row['weeks90']:.0f}",
                flush=True,
            )
            for (low, high), (n, helps, took) in row["bands"].items():
                print(
                    f"{'':<22}   run-in nights with cramps {low}-{high}: {n:>4} users, "
                    f"helps {helps:.1%}, median {took:.0f} weeks"
                )
            if design == SHIPPED and not args.quick:
                if scenario.ratio == 1.0 and row["helps"] > 0.05:
                    ok = False
                if scenario.ratio == 0.5 and row["helps"] < 0.80:
                    ok = False
    print(f"took {time.perf_counter() - began:.0f} s")
    if not ok:
        print("the shipped design misses a target (<= 5% helps with no effect, >= 80% at 50%)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
