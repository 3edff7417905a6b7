"""The app with its reminders, history and morning check-in wired in: what the user sees
and what ends up in the store."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from coach.clock import FakeClock
from coach.session import Session
from coach.settings.model import Settings
from screens.app import desktop_reminders
from screens.checkin import CheckinScreen
from screens.history import HistoryScreen
from screens.tonight import TonightScreen
from screens.wind_down import WindDownScreen
from tests.support import BERLIN
from tests.support.apps import MakeApp, settle
from tests.support.fakes import RecordingNotifier

NIGHT = date(2026, 11, 22)


async def test_a_due_step_is_toasted_sent_to_the_desktop_and_z_snoozes_it(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    clock.set(datetime(2026, 11, 22, 21, 30, tzinfo=BERLIN))  # screens off is due
    ctx.store.record_step(NIGHT, "last-meal", "done")
    ctx.store.record_step(NIGHT, "hydration", "done")
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 0)  # no morning check-in in the way
    desktop = RecordingNotifier()
    app = make_app(reminders=desktop_reminders(desktop))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.due_step is not None and app._notifications)
        assert app.due_step == (NIGHT, "screens-off")
        assert desktop.sent == [("Screens off: 60 minutes to bedtime", desktop.sent[0][1])]
        # The toast says what the desktop notification said, word for word.
        toast = [n for n in app._notifications if "Screens off" in (n.title or "")]
        assert [(n.title, n.message) for n in toast] == [
            (desktop.sent[0][0], f"{desktop.sent[0][1]}\n(z: snooze)")
        ]
        # Screens off opens the guided evening over Tonight, which has the step chosen.
        assert isinstance(app.screen, WindDownScreen)
        tonight = app.screen_stack[0]
        assert isinstance(tonight, TonightScreen)
        assert tonight.chosen is not None and tonight.chosen.id == "screens-off"

        await pilot.press("z")
        snoozes = ctx.store.events(NIGHT, NIGHT, "snooze")
        assert [e.data["step"] for e in snoozes] == ["screens-off"]
        assert any("reminding you again at 21:40" in n.message for n in app._notifications)
    # Every reminder handled is on record: the one sent, none twice.
    sent = [(e.data["step"], e.data["phase"]) for e in ctx.store.events(NIGHT, NIGHT, "reminder")]
    assert sent == [("screens-off", "pending"), ("screens-off", "delivered")]


async def test_skip_tonight_from_the_palette_pauses_the_night(
    ctx: Session, make_app: MakeApp
) -> None:
    app = make_app(reminders=desktop_reminders(RecordingNotifier()))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.reminders is not None)
        await pilot.press("ctrl+p")
        await pilot.press(*"skip tonight")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await settle(pilot, lambda: ctx.store.paused_nights(NIGHT, NIGHT))
        assert ctx.store.paused_nights(NIGHT, NIGHT) == {NIGHT}
        assert any("will not count against your streak" in n.message for n in app._notifications)
        # "pause" finds it too, as Help says; a second time says it is so already.
        await pilot.press("ctrl+p")
        await pilot.press(*"pause")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await settle(pilot, lambda: any("off already" in n.message for n in app._notifications))
        assert any("Tonight's reminders are off already." in n.message for n in app._notifications)
        assert len(ctx.store.events(NIGHT, NIGHT, "pause")) == 1


class FakeReminders:
    """Records what the app asks of its reminder service."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.settings: list[Settings] = []

    async def start(self) -> None:
        self.calls.append("start")

    def stop(self) -> None:
        self.calls.append("stop")

    def settings_changed(self, settings: Settings) -> None:
        self.settings.append(settings)

    def snooze(self, night: date, step_id: str) -> datetime:
        raise AssertionError("not used here")

    def snoozes_left(self, night: date, step_id: str) -> int:
        return 3

    def set_paused(self, night: date, paused: bool = True) -> bool:
        raise AssertionError("not used here")

    def refresh(self) -> None:
        self.calls.append("refresh")


async def test_reminders_start_after_the_first_paint_and_follow_settings(make_app: MakeApp) -> None:
    fake = FakeReminders()
    app = make_app(reminders=lambda app: fake)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: fake.calls)
        assert fake.calls == ["start"]
        assert app.apply_settings([("bedtime", "23:15")]) is None
        assert [s.bedtime.strftime("%H:%M") for s in fake.settings] == ["23:15"]
    assert fake.calls == ["start", "stop"]


async def test_h_opens_history_and_m_logs_last_night(ctx: Session, make_app: MakeApp) -> None:
    ctx.store.record_step(NIGHT - timedelta(days=2), "stretch", "done")
    ctx.store.record_cramps(NIGHT - timedelta(days=2), 0)  # so no check-in pops up
    ctx.store.record_cramps(NIGHT - timedelta(days=1), 1)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("h")
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, TonightScreen)
        await pilot.press("m")
        assert isinstance(app.screen, CheckinScreen)
        await pilot.press("n", "n")  # no cramps; none of the urgent signs
        await pilot.pause()
        assert isinstance(app.screen, TonightScreen)
    logs = ctx.store.cramp_logs(NIGHT - timedelta(days=1), NIGHT - timedelta(days=1))
    assert logs[NIGHT - timedelta(days=1)].cramps == 0


async def test_the_check_in_is_offered_once_on_the_first_start_of_the_day(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    from screens.gaps import GapScreen

    ctx.store.record_step(NIGHT - timedelta(days=2), "stretch", "done")
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN))  # Monday morning
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        # First the nights before last night with no log (Fri and Sat), then last night.
        assert isinstance(app.screen, GapScreen)
        assert app.screen.nights == (NIGHT - timedelta(days=2), NIGHT - timedelta(days=1))
        await pilot.press("escape")
        assert isinstance(app.screen, CheckinScreen)
        assert app.screen.night == NIGHT
        await pilot.press("escape")
        assert isinstance(app.screen, TonightScreen)
    again = make_app()
    async with again.run_test(size=(100, 30)):
        assert isinstance(again.screen, TonightScreen)  # asked already today
    assert ctx.store.cramp_logs(NIGHT, NIGHT) == {}  # leaving records nothing


async def test_a_brand_new_diary_is_not_asked_about_a_night_it_never_had(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)):
        assert isinstance(app.screen, TonightScreen)


async def test_an_unknown_time_zone_is_said_once_on_start(ctx: Session, make_app: MakeApp) -> None:
    from coach.settings.model import settings_from_dict

    settings = settings_from_dict(
        {"bedtime": "22:30"}, ctx.paths.config_file, default_timezone=lambda: None
    )
    app = make_app(settings=settings)
    async with app.run_test(size=(100, 30)):
        said = [n.message for n in app._notifications if "time zone" in n.message]
        assert len(said) == 1 and "times are in UTC" in said[0]
