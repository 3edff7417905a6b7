"""Red-flag patterns found in the cramp log, and each shown once."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from coach.context import Context
from coach.records import Store
from coach.redflags import find_red_flags, mark_shown, unshown
from coach.stats import Diary


def load(ctx: Context) -> Diary:
    return Diary.load(ctx.store, ctx.settings, ctx.clock.now())


def test_a_long_cramp_in_the_morning_log_or_an_episode(ctx: Context) -> None:
    ctx.store.record_cramps(date(2026, 11, 10), 1, minutes=10)  # exactly 10: not over
    ctx.store.record_cramps(date(2026, 11, 12), 1, minutes=12)
    ctx.store.add_event(date(2026, 11, 18), "cramp-episode", {"started": "x", "minutes": 11.5})
    ctx.store.add_event(date(2026, 11, 19), "cramp-episode", {"started": "x", "minutes": None})
    flags = find_red_flags(load(ctx))
    assert [f.id for f in flags] == ["long-cramp"]
    assert flags[0].nights == (date(2026, 11, 12), date(2026, 11, 18))
    assert flags[0].pattern.urgency == "urgent"
    assert "does not ease when you move the leg" in flags[0].line()


@pytest.mark.parametrize(
    ("note", "found"),
    [
        ("left foot numb all morning", ["numbness"]),
        ("some tingling in the toes", ["numbness"]),
        ("calf looks swollen and warm", ["swelling"]),
        ("legs feel weak", ["weakness"]),
        ("started taking a new medicine for blood pressure", ["new-medicine"]),
        ("no swelling, slept badly", []),
        ("the number of cramps was high", []),
        ("walked a lot today", []),
    ],
)
def test_words_in_the_notes(ctx: Context, note: str, found: list[str]) -> None:
    ctx.store.record_cramps(date(2026, 11, 20), 1, notes=note)
    flags = find_red_flags(load(ctx))
    assert sorted(f.id for f in flags) == sorted(found)


def week_of_cramps(store: Store, monday: date, cramp_nights: int, stretched: int) -> None:
    for i in range(7):
        night = monday + timedelta(days=i)
        store.record_cramps(night, 1 if i < cramp_nights else 0)
        if i < stretched:
            store.record_step(night, "stretch", "done")


def test_frequent_cramps_for_two_weeks_despite_the_routine(ctx: Context) -> None:
    store = ctx.store
    week_of_cramps(store, date(2026, 10, 26), cramp_nights=3, stretched=7)
    week_of_cramps(store, date(2026, 11, 2), cramp_nights=4, stretched=4)
    flags = find_red_flags(load(ctx))
    assert [f.id for f in flags] == ["frequent"]
    assert len(flags[0].nights) == 7  # every cramp night of the two weeks


def test_one_frequent_week_or_no_routine_is_not_the_pattern(ctx: Context) -> None:
    store = ctx.store
    week_of_cramps(store, date(2026, 10, 26), cramp_nights=3, stretched=7)
    week_of_cramps(store, date(2026, 11, 2), cramp_nights=2, stretched=7)
    week_of_cramps(store, date(2026, 11, 9), cramp_nights=5, stretched=3)  # routine not kept
    week_of_cramps(store, date(2026, 11, 16), cramp_nights=5, stretched=7)
    assert find_red_flags(load(ctx)) == []


def test_each_finding_is_shown_once_and_a_new_one_again(ctx: Context) -> None:
    store = ctx.store
    store.record_cramps(date(2026, 11, 12), 1, minutes=15, notes="foot numb")
    flags = find_red_flags(load(ctx))
    assert [f.id for f in unshown(store, flags)] == ["long-cramp", "numbness"]
    mark_shown(store, flags)
    assert unshown(store, find_red_flags(load(ctx))) == []
    store.record_cramps(date(2026, 11, 20), 1, minutes=14)
    fresh = unshown(store, find_red_flags(load(ctx)))
    assert [f.id for f in fresh] == ["long-cramp"]
    # The flags live in the store's state file, so another process sees them too.
    other = Context(ctx.paths, kind="other", clock=ctx.clock)
    mark_shown(other.store, fresh)
    assert unshown(store, find_red_flags(load(ctx))) == []


def test_a_window_limits_what_is_found(ctx: Context) -> None:
    ctx.store.record_cramps(date(2026, 10, 1), 1, minutes=20)
    ctx.store.record_cramps(date(2026, 11, 20), 0)
    diary = load(ctx)
    assert find_red_flags(diary, date(2026, 11, 1), date(2026, 11, 22)) == []
    assert [f.id for f in find_red_flags(diary)] == ["long-cramp"]


def test_with_the_stretch_turned_off_the_routine_is_every_other_step(
    ctx: Context, coach_home: Path
) -> None:
    with (coach_home / "config.toml").open("a") as config:
        config.write("[steps.stretch]\nenabled = false\n")
    store = ctx.store
    for week in (date(2026, 10, 26), date(2026, 11, 2)):
        for i in range(7):
            night = week + timedelta(days=i)
            store.record_cramps(night, 1 if i < 3 else 0)
            for step in ("last-meal", "hydration", "screens-off", "sleep-position"):
                store.record_step(night, step, "done")
    assert [f.id for f in find_red_flags(load(ctx))] == ["frequent"]
