"""Keep the developer's machine out: every test gets its own data folder and a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from coach.clock import FakeClock
from coach.context import Context
from coach.paths import Paths
from tests.support import BERLIN


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
def ctx(coach_home: Path, clock: FakeClock) -> Context:
    return Context(Paths.resolve(coach_home), kind="test", clock=clock)
