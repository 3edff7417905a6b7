"""How a reminder reaches the user. The protocol lives here; backends beside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

APP_NAME = "coach"


@dataclass(frozen=True)
class Delivery:
    """What happened to one notification, told honestly."""

    ok: bool
    backend: str
    """Which way it went: 'plyer:linux', 'in-app', 'recorder', ..."""
    detail: str = ""
    """Why it failed, or anything else worth saying; empty on a plain success."""


class Notifier(Protocol):
    """Sends one desktop notification; never raises."""

    def notify(self, title: str, message: str) -> Delivery: ...


@dataclass
class RecordingNotifier:
    """A fake for tests: keeps every notification it was asked to send."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    ok: bool = True

    def notify(self, title: str, message: str) -> Delivery:
        self.sent.append((title, message))
        return Delivery(ok=self.ok, backend="recorder", detail="" if self.ok else "told to fail")
