"""Statistics of the diary, checked against figures worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from coach.clock import FakeClock
from coach.diary.nights import Diary, NightFacts, strength_over
from coach.records.store import Store
from coach.session import Session

STEPS = ("last-meal", "hydration", "screens-off", "stretch", "sleep-position")


def complete(store: Store, night: date) -> None:
    for step in STEPS:
        store.record_step(night, step, "done")


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def facts(night: date, done: int, *, paused: bool = False, over: bool = True) -> NightFacts:
    """A night with the first `done` of the five steps done and the rest missed."""
    steps = {s: ("done" if i < done else "missed") for i, s in enumerate(STEPS)}
    return NightFacts(night=night, steps=steps, required=STEPS, paused=paused, over=over)


def build_autumn(store: Store) -> None:
    """Oct 29 - Nov 21 2026: a pause on Nov 3, a skipped stretch on Nov 6, a paused but
    complete Nov 15, nothing on Nov 20, everything else complete."""
    for night in days(date(2026, 10, 29), date(2026, 11, 21)):
        if night == date(2026, 11, 3):
            store.add_event(night, "pause", {})
        elif night == date(2026, 11, 6):
            for step in STEPS:
                store.record_step(night, step, "skipped" if step == "stretch" else "done")
        elif night == date(2026, 11, 15):
            store.add_event(night, "pause", {})
            complete(store, night)
        elif night != date(2026, 11, 20):
            complete(store, night)


def test_streaks_run_across_month_end_and_pauses(ctx: Session) -> None:
    build_autumn(ctx.store)
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    # Oct 29 - Nov 5 without the paused Nov 3 is 7 nights; the skip on Nov 6 ends it.
    # Nov 7 - Nov 19 is 13 nights, less the paused Nov 15: 12. Nov 20 ends it; Nov 21: 1.
    # Tonight (Nov 22, 18:00) is still running and breaks nothing.
    streaks = diary.streaks()
    assert (streaks.current, streaks.best) == (1, 12)
    assert diary.night(date(2026, 11, 3)).status == "paused"  # type: ignore[union-attr]
    assert diary.night(date(2026, 11, 6)).status == "partial"  # type: ignore[union-attr]
    assert diary.night(date(2026, 11, 20)).status == "none"  # type: ignore[union-attr]
    assert diary.night(date(2026, 11, 22)).status == "pending"  # type: ignore[union-attr]


def test_an_undone_pause_counts_as_an_ordinary_night(ctx: Session, clock: FakeClock) -> None:
    build_autumn(ctx.store)
    clock.advance(1)
    ctx.store.add_event(date(2026, 11, 3), "pause", {"paused": False})  # coach pause --undo
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    assert diary.night(date(2026, 11, 3)).status == "none"  # type: ignore[union-attr]
    assert diary.night(date(2026, 11, 15)).status == "paused"  # type: ignore[union-attr]


def test_tonight_extends_the_streak_once_complete(ctx: Session) -> None:
    build_autumn(ctx.store)
    complete(ctx.store, date(2026, 11, 22))
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    assert diary.streaks().current == 2


def test_adherence_windows(ctx: Session) -> None:
    build_autumn(ctx.store)
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    week = {a.step: (a.done, a.nights) for a in diary.adherence(7)}
    # Nov 15-21: the paused Nov 15 was complete so it counts; Nov 20 had nothing.
    assert week == {step: (6, 7) for step in STEPS}
    month = {a.step: (a.done, a.nights) for a in diary.adherence(30)}
    # The diary starts Oct 29: 24 nights, less the paused-and-empty Nov 3 = 23 expected.
    # Not done: Nov 20 for every step, and the skipped stretch on Nov 6.
    assert month["hydration"] == (22, 23)
    assert month["stretch"] == (21, 23)
    assert diary.adherence(90) == diary.adherence(30)


def test_a_correction_reloads_one_night_and_the_figures(ctx: Session) -> None:
    build_autumn(ctx.store)
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    assert diary.streaks().best == 12
    complete(ctx.store, date(2026, 11, 20))
    diary.replace_night(ctx.night(date(2026, 11, 20)))
    # Nov 7 - 21 less the paused Nov 15: 14 nights, and it is the current run.
    assert (diary.streaks().current, diary.streaks().best) == (14, 14)
    assert {a.done for a in diary.adherence(7)} == {7}


def test_an_empty_store_has_no_figures(ctx: Session) -> None:
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    assert diary.nights == []
    assert (diary.streaks().current, diary.streaks().best) == (0, 0)
    assert diary.habit_strength() == 0
    assert [a.nights for a in diary.adherence(7)] == [0] * 5


def test_habit_strength_rises_and_fades_slowly() -> None:
    start = date(2026, 1, 1)
    full = [facts(start + timedelta(days=i), 5) for i in range(14)]
    # 1 - (13/14)^14 = 0.6453
    assert round(strength_over(full) * 100) == 65
    empty = [facts(start + timedelta(days=14 + i), 0) for i in range(7)]
    # 0.6453 * (41/42)^7 = 0.5452: a missed week costs about ten points
    assert round(strength_over(full + empty) * 100) == 55
    paused = [facts(start + timedelta(days=14 + i), 0, paused=True) for i in range(7)]
    assert strength_over(full + paused) == strength_over(full)
    tonight = [facts(start + timedelta(days=14), 0, over=False)]
    assert strength_over(full + tonight) == strength_over(full)


def test_habit_strength_of_a_loaded_diary(ctx: Session) -> None:
    for night in days(date(2026, 11, 8), date(2026, 11, 21)):
        complete(ctx.store, night)
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    assert diary.habit_strength() == 65


def test_cramps_per_week_and_severity(ctx: Session) -> None:
    store = ctx.store
    # Week of Mon 9 Nov: 5 nights logged, 3 cramps on 2 nights, severities 4 and 7.
    store.record_cramps(date(2026, 11, 9), 2, severity=4)
    store.record_cramps(date(2026, 11, 10), 0)
    store.record_cramps(date(2026, 11, 11), 1, severity=7)
    store.record_cramps(date(2026, 11, 12), 0)
    store.record_cramps(date(2026, 11, 14), 0)
    # Week of Mon 16 Nov: one night, no cramps.
    store.record_cramps(date(2026, 11, 16), 0)
    diary = Diary.load(store, ctx.settings, ctx.clock.now())
    first, second = diary.cramp_weeks(2)
    assert (first.start, first.nights_logged, first.cramp_nights, first.cramps) == (
        date(2026, 11, 9),
        5,
        2,
        3,
    )
    assert first.per_week == 3 * 7 / 5
    assert first.mean_severity == 5.5
    assert (second.start, second.per_week, second.mean_severity) == (date(2026, 11, 16), 0, None)
    baseline = diary.baseline()
    assert baseline is not None and baseline.start == date(2026, 11, 9)


def test_cramp_episodes_mark_the_night_and_its_longest_cramp(ctx: Session) -> None:
    night = date(2026, 11, 20)
    ctx.store.add_event(night, "cramp-episode", {"started": "x", "minutes": 12.5})
    ctx.store.record_cramps(night, 1, minutes=4)
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    facts_ = diary.night(night)
    assert facts_ is not None and facts_.had_cramps and facts_.longest_minutes == 12.5


def test_statistics_are_cached_per_window(ctx: Session, clock: FakeClock) -> None:
    build_autumn(ctx.store)
    diary = Diary.load(ctx.store, ctx.settings, clock.now())
    assert diary.adherence(7) is diary.adherence(7)
    assert diary.adherence(7) is not diary.adherence(30)


night_kinds = st.lists(st.sampled_from(["full", "half", "none", "pause"]), max_size=60)


def _nights(kinds: list[str]) -> list[NightFacts]:
    start = date(2026, 1, 1)
    done = {"full": 5, "half": 2, "none": 0, "pause": 0}
    return [
        facts(start + timedelta(days=i), done[k], paused=k == "pause") for i, k in enumerate(kinds)
    ]


@given(night_kinds)
def test_streak_properties(kinds: list[str]) -> None:
    diary = Diary(_nights(kinds), STEPS)
    streaks = diary.streaks()
    assert 0 <= streaks.current <= streaks.best <= kinds.count("full")
    # Taking the paused nights out changes nothing: they neither break nor extend.
    unpaused = Diary(_nights([k for k in kinds if k != "pause"]), STEPS)
    assert unpaused.streaks() == streaks


@given(night_kinds, st.integers(min_value=0, max_value=59))
def test_strength_is_bounded_and_more_practice_never_lowers_it(kinds: list[str], i: int) -> None:
    score = strength_over(_nights(kinds))
    assert 0.0 <= score <= 1.0
    if i < len(kinds):
        better = [*kinds[:i], "full", *kinds[i + 1 :]]
        assert strength_over(_nights(better)) >= score - 1e-12


@given(night_kinds, st.integers(min_value=1, max_value=90), st.integers(min_value=1, max_value=90))
def test_adherence_window_properties(kinds: list[str], short: int, extra: int) -> None:
    diary = Diary(_nights(kinds), STEPS)
    narrow = diary.adherence(short)
    wide = diary.adherence(short + extra)
    for a, b in zip(narrow, wide, strict=True):
        assert 0 <= a.done <= a.nights <= short
        # A wider window holds every night of the narrower one.
        assert a.done <= b.done and a.nights <= b.nights
    # Asking again (from the cache) or of a fresh diary gives the same figures.
    assert diary.adherence(short) == Diary(_nights(kinds), STEPS).adherence(short)


def test_an_episode_written_at_start_and_at_ease_counts_once(
    ctx: Session, clock: FakeClock
) -> None:
    night = date(2026, 11, 21)
    started = "2026-11-21T23:40:00+01:00"
    ctx.store.add_event(night, "cramp-episode", {"started": started, "minutes": None})
    clock.advance(60)
    ctx.store.add_event(
        night, "cramp-episode", {"started": started, "minutes": 12.0, "severity": 7}
    )
    ctx.store.add_event(
        night, "cramp-episode", {"started": "2026-11-22T02:10:00+01:00", "minutes": 1.0}
    )
    diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    facts = diary.night(night)
    assert facts is not None
    assert sorted(e.data["minutes"] for e in facts.episodes) == [1.0, 12.0]
    assert facts.longest_minutes == 12.0
