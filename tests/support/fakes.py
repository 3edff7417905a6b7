"""Fakes of the real parts, for unit and Pilot tests.

Each is checked against the real part's contract in tests/unit/test_fakes.py, and the real
parts themselves run against a real notification and sound server in tests/e2e.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coach.desktop.notify import Delivery
from coach.stretch.cues import Cue


@dataclass
class RecordingNotifier:
    """Stands in for PlyerNotifier: keeps every notification it was asked to send, and
    reports success, or failure with a reason, as a real backend does."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    ok: bool = True

    def notify(self, title: str, message: str) -> Delivery:
        self.sent.append((title, message))
        return Delivery(ok=self.ok, backend="recorder", detail="" if self.ok else "told to fail")


@dataclass
class RecordingSpeaker:
    """Stands in for AudioCues: keeps every cue it was given, and whether it was closed."""

    cues: list[Cue] = field(default_factory=list)
    closed: bool = False

    def cue(self, cue: Cue) -> None:
        self.cues.append(cue)

    def close(self) -> None:
        self.closed = True
