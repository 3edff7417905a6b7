"""The app as tests build it: on a test context, with a recording notifier.

Most tests take the `make_app` fixture (tests/conftest.py); CtxApp is for the few that
subclass the app to open it on another screen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from textual.pilot import Pilot

from coach.clock import Clock, FakeClock
from coach.diary.checkin import checkin_due, mark_asked
from coach.records.store import CrampLog
from coach.session import Session
from coach.settings.model import Settings
from screens.app import CoachApp
from screens.checkin import CheckinScreen
from screens.history import HistoryScreen
from tests.support.diaries import four_weeks_of_cramps
from tests.support.fakes import RecordingNotifier

MakeApp = Callable[..., CoachApp]
"""The `make_app` fixture's type: keywords as in tests/conftest.py's make_app."""


async def settle(pilot: Pilot[None], until: Callable[[], object], rounds: int = 200) -> None:
    """Let the app's loop and worker threads run until `until()` holds (at most `rounds`
    short pauses)."""
    for _ in range(rounds):
        if until():
            return
        await pilot.pause(0.02)


def app_session(
    ctx: Session, *, settings: Settings | None = None, clock: Clock | None = None
) -> Session:
    """A session of the app's own on the test session's store (so the app's after-save
    hooks are its own), with its settings and clock unless others are given."""
    return Session(
        ctx.paths,
        kind=ctx.kind,
        clock=ctx.clock if clock is None else clock,
        store=ctx.store,
        settings=ctx.settings if settings is None else settings,
    )


class CtxApp(CoachApp):
    """The app on a test session's store, settings, clock and config; no first-run setup
    unless asked for."""

    def __init__(self, ctx: Session, **kw: Any) -> None:
        kw.setdefault("first_run", False)
        kw.setdefault("exports_dir", ctx.paths.exports_dir)
        super().__init__(app_session(ctx), RecordingNotifier(), **kw)


class HistoryApp(CtxApp):
    """The app opened straight on the history screen, as `h` would push it."""

    def _offer_checkin(self) -> None:
        self.push_screen(HistoryScreen(exports_dir=self.exports_dir))


class MorningApp(CtxApp):
    """The app, offering the check-in on start whenever it is due (a brand-new diary too),
    and keeping what the check-in dismissed with."""

    def __init__(self, ctx: Session) -> None:
        super().__init__(ctx)
        self.results: list[CrampLog | None] = []

    def _offer_checkin(self) -> None:
        night = checkin_due(self.session)
        if night is not None:
            mark_asked(self.session)
            self.push_screen(CheckinScreen(night), self.results.append)


def trend_app(ctx: Session, clock: FakeClock) -> HistoryApp:
    """The history on Mon 23 Nov 2026, 09:00, over four_weeks_of_cramps."""
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    four_weeks_of_cramps(ctx)
    return HistoryApp(ctx)
