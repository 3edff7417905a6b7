"""The stretch player's logic: order, timing from a monotonic deadline, and what is recorded."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from coach.clock import FakeClock, SystemClock
from coach.settings.model import StretchSettings
from coach.stretch.player import StretchSession, plan_slots
from routines import EVENING


def session(clock: FakeClock, **kw: object) -> StretchSession:
    variant = str(kw.pop("variant", "standing"))
    return StretchSession(EVENING, StretchSettings(**kw), clock, variant=variant)  # type: ignore[arg-type]


def test_order_is_each_exercise_left_then_right_rep_by_rep() -> None:
    slots = plan_slots(EVENING.exercises_for("standing"), 3)
    described = [(s.exercise.id, s.leg, s.rep) for s in slots]
    assert described[:4] == [
        ("calf-standing", "left", 1),
        ("calf-standing", "left", 2),
        ("calf-standing", "left", 3),
        ("calf-standing", "right", 1),
    ]
    assert len(described) == 12
    assert described[-1] == ("hamstring-standing", "right", 3)


def test_a_full_run_completes_every_hold_with_rests_between(clock: FakeClock) -> None:
    s = session(clock)
    s.start()
    assert (s.phase, s.remaining()) == ("hold", 10.0)
    clock.advance(10)
    changes = s.tick()
    assert [c.phase for c in changes] == ["rest"]
    assert s.remaining() == 10.0
    clock.advance(10)
    assert [c.phase for c in s.tick()] == ["hold"]
    assert (s.slot and (s.slot.leg, s.slot.rep)) == ("left", 2)
    # 12 holds and 11 rests of 10 s each: 230 s in all.
    clock.advance(230 - 20)
    s.tick()
    assert s.finished
    summary = s.summary()
    assert summary["holds_done"] == 12
    assert summary["holds"] == {
        "calf-standing": {"left": 3, "right": 3},
        "hamstring-standing": {"left": 3, "right": 3},
    }
    assert summary["finished"] is True


def test_a_late_tick_catches_up_without_stretching_the_routine(clock: FakeClock) -> None:
    s = session(clock)
    s.start()
    clock.advance(25)  # one hold, one rest, and 5 s into the second hold
    assert [c.phase for c in s.tick()] == ["rest", "hold"]
    assert s.remaining() == pytest.approx(5.0)


def test_pause_freezes_the_countdown_and_resume_continues_it(clock: FakeClock) -> None:
    s = session(clock)
    s.start()
    clock.advance(4)
    s.pause()
    clock.advance(60)
    assert s.tick() == []
    assert s.remaining() == pytest.approx(6.0)
    s.resume()
    clock.advance(5.9)
    s.tick()
    assert s.phase == "hold"
    clock.advance(0.1)
    s.tick()
    assert s.phase == "rest"


def test_add_time_lengthens_the_current_hold(clock: FakeClock) -> None:
    s = session(clock)
    s.start()
    clock.advance(8)
    s.add_time()
    assert s.remaining() == pytest.approx(12.0)
    assert s.duration == 20.0
    clock.advance(11.9)
    s.tick()
    assert s.phase == "hold"
    clock.advance(0.1)
    s.tick()
    assert s.phase == "rest"
    assert s.summary()["extra_seconds"] == 10.0


def test_skip_exercise_moves_to_the_next_and_does_not_count_the_skipped(clock: FakeClock) -> None:
    s = session(clock)
    s.start()
    clock.advance(10)
    s.tick()  # first calf hold done
    s.skip_exercise()
    assert s.slot is not None
    # First a rest's length to get into the new position, then its first hold.
    assert (s.slot.exercise.id, s.slot.leg, s.slot.rep, s.phase) == (
        "hamstring-standing",
        "left",
        1,
        "ready",
    )
    assert s.remaining() == 10.0
    clock.advance(10)
    assert [change.phase for change in s.tick()] == ["hold"]
    assert (s.slot.exercise.id, s.phase, s.remaining()) == ("hamstring-standing", "hold", 10.0)
    summary = s.summary()
    assert summary["holds"] == {"calf-standing": {"left": 1}}
    assert summary["skipped"] == ["calf-standing"]


def test_skipping_before_starting_goes_straight_to_the_next_exercise(clock: FakeClock) -> None:
    s = session(clock)
    s.skip_exercise()
    assert s.slot is not None
    assert (s.slot.exercise.id, s.phase, s.started) == ("hamstring-standing", "hold", False)


def test_skipping_the_last_exercise_finishes(clock: FakeClock) -> None:
    s = session(clock)
    s.start()
    s.skip_exercise()
    s.skip_exercise()
    assert s.finished
    assert s.summary()["holds_done"] == 0


def test_switching_to_seated_keeps_done_holds_and_restarts_with_seated(
    clock: FakeClock,
) -> None:
    s = session(clock)
    s.start()
    clock.advance(10)
    s.tick()
    s.switch_variant("seated")
    assert s.slot is not None
    assert s.slot.exercise.id == "calf-hamstring-seated"
    assert s.phase == "ready"  # time to sit down before the first seated hold counts
    clock.advance(10)
    s.tick()
    assert (s.phase, s.remaining()) == ("hold", 10.0)
    summary = s.summary()
    assert summary["variant"] == "seated"
    assert summary["switched_from"] == ["standing"]
    assert summary["holds_done"] == 1


def test_unknown_variant_is_refused(clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="unknown variant"):
        session(clock, variant="lying")


def test_settings_change_hold_rest_and_reps(clock: FakeClock) -> None:
    s = session(clock, hold_seconds=30, rest_seconds=0, reps=1, variant="seated")
    s.start()
    clock.advance(30)
    assert [c.phase for c in s.tick()] == ["hold"]  # no rest phase when rest is 0
    clock.advance(30)
    s.tick()
    assert s.finished
    assert s.summary()["holds"] == {"calf-hamstring-seated": {"left": 1, "right": 1}}


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(st.floats(min_value=0.01, max_value=7.0), min_size=1, max_size=80))
def test_time_left_never_depends_on_how_often_it_is_asked(steps: list[float]) -> None:
    """However the ticks fall, the state at time t equals that of one tick at time t."""
    from datetime import UTC, datetime

    ticked = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    once = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    a = session(ticked)
    b = session(once)
    a.start()
    b.start()
    for step in steps:
        ticked.advance(step)
        a.tick()
    once.advance(sum(steps))
    b.tick()
    assert (a.index, a.phase, len(a.completed)) == (b.index, b.phase, len(b.completed))
    assert a.remaining() == pytest.approx(b.remaining(), abs=1e-6)


def test_with_the_real_clock_the_countdown_follows_wall_time() -> None:
    """The real-component check beside the fake: a short hold ends on time."""
    s = StretchSession(EVENING, StretchSettings(hold_seconds=1, rest_seconds=1), SystemClock())
    s.start()
    began = time.monotonic()
    while s.phase == "hold":
        s.tick()
        time.sleep(0.01)
    assert 0.95 <= time.monotonic() - began < 1.3
    assert s.phase == "rest"


def test_the_stretch_logic_is_core_and_loads_no_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys, coach.stretch.player; print(any(m.startswith('textual') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_switching_after_every_standing_hold_counts_truly(clock: FakeClock) -> None:
    """The reported case: every hold but the last of one variant done, then a switch. Done
    holds stay done and planned grows by the new variant's holds: never "7 of 6"."""
    s = session(clock, reps=1, rest_seconds=0)
    s.start()
    for _ in range(len(s.slots) - 1):
        clock.advance(10)
        s.tick()
    before = s.holds_done
    s.switch_variant("seated")
    assert s.holds_planned == before + len(s.slots)
    while not s.finished:
        clock.advance(10)
        s.tick()
    summary = s.summary()
    assert summary["holds_done"] == summary["holds_planned"] == before + 2


