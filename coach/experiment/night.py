"""The experiment's word on a night, read without loading the experiment when none is stored.

Tonight asks on every start for the night's plan and whether the experiment has work to do.
Most diaries hold no experiment, and `coach.experiment.protocol` (with its design and
analysis) is the largest of the start's imports: here it loads only once a plan is stored.
The answers are the protocol's own (`plan_for`, `look_due`, `plan_drawable`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from coach.experiment.checks import STATE_KEY
from coach.planner import Plan, plan_night

if TYPE_CHECKING:
    from coach.experiment.protocol import NightAssignment
    from coach.experiment.store import ExperimentStore
    from coach.settings.model import Settings


def plan_stored(store: ExperimentStore) -> bool:
    """Whether the store holds an experiment (running, finished or stopped): what
    `load_protocol` reads, checked by the same rules (coach.experiment.checks)."""
    return isinstance(store.get_state(STATE_KEY), Mapping)


def plan_for(
    settings: Settings, store: ExperimentStore | None, night: date, *, bedtime: time | None = None
) -> tuple[Plan, NightAssignment | None]:
    """The night's plan as the experiment wants it (`coach.experiment.protocol.plan_for`)."""
    if store is None or not plan_stored(store):
        return plan_night(settings, night, bedtime=bedtime), None
    from coach.experiment.protocol import plan_for as planned

    return planned(settings, store, night, bedtime=bedtime)


def work_due(store: ExperimentStore, settings: Settings, now: datetime) -> bool:
    """Whether `advance` has work to do: a look is due, or a finished run-in can draw its
    plan (cheap: no model)."""
    if not plan_stored(store):
        return False
    from coach.experiment.protocol import look_due, plan_drawable, safe_protocol

    protocol = safe_protocol(store)
    return look_due(protocol, store, settings, now) or plan_drawable(protocol, store, settings, now)
