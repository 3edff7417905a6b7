"""The red-flag rules of CONTENT.md: a table of notes and diaries, frequency over 14 nights,
raising each flag once on save, and acknowledging it."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from coach.clock import FakeClock
from coach.diary.nights import Diary
from coach.errors import CoachError
from coach.records.store import Store
from coach.safety.flags import ACK_EVENT, FLAG_EVENT, acknowledge, open_flags, urgent_unacknowledged
from coach.safety.rules import (
    CONTENT_RED_FLAGS,
    RULES,
    check_after_save,
    find_red_flags,
    mark_shown,
    questions_due,
    record_answers,
    unshown,
)
from coach.session import Session
from tests.support import BERLIN

NIGHT = date(2026, 11, 20)

# (note, extra log fields, expected rule ids). Written from CONTENT.md's red flags, with the
# ways people write: negations, typos, brand names, several signs in one note.
NOTES: list[tuple[str, dict[str, Any], set[str]]] = [
    # a swollen, painful calf with breathlessness or chest pain: emergency
    ("left calf swollen and painful, and I'm short of breath", {}, {"clot-lung"}),
    ("calf swollen. Chest pain this morning", {}, {"clot-lung"}),
    ("swolen calf and breathles on the stairs", {}, {"clot-lung"}),
    ("right leg red and hot, tight chest", {"leg": "right"}, {"clot-lung"}),
    ("calf swollen, no chest pain, not breathless", {}, {"clot-calf"}),
    ("short of breath after the stairs", {}, {"breath"}),
    # a cramp over 10 minutes
    ("", {"minutes": 12.0}, {"long-cramp"}),
    ("", {"minutes": 10.0}, set()),
    ("the cramp lasted 15 minutes", {}, {"long-cramp"}),
    ("cramp for half an hour, would not let go", {}, {"long-cramp"}),
    ("walked 20 minutes, the cramp took 2 minutes", {}, set()),
    ("cramp 5 mins", {}, set()),
    # one calf swollen, red, warm or tender (same day)
    ("left calf swollen, red and hot", {"leg": "left"}, {"clot-calf"}),
    ("calf hot, red and tender", {}, {"clot-calf"}),
    ("my calf is tender to touch", {}, {"clot-calf"}),
    ("calf feels warm and looks red", {}, {"clot-calf"}),
    ("leg swollen since yesterday", {}, {"clot-calf"}),
    ("swolen calf", {}, {"clot-calf"}),
    ("calf sweling on the left", {}, {"clot-calf"}),
    ("Swollen and hot.", {"leg": "left"}, {"clot-calf"}),
    ("not sure if my calf is swollen", {}, {"clot-calf"}),
    ("no swelling, slept badly", {}, set()),
    ("calf not swollen or red", {}, set()),
    ("warm bath helped my calf", {}, set()),
    ("calf sore after the cramp", {}, set()),
    ("a glass of red wine, calf cramp at 3", {}, set()),
    # toxin or dirty wound (tetanus)
    ("stepped on a rusty nail in the garden last week", {}, {"tetanus"}),
    ("sprayed weedkiller yesterday without gloves", {}, {"tetanus"}),
    ("deep cut on my foot from the compost heap", {}, {"tetanus"}),
    ("used a pesticide on the roses", {}, {"tetanus"}),
    ("dirty wound on my shin", {}, {"tetanus"}),
    ("wound up staying late", {}, set()),
    ("no wounds, no chemicals", {}, set()),
    # frequent or sleep disturbed: see the diary tests below
    # cramps elsewhere, or twitching with weakness
    ("cramp in my hands too", {}, {"elsewhere"}),
    ("also cramps in the stomach", {}, {"elsewhere"}),
    ("fingers cramped while writing", {}, {"elsewhere"}),
    ("legs twitching and weak", {}, {"elsewhere", "weakness"}),
    ("hands fine, calf cramp only", {}, set()),
    ("no cramps anywhere else", {}, set()),
    # numbness, tingling, swelling, weaker or thinner muscles
    ("left foot numb all morning", {}, {"numbness"}),
    ("some tingling in the toes", {}, {"numbness"}),
    ("tingleing toes", {}, {"numbness"}),
    ("pins and needles in my feet", {}, {"numbness"}),
    ("not numb but tingling", {}, {"numbness"}),
    ("no numbness", {}, set()),
    ("no numbness or tingling", {}, set()),
    ("the number of cramps was high", {}, set()),
    ("ankles swollen", {}, {"swelling"}),
    ("both legs swollen in the evening", {}, {"swelling"}),
    ("legs feel weak", {}, {"weakness"}),
    ("my thigh muscles look thinner", {}, {"weakness"}),
    ("no weakness at all", {}, set()),
    # a new medicine (generic and brand names, water tablet, inhaler)
    ("started simvastatin last week", {}, {"new-medicine"}),
    ("new water tablet from the GP", {}, {"new-medicine"}),
    ("new inhaler since Monday", {}, {"new-medicine"}),
    ("simvastatine started monday", {}, {"new-medicine"}),
    ("doctor put me on furosemide", {}, {"new-medicine"}),
    ("switched to Symbicort", {}, {"new-medicine"}),
    ("started taking a new medicine for blood pressure", {}, {"new-medicine"}),
    ("began atorvastatin 2 weeks ago", {}, {"new-medicine"}),
    ("dose of bendroflumethiazide increased", {}, {"new-medicine"}),
    ("took my usual tablets", {}, set()),
    ("no new medicines", {}, set()),
    ("started walking more", {}, set()),
    # leg pain when walking that eases with rest
    ("pain in calf when walking, goes when I stop", {}, {"claudication"}),
    ("calves ache walking uphill and ease if I rest", {}, {"claudication"}),
    ("walked to the shops, fine", {}, set()),
    # pregnancy
    ("I'm 30 weeks pregnant", {}, {"pregnancy"}),
    ("pregnancy cramps again", {}, {"pregnancy"}),
    ("not pregnant", {}, set()),
    # several at once
    (
        "calf swollen and red, and I started amlodipine; toes tingly",
        {},
        {"clot-calf", "new-medicine", "numbness"},
    ),
    ("", {}, set()),
]


def _load(ctx: Session) -> Diary:
    return Diary.load(ctx.store, ctx.settings, ctx.clock.now())


@pytest.mark.parametrize(("note", "extra", "expected"), NOTES, ids=[n[0][:40] for n in NOTES])
def test_notes_and_logs_give_the_expected_flags(
    ctx: Session, note: str, extra: dict[str, Any], expected: set[str]
) -> None:
    ctx.store.record_cramps(NIGHT, 1, notes=note, **extra)
    assert {f.id for f in find_red_flags(_load(ctx))} == expected
    # The same rules on save: the new flags are exactly these, stored in the store.
    raised = check_after_save(ctx.store, ctx.settings, ctx.clock.now(), NIGHT)
    assert {f.rule for f in raised} == expected
    assert {f.rule for f in open_flags(ctx.store, NIGHT)} == expected


def test_the_table_is_large_enough() -> None:
    assert len(NOTES) >= 60


def _content_red_flags() -> list[str] | None:
    path = Path(__file__).resolve().parents[3] / "shared" / "CONTENT.md"
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8").split("## Red flags")[1].split("\n## ")[0]
    bullets = re.findall(r"^- (.*?)(?=^- |^Soon:|\Z)", text, flags=re.M | re.S)
    return [" ".join(b.split()).rstrip(";.") for b in bullets]


def test_the_rules_quote_content_md_word_for_word() -> None:
    found = _content_red_flags()
    if found is None:
        pytest.skip("../shared/CONTENT.md is not beside this checkout")
    assert list(CONTENT_RED_FLAGS) == found


DIARY_RULES = {"frequent"}
"""Rules shown by the diary tests below rather than by the note table."""


def test_every_content_red_flag_has_a_rule_and_a_test_row() -> None:
    tested = set().union(*(expected for _, _, expected in NOTES)) | DIARY_RULES
    for line in CONTENT_RED_FLAGS:
        rules = [rule.id for rule in RULES.values() if rule.content == line]
        assert rules, f"no rule for: {line}"
        assert any(rule in tested for rule in rules), f"no test row for: {line}"
    assert {rule.content for rule in RULES.values()} <= set(CONTENT_RED_FLAGS)


def test_each_rule_says_what_to_do() -> None:
    for rule in RULES.values():
        assert rule.level == ("urgent" if rule.action != "soon" else "soon")
    assert RULES["clot-lung"].action == "emergency"
    assert RULES["clot-calf"].action == "same-day"
    # Medicines: a review, never advice to stop.
    assert "stop" not in RULES["new-medicine"].advice
    assert "pharmacist" in RULES["new-medicine"].advice


# --- frequency on a rolling 14 nights ------------------------------------------------------


def nights(store: Store, start: date, pattern: str, *, stretch: bool = False) -> None:
    """One night per character from `start`: digit = cramps logged, '.' = not logged,
    'e' = a "cramping now" episode only; spaces are for reading (weeks)."""
    for i, mark in enumerate(pattern.replace(" ", "")):
        night = start + timedelta(days=i)
        if mark.isdigit():
            store.record_cramps(night, int(mark))
        elif mark == "e":
            store.add_event(night, "cramp-episode", {"started": f"s{i}", "minutes": 2})
        if stretch:
            store.record_step(night, "stretch", "done")


START = date(2026, 11, 1)


def frequent(ctx: Session) -> list[date] | None:
    flags = [f for f in find_red_flags(_load(ctx)) if f.id == "frequent"]
    return list(flags[0].nights) if flags else None


def test_frequent_whether_or_not_the_routine_was_kept(ctx: Session) -> None:
    nights(ctx.store, START, "3330000 3330000")  # routine never done
    assert frequent(ctx) is not None


def test_frequent_with_the_routine_kept_too(ctx: Session) -> None:
    nights(ctx.store, START, "1110000 1110000", stretch=True)
    assert frequent(ctx) is not None


def test_one_frequent_week_is_not_enough(ctx: Session) -> None:
    nights(ctx.store, START, "1110000 1100000")
    assert frequent(ctx) is None


def test_unlogged_nights_are_unknown_not_cramp_free(ctx: Session) -> None:
    # Each week: 2 cramp nights of 3 logged, 4 not logged: a share of 2/3, not 2/7.
    nights(ctx.store, START, "11....0 1.1...0")
    assert frequent(ctx) is not None


def test_too_few_logged_nights_say_nothing(ctx: Session) -> None:
    nights(ctx.store, START, "1...... 1......")
    assert frequent(ctx) is None


def test_cramping_now_episodes_count(ctx: Session) -> None:
    nights(ctx.store, START, "eee.... e.e.e..")
    assert frequent(ctx) is not None
    week = _load(ctx).cramp_block(START, 7)
    assert (week.nights_logged, week.cramp_nights, week.cramps) == (3, 3, 3)


def test_sleep_disturbed_week_after_week(ctx: Session) -> None:
    for week in (0, 7):
        for day, disturbance in ((0, 6), (3, 7), (5, 1)):
            ctx.store.record_cramps(START + timedelta(days=week + day), 1, disturbance=disturbance)
        ctx.store.record_cramps(START + timedelta(days=week + 1), 0)
    assert frequent(ctx) is not None


def test_28_nights_of_cramps_without_the_routine(ctx: Session) -> None:
    for i in range(28):
        ctx.store.record_cramps(START - timedelta(days=10) + timedelta(days=i), 3, severity=8)
    assert frequent(ctx) is not None


# --- raised on save, once, and acknowledged --------------------------------------------------


def test_a_flag_is_raised_once_and_stored(ctx: Session) -> None:
    store = ctx.store
    store.record_cramps(NIGHT, 1, minutes=15, notes="calf hot, red and tender")
    first = check_after_save(store, ctx.settings, ctx.clock.now(), NIGHT)
    assert [(f.id, f.level, f.action) for f in first] == [
        ("clot-calf-2026-11-20", "urgent", "same-day"),
        ("long-cramp-2026-11-20", "urgent", "same-day"),
    ]
    assert "Contact a doctor or an urgent care service today." in first[0].text
    store.record_cramps(NIGHT, 2, minutes=15, notes="calf still hot and red")
    assert check_after_save(store, ctx.settings, ctx.clock.now(), NIGHT) == []
    events = store.events(NIGHT, NIGHT, FLAG_EVENT)
    assert sorted(e.data["flag"] for e in events) == [
        "clot-calf-2026-11-20",
        "long-cramp-2026-11-20",
    ]


def test_acknowledging_closes_a_flag_for_every_process(ctx: Session) -> None:
    store = ctx.store
    store.record_cramps(NIGHT, 1, notes="stepped on a rusty nail")
    check_after_save(store, ctx.settings, ctx.clock.now(), NIGHT)
    assert [f.id for f in open_flags(store, NIGHT)] == ["tetanus-2026-11-20"]
    acknowledge(store, "tetanus-2026-11-20")
    other = Session(ctx.paths, kind="other", clock=ctx.clock)
    assert open_flags(other.store, NIGHT) == []
    assert [e.data for e in store.events(NIGHT, NIGHT, ACK_EVENT)] == [
        {"flag": "tetanus-2026-11-20"}
    ]
    with pytest.raises(CoachError, match="no open red flag 'tetanus-2026-11-20'"):
        acknowledge(store, "tetanus-2026-11-20")


def test_the_frequency_flag_is_raised_once_per_run(ctx: Session) -> None:
    store = ctx.store
    raised: list[str] = []
    for i in range(21):
        night = START + timedelta(days=i)
        store.record_cramps(night, 2)
        raised += [f.id for f in check_after_save(store, ctx.settings, ctx.clock.now(), night)]
    # From 10 Nov the 14 nights up to it hold two weeks of 3+ cramp nights (1-3 Nov and
    # 4-10 Nov); the run goes on, but the flag is raised once.
    assert raised == ["frequent-2026-11-10"]


def test_a_late_log_completes_a_window(ctx: Session) -> None:
    # Nights logged out of order: the earlier night completes the fortnight ending later.
    nights(ctx.store, START + timedelta(days=1), "11 00000000 111")
    raised = check_after_save(ctx.store, ctx.settings, ctx.clock.now(), START + timedelta(days=1))
    assert not raised
    ctx.store.record_cramps(START, 2)
    raised = check_after_save(ctx.store, ctx.settings, ctx.clock.now(), START)
    assert [f.rule for f in raised] == ["frequent"]


def test_the_weekly_questions(ctx: Session) -> None:
    store = ctx.store
    assert questions_due(store, NIGHT)
    record_answers(store, NIGHT, NIGHT, walking_pain=True, elsewhere=False)
    assert not questions_due(store, NIGHT + timedelta(days=6))
    assert questions_due(store, NIGHT + timedelta(days=7))
    raised = check_after_save(store, ctx.settings, ctx.clock.now(), NIGHT)
    assert [f.rule for f in raised] == ["claudication"]
    assert "your answer in the check-in" in raised[0].text


def test_history_shows_each_finding_once(ctx: Session) -> None:
    store = ctx.store
    store.record_cramps(date(2026, 11, 12), 1, minutes=15, notes="foot numb")
    flags = find_red_flags(_load(ctx))
    assert [f.id for f in unshown(store, flags)] == ["long-cramp", "numbness"]
    mark_shown(store, flags)
    assert unshown(store, find_red_flags(_load(ctx))) == []


def test_a_window_limits_what_is_found(ctx: Session) -> None:
    ctx.store.record_cramps(date(2026, 10, 1), 1, minutes=20)
    ctx.store.record_cramps(date(2026, 11, 20), 0)
    diary = _load(ctx)
    assert find_red_flags(diary, date(2026, 11, 1), date(2026, 11, 22)) == []
    assert [f.id for f in find_red_flags(diary)] == ["long-cramp"]


def test_a_flag_on_a_night_ahead_of_the_clock_is_still_open(ctx: Session) -> None:
    clock = FakeClock(datetime(2026, 11, 21, 9, 0, tzinfo=BERLIN))
    store = ctx.store
    store.record_cramps(NIGHT, 1, notes="ankles swollen")
    check_after_save(store, ctx.settings, clock.now(), NIGHT)
    assert [f.rule for f in open_flags(store, NIGHT - timedelta(days=1))] == ["swelling"]


def test_the_start_reads_urgent_flags_from_the_state_file_alone(ctx: Session) -> None:
    store = ctx.store
    store.record_cramps(NIGHT, 1, minutes=20, notes="ankles swollen")
    check_after_save(store, ctx.settings, ctx.clock.now(), NIGHT)
    # Only the urgent one is kept for the start; the soon one stays in `coach flags`.
    assert [f.id for f in urgent_unacknowledged(store)] == ["long-cramp-2026-11-20"]
    assert [f.rule for f in open_flags(store, NIGHT)] == ["long-cramp", "swelling"]
    # Acknowledged in another copy of the data, merged here: the index lets it go.
    store.add_event(NIGHT, ACK_EVENT, {"flag": "long-cramp-2026-11-20"})
    with pytest.raises(CoachError):
        acknowledge(store, "long-cramp-2026-11-20")
    assert urgent_unacknowledged(store) == []


def test_a_malformed_flag_record_is_refused(ctx: Session) -> None:
    store = ctx.store
    bad = {"flag": "x-2026-11-20", "level": "maybe", "text": ""}
    with pytest.raises(CoachError, match=r"data\.level of a 'red-flag' event is not one of"):
        store.add_event(NIGHT, FLAG_EVENT, bad)
    assert open_flags(store, NIGHT) == []
    store.record_cramps(NIGHT, 1, notes="ankles swollen")
    check_after_save(store, ctx.settings, ctx.clock.now(), NIGHT)
    assert [f.rule for f in open_flags(store, NIGHT)] == ["swelling"]
