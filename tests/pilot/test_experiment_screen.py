"""The experiment in the app: the start card, a no-stretch Tonight, and the result screen."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from textual.widgets import OptionList, Static

from coach.clock import FakeClock
from coach.experiment.protocol import Protocol, load_protocol
from coach.session import Session
from screens.app import CoachApp
from screens.checkin import CheckinScreen
from screens.experiment import ConfirmStop, ExperimentScreen
from screens.tonight import TonightScreen
from tests.support import BERLIN
from tests.support.apps import MakeApp
from tests.support.experiments import (
    TONIGHT,
    clear_after_three_pairs,
    finished_experiment,
    logged_app,
    mid_no_stretch_period,
)


@pytest.fixture
def make_app(ctx: Session, make_app: MakeApp) -> MakeApp:
    return logged_app(ctx, make_app)


def text(app: CoachApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_the_start_card_starts_a_run_in(ctx: Session, make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, ExperimentScreen)
        body = text(app, "#experiment-body")
        assert "The evidence for stretching is split" in body
        assert "logged the cramps of 1 night:" in body and "starting begins with one" in body
        await pilot.press("s")
        await pilot.pause()
        protocol = load_protocol(ctx.store)
        assert protocol is not None and protocol.start is None
        assert "First a run-in" in text(app, "#experiment-body")
        await pilot.press("escape")
        assert "Experiment: run-in" in text(app, "#experiment-line")


async def test_a_no_stretch_tonight_says_why_and_has_no_stretch(
    ctx: Session, make_app: MakeApp
) -> None:
    mid_no_stretch_period(ctx)
    app = make_app()
    async with app.run_test(size=(100, 30)):
        rows = [row.id for row in app.screen.rows]  # type: ignore[attr-defined]
        assert rows == ["last-meal", "hydration", "screens-off", "sleep-position"]
        assert app.screen.query_one("#timeline", OptionList).option_count == 4
        line = text(app, "#experiment-line")
        assert "period 1 of 4: a no-stretch night" in line and "every other step stays" in line
        assert app.screen.query_one("#experiment-line", Static).display


async def test_tonight_without_an_experiment_has_no_line_and_all_steps(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)):
        assert "stretch" in [row.id for row in app.screen.rows]  # type: ignore[attr-defined]
        assert not app.screen.query_one("#experiment-line", Static).display


async def test_the_result_screen_gives_the_answer_in_words(ctx: Session, make_app: MakeApp) -> None:
    finished_experiment(ctx)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        answer = text(app, "#experiment-answer")
        assert "Stretching seems to help you" in answer
        assert "somewhere between" in answer and "fewer cramps" in answer
        assert "Nights used:" in answer and "by chance alone" in answer
        chart = text(app, "#experiment-chart")
        assert chart.count("no-stretch") == 3 and chart.count(" stretch ") == 3
        assert "counted, followed 100%)" in chart  # adherence per period (CENT)
        assert "cannot be blinded" in text(app, "#experiment-limits")


async def test_tonight_takes_a_due_look_in_a_worker_and_brings_the_stretch_back(
    ctx: Session, make_app: MakeApp
) -> None:
    protocol = clear_after_three_pairs(ctx)
    # Tonight would be period 7's first night, a stretch night; the one after, no-stretch.
    assert protocol.arms[6] == "stretch"
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        stored = load_protocol(ctx.store)
        assert stored is not None and stored.ended is not None
        assert stored.ended.night == TONIGHT and stored.ended.reason == "benefit"
        notes = [n.message for n in app._notifications]
        assert any("Your experiment ended early, after 3 of 6 pairs" in n for n in notes)
        assert "stretch" in [row.id for row in app.screen.rows]  # type: ignore[attr-defined]
        assert not app.screen.query_one("#experiment-line", Static).display
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        answer = text(app, "#experiment-answer")
        assert "Stretching seems to help you" in answer
        assert "The experiment ended early, after 3 of its 6 pairs" in answer
        assert "From the night of Sun 22 Nov your usual routine is back" in answer
        assert "Ended early: your usual routine is back" in text(app, "#experiment-body")
        await pilot.press("k")  # nothing to stop
        assert isinstance(app.screen, ExperimentScreen)
        await pilot.press("escape")
        await pilot.press("h")
        await pilot.pause()
        assert "your experiment ended early" in text(app, "#stretch-question")


async def test_an_open_tonight_takes_the_look_when_the_morning_is_logged_not_at_noon(
    ctx: Session, make_app: MakeApp, clock: FakeClock
) -> None:
    # The third pair ends tonight; the app is open the next morning, the log not in.
    protocol = clear_after_three_pairs(ctx, last=TONIGHT, last_logged=False)
    clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN))
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, CheckinScreen)  # the morning check-in asks first
        await pilot.press("escape")
        stored = load_protocol(ctx.store)
        assert stored is not None and stored.ended is None and stored.looked == 0
        tonight = next(s for s in app.screen_stack if isinstance(s, TonightScreen))
        clock.set(datetime(2026, 11, 23, 12, 1, tzinfo=BERLIN))
        tonight.refresh_view()  # what the next tick does: the night on screen changes
        await app.workers.wait_for_complete()
        stored = load_protocol(ctx.store)  # looks are counted by night: the clock takes none
        assert stored is not None and stored.ended is None and stored.looked == 0
        await pilot.press("m")  # last night's log, late: now the look is taken
        assert isinstance(app.screen, CheckinScreen)
        await pilot.press("n", "n")  # no cramps; none of the urgent signs
        await pilot.pause()
        await app.workers.wait_for_complete()
        stored = load_protocol(ctx.store)
        assert stored is not None and stored.ended is not None
        assert stored.ended.through == TONIGHT == protocol.pair_end(3)
        assert stored.ended.night == TONIGHT + timedelta(days=1)
        assert stored.ended.nights["unlogged"] == 0  # the look saw the last morning too


async def test_stop_asks_first_then_brings_the_stretch_back(
    ctx: Session, make_app: MakeApp
) -> None:
    mid_no_stretch_period(ctx)
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.press("k")
        assert isinstance(app.screen, ConfirmStop)
        await pilot.press("escape")  # keep it
        stored = load_protocol(ctx.store)
        assert stored is not None and stored.stopped is None
        await pilot.press("k")
        await pilot.click("#stop")
        await pilot.pause()
        stored = load_protocol(ctx.store)
        assert stored is not None and stored.stopped == TONIGHT
        assert "Stopped from the night of Sun 22 Nov 2026" in text(app, "#experiment-body")
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        await pilot.pause()
        assert "stretch" in [row.id for row in app.screen.rows]  # type: ignore[attr-defined]
        assert not app.screen.query_one("#experiment-line", Static).display


async def test_a_finished_run_in_draws_the_plan_when_the_app_opens(
    ctx: Session, make_app: MakeApp
) -> None:
    ctx.store.set_state(
        "experiment", Protocol(created="test", run_in_start=TONIGHT - timedelta(days=14)).to_state()
    )
    for back in range(1, 15):
        ctx.store.record_cramps(TONIGHT - timedelta(days=back), 2)
    app = make_app()
    notes: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        protocol = load_protocol(ctx.store)
        assert protocol is not None and protocol.start == TONIGHT + timedelta(days=1)
        # 2 cramps every night, steady: sized for the predicted power, at most 10 pairs.
        assert protocol.run_in_rate == 2.0 and protocol.pairs == 10
        assert protocol.power is not None and 0.5 <= protocol.power < 0.9
        # Tonight is between the run-in and the plan: the usual routine, no line.
        assert "stretch" in [row.id for row in app.screen.rows]  # type: ignore[attr-defined]
    assert any("plan is fixed, 80 weeks from tomorrow night at most" in n for n in notes)


async def test_the_start_card_sizes_the_plan_from_an_eligible_diary(
    ctx: Session, make_app: MakeApp
) -> None:
    for back in range(1, 15):
        ctx.store.record_cramps(TONIGHT - timedelta(days=back), 1)
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("e")
        body = text(app, "#experiment-body")
        # 14 cramps on 14 nights, steady: the longest plan, 10 pairs, at most; what it
        # promises is said before it starts, the typical length with the longest (here,
        # as for most users in the bench, it would run to the end).
        assert "10 pairs of 28-night periods, about 80 weeks from tomorrow night at most" in body
        assert "to predict from your own cramp rate what the plan can tell you" in body
        assert "it can end sooner, once the answer is clear" not in body
        assert 'expected to say "helps" about 5 times in 10' in body
        assert "most such plans would run to the end (82 weeks with the run-in)" in body
        assert "weaker evidence" in body
        await pilot.press("s")
        await pilot.pause()
        protocol = load_protocol(ctx.store)
        assert protocol is not None and protocol.pairs == 10
        assert protocol.start == TONIGHT + timedelta(days=1)
        body = text(app, "#experiment-body")
        assert "(80 weeks): 10 pairs of 28-night periods" in body
        assert "It may end sooner: after 24 weeks and then after every pair" in body


async def test_the_start_card_says_how_long_a_sparse_diary_would_take(
    ctx: Session, make_app: MakeApp
) -> None:
    for back in range(1, 15):
        ctx.store.record_cramps(TONIGHT - timedelta(days=back), 1 if back % 4 == 0 else 0)
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("e")
        body = text(app, "#experiment-body")
        assert "3 cramps on 3 nights" in body and "At about 1.5 cramps a week" in body
        assert "even the longest plan (80 weeks)" in body and "--anyway" in body
        assert "s does not start it here" in body and "Press s to start" not in body
        await pilot.press("s")
        await pilot.pause()
        assert load_protocol(ctx.store) is None  # not started from the card
        assert any("no clear difference" in n.message for n in app._notifications)


async def test_the_command_palette_opens_the_experiment(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Experiment")
        command.callback()
        await pilot.pause()
        assert isinstance(app.screen, ExperimentScreen)
        assert "Does stretching help you?" in text(app, "#experiment-title")
