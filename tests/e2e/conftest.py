"""End-to-end tests: every test here is marked `e2e` (`pytest -m "not e2e"` leaves them out),
and the headless desktop they share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.desktop import Desktop
from tests.support.reminder_support import require_tools

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[Desktop]:
    require_tools("Xvfb", "dbus-daemon", "dbus-send", "dunst", "dunstctl", "notify-send")
    session = Desktop(tmp_path / "desktop")
    session.root.mkdir()
    try:
        session.start_bus()
        session.start_x()
        yield session
    finally:
        session.stop()
