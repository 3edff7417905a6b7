"""The personal experiment (an n-of-1 trial): a stable API for the command line, the app,
the bench and outside checks.

Everything the command line decides goes through these functions, driven by any object
that satisfies `ExperimentStore` (`coach.experiment.store`: `get_state`, `set_state`,
`cramp_logs`, `latest_outcomes`), a `coach.settings.model.Settings` (its time zone and
bedtimes name the nights) and the time `now`:

- `start(store, settings, now, rng=None, *, anyway=False) -> StartOutcome`: start (a
  run-in first when the diary is short); raises `coach.errors.CoachError` with the
  user's one-line reason when refused (pregnancy, too few cramps, an answer unlikely).
- `advance(store, settings, now, rng=None) -> Protocol | None`: draw the plan once the
  run-in is done, and take the interim looks that are due; call it each morning.
- `assignment(protocol, night) -> NightAssignment | None`: what the plan asks of a
  night (`arm` "stretch" or "no-stretch", `washout`); `plan_for` gives the night's steps.
- `experiment_result(store, settings, now) -> ExperimentResult | None`: status, verdict,
  estimate (`interval()`, `prob_below(ratio)`), nights used, adherence, periods.
- `stop(store, settings, now) -> Protocol`.

`rng` (a `random.Random`) fixes the random order for a reproducible simulation; the
command line uses the operating system's randomness. bench/experiment_calibration.py is
an example of a simulation through this API. Names are loaded on first use, so importing
`coach.experiment` loads neither the model nor scipy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coach.experiment.estimate import Estimate
    from coach.experiment.protocol import (
        ExperimentResult,
        NightAssignment,
        Protocol,
        StartOutcome,
        advance,
        assignment,
        experiment_result,
        plan_for,
        start,
        stop,
    )
    from coach.experiment.store import ExperimentStore

_WHERE = {
    "Estimate": "coach.experiment.estimate",
    "ExperimentStore": "coach.experiment.store",
    "ExperimentResult": "coach.experiment.protocol",
    "NightAssignment": "coach.experiment.protocol",
    "Protocol": "coach.experiment.protocol",
    "StartOutcome": "coach.experiment.protocol",
    "advance": "coach.experiment.protocol",
    "assignment": "coach.experiment.protocol",
    "experiment_result": "coach.experiment.protocol",
    "plan_for": "coach.experiment.protocol",
    "start": "coach.experiment.protocol",
    "stop": "coach.experiment.protocol",
}

__all__ = [
    "Estimate",
    "ExperimentResult",
    "ExperimentStore",
    "NightAssignment",
    "Protocol",
    "StartOutcome",
    "advance",
    "assignment",
    "experiment_result",
    "plan_for",
    "start",
    "stop",
]


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'coach.experiment' has no attribute {name!r}")
    return getattr(import_module(where), name)
