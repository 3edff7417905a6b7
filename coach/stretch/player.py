"""The guided stretch player's logic, free of any UI: what to do now and for how long.

A session walks through every exercise of a variant, per leg, rep by rep: a hold, then a
rest. Skipping to the next exercise or switching variant midway gives a "ready" phase, as
long as a rest, to get into the new position before its first hold counts down.

The time left is always `deadline - clock.monotonic()`, never a sum of ticks, so a slow or
late redraw cannot make the countdown drift; a UI just calls `tick()` often.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from coach.clock import Clock
from coach.settings.model import VARIANTS, StretchSettings, Variant
from routines import Exercise, Routine

Phase = Literal["ready", "hold", "rest", "done"]
EXTRA_SECONDS = 10.0
"""What one press of "add time" gives."""


class Slot(NamedTuple):
    """One hold of one exercise on one leg (leg None for an exercise done once)."""

    exercise: Exercise
    leg: str | None
    rep: int
    """1-based."""


class Change(NamedTuple):
    """A move from one phase to the next, for the bell and the screen's announcement."""

    phase: Phase
    slot: Slot | None


def plan_slots(exercises: tuple[Exercise, ...], reps: int) -> list[Slot]:
    """Every hold in order: each exercise, left leg's reps then right leg's."""
    slots: list[Slot] = []
    for exercise in exercises:
        legs: tuple[str | None, ...] = ("left", "right") if exercise.per_leg else (None,)
        for leg in legs:
            slots.extend(Slot(exercise=exercise, leg=leg, rep=rep) for rep in range(1, reps + 1))
    return slots


