"""SVG snapshots of the history's trend view at 80x24 and 120x40, and under NO_COLOR.

Update after a deliberate change with
`pytest tests/snapshot/test_trend_snapshots.py --snapshot-update`, then look at the PNGs.
"""

from __future__ import annotations

from typing import Any

import pytest

from coach.clock import FakeClock
from coach.session import Session
from tests.support.apps import trend_app


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_trend_snapshot(
    snap_compare: Any, ctx: Session, clock: FakeClock, size: tuple[int, int]
) -> None:
    assert snap_compare(trend_app(ctx, clock), press=["t"], terminal_size=size)


def test_trend_snapshot_without_colour(
    snap_compare: Any, ctx: Session, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = trend_app(ctx, clock)
    assert app.no_color
    assert snap_compare(app, press=["t"], terminal_size=(80, 24))
