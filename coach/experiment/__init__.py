"""The personal experiment ("does stretching help me?", an n-of-1 trial): the protocol
and its plan, the run-in, the interim looks, the analysis, and the statistical model. scipy
loads only when a model is fitted. Driven by any object with the store's `get_state`,
`set_state` and `cramp_logs`, so outside checks can simulate users through this code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach import lazy_exports

if TYPE_CHECKING:
    from coach.experiment.estimate import Estimate as Estimate
    from coach.experiment.model import fit_rate_ratio as fit_rate_ratio
    from coach.experiment.protocol import EarlyEnd as EarlyEnd
    from coach.experiment.protocol import ExperimentResult as ExperimentResult
    from coach.experiment.protocol import NightAssignment as NightAssignment
    from coach.experiment.protocol import PeriodSummary as PeriodSummary
    from coach.experiment.protocol import Protocol as Protocol
    from coach.experiment.protocol import RunIn as RunIn
    from coach.experiment.protocol import StartOutcome as StartOutcome
    from coach.experiment.protocol import advance as advance
    from coach.experiment.protocol import experiment_result as experiment_result
    from coach.experiment.protocol import load_protocol as load_protocol
    from coach.experiment.protocol import look_due as look_due
    from coach.experiment.protocol import plan_for as plan_for
    from coach.experiment.protocol import run_in as run_in
    from coach.experiment.protocol import start as start
    from coach.experiment.protocol import stop as stop
    from coach.experiment.protocol import take_looks as take_looks

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
            "take_looks",
            "look_due",
            "experiment_result",
            "plan_for",
            "load_protocol",
            "run_in",
        ),
        "coach.experiment.estimate": ("Estimate",),
        "coach.experiment.model": ("fit_rate_ratio",),
    },
)