class StretchSession:
    """One run of the stretch routine against a clock. Not started until `start()`."""

    def __init__(
        self,
        routine: Routine,
        settings: StretchSettings,
        clock: Clock,
        *,
        variant: Variant | None = None,
    ) -> None:
        self._routine = routine
        self._settings = settings
        self._clock = clock
        self.variant: Variant = variant or settings.variant
        if self.variant not in VARIANTS:
            raise ValueError(f"unknown variant {self.variant!r}; use one of: {', '.join(VARIANTS)}")
        self.slots = plan_slots(routine.exercises_for(self.variant), settings.reps)
        self.index = 0
        self.phase: Phase = "hold" if self.slots else "done"
        self.started = False
        self._deadline = 0.0
        self._duration = float(settings.hold_seconds)
        self._paused_left: float | None = None
        self.completed: list[Slot] = []
        """Holds that ran to their end; skipped ones are not here."""
        self._done_before_switch = 0
        """Holds done in variants left by a switch: they stay done, and planned."""
        self.skipped: list[str] = []
        """Ids of exercises the user skipped, in order."""
        self.switched_from: list[Variant] = []
        """Variants left midway by a switch."""
        self.extra_seconds = 0.0

    # --- reading ------------------------------------------------------------------------

    @property
    def slot(self) -> Slot | None:
        """The hold being done or rested after; None once finished."""
        return self.slots[self.index] if self.phase != "done" else None

    @property
    def next_slot(self) -> Slot | None:
        """The hold that follows the current one, if any."""
        following = self.index + 1
        return self.slots[following] if following < len(self.slots) else None

    @property
    def holds_done(self) -> int:
        return len(self.completed)

    @property
    def holds_planned(self) -> int:
        """The holds of this session: those done before a variant switch, and every hold
        of the variant now running. Never fewer than the holds done."""
        return self._done_before_switch + len(self.slots)

    @property
    def paused(self) -> bool:
        return self._paused_left is not None

    @property
    def finished(self) -> bool:
        return self.phase == "done"

    @property
    def duration(self) -> float:
        """Length of the current phase in seconds, added time included."""
        return self._duration

    def remaining(self) -> float:
        """Seconds left in the current phase (0 when finished)."""
        if self.phase == "done":
            return 0.0
        if self._paused_left is not None:
            return self._paused_left
        if not self.started:
            return self._duration
        return max(0.0, self._deadline - self._clock.monotonic())

    def fraction_done(self) -> float:
        """How far through the current phase, 0..1."""
        if self._duration <= 0:
            return 1.0
        return min(1.0, max(0.0, 1.0 - self.remaining() / self._duration))

    @property
    def reps(self) -> int:
        """Holds per leg of each exercise."""
        return self._settings.reps

    # --- driving ------------------------------------------------------------------------

    def start(self) -> None:
        """Begin the first hold now."""
        if self.started:
            return
        self.started = True
        self._deadline = self._clock.monotonic() + self._duration

    def tick(self) -> list[Change]:
        """Move past every phase whose deadline has passed; returns the changes made."""
        changes: list[Change] = []
        if not self.started or self.paused:
            return changes
        now = self._clock.monotonic()
        while self.phase != "done" and now >= self._deadline:
            # The next phase starts at the old deadline, not at `now`: a late tick must
            # not stretch the routine.
            changes.append(self._advance(self._deadline))
        return changes

    def _advance(self, at: float) -> Change:
        if self.phase == "ready":
            self._enter("hold", float(self._settings.hold_seconds), at)
            return Change(phase="hold", slot=self.slot)
        if self.phase == "hold":
            self.completed.append(self.slots[self.index])
            rest = float(self._settings.rest_seconds)
            if self.next_slot is not None and rest > 0:
                self._enter("rest", rest, at)
                return Change(phase="rest", slot=self.slot)
        return self._next_hold(at)

    def _next_hold(self, at: float) -> Change:
        if self.index + 1 >= len(self.slots):
            self.phase = "done"
            self._paused_left = None
            return Change(phase="done", slot=None)
        self.index += 1
        self._enter("hold", float(self._settings.hold_seconds), at)
        return Change(phase="hold", slot=self.slot)

    def _enter(self, phase: Phase, seconds: float, at: float) -> None:
        self.phase = phase
        self._duration = seconds
        self._deadline = at + seconds
        if self._paused_left is not None:
            self._paused_left = seconds

    def pause(self) -> None:
        if self.phase == "done" or self.paused:
            return
        self._paused_left = self.remaining()

    def resume(self) -> None:
        if self._paused_left is None:
            return
        self.started = True
        self._deadline = self._clock.monotonic() + self._paused_left
        self._paused_left = None

    def add_time(self, seconds: float = EXTRA_SECONDS) -> None:
        """Lengthen the current hold or rest."""
        if self.phase == "done":
            return
        self._duration += seconds
        self.extra_seconds += seconds
        if self._paused_left is not None:
            self._paused_left += seconds
        else:
            self._deadline += seconds

    def skip_exercise(self) -> Change:
        """Leave the current exercise (all its legs and reps) for the next one: get ready
        for its first hold (straight to the hold before the session has begun)."""
        current = self.slot
        if current is None:
            return Change(phase="done", slot=None)
        self.skipped.append(current.exercise.id)
        now = self._clock.monotonic()
        while self.index + 1 < len(self.slots) and (
            self.slots[self.index + 1].exercise.id == current.exercise.id
        ):
            self.index += 1
        if self.index + 1 >= len(self.slots):
            return self._next_hold(now)  # that was the last exercise: done
        self.index += 1
        return self._get_ready(now)

    def _get_ready(self, at: float) -> Change:
        """Time to get into position for the hold at `index`, once the session has begun."""
        rest = float(self._settings.rest_seconds)
        if self.started and rest > 0:
            self._enter("ready", rest, at)
            return Change(phase="ready", slot=self.slot)
        self._enter("hold", float(self._settings.hold_seconds), at)
        return Change(phase="hold", slot=self.slot)

    def switch_variant(self, variant: Variant) -> None:
        """Carry on with the other variant's exercises from their start; done holds stay."""
        if variant not in VARIANTS:
            raise ValueError(f"unknown variant {variant!r}; use one of: {', '.join(VARIANTS)}")
        if variant == self.variant or self.phase == "done":
            return
        self.switched_from.append(self.variant)
        self._done_before_switch = len(self.completed)
        self.variant = variant
        self.slots = plan_slots(self._routine.exercises_for(variant), self._settings.reps)
        self.index = 0
        if not self.slots:
            self.phase = "done"
            return
        self._get_ready(self._clock.monotonic())

    # --- the record ---------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """What was actually done, for the step record's detail."""
        holds: dict[str, dict[str, int]] = {}
        for slot in self.completed:
            per_leg = holds.setdefault(slot.exercise.id, {})
            key = slot.leg or "once"
            per_leg[key] = per_leg.get(key, 0) + 1
        return {
            "variant": self.variant,
            "holds_done": self.holds_done,
            "holds_planned": self.holds_planned,
            "holds": holds,
            "skipped": list(self.skipped),
            "finished": self.finished,
            "hold_seconds": self._settings.hold_seconds,
            "extra_seconds": self.extra_seconds,
            **({"switched_from": list(self.switched_from)} if self.switched_from else {}),
        }
