"""The experiment's second pass through the command line and its API: pregnancy refused,
`status` on the plan's first morning and after a look, a harm plan told as harm, and the
documented API driven by a store in memory giving the command line's answer."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

import pytest

import coach.experiment as api
from coach.cli.main import main
from coach.clock import FakeClock
from coach.experiment import protocol as experiment
from coach.experiment.design import PERIOD_NIGHTS
from coach.experiment.protocol import Protocol, draw_arms, load_protocol
from coach.session import Session
from tests.support import BERLIN


def run(ctx: Session, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), context=ctx)
    out, err = capsys.readouterr()
    return code, out, err


def run_json(ctx: Session, capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(ctx, capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(autouse=True)
def seeded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(experiment, "new_rng", lambda: random.Random(2026))


def fortnight(ctx: Session, end: date, counts: list[int]) -> None:
    for back, count in enumerate(counts):
        ctx.store.record_cramps(end - timedelta(days=back), count)


def test_start_refuses_during_a_pregnancy_and_says_why(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    fortnight(ctx, date(2026, 11, 21), [3, 2, 4, 3, 2, 3, 4, 2, 3, 3, 2, 4, 3, 2])
    assert run(ctx, capsys, "config", "set", "profile.pregnant", "true")[0] == 0
    code, out, err = run(ctx, capsys, "experiment", "start")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "pregnant" in err and "midwife or doctor" in err and "usually stop after" in err
    assert load_protocol(ctx.store) is None
    # Not even --anyway: the reason is not the length of the plan.
    assert run(ctx, capsys, "experiment", "start", "--anyway")[0] == 1
    assert load_protocol(ctx.store) is None
    assert run(ctx, capsys, "config", "set", "profile.pregnant", "false")[0] == 0
    assert run_json(ctx, capsys, "experiment", "start")["started"] is True


def test_status_before_a_start_says_what_a_plan_would_promise_and_fixes_nothing(
    ctx: Session, capsys: pytest.CaptureFixture[str], clock: FakeClock
) -> None:
    code, out, _ = run(ctx, capsys, "experiment", "status")
    assert code == 0 and out.startswith("No experiment yet.") and "would run" not in out
    fortnight(ctx, date(2026, 11, 22), [3, 2, 4, 3, 2, 3, 4, 2, 3, 3, 2, 4, 3, 2])
    clock.set(datetime(2026, 11, 23, 19, 0, tzinfo=BERLIN))
    code, out, _ = run(ctx, capsys, "experiment", "status")
    assert code == 0
    assert "Started now, the plan would run 80 weeks at most from tomorrow night." in out
    assert 'expected to say "helps" about' in out and "times in 10" in out
    assert "most such plans would run to the end (82 weeks with the run-in)" in out
    assert load_protocol(ctx.store) is None
    # During a pregnancy nothing is offered: start would refuse.
    assert run(ctx, capsys, "config", "set", "profile.pregnant", "true")[0] == 0
    _, out, _ = run(ctx, capsys, "experiment", "status")
    assert "would run" not in out


def test_status_on_the_plans_first_morning_and_after_a_look(
    ctx: Session, capsys: pytest.CaptureFixture[str], clock: FakeClock
) -> None:
    # A run-in, done: the plan is drawn on the morning after its last night, from tonight.
    ctx.store.set_state(
        "experiment",
        Protocol(created="t", run_in_start=date(2026, 11, 9)).to_state(),
    )
    fortnight(ctx, date(2026, 11, 22), [3, 2, 4, 3, 2, 3, 4, 2, 3, 3, 2, 4, 3, 2])
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN))
    code, out, _ = run(ctx, capsys, "experiment", "status")
    assert code == 0
    assert "The plan is over" not in out
    assert "The randomised plan begins on the night of Mon 23 Nov" in out
    assert "Next look: after pair 3" in out
    protocol = load_protocol(ctx.store)
    assert protocol is not None and protocol.start == date(2026, 11, 23)
    # Three pairs later, the look has been taken and did not end it: status says so, and
    # when the next one comes, without its figures.
    for day in range(3 * 2 * PERIOD_NIGHTS):
        night = protocol.start + timedelta(days=day)
        ctx.store.record_cramps(night, 2)
        if protocol.arms[day // PERIOD_NIGHTS] == "stretch":
            ctx.store.record_step(night, "stretch", "done")
    end = protocol.pair_end(3)
    clock.set(datetime(end.year, end.month, end.day, 20, 0, tzinfo=BERLIN) + timedelta(days=1))
    code, out, _ = run(ctx, capsys, "experiment", "status")
    assert code == 0
    assert "The look after 3 pairs" in out and "found no clear answer yet" in out
    assert "Next look: after pair 4" in out
    assert "rate ratio" not in out


def log_plan(ctx: Session, protocol: Protocol, rates: dict[str, float], seed: int) -> None:
    """Every night of the plan followed and logged: counts with the arm's mean (a gamma-
    Poisson, so the nights vary as real ones do)."""
    assert protocol.start is not None
    rng = random.Random(seed)
    for day in range(len(protocol.arms) * protocol.period_nights):
        night = protocol.start + timedelta(days=day)
        arm = protocol.arms[day // protocol.period_nights]
        mean = rng.gammavariate(2.0, rates[arm] / 2.0)
        count, total = 0, rng.expovariate(1.0)
        while total < mean:
            count, total = count + 1, total + rng.expovariate(1.0)
        ctx.store.record_cramps(night, count)
        if arm == "stretch":
            ctx.store.record_step(night, "stretch", "done")


def test_a_plan_with_more_cramps_on_stretch_nights_ends_worse_not_no_clear_difference(
    ctx: Session, capsys: pytest.CaptureFixture[str], clock: FakeClock
) -> None:
    start = date(2026, 12, 1)
    protocol = Protocol(
        created="t",
        run_in_start=start - timedelta(days=14),
        start=start,
        arms=draw_arms(6, random.Random(8)),
    )
    ctx.store.set_state("experiment", protocol.to_state())
    log_plan(ctx, protocol, {"stretch": 1.6, "no-stretch": 0.8}, seed=4)
    assert protocol.end is not None
    clock.set(datetime(2028, 1, 3, 12, 0, tzinfo=BERLIN))  # after the plan's last night
    result = run_json(ctx, capsys, "experiment", "result")
    assert result["status"] == "complete"
    assert result["rate_ratio"]["interval95"][0] > 1  # clearly more cramps on stretch nights ...
    assert result["verdict"] == "worse"  # ... is told as such, at a look or at the end
    _, out, _ = run(ctx, capsys, "experiment", "result")
    assert "more cramps on stretch nights" in out
    assert "No clear difference" not in out


class Log(NamedTuple):
    cramps: int


class Done(NamedTuple):
    outcome: str


class MemoryStore:
    """The documented store protocol, in memory (no coach store, no files)."""

    def __init__(self) -> None:
        self.state: dict[str, Any] = {}
        self.logs: dict[date, Log] = {}
        self.done: dict[tuple[date, str], Done] = {}

    def get_state(self, key: str, default: Any = None) -> Any:
        return self.state.get(key, default)

    def set_state(self, key: str, value: Any) -> None:
        self.state[key] = value

    def cramp_logs(self, start: date, end: date) -> Mapping[date, Log]:
        return {night: log for night, log in self.logs.items() if start <= night <= end}

    def latest_outcomes(self, start: date, end: date) -> Mapping[tuple[date, str], Done]:
        return {key: done for key, done in self.done.items() if start <= key[0] <= end}


def test_the_api_on_a_store_in_memory_answers_as_the_command_line(
    ctx: Session, capsys: pytest.CaptureFixture[str], clock: FakeClock
) -> None:
    """An outside check simulates a user through `coach.experiment` on its own store; the
    same diary through the command line gives the same plan and the same answer."""
    memory = MemoryStore()
    evening = datetime(2026, 11, 22, 18, 0, tzinfo=BERLIN)
    rng = random.Random(5)
    counts = [rng.choice((1, 2, 3, 4)) for _ in range(14)]
    for back, count in enumerate(counts):
        night = date(2026, 11, 21) - timedelta(days=back)
        memory.logs[night] = Log(count)
        ctx.store.record_cramps(night, count)
    started = api.start(memory, ctx.settings, evening, random.Random(2026))
    assert run_json(ctx, capsys, "experiment", "start")["started"]  # seeded the same
    protocol = started.protocol
    stored = load_protocol(ctx.store)
    assert stored is not None and protocol == stored._replace(created=protocol.created)
    assert protocol.start == date(2026, 11, 23) and protocol.end is not None
    night = protocol.start
    while night <= protocol.end:
        assigned = api.assignment(protocol, night)
        assert assigned is not None and assigned.arm is not None
        count = rng.choice((0, 1, 1, 2)) if assigned.arm == "stretch" else rng.choice((1, 2, 3))
        memory.logs[night] = Log(count)
        ctx.store.record_cramps(night, count)
        if assigned.arm == "stretch":
            memory.done[(night, "stretch")] = Done("done")
            ctx.store.record_step(night, "stretch", "done")
        night += timedelta(days=1)
    after = datetime(2028, 9, 1, 12, 0, tzinfo=BERLIN)
    clock.set(after)
    result = api.experiment_result(memory, ctx.settings, after)
    assert result is not None
    assert result.to_json() == run_json(ctx, capsys, "experiment", "result")
    assert result.status == "complete" and result.verdict in ("helps", "fewer, not by much")


def test_a_futility_end_leaning_to_harm_says_more_cramps_and_what_it_does_not_show(
    ctx: Session, capsys: pytest.CaptureFixture[str], clock: FakeClock
) -> None:
    start = date(2026, 3, 2)
    protocol = Protocol(
        created="t",
        run_in_start=start - timedelta(days=14),
        start=start,
        arms=draw_arms(6, random.Random(3)),
    )
    through = protocol.pair_end(3)
    ended = experiment.EarlyEnd(
        night=through + timedelta(days=1),
        pairs=3,
        through=through,
        verdict="no clear difference",
        reason="futility",
        log_ratio=0.15,
        sd=0.2,
        nights={"stretch": 60, "no_stretch": 60, "washout": 42, "unlogged": 6},
        adherence=0.9,
        df=4.0,
        p_benefit=0.04,
    )
    ctx.store.set_state("experiment", protocol._replace(looked=3, ended=ended).to_state())
    assert ended.headline() == "No clear difference, though stretch nights had more cramps."
    _, out, _ = run(ctx, capsys, "experiment", "result")
    assert out.startswith("No clear difference, though stretch nights had more cramps.")
    assert "does not show that stretching does nothing for you" in out
    assert "Chance of a benefit worth having" in out and "4%" in out
    # What follows does not tell a person whose stretch nights had more cramps to stretch
    # every night: the routine is back, and keeping the stretches is theirs to decide.
    assert "stretches every night" not in out
    assert "stretches included (whether to keep them is yours to decide" in out
