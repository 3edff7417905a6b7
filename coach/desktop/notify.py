"""How a reminder reaches the user. The protocol lives here; backends beside it."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol, TextIO

APP_NAME = "coach"


class Delivery(NamedTuple):
    """What happened to one notification, told honestly."""

    ok: bool
    backend: str
    """Which way it went: 'plyer:linux', 'terminal-bell', ..."""
    detail: str = ""
    """Why it failed, or anything else worth saying; empty on a plain success."""


class Notifier(Protocol):
    """Sends one desktop notification; never raises."""

    def notify(self, title: str, message: str) -> Delivery: ...


# --- real backends ----------------------------------------------------------------------

PLYER_TIMEOUT = 5.0
"""Seconds a desktop notification may take before we give up on it."""

_DBUS_NAME = "org.freedesktop.Notifications"
NO_SESSION_BUS = "no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set"


def probe_linux_notifications(timeout: float = 2.0) -> tuple[bool, str]:
    """Ask the session bus whether a notification server answers: (ok, server or reason).

    plyer's notify-send backend ignores notify-send's exit status, so a missing server
    would otherwise pass as a success. The probe makes the report honest.
    """
    if not (os.environ.get("DBUS_SESSION_BUS_ADDRESS") or _runtime_bus().exists()):
        return False, NO_SESSION_BUS
    if shutil.which("notify-send") is None and not _has_dbus_python():
        return False, "notify-send is not installed (Debian/Ubuntu: apt install libnotify-bin)"
    dbus_send = shutil.which("dbus-send")
    if dbus_send is None:
        return True, ""  # cannot ask without dbus-send; plyer will try
    try:
        result = subprocess.run(
            [
                dbus_send,
                "--session",
                "--print-reply",
                f"--reply-timeout={int(timeout * 1000)}",
                f"--dest={_DBUS_NAME}",
                "/org/freedesktop/Notifications",
                f"{_DBUS_NAME}.GetServerInformation",
            ],
            capture_output=True,
            text=True,
            timeout=timeout + 1,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"the session bus did not answer ({exc})"
    if result.returncode != 0:
        return False, "no notification service is running on the session bus"
    names = re.findall(r'string "([^"]*)"', result.stdout)
    return True, names[0] if names else "a notification server"


def _runtime_bus() -> Path:
    return Path(os.environ.get("XDG_RUNTIME_DIR", "/nonexistent")) / "bus"


def _has_dbus_python() -> bool:
    return importlib.util.find_spec("dbus") is not None


class PlyerNotifier:
    """Desktop notifications through plyer, off the caller's thread and with a time limit.

    plyer may raise, block, or (on Linux, with notify-send) fail without a sign; this
    backend checks for a notification server first, runs plyer in its own thread, and
    reports what really happened. It never raises.
    """

    def __init__(
        self,
        *,
        timeout: float = PLYER_TIMEOUT,
        app_name: str = APP_NAME,
        probe: Callable[[], tuple[bool, str]] | None = None,
    ) -> None:
        self.timeout = timeout
        self.app_name = app_name
        on_linux = sys.platform.startswith("linux")
        self.backend = f"plyer:{'linux' if on_linux else sys.platform}"
        self._probe = (
            probe if probe is not None else (probe_linux_notifications if on_linux else None)
        )

    def check(self) -> tuple[bool, str]:
        """Whether a notification can be shown here: (True, the server) or (False, why)."""
        if self._probe is None:
            return True, ""
        return self._probe()

    def notify(self, title: str, message: str) -> Delivery:
        ok, server = self.check()
        if not ok:
            return Delivery(ok=False, backend=self.backend, detail=server)
        outcome: list[BaseException | None] = []

        def send() -> None:
            try:
                with warnings.catch_warnings():
                    # plyer warns on stderr that dbus-python is missing, then uses notify-send.
                    warnings.simplefilter("ignore")
                    from plyer import notification

                    notification.notify(
                        title=title, message=message, app_name=self.app_name, timeout=10
                    )
                outcome.append(None)
            except BaseException as exc:  # plyer raises anything, NotImplementedError included
                outcome.append(exc)

        worker = threading.Thread(target=send, name="coach-notify", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            return Delivery(
                ok=False,
                backend=self.backend,
                detail=f"the notification service did not answer within {self.timeout:g} s",
            )
        error = outcome[0] if outcome else RuntimeError("plyer stopped without a result")
        if error is not None:
            kind = type(error).__name__
            text = str(error).strip().splitlines()[0] if str(error).strip() else kind
            if isinstance(error, NotImplementedError):
                text = "plyer has no notification backend on this system"
            return Delivery(ok=False, backend=self.backend, detail=f"{text} ({kind})")
        return Delivery(
            ok=True, backend=self.backend, detail=f"shown by {server}" if server else ""
        )


@dataclass
class BellNotifier:
    """The terminal bell and one line of text: the last resort, for the daemon's terminal."""

    stream: TextIO = field(default_factory=lambda: sys.stderr)
    backend: str = "terminal-bell"

    def notify(self, title: str, message: str) -> Delivery:
        try:
            self.stream.write(f"\a{APP_NAME}: {title}: {message}\n")
            self.stream.flush()
        except (OSError, ValueError) as exc:  # a closed or broken stream
            return Delivery(ok=False, backend=self.backend, detail=str(exc))
        return Delivery(ok=True, backend=self.backend)
