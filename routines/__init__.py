"""Routine and exercise definitions as data. Imports nothing from `coach` or `screens`."""

from routines.evening import EVENING
from routines.model import Evidence, Exercise, Routine, StepDef

BUILTIN_STEP_IDS: tuple[str, ...] = EVENING.step_ids

__all__ = [
    "BUILTIN_STEP_IDS",
    "EVENING",
    "Evidence",
    "Exercise",
    "Routine",
    "StepDef",
]
