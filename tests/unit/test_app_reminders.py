"""The reminder host as the app runs it: on the app's event loop, desktop only when no
daemon runs, the notification's words handed to the app."""

from __future__ import annotations

import asyncio
import sys
import types
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coach.desktop.notify import Delivery, Notifier
from coach.reminders.host import DueReminder, ReminderHost
from coach.session import Session
from coach.settings.model import config_set
from coach.system.locks import LOCK_NAME, SenderLock, sender_holder
from tests.support.fakes import RecordingNotifier
from tests.support.reminder_support import ShiftedClock

BERLIN = ZoneInfo("Europe/Berlin")
NIGHT = date(2026, 11, 22)


def _app_ctx(ctx: Session, lead: float = 0.5) -> Session:
    """`lead` seconds before 21:30 in Berlin, on real time: then screens-off falls due. coach
    has been in use in this folder since 18:00, so the last meal (19:30) counts as missed."""
    ctx.first_use()
    start = datetime(2026, 11, 22, 21, 30, tzinfo=BERLIN) - timedelta(seconds=lead)
    return Session(ctx.paths, kind="tui", clock=ShiftedClock.starting_at(start))


def app_host(
    ctx: Session,
    shown: list[DueReminder],
    desktop: Notifier,
    said: list[str] | None = None,
) -> ReminderHost:
    """The host wired as `screens.app.desktop_reminders` wires it, to plain lists."""
    return ReminderHost(
        ctx,
        "tui",
        desktop,
        on_due=shown.append,
        tell=(said if said is not None else []).append,
        instead="will show here instead",
    )


async def _run_until_screens_off(reminders: ReminderHost, shown: list[DueReminder]) -> None:
    await reminders.start()
    try:
        for _ in range(100):
            if any(r.step.id == "screens-off" for r in shown):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"screens-off never showed; shown: {shown}")
    finally:
        reminders.stop()


async def test_without_a_daemon_the_app_shows_and_sends_desktop_notifications(
    ctx: Session,
) -> None:
    shown: list[DueReminder] = []
    desktop = RecordingNotifier()
    reminders = app_host(_app_ctx(ctx), shown, desktop)
    await _run_until_screens_off(reminders, shown)

    assert [(r.step.id, r.title) for r in shown] == [
        ("hydration", "Hydration: 60 minutes to bedtime"),
        ("screens-off", "Screens off: 60 minutes to bedtime"),
    ]
    assert shown[1].desktop is not None and shown[1].desktop.ok
    assert [title for title, _ in desktop.sent] == [r.title for r in shown]
    # The app sent them, so the app recorded them, and released the lock when it stopped.
    events = ctx.store.events(NIGHT, NIGHT, "reminder")
    delivered = [e.data["step"] for e in events if e.data["phase"] == "delivered"]
    assert delivered == ["last-meal", "hydration", "screens-off"]
    assert sender_holder(ctx.paths.data_dir / LOCK_NAME) is None


async def test_with_the_daemon_running_the_app_shows_reminders_in_app_only(
    ctx: Session,
) -> None:
    daemon = SenderLock(ctx.paths.data_dir / LOCK_NAME, "daemon")
    assert daemon.try_acquire()
    shown: list[DueReminder] = []
    desktop = RecordingNotifier()
    try:
        reminders = app_host(_app_ctx(ctx), shown, desktop)
        holder = sender_holder(ctx.paths.data_dir / LOCK_NAME)
        assert holder is not None and holder.kind == "daemon"
        await _run_until_screens_off(reminders, shown)
        assert not reminders.sending
    finally:
        daemon.release()
    assert [r.step.id for r in shown] == ["hydration", "screens-off"]
    assert all(r.desktop is None for r in shown)
    assert desktop.sent == []
    assert ctx.store.events(NIGHT, NIGHT) == []  # the daemon records what it sends


async def test_failing_desktop_notifications_are_mentioned_once(ctx: Session) -> None:
    shown: list[DueReminder] = []
    said: list[str] = []
    reminders = app_host(_app_ctx(ctx), shown, RecordingNotifier(ok=False), said)
    await _run_until_screens_off(reminders, shown)
    assert len(shown) == 2 and all(r.desktop is not None and not r.desktop.ok for r in shown)
    assert said == [
        "Desktop reminders cannot be shown here: coach doctor, in a terminal, says why "
        "and what helps. Reminders will show here instead."
    ]


async def test_snooze_and_skip_tonight_from_the_app(ctx: Session) -> None:
    shown: list[DueReminder] = []
    reminders = app_host(_app_ctx(ctx), shown, RecordingNotifier())
    await _run_until_screens_off(reminders, shown)
    wake = reminders.snooze(NIGHT, "screens-off")
    assert wake.astimezone(BERLIN).strftime("%H:%M") == "21:40"
    assert reminders.snoozes_left(NIGHT, "screens-off") == 2
    reminders.set_paused(NIGHT)
    assert reminders.service.next_due() is not None
    assert reminders.service.next_due() > datetime(2026, 11, 23, 12, tzinfo=BERLIN)


async def test_new_settings_from_the_app_move_the_reminders_at_once(ctx: Session) -> None:
    shown: list[DueReminder] = []
    # Thirty seconds ahead of screens-off: enough for a start on a busy machine.
    reminders = app_host(_app_ctx(ctx, lead=30), shown, RecordingNotifier())
    await reminders.start()
    try:
        for _ in range(100):  # the first run, on a worker thread, sends the late hydration
            if shown:
                break
            await asyncio.sleep(0.02)
        assert reminders.service.next_due() == datetime(2026, 11, 22, 21, 30, tzinfo=BERLIN)
        reminders.settings_changed(config_set(ctx.paths.config_file, "bedtime", "23:00"))
        assert reminders.service.next_due() == datetime(2026, 11, 22, 22, 0, tzinfo=BERLIN)
        assert reminders.runner is not None
        assert reminders.runner.jobs()[0][0] == "reminder:2026-11-22:screens-off:0"
    finally:
        reminders.stop()
    assert [r.step.id for r in shown] == ["hydration"]  # sent once, not again at 21:00


async def test_reminders_are_spoken_through_the_voice_wrapper_when_coach_has_one(
    ctx: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """coach.desktop.voice wraps the notifier; the host uses it for the daemon and the app alike.
    A stand-in for the module, with its API, shows the wrap is in place."""
    spoken: list[str] = []

    class Speaking:
        def __init__(self, inner: Notifier, settings: Callable[[], object]) -> None:
            self.inner, self.settings = inner, settings

        def notify(self, title: str, message: str) -> Delivery:
            self.settings()  # read at each reminder
            spoken.append(title)
            return self.inner.notify(title, message)

    voice = types.ModuleType("coach.desktop.voice")
    voice.speaking_notifier = Speaking  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "coach.desktop.voice", voice)
    monkeypatch.setattr("coach.desktop.voice", voice, raising=False)
    shown: list[DueReminder] = []
    desktop = RecordingNotifier()
    await _run_until_screens_off(app_host(_app_ctx(ctx), shown, desktop), shown)
    assert spoken == [title for title, _ in desktop.sent] == [r.title for r in shown]
