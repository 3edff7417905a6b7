"""Easy on older eyes, as pictures: the welcome form whole at 80x24; Tonight in the
high-contrast theme and in the ansi themes (the terminal's own palette); under NO_COLOR and
in the terminal's colours, the focused field and the chosen answer marked by shape (see
screens/looks.py).

Update after a deliberate change with
`pytest tests/snapshot/test_looks_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import RadioSet

from coach.clock import FakeClock
from coach.session import Session
from screens.app import CoachApp
from screens.checkin import CheckinScreen
from screens.choice import Choice
from tests.support import BERLIN
from tests.support.apps import MakeApp

NIGHT = date(2026, 11, 22)
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def evening(ctx: Session, clock: FakeClock, make_app: MakeApp) -> CoachApp:
    """21:25 on a night with two steps recorded and last night's cramps logged."""
    ctx.store.record_cramps(date(2026, 11, 21), 2, severity=6, minutes=3, leg="left")
    clock.set(datetime(2026, 11, 22, 19, 40, tzinfo=BERLIN))
    ctx.store.record_step(NIGHT, "last-meal", "done")
    ctx.store.record_step(NIGHT, "hydration", "skipped", reason="not thirsty")
    clock.set(datetime(2026, 11, 22, 21, 25, tzinfo=BERLIN))
    return make_app()


@pytest.mark.parametrize("theme", ["high-contrast", "ansi-dark", "ansi-light"])
@pytest.mark.parametrize("size", SIZES)
def test_tonight_in_theme(
    snap_compare: Any, evening: CoachApp, theme: str, size: tuple[int, int]
) -> None:
    evening.theme = theme
    assert snap_compare(evening, terminal_size=size)


@pytest.mark.parametrize("theme", ["high-contrast", "textual-dark"])
def test_the_welcome_form_is_whole_at_80x24(
    snap_compare: Any, make_app: MakeApp, clock: FakeClock, theme: str
) -> None:
    clock.set(datetime(2026, 11, 22, 18, 0, tzinfo=BERLIN))
    app = make_app(first_run=True)
    app.theme = theme
    assert snap_compare(app, terminal_size=(80, 24))


async def _open_checkin(pilot: Pilot[Any]) -> None:
    app = pilot.app
    if not isinstance(app.screen, CheckinScreen):
        app.push_screen(CheckinScreen(NIGHT))
    await pilot.pause()
    # "left" chosen, "right" and "both" not: a dot against an empty box.
    app.screen.query_one("#leg", RadioSet).query(Choice).first().value = True
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_the_terminal_s_colours_mark_focus_and_the_chosen_answer_by_shape(
    snap_compare: Any, make_app: MakeApp, clock: FakeClock, size: tuple[int, int]
) -> None:
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN))
    app = make_app()
    app.theme = "ansi-dark"
    assert snap_compare(app, terminal_size=size, run_before=_open_checkin)


@pytest.mark.parametrize("size", SIZES)
def test_no_color_marks_focus_and_the_chosen_answer_by_shape(
    snap_compare: Any,
    make_app: MakeApp,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN))
    app = make_app()
    assert snap_compare(app, terminal_size=size, run_before=_open_checkin)
