"""Notifiers report honestly and never crash the caller, whatever plyer does.

plyer itself is replaced here by small fakes that raise or hang; the real plyer, talking
to a real notification server, is exercised in test_e2e_notifications.py.
"""

from __future__ import annotations

import io
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import plyer
import pytest

from coach.desktop.notify import (
    BellNotifier,
    PlyerNotifier,
    probe_linux_notifications,
)


@dataclass
class FakePlyer:
    """Stands in for `plyer.notification`."""

    behaviour: str = "ok"
    calls: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def notify(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)
        if self.behaviour == "raise":
            raise OSError("org.freedesktop.Notifications was not provided by any .service files")
        if self.behaviour == "missing":
            raise NotImplementedError()
        if self.behaviour == "hang":
            self.release.wait(10)


@pytest.fixture
def fake_plyer(monkeypatch: pytest.MonkeyPatch) -> FakePlyer:
    fake = FakePlyer()
    monkeypatch.setattr(plyer, "notification", fake)
    return fake


def server_up() -> tuple[bool, str]:
    return True, "dunst"


def test_plyer_success_names_the_app_and_the_server(fake_plyer: FakePlyer) -> None:
    delivery = PlyerNotifier(probe=server_up).notify("Screens off: 60 minutes", "Dim the lights.")
    assert delivery.ok and delivery.detail == "shown by dunst"
    assert fake_plyer.calls[0]["title"] == "Screens off: 60 minutes"
    assert fake_plyer.calls[0]["message"] == "Dim the lights."
    assert fake_plyer.calls[0]["app_name"] == "coach"


def test_no_notification_service_is_reported_and_plyer_is_not_called(
    fake_plyer: FakePlyer,
) -> None:
    def no_server() -> tuple[bool, str]:
        return False, "no notification service is running on the session bus"

    delivery = PlyerNotifier(probe=no_server).notify("t", "m")
    assert not delivery.ok
    assert delivery.detail == "no notification service is running on the session bus"
    assert fake_plyer.calls == []


def test_plyer_raising_is_caught_and_explained(fake_plyer: FakePlyer) -> None:
    fake_plyer.behaviour = "raise"
    delivery = PlyerNotifier(probe=server_up).notify("t", "m")
    assert not delivery.ok
    assert "was not provided by any .service files (OSError)" in delivery.detail


def test_plyer_without_a_backend_says_so(fake_plyer: FakePlyer) -> None:
    fake_plyer.behaviour = "missing"
    delivery = PlyerNotifier(probe=server_up).notify("t", "m")
    assert not delivery.ok
    assert delivery.detail.startswith("plyer has no notification backend on this system")


def test_a_hanging_plyer_is_abandoned_after_the_time_limit(fake_plyer: FakePlyer) -> None:
    fake_plyer.behaviour = "hang"
    started = time.monotonic()
    delivery = PlyerNotifier(probe=server_up, timeout=0.2).notify("t", "m")
    took = time.monotonic() - started
    fake_plyer.release.set()
    assert not delivery.ok
    assert delivery.detail == "the notification service did not answer within 0.2 s"
    assert took < 2


def test_the_real_probe_without_a_session_bus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/nonexistent-runtime-dir")
    ok, why = probe_linux_notifications()
    assert not ok
    assert why == "no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set"


def test_the_real_probe_without_notify_send(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent-bus")
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing to run here
    # Nor dbus-python, which plyer would use instead (the test extras bring it along).
    monkeypatch.setattr("coach.desktop.notify._has_dbus_python", lambda: False)
    ok, why = probe_linux_notifications()
    assert not ok
    assert why == "notify-send is not installed (Debian/Ubuntu: apt install libnotify-bin)"


def test_the_terminal_bell_rings_with_the_reminder() -> None:
    stream = io.StringIO()
    delivery = BellNotifier(stream).notify("Screens off: 60 minutes to bedtime", "Dim the lights.")
    assert delivery.ok and delivery.backend == "terminal-bell"
    assert stream.getvalue() == "\acoach: Screens off: 60 minutes to bedtime: Dim the lights.\n"
