"""Calibration of the personal experiment, by simulating users through its own code.

Each simulated user is drawn from a realistic mix: 1 to 10 cramps a week, overdispersed
night to night (negative binomial, size 0.7 to 5), cramps that cluster over days (a
log-normal AR(1) level, sd up to 0.6, memory 3 to 14 days), a slow trend (an elevated
start that fades, and a drift), missed mornings (5-30%, in runs), imperfect adherence
(60-95% of stretch nights stretched, up to 15% of no-stretch nights stretched) and a
carry-over that builds and fades (time constant 1 to 14 nights). Scenarios change one
thing at a time: strong clustering, slow onset, low adherence, long runs of missed
mornings, an expectation effect on stretch nights, a rolling run-in, harm.

Each user goes through `coach.experiment` exactly as the command line drives it, on a
store in memory that satisfies its store protocol (`coach.experiment.store`): `start`
after a fortnight of diary (its eligibility, sizing and refusal; a refused user does not
run it: `--anyway` is not simulated), or, for a rolling run-in, `start` on an empty diary
and `advance` each morning until it draws the plan; then the nights the plan assigns
(`assignment`), `advance` on the first morning logged from the end of each pair (the
interim looks, harm first; they are counted by night) and
`experiment_result` after the last night.

Prints per row, among the users it starts for: "helps", "fewer, not by much", "worse",
"no clear difference" (and how many of those ended early for futility), how many ended
early at a look for any reason (its answer is among the verdicts), the predicted
and achieved power (the share "helps"), the 95% interval's coverage of the effect as
assigned (each user's own: the geometric mean of the simulated effect on counted stretch
nights over that on counted no-stretch nights), and the median and 90th percentile
weeks to an answer (run-in included), each share with its Monte Carlo standard error.
Exits non-zero when a target is missed (see bench/README.md).

    nice -n 10 python bench/experiment_calibration.py            # about 3 minutes
    python bench/experiment_calibration.py --quick                # a smoke run, seconds
    python bench/experiment_calibration.py --rows 0,7 --users 400 # some rows only
"""

from __future__ import annotations

import argparse
import copy
import math
import random
import statistics
import sys
import time
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from scipy import signal

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coach.errors import CoachError
from coach.experiment import design
from coach.experiment import protocol as ex
from coach.settings.model import Settings, settings_from_dict

FIRST_NIGHT = date(2026, 1, 5)
ROLLING_WEEKS = 10
"""A rolling run-in waits this long at most for an answerable fortnight."""


class Scenario(NamedTuple):
    name: str
    ratio: float
    """The rate ratio when the stretches are done every night (fully built up)."""
    tau: tuple[float, float] = (1.0, 14.0)
    """Carry-over time constant (nights), log-uniform in this range."""
    clustering: tuple[float, float] = (0.0, 0.6)
    """The sd of the log level that clusters cramps over days."""
    expectation: float = 0.0
    """Up to this fall in counts on known stretch nights, from expectation alone."""
    adherence: tuple[float, float] = (0.6, 0.95)
    missed: tuple[float, float] = (0.05, 0.30)
    run: tuple[float, float] = (1.0, 4.0)
    """The mean length of a run of missed mornings."""
    trend: bool = True
    rolling: bool = False


NONE = 1.0
SCENARIOS = (
    Scenario("no effect", NONE),
    Scenario("no effect, strong clustering", NONE, clustering=(0.8, 0.8)),
    Scenario("no effect, flat baseline", NONE, trend=False),
    Scenario("no effect, expectation 0-15%", NONE, expectation=0.15),
    Scenario("no effect, missed in long runs", NONE, missed=(0.3, 0.3), run=(7, 7)),
    Scenario("no effect, rolling run-in", NONE, rolling=True),
    Scenario("25% fewer", 0.75),
    Scenario("50% fewer", 0.5),
    Scenario("50% fewer, slow onset (14 n)", 0.5, tau=(14.0, 14.0)),
    Scenario("50% fewer, low adherence", 0.5, adherence=(0.4, 0.6)),
    Scenario("50% fewer, strong clustering", 0.5, clustering=(0.8, 0.8)),
    Scenario("50% fewer, rolling run-in", 0.5, rolling=True),
    Scenario("50% more (harm)", 1.5),
    Scenario("50% more, slow onset (14 n)", 1.5, tau=(14.0, 14.0)),
)
REALISTIC_HALVING = 7
"""The row whose power is the target (a true halving in the realistic mix)."""