class StretchMachine(RuleBasedStateMachine):
    """Any order of start, time passing, pause, resume, add-time, skip and variant switch:
    holds done never exceed holds planned, and each done hold was really held."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock(datetime(2026, 11, 22, 22, 20, tzinfo=UTC))
        self.s = StretchSession(
            EVENING, StretchSettings(hold_seconds=5, reps=2, rest_seconds=3), self.clock
        )

    @rule()
    def start(self) -> None:
        self.s.start()

    @rule(seconds=st.floats(min_value=0, max_value=30))
    def time_passes(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.s.tick()

    @rule()
    def pause(self) -> None:
        self.s.pause()

    @rule()
    def resume(self) -> None:
        self.s.resume()

    @rule()
    def add_time(self) -> None:
        self.s.add_time()

    @rule()
    def skip(self) -> None:
        self.s.skip_exercise()

    @rule(variant=st.sampled_from(["standing", "seated"]))
    def switch(self, variant: str) -> None:
        self.s.switch_variant(variant)

    @invariant()
    def done_never_exceeds_planned(self) -> None:
        summary = self.s.summary()
        assert 0 <= summary["holds_done"] <= summary["holds_planned"]
        assert self.s.holds_done <= self.s.holds_planned
        assert (
            sum(n for legs in summary["holds"].values() for n in legs.values())
            == (summary["holds_done"])
        )

    @invariant()
    def a_finished_session_has_nothing_left(self) -> None:
        if self.s.finished:
            assert self.s.remaining() == 0.0 and self.s.slot is None


StretchMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
test_stretch_session_state_machine = StretchMachine.TestCase
