"""config.toml followed while coach runs: new settings only from a whole, valid file, and a
reload never turns tonight's steps into missed ones (issue 23, case 1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coach.clock import FakeClock
from coach.planner import PlannedStep
from coach.reminders.service import ReminderService
from coach.session import Session
from coach.settings.model import Settings, config_set, load_settings
from coach.settings.watch import SETTLE_SECONDS, ConfigWatcher
from tests.support import BERLIN

NIGHT = date(2026, 11, 22)
NEW_YORK = ZoneInfo("America/New_York")
BERLIN_2330 = 'timezone = "Europe/Berlin"\nbedtime = "23:30"\n'


def _truncate(path: Path) -> None:
    with path.open("r+b") as file:
        file.truncate(0)


def test_a_truncate_then_write_save_is_taken_only_once_whole(
    coach_home: Path, clock: FakeClock
) -> None:
    path = coach_home / "config.toml"
    watcher = ConfigWatcher(path, clock, load_settings(path))
    assert watcher.poll() is None  # nothing changed
    _truncate(path)
    assert watcher.poll() is None  # empty for now: would read as all the defaults
    clock.advance(0.03)
    path.write_text(BERLIN_2330)
    assert watcher.poll() is None
    assert watcher.recheck_in() == pytest.approx(SETTLE_SECONDS)
    clock.advance(SETTLE_SECONDS / 2)
    assert watcher.poll() is None
    clock.advance(SETTLE_SECONDS / 2)
    new = watcher.poll()
    assert new is not None and new.bedtime == time(23, 30) and new.timezone == "Europe/Berlin"
    assert watcher.poll() is None and watcher.recheck_in() is None
    assert watcher.take_problem() is None


def test_a_file_left_empty_is_the_defaults_once_it_stood_still(
    coach_home: Path, clock: FakeClock
) -> None:
    path = coach_home / "config.toml"
    watcher = ConfigWatcher(path, clock, load_settings(path), load=_utc_defaults)
    _truncate(path)
    assert watcher.poll() is None
    clock.advance(SETTLE_SECONDS)
    new = watcher.poll()
    assert new is not None and new.timezone == "UTC" and new.bedtime == time(22, 30)


def _utc_defaults(path: Path) -> Settings:
    return load_settings(path, default_timezone=lambda: "UTC")


def test_a_broken_file_keeps_the_last_good_settings_and_is_said_once(
    coach_home: Path, clock: FakeClock
) -> None:
    path = coach_home / "config.toml"
    watcher = ConfigWatcher(path, clock, load_settings(path))
    path.write_text('bedtime = "25:99"\n')
    for _ in range(3):
        assert watcher.poll() is None
        clock.advance(SETTLE_SECONDS)
    problem = watcher.take_problem()
    assert problem is not None and "config.toml: bedtime" in problem
    assert watcher.take_problem() is None  # said once
    assert watcher.settings.bedtime == time(22, 30)  # the last good ones
    path.write_text('bedtime = "25:99"\n\n')  # saved again, still broken: not said again
    for _ in range(2):
        assert watcher.poll() is None
        clock.advance(SETTLE_SECONDS)
    assert watcher.take_problem() is None
    path.write_text(BERLIN_2330)
    watcher.poll()
    clock.advance(SETTLE_SECONDS)
    new = watcher.poll()
    assert new is not None and new.bedtime == time(23, 30)
    assert watcher.problem is None


def test_a_file_written_while_it_is_read_is_read_again_later(
    coach_home: Path, clock: FakeClock
) -> None:
    path = coach_home / "config.toml"
    reads: list[str] = []

    def load_while_written(file: Path) -> Settings:
        settings = load_settings(file)
        reads.append(file.read_text())
        if len(reads) == 1:
            file.write_text(BERLIN_2330)  # the editor's second write lands meanwhile
        return settings

    watcher = ConfigWatcher(path, clock, load_settings(path), load=load_while_written)
    path.write_text('timezone = "Europe/Berlin"\nbedtime = "23:00"\n')
    watcher.poll()
    clock.advance(SETTLE_SECONDS)
    assert watcher.poll() is None  # what was read is gone already
    clock.advance(SETTLE_SECONDS)
    new = watcher.poll()
    assert new is not None and new.bedtime == time(23, 30)
    assert len(reads) == 2


def test_settings_the_caller_wrote_itself_are_not_news(coach_home: Path, clock: FakeClock) -> None:
    path = coach_home / "config.toml"
    watcher = ConfigWatcher(path, clock, load_settings(path))
    watcher.accept(config_set(path, "bedtime", "23:15"))
    clock.advance(SETTLE_SECONDS)
    assert watcher.poll() is None
    assert watcher.settings.bedtime == time(23, 15)


# --- the reminder service --------------------------------------------------------------


@dataclass
class Night:
    clock: FakeClock
    tz: ZoneInfo = BERLIN
    sent: list[tuple[str, str]] = field(default_factory=list)
    missed: list[tuple[str, bool]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _service(ctx: Session, night: Night) -> ReminderService:
    def on_due(step: PlannedStep, day: date, late_by: timedelta) -> None:
        night.sent.append((step.id, f"{night.clock.now().astimezone(night.tz):%H:%M}"))

    def on_missed(step: PlannedStep, day: date, late_by: timedelta, recorded: bool) -> None:
        night.missed.append((step.id, recorded))

    return ReminderService(
        ctx.settings,
        night.clock,
        on_due,
        store=ctx.store,
        config_file=ctx.paths.config_file,
        on_missed=on_missed,
        on_problem=night.problems.append,
    )


def _run(service: ReminderService, clock: FakeClock, until: datetime, step: float = 1.0) -> None:
    while clock.now() < until:
        service.run_due()
        clock.advance(step)
    service.run_due()


def test_saves_all_evening_leave_every_step_reminded_once_and_none_missed(
    ctx: Session, clock: FakeClock
) -> None:
    """In New York while the system says UTC: an empty file read as the defaults would
    put the whole night hours in the past."""
    path = ctx.paths.config_file
    text = 'timezone = "America/New_York"\nbedtime = "22:30"\n'
    path.write_text(text)
    ctx.reload_settings()
    clock.set(datetime(2026, 11, 22, 18, 0, tzinfo=NEW_YORK))
    night = Night(clock, NEW_YORK)
    service = _service(ctx, night)
    service.config = ConfigWatcher(path, clock, ctx.settings, load=_utc_defaults)
    saves = 0
    while clock.now() < datetime(2026, 11, 22, 22, 35, tzinfo=NEW_YORK):
        _truncate(path)
        service.run_due()  # the empty file is seen
        clock.advance(0.02)
        path.write_text(text)
        _run(service, clock, clock.now() + timedelta(minutes=5), step=30.0)
        saves += 1
    assert saves > 50
    assert night.sent == [
        ("last-meal", "19:30"),
        ("hydration", "20:30"),
        ("screens-off", "21:30"),
        ("stretch", "22:20"),
        ("sleep-position", "22:30"),
    ]
    assert night.missed == []
    assert ctx.store.latest_outcomes(NIGHT, NIGHT) == {}
    assert night.problems == []


def test_a_bedtime_moved_earlier_sends_what_still_helps_and_records_nothing_missed(
    ctx: Session, clock: FakeClock
) -> None:
    night = Night(clock)
    service = _service(ctx, night)
    _run(service, clock, datetime(2026, 11, 22, 21, 0, tzinfo=BERLIN), step=60.0)
    assert [step for step, _ in night.sent] == ["last-meal", "hydration"]
    # At 21:00 the user moves bedtime to 21:00: screens-off (now 20:00) and the stretch
    # (now 20:50) are past their use; the sleep position is due now.
    config_set(ctx.paths.config_file, "bedtime", "21:00")
    _run(service, clock, datetime(2026, 11, 22, 23, 30, tzinfo=BERLIN), step=60.0)
    assert night.sent[2:] == [("sleep-position", "21:01")]  # read at the next wake-up
    assert night.missed == []
    assert ctx.store.latest_outcomes(NIGHT, NIGHT) == {}


def test_a_step_marked_done_as_it_is_found_missed_is_not_called_missed(
    ctx: Session, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    night = Night(clock)
    service = _service(ctx, night)
    clock.set(datetime(2026, 11, 22, 22, 25, tzinfo=BERLIN))  # screens-off is past its use
    add_event = ctx.store.add_event

    def done_meanwhile(day: date, kind: str, data: dict[str, object]) -> object:
        if data.get("step") == "screens-off" and data.get("status") == "missed":
            ctx.store.record_step(day, "screens-off", "done")  # from the app, just now
        return add_event(day, kind, data)

    monkeypatch.setattr(ctx.store, "add_event", done_meanwhile)
    service.not_before = None
    service.run_due()
    assert ("screens-off", True) not in night.missed
    assert "screens-off" not in [step for step, _ in night.missed]
    outcomes = ctx.store.latest_outcomes(NIGHT, NIGHT)
    assert outcomes[(NIGHT, "screens-off")].outcome == "done"
    assert outcomes[(NIGHT, "last-meal")].outcome == "missed"
    assert ("last-meal", True) in night.missed
