"""What the experiment needs of a store: the protocol that any object driving it satisfies
(coach's own `coach.records.store.Store` does; bench/experiment_calibration.py and outside
checks pass an object in memory). Keep it stable: see `coach.experiment`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol


class CrampCount(Protocol):
    """How many cramps a night had."""

    @property
    def cramps(self) -> int: ...


class StepOutcome(Protocol):
    """A step's latest record for a night: "done", "skipped", ..."""

    @property
    def outcome(self) -> str: ...


class ExperimentStore(Protocol):
    """The store protocol of `coach.experiment`.

    - `get_state(key, default)` / `set_state(key, value)`: a JSON-able document under a key
      (the plan lives under "experiment"; `set_state` replaces it whole).
    - `cramp_logs(start, end)`: for each night from `start` to `end` (inclusive) whose
      cramps are known, an object with their int count `cramps`; nights not logged are
      absent, never zero. coach's session passes `coach.diary.episodes.CountedStore`,
      which counts a night as every view does: its morning log or the cramps logged
      during it, whichever is more.
    - `latest_outcomes(start, end)`: for each (night, step id) recorded in that range, its
      latest record (an object with a str `outcome`; "done" means the step was done).
    """

    def get_state(self, key: str, default: Any = None) -> Any: ...

    def set_state(self, key: str, value: Any) -> None: ...

    def cramp_logs(self, start: date, end: date) -> Mapping[date, CrampCount]: ...

    def latest_outcomes(self, start: date, end: date) -> Mapping[tuple[date, str], StepOutcome]: ...
