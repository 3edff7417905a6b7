"""What every screen may ask of the app: its clock, settings and the few writes it makes.

Screens reach the app through this protocol, not by importing `screens.app`, so the app
can import every screen without a cycle, and storage stays behind the app's methods.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol, cast

from textual.dom import DOMNode

from coach.clock import Clock
from coach.records import StepRecord, Store
from coach.settings import Settings


class CoachServices(Protocol):
    """The parts of CoachApp that screens use."""

    clock: Clock
    settings: Settings
    store: Store
    """For reading; writes go through the methods below, which report failures."""

    def tonight(self) -> date: ...

    def record_step(
        self,
        night: date,
        step: str,
        outcome: str,
        *,
        reason: str | None = None,
        late: bool = False,
        detail: Mapping[str, Any] | None = None,
    ) -> StepRecord | None: ...

    def record_event(
        self, kind: str, data: Mapping[str, Any], *, night: date | None = None
    ) -> bool: ...

    def apply_settings(self, changes: list[tuple[str, str | None]]) -> str | None: ...


def services(node: DOMNode) -> CoachServices:
    """The running CoachApp, seen through the protocol."""
    return cast(CoachServices, node.app)
