"""The app as tests build it: on a test context, with a recording notifier.

Most tests take the `make_app` fixture (tests/conftest.py); CtxApp is for the few that
subclass the app to open it on another screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from coach.context import Context
from screens.app import CoachApp
from screens.history import HistoryScreen
from tests.support.fakes import RecordingNotifier

MakeApp = Callable[..., CoachApp]
"""The `make_app` fixture's type: keywords as in tests/conftest.py's make_app."""


class CtxApp(CoachApp):
    """The app on a test context's store, settings, clock and config; no first-run setup
    unless asked for."""

    def __init__(self, ctx: Context, **kw: Any) -> None:
        kw.setdefault("first_run", False)
        kw.setdefault("exports_dir", ctx.paths.exports_dir)
        super().__init__(
            ctx.store, ctx.settings, ctx.clock, RecordingNotifier(), ctx.paths.config_file, **kw
        )


class HistoryApp(CtxApp):
    """The app opened straight on the history screen, as `h` would push it."""

    def _offer_checkin(self) -> None:
        self.push_screen(HistoryScreen(exports_dir=self.exports_dir))


async def settle(pilot: Pilot[None], until: Callable[[], object], rounds: int = 200) -> None:
    """Let the app's loop and worker threads run until `until()` holds (at most `rounds`
    short pauses)."""
    for _ in range(rounds):
        if until():
            return
        await pilot.pause(0.02)
