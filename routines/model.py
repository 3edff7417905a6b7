"""The shapes of routine data: steps, exercises and how strong their evidence is.

Immutable values as NamedTuples: every start of coach defines them, and in Python 3.11 a
NamedTuple costs about a quarter of what a frozen dataclass does to define.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple


class Evidence(Enum):
    """How much the evidence behind a step supports it, in words a user can weigh."""

    TRIAL_MIXED = "mixed trial results"
    CONVENTION = "common advice, not tested for cramps"
    PLAUSIBLE = "plausible and low-risk, but unproven"
    SLEEP_ADVICE = "general sleep advice"
    OWN = "a step you added yourself"


class StepDef(NamedTuple):
    """One step of the evening routine, as shipped or as added by the user."""

    id: str
    title: str
    offset_minutes: int
    """Minutes relative to bedtime; negative is before."""
    what: str
    """What the user does, in one or two sentences."""
    why: str
    """Why the step is there, worded no stronger than its evidence."""
    evidence: Evidence
    enabled: bool = True
    timed: bool = False
    """True for the guided stretch player; False for a plain step card."""
    notification: str = ""
    """The body of the desktop reminder: what to do right now."""
    cutoff: bool = False
    """The step marks a cutoff (stop eating, taper drinking, screens away) rather than a
    task: the timeline counts down to it."""


class Exercise(NamedTuple):
    """One stretch, described in words so it can be followed without a picture."""

    id: str
    name: str
    variant: str
    """'standing' or 'seated'."""
    instructions: tuple[str, ...]
    per_leg: bool = True


class Routine(NamedTuple):
    """An evening routine: its steps and the exercises of its stretch step."""

    steps: tuple[StepDef, ...]
    exercises: tuple[Exercise, ...]

    def step(self, step_id: str) -> StepDef:
        """The step with this id; KeyError if there is none."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    @property
    def step_ids(self) -> tuple[str, ...]:
        return tuple(step.id for step in self.steps)

    def exercises_for(self, variant: str) -> tuple[Exercise, ...]:
        return tuple(ex for ex in self.exercises if ex.variant == variant)
