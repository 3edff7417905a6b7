"""The diary API on a real store: what undo takes back (and what it leaves alone), the night
rules, and the hooks every change runs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from coach.clock import FakeClock
from coach.errors import CoachError, ConfigError
from coach.session import EPISODE, FutureNight, Session
from tests.support import BERLIN

NIGHT = date(2026, 11, 22)


def test_undo_takes_a_whole_cramp_episode_and_skips_the_apps_own_notes(
    ctx: Session, clock: FakeClock
) -> None:
    diary = ctx
    started = clock.now().isoformat()
    diary.add_event(NIGHT, EPISODE, {"started": started, "minutes": None})
    clock.advance(90)
    diary.add_event(NIGHT, EPISODE, {"started": started, "minutes": 1.5, "severity": 6})
    clock.advance(10)
    # Written after the episode, but not by the user: a reminder and a red-flag note.
    ctx.store.add_event(NIGHT, "reminder", {"step": "hydration", "status": "sent"})
    flag = {"flag": "long-cramp-2026-11-22", "level": "urgent", "text": "A cramp lasted..."}
    ctx.store.add_event(NIGHT, "red-flag", flag)
    stone = diary.undo()
    assert stone is not None
    assert stone.what == "a cramp logged at night (18:00, 1.5 min), night of Sun 22 Nov"
    assert len(stone.targets) == 2  # its start and its details
    assert diary.events(NIGHT, NIGHT, "cramp-episode") == []
    assert [e.kind for e in diary.events(NIGHT, NIGHT)] == ["reminder", "red-flag"]
    assert diary.undo() is None


def test_undo_skips_what_the_reminders_recorded_missed(ctx: Session, clock: FakeClock) -> None:
    diary = ctx
    diary.record_step(NIGHT, "stretch", "done")
    clock.advance(60)
    ctx.store.record_step(NIGHT, "last-meal", "missed", detail={"why": "no reminder in time"})
    stone = diary.undo()
    assert stone is not None and stone.what.startswith("Calf and hamstring stretches done")
    assert set(diary.outcomes(NIGHT, NIGHT)) == {(NIGHT, "last-meal")}


def test_nights_that_can_exist(ctx: Session, clock: FakeClock) -> None:
    diary = ctx
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))  # before noon: Sunday's night
    assert diary.parse_night("tonight") == NIGHT
    assert diary.parse_night("Yesterday") == NIGHT - timedelta(days=1)
    assert diary.parse_night("2026-11-22") == NIGHT
    with pytest.raises(FutureNight, match="the night of Mon 23 Nov 2026 is in the future"):
        diary.parse_night("2026-11-23")
    with pytest.raises(FutureNight):
        diary.record_step(NIGHT + timedelta(days=1), "stretch", "done")
    with pytest.raises(FutureNight):
        diary.log_cramps(NIGHT + timedelta(days=3), 0)
    with pytest.raises(CoachError, match="is not a night"):
        diary.parse_night("soon")
    assert ctx.store.first_night() is None


def test_first_night_is_the_first_record_or_the_first_use(ctx: Session, clock: FakeClock) -> None:
    diary = ctx
    assert diary.first_night() is None
    first = diary.first_use()  # Sun 22 Nov, 18:00
    clock.advance(3 * 86400)
    assert diary.first_use() == first  # remembered, not moved
    assert diary.first_night() == NIGHT
    diary.record_step(NIGHT - timedelta(days=5), "stretch", "done")
    assert diary.first_night() == NIGHT - timedelta(days=5)
    assert diary.load().first == NIGHT - timedelta(days=5)


def test_every_change_runs_the_after_save_hooks(ctx: Session, clock: FakeClock) -> None:
    diary = ctx
    saved: list[date] = []
    diary.after_save.append(saved.append)
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN))
    diary.record_step(NIGHT, "stretch", "done")
    diary.log_cramps(NIGHT, 1, band="5-10")
    diary.add_event(NIGHT, EPISODE, {"started": "x", "minutes": 2})
    diary.undo()
    diary.forget(NIGHT, cramps=True)
    assert saved == [NIGHT] * 5
    with pytest.raises(FutureNight):
        diary.record_step(NIGHT + timedelta(days=2), "stretch", "done")
    assert len(saved) == 5  # nothing written, nothing run


# --- settings ---------------------------------------------------------------------------


def test_settings_change_in_one_write_all_or_nothing(
    ctx: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's settings form changes several keys: one atomic write of config.toml, and
    a bad value anywhere leaves the file as it was."""
    import coach.settings.model as model

    writes: list[Path] = []
    real_write = model.atomic_write

    def counted(path: Path, data: bytes) -> None:
        writes.append(path)
        real_write(path, data)

    monkeypatch.setattr(model, "atomic_write", counted)
    settings = ctx.change_settings([("bedtime", "23:15"), ("stretch.reps", "4")])
    assert writes == [ctx.paths.config_file]
    assert (settings.bedtime.strftime("%H:%M"), settings.stretch.reps) == ("23:15", 4)
    assert ctx.settings == settings
    before = ctx.paths.config_file.read_bytes()
    with pytest.raises(ConfigError, match=r"stretch\.reps"):
        ctx.change_settings([("bedtime", "21:00"), ("stretch.reps", "many")])
    assert ctx.paths.config_file.read_bytes() == before and len(writes) == 1
    assert ctx.settings.bedtime.strftime("%H:%M") == "23:15"
