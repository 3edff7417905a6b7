"""Keep the developer's machine out: every test gets its own data folder and a fake clock.

Fixtures only; constants, fakes and builders are in tests/support.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from coach.clock import FakeClock
from coach.session import Session
from coach.system.paths import Paths
from tests.support import BERLIN

if TYPE_CHECKING:
    from coach.clock import Clock
    from coach.desktop.notify import Notifier
    from coach.settings.model import Settings
    from screens.app import CoachApp
    from tests.support.apps import MakeApp


@pytest.fixture(autouse=True)
def coach_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """$COACH_HOME points at a fresh folder holding a config fixed to Europe/Berlin."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('timezone = "Europe/Berlin"\nbedtime = "22:30"\n')
    monkeypatch.setenv("COACH_HOME", str(home))
    yield home


@pytest.fixture
def clock() -> FakeClock:
    """Sunday 22 Nov 2026, 18:00 in Berlin: before the first step of the night."""
    return FakeClock(datetime(2026, 11, 22, 18, 0, tzinfo=BERLIN))


@pytest.fixture
def ctx(coach_home: Path, clock: FakeClock) -> Session:
    return Session(Paths.resolve(coach_home), kind="test", clock=clock)


@pytest.fixture
def make_app(ctx: Session) -> MakeApp:
    """Builds the app as the tests use it: on a session of its own sharing this test's
    session's store (settings read at the call, clock and config file, exports beside the
    data) with a RecordingNotifier.

    Any part can be handed in instead (`ctx=` another session on the same folder, say);
    other keywords go to CoachApp (`first_run`, `reminders`, `speaker`, ...). As in
    CoachApp, `first_run=None` asks the config file, which coach_home has written.
    """

    def make(
        *,
        ctx: Session = ctx,
        settings: Settings | None = None,
        clock: Clock | None = None,
        notifier: Notifier | None = None,
        **options: Any,
    ) -> CoachApp:
        from screens.app import CoachApp  # Textual only for the tests that start the app
        from tests.support.apps import app_session
        from tests.support.fakes import RecordingNotifier

        options.setdefault("exports_dir", ctx.paths.exports_dir)
        return CoachApp(
            app_session(ctx, settings=settings, clock=clock),
            RecordingNotifier() if notifier is None else notifier,
            **options,
        )

    return make