class Log(NamedTuple):
    cramps: int


class Outcome(NamedTuple):
    outcome: str


DONE = Outcome("done")


class MemoryStore:
    """The experiment's store protocol, in memory: one simulated user's diary."""

    def __init__(self) -> None:
        self.state: dict[str, Any] = {}
        self.logs: dict[date, Log] = {}
        self.done: dict[tuple[date, str], Outcome] = {}

    def get_state(self, key: str, default: Any = None) -> Any:
        return self.state.get(key, default)

    def set_state(self, key: str, value: Any) -> None:
        self.state[key] = value

    def cramp_logs(self, start: date, end: date) -> Mapping[date, Log]:
        found = {}
        for offset in range((end - start).days + 1):
            night = start + timedelta(days=offset)
            log = self.logs.get(night)
            if log is not None:
                found[night] = log
        return found

    def latest_outcomes(self, start: date, end: date) -> Mapping[tuple[date, str], Outcome]:
        return {key: value for key, value in self.done.items() if start <= key[0] <= end}


def morning(night: date) -> datetime:
    """After the night's morning log (and after noon, so a look is due either way)."""
    after = night + timedelta(days=1)
    return datetime(after.year, after.month, after.day, 12, 30, tzinfo=UTC)


class User:
    """One simulated user's cramps: everything drawn up front, the effect applied once
    the nights' stretches are known."""

    def __init__(self, scenario: Scenario, rng: np.random.Generator, horizon: int) -> None:
        self.scenario, self.rng, self.horizon = scenario, rng, horizon
        self.weekly = rng.uniform(1.0, 10.0)
        self.size = math.exp(rng.uniform(math.log(0.7), math.log(5.0)))
        self.adhere = rng.uniform(*scenario.adherence)
        self.contaminate = rng.uniform(0.0, 0.15)
        low, high = scenario.tau
        self.alpha = 1 - math.exp(-1 / math.exp(rng.uniform(math.log(low), math.log(high))))
        self.expect = rng.uniform(0.0, scenario.expectation)
        self.bump, self.drift = (
            (rng.uniform(0, 0.5), rng.normal(0, 0.3)) if scenario.trend else (0.0, 0.0)
        )
        self.sigma = rng.uniform(*scenario.clustering)
        self.rho = math.exp(-1 / rng.uniform(3, 14))
        self._nights(rng)
        self.share = rng.uniform(*scenario.missed)
        self.run = rng.uniform(*scenario.run)
        self._missed(rng)

    def again(self, rng: np.random.Generator) -> User:
        """The same person (rate, spread, clustering, trend, adherence, carry-over, how
        often they miss a morning) over the same nights, with fresh chance: their own
        replicate (bench/experiment_ceiling.py)."""
        other = copy.copy(self)
        other.rng = rng
        other._nights(rng)
        other._missed(rng)
        return other

    def _nights(self, rng: np.random.Generator) -> None:
        horizon, sigma, rho = self.horizon, self.sigma, self.rho
        t = np.arange(horizon)
        base = np.full(horizon, self.weekly / 7)
        base *= (1 + self.bump * np.exp(-t / 21)) * np.exp(self.drift * t / 365)
        shocks = rng.normal(0, sigma * math.sqrt(1 - rho * rho), horizon)
        shocks[0] = rng.normal(0, sigma)
        level = signal.lfilter([1.0], [1.0, -rho], shocks)
        self.base = base * np.exp(level - sigma * sigma / 2)
        self.noise = rng.gamma(self.size, 1 / self.size, horizon)
        self.uniform = rng.random(horizon)

    def _missed(self, rng: np.random.Generator) -> None:
        leave, enter = 1 / self.run, self.share / (1 - self.share) / self.run
        missed = np.zeros(self.horizon, dtype=bool)
        u = rng.random(self.horizon)
        state = rng.random() < self.share
        for night in range(self.horizon):
            state = u[night] > leave if state else u[night] < enter
            missed[night] = state
        self.missed = missed

    def counts(self, planned: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cramps, whether stretched, and the effect's log multiplier, night by night, for
        the nights a stretch was planned (the run-in is the usual routine: planned)."""
        u = self.uniform[: len(planned)]
        stretched = np.where(planned, u < self.adhere, u < self.contaminate)
        # The effect builds and fades: s_t = s_{t-1} + alpha (stretched_t - s_{t-1}), from 1
        # (the user stretched before the run-in).
        a = self.alpha
        state, _ = signal.lfilter([a], [1.0, -(1 - a)], stretched.astype(float), zi=[1 - a])
        log_effect = math.log(self.scenario.ratio) * state
        log_effect += np.where(planned, math.log(1 - self.expect), 0.0)
        mean = self.base[: len(planned)] * np.exp(log_effect) * self.noise[: len(planned)]
        return self.rng.poisson(mean), stretched, log_effect


def simulate_user(
    scenario: Scenario, settings: Settings, rng: np.random.Generator
) -> dict[str, Any]:
    """One user through the experiment's own code; what happened to them."""
    longest = design.MAX_PAIRS * 2 * design.PERIOD_NIGHTS
    pre = design.RUN_IN_NIGHTS + 7 * ROLLING_WEEKS
    user = User(scenario, rng, pre + longest + 2)
    store = MemoryStore()
    draw = random.Random(int(rng.integers(2**32)))  # the plan's random order, reproducible
    cramps, stretched, _ = user.counts(np.ones(pre, dtype=bool))

    def log(index: int, count: int, done: bool) -> None:
        night = FIRST_NIGHT + timedelta(days=index)
        if not user.missed[index]:
            store.logs[night] = Log(int(count))
        if done:
            store.done[(night, ex.STRETCH)] = DONE

    def evening(index: int) -> datetime:
        night = FIRST_NIGHT + timedelta(days=index)
        return datetime(night.year, night.month, night.day, 20, 0, tzinfo=UTC)

    # A rolling run-in starts on an empty diary; otherwise `start` comes after a fortnight
    # of diary, and a fortnight with too few mornings logged becomes a run-in that rolls.
    begin = 0 if scenario.rolling else design.RUN_IN_NIGHTS
    for index in range(begin):
        log(index, cramps[index], bool(stretched[index]))
    try:
        protocol: ex.Protocol | None = ex.start(store, settings, evening(begin), draw).protocol
    except CoachError:
        window = ex.run_in(store, FIRST_NIGHT + timedelta(days=begin - 1))
        return {"outcome": "refused" if window.eligible else "not eligible"}
    index = begin
    while protocol is not None and protocol.start is None:
        if index >= pre:
            return {"outcome": "gave up"}
        log(index, cramps[index], bool(stretched[index]))
        protocol = ex.advance(store, settings, morning(FIRST_NIGHT + timedelta(days=index)), draw)
        index += 1
    assert protocol is not None and protocol.start is not None and protocol.end is not None
    first = (protocol.start - FIRST_NIGHT).days
    nights = (protocol.end - FIRST_NIGHT).days + 1
    planned = np.ones(nights, dtype=bool)
    for index in range(first, nights):
        assigned = ex.assignment(protocol, FIRST_NIGHT + timedelta(days=index))
        assert assigned is not None
        planned[index] = assigned.arm == "stretch"
    cramps, stretched, log_effect = user.counts(planned)
    for index in range(first, nights):
        log(index, cramps[index], bool(stretched[index]))
    for pairs in protocol.look_pairs():
        # Looks are counted by night: the morning that ends the pair, or the first one
        # logged after it, takes the look.
        index = (protocol.pair_end(pairs) - FIRST_NIGHT).days
        while index < nights - 1 and user.missed[index]:
            index += 1
        protocol = ex.advance(store, settings, morning(FIRST_NIGHT + timedelta(days=index)))
        assert protocol is not None
        if protocol.ended is not None:
            break
    result = ex.experiment_result(store, settings, morning(protocol.end))
    assert result is not None and result.status == "complete"
    ended = protocol.ended
    through = ended.through if ended is not None else protocol.end
    # From the first night of diary it rested on (a fortnight before `start`, or the
    # empty diary's first night) to the last night of its answer.
    weeks = (first - (begin - design.RUN_IN_NIGHTS if begin else 0)) / 7
    weeks += ((through - protocol.start).days + 1) / 7
    # The effect as assigned on the nights the answer rests on.
    counted = {"stretch": [], "no-stretch": []}  # type: dict[str, list[float]]
    for index in range(first, (through - FIRST_NIGHT).days + 1):
        assigned = ex.assignment(protocol, FIRST_NIGHT + timedelta(days=index))
        counts = assigned is not None and assigned.arm and not assigned.washout
        if counts and assigned is not None and assigned.arm and not user.missed[index]:
            counted[assigned.arm].append(float(log_effect[index]))
    truth = statistics.fmean(counted["stretch"]) - statistics.fmean(counted["no-stretch"])
    covered = None
    if result.estimate is not None:
        low, high = result.estimate.interval()
        covered = low <= math.exp(truth) <= high
    interval_above = result.estimate is not None and result.estimate.interval()[0] > 1
    window = ex.run_in(store, protocol.start - timedelta(days=2))
    return {
        "outcome": "started",
        "rate": window.rate,
        "size": window.size,
        "verdict": result.verdict,
        "reason": None if ended is None else ended.reason,
        "weeks": weeks,
        "covered": covered,
        "power": protocol.power,
        "pairs": protocol.pairs,
        "quiet_harm": result.verdict == "no clear difference" and interval_above,
        "user": user,
        "protocol": protocol,
    }


def share(hits: int, n: int) -> str:
    if n == 0:
        return "-"
    p = hits / n
    return f"{p:5.1%}±{math.sqrt(p * (1 - p) / n):.1%}"


def run(
    scenario: Scenario, users: int, seed: int, dump: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    settings = settings_from_dict({"timezone": "UTC"}, Path("bench.toml"))
    rng = np.random.default_rng(seed)
    runs = []
    for _ in range(users):
        if dump is not None:  # calibrating the sizing: plans of every length
            design.MAX_PAIRS = int(rng.integers(design.MIN_PAIRS, 11))
        runs.append(simulate_user(scenario, settings, rng))
    if dump is not None:
        dump += [
            {k: v for k, v in r.items() if k not in ("user", "protocol")}
            | {"scenario": scenario.name}
            for r in runs
            if r["outcome"] == "started"
        ]
    started = [r for r in runs if r["outcome"] == "started"]
    n = len(started)

    def count(**want: Any) -> int:
        return sum(all(r[k] == v for k, v in want.items()) for r in started)

    covered = [r["covered"] for r in started if r["covered"] is not None]
    weeks = [r["weeks"] for r in started]
    return {
        "users": users,
        "starts": n / users,
        "n": n,
        "helps": count(verdict="helps"),
        "fewer": count(verdict="fewer, not by much"),
        "worse": count(verdict="worse"),
        "unclear": count(verdict="no clear difference"),
        "futility": count(reason="futility"),
        "early": sum(r["reason"] is not None for r in started),
        "quiet_harm": count(quiet_harm=True),
        "covered": sum(covered),
        "estimated": len(covered),
        "predicted": statistics.fmean(r["power"] for r in started) if started else math.nan,
        "weeks": statistics.median(weeks) if weeks else math.nan,
        "weeks90": statistics.quantiles(weeks, n=10)[-1] if len(weeks) > 1 else math.nan,
        "refused": sum(r["outcome"] == "refused" for r in runs) / users,
        "ineligible": sum(r["outcome"] in ("not eligible", "gave up") for r in runs) / users,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: few users")
    parser.add_argument("--users", type=int, help="simulated users per row")
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument("--rows", metavar="I,J", help="only these rows (SCENARIOS' order)")
    parser.add_argument(
        "--set",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="try another value of a constant of coach.experiment (design, model)",
    )
    parser.add_argument(
        "--calibrate",
        metavar="FILE",
        help="nobody refused, plans of 3 to 10 pairs at random: each starter as JSON lines",
    )
    args = parser.parse_args()
    from coach.experiment import model

    for setting in args.set:
        name, value = setting.split("=")
        for module in (design, model):
            if hasattr(module, name):
                setattr(module, name, type(getattr(module, name))(float(value)))
    dump: list[dict[str, Any]] | None = None
    if args.calibrate:
        dump = []
        design.TARGET_POWER = 0.0
        design.SIZING_POWER = 1.01
    users = args.users or (20 if args.quick else 1000)
    rows = [int(i) for i in args.rows.split(",")] if args.rows else list(range(len(SCENARIOS)))
    began = time.perf_counter()
    print(
        f"{users} simulated users a row; design {design.PERIOD_NIGHTS}/{design.WASHOUT_NIGHTS} "
        f"nights, {design.MIN_PAIRS}-{design.MAX_PAIRS} pairs; shares among starters +- 1 SE"
    )
    print(
        f"{'scenario':<31} {'starts':>6} {'helps':>11} {'fewer':>11} {'worse':>11} "
        f"{'unclear':>6} {'futile':>6} {'early':>6} {'power pred/got':>14} {'covers':>11} "
        f"{'weeks':>7}"
    )
    ok, misses = True, []
    for index in rows:
        scenario = SCENARIOS[index]
        r = run(scenario, users, args.seed + index, dump)
        n = r["n"]
        print(
            f"{scenario.name:<31} {r['starts']:>6.0%} {share(r['helps'], n):>11} "
            f"{share(r['fewer'], n):>11} {share(r['worse'], n):>11} "
            f"{r['unclear'] / max(n, 1):>6.0%} {r['futility'] / max(n, 1):>6.0%} "
            f"{r['early'] / max(n, 1):>6.1%} "
            f"{r['predicted']:>7.0%}/{r['helps'] / max(n, 1):<6.0%} "
            f"{share(r['covered'], r['estimated']):>11} "
            f"{r['weeks']:>3.0f}/{r['weeks90']:<3.0f}",
            flush=True,
        )
        if args.quick or n == 0:
            continue
        helps, covers = r["helps"] / n, r["covered"] / max(r["estimated"], 1)
        if scenario.ratio == NONE and not scenario.expectation and helps > 0.05:
            misses.append(f"{scenario.name}: false helps {helps:.1%} > 5%")
        if scenario.ratio > 1 and r["worse"] / n < 0.30 and scenario.tau == (1.0, 14.0):
            misses.append(f"{scenario.name}: worse {r['worse'] / n:.1%} < 30%")
        if r["quiet_harm"]:
            misses.append(f"{scenario.name}: {r['quiet_harm']} no clear difference above 1")
        if covers < 0.93:
            misses.append(f"{scenario.name}: coverage {covers:.1%} < 93%")
        if index == REALISTIC_HALVING:
            if helps < 0.70:
                misses.append(f"{scenario.name}: power {helps:.1%} < 70%")
            if abs(helps - r["predicted"]) > 0.05:
                misses.append(f"{scenario.name}: predicted {r['predicted']:.1%} vs {helps:.1%}")
    ok = not misses
    print(f"took {time.perf_counter() - began:.0f} s")
    if dump is not None:
        import json

        Path(args.calibrate).write_text("\n".join(json.dumps(r) for r in dump) + "\n")
    for miss in misses:
        print("missed: " + miss)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
