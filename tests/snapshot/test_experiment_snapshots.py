"""Snapshots of the personal experiment's screens: the result, an early end, and a
no-stretch Tonight."""

from __future__ import annotations

from typing import Any

import pytest

from coach.session import Session
from tests.support.apps import MakeApp
from tests.support.experiments import (
    clear_after_three_pairs,
    finished_experiment,
    logged_app,
    mid_no_stretch_period,
)

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def make_app(ctx: Session, make_app: MakeApp) -> MakeApp:
    return logged_app(ctx, make_app)


@pytest.mark.parametrize("size", SIZES)
def test_result_screen_snapshot(
    snap_compare: Any, ctx: Session, size: tuple[int, int], make_app: MakeApp
) -> None:
    finished_experiment(ctx)

    async def open_result(pilot: Any) -> None:
        await pilot.press("e")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=open_result)


@pytest.mark.parametrize("size", SIZES)
def test_early_end_snapshot(
    snap_compare: Any, ctx: Session, make_app: MakeApp, size: tuple[int, int]
) -> None:
    clear_after_three_pairs(ctx)

    async def open_result(pilot: Any) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert len(pilot.app._notifications) == 1  # told once
        pilot.app.clear_notifications()  # the answer, not the toast over it
        await pilot.press("e")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=open_result)


def test_no_stretch_tonight_snapshot(snap_compare: Any, ctx: Session, make_app: MakeApp) -> None:
    mid_no_stretch_period(ctx)
    assert snap_compare(make_app(), terminal_size=(80, 24))
