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
an example of a simulation through this API. Names load on first use, so importing
`coach.experiment` loads neither the model nor scipy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach import lazy_exports

if TYPE_CHECKING:
    from coach.experiment.estimate import Estimate as Estimate
    from coach.experiment.model import PairTotals as PairTotals
    from coach.experiment.model import fit_pairs as fit_pairs
    from coach.experiment.protocol import EarlyEnd as EarlyEnd
    from coach.experiment.protocol import ExperimentResult as ExperimentResult
    from coach.experiment.protocol import NightAssignment as NightAssignment
    from coach.experiment.protocol import PeriodSummary as PeriodSummary
    from coach.experiment.protocol import Protocol as Protocol
    from coach.experiment.protocol import RunIn as RunIn
    from coach.experiment.protocol import StartOutcome as StartOutcome
    from coach.experiment.protocol import advance as advance
    from coach.experiment.protocol import assignment as assignment
    from coach.experiment.protocol import experiment_result as experiment_result
    from coach.experiment.protocol import load_protocol as load_protocol
    from coach.experiment.protocol import look_due as look_due
    from coach.experiment.protocol import plan_for as plan_for
    from coach.experiment.protocol import run_in as run_in
    from coach.experiment.protocol import start as start
    from coach.experiment.protocol import stop as stop
    from coach.experiment.protocol import take_looks as take_looks
    from coach.experiment.store import ExperimentStore as ExperimentStore

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "coach.experiment.protocol": (
            "Protocol",
            "NightAssignment",
            "RunIn",
            "StartOutcome",
            "ExperimentResult",
            "EarlyEnd",
            "PeriodSummary",
            "start",
            "stop",
            "advance",
            "assignment",
            "take_looks",
            "look_due",
            "experiment_result",
            "plan_for",
            "load_protocol",
            "run_in",
        ),
        "coach.experiment.estimate": ("Estimate",),
        "coach.experiment.model": ("PairTotals", "fit_pairs"),
        "coach.experiment.store": ("ExperimentStore",),
    },
)
