"""The note reader: context (negated, historical, hypothetical, someone else's, over),
durations in words and clock times, medicines in any order, typos and shorthand.

The sentences here are not from bench/flag_corpus.tsv: the benchmark measures the reader,
these pin down each way of reading it claims.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coach.safety.durations import durations
from coach.safety.note_rules import SIGNS, note_findings
from coach.safety.notes import read_note

BENCH = Path(__file__).resolve().parents[2] / "bench"


def rules(note: str, leg: str | None = None) -> set[str]:
    return set(note_findings(note, leg))


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        # negated
        ("there is no swelling in the calf", set()),
        ("calf: no redness, no heat", set()),
        ("no tingling but the left calf is swollen", {"clot-calf"}),
        ("without any numbness", set()),
        # historical
        ("had a clot in my calf back in 2015", set()),
        ("had DVT 10 yrs ago so i keep an eye on it", set()),
        ("years ago I had a tetanus jab after a dog bite", set()),
        ("years ago I had this, and last night my calf was swollen and hot", {"clot-calf"}),
        ("swollen calf years ago after surgery", set()),
        ("been on atorvastatin for many years", set()),
        # a negated list of alternatives, to its end; a comma after or before anything
        # else than a sign ends the negation
        ("didnt have any chest pain or breathlessness, just the cramp", set()),
        ("no redness, swelling or warmth in my calf", set()),
        ("no chest pain, breathlessness or swelling", set()),
        ("no pain, calf swollen", {"clot-calf"}),
        ("not much sleep, calf red or maybe warm", {"clot-calf"}),
        ("not much sleep, swelling or redness in left calf", {"clot-calf"}),
        # a clinician's shorthand: "-", "-ve", "neg", "nil" deny a sign, "+" affirms it
        ("L calf swelling +, SOB -", {"clot-calf"}),
        ("calf swelling -ve, SOB -ve", set()),
        ("SOB nil, CP nil, calf swelling neg", set()),
        ("left calf swollen, chest pain +", {"clot-lung"}),
        ("Wells low, calf soft non-tender", set()),
        ("calf circumference up R vs L, erythema", {"clot-calf"}),
        ("paraesthesia both feet", {"numbness"}),
        ("intermittent claudication ~200m, relieved by rest", {"claudication"}),
        ("tetanus-prone wound L shin 3/7 ago, cramps since", {"tetanus"}),
        # a life stage long past
        ("As a child I had numbness in my feet, none now", set()),
        ("my legs were swollen as a teenager", set()),
        # a form's "No." answers its question; "No. 3" is a number
        ("swelling in left calf? no. numbness? yes a bit in the foot", {"numbness"}),
        ("Swelling - no. Tingling - yes", {"numbness"}),
        ("cramp no. 3 tonight, lasted 15 mins", {"long-cramp"}),
        # hypothetical
        ("the leaflet says watch for a swollen calf", set()),
        ("if my foot goes numb I will ring", set()),
        ("the GP may start me on bumetanide", set()),
        ("not sure if my calf is swollen or not", {"clot-calf"}),
        # someone else
        ("my wife's calf is red and hot", set()),
        ("my son stood on a rusty nail", set()),
        ("my sister is 20 weeks pregnant", set()),
        ("my husband says my calf looks swollen", {"clot-calf"}),
        # over
        ("the tingling in my toes has cleared up", set()),
        ("the numbness went away by lunchtime", set()),
        # present
        ("Left calf swollen and sore, breathless on the landing", {"clot-lung"}),
        ("calf red + SOB", {"clot-lung"}),
        ("right calf hurting and my chest feels tight", {"clot-lung"}),
        ("both legs a bit swollen tonight", {"swelling"}),
        ("calf went numb", {"numbness"}),
    ],
)
def test_context_decides_whether_a_sign_counts(note: str, expected: set[str]) -> None:
    assert rules(note) == expected


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("lasted 14 mins", 14.0),
        ("about seventeen minutes", 17.0),
        ("a quarter of an hour", 15.0),
        ("three quarters of an hour", 45.0),
        ("half an hour", 30.0),
        ("an hour and a half", 90.0),
        ("from 4.05 till 4.50", 45.0),
        ("between 1:10 and 1:25", 15.0),
        ("11.55pm to 12.20am", 25.0),
    ],
)
def test_durations_in_words_and_clock_ranges(text: str, minutes: float) -> None:
    assert [d.minutes for d in durations(text)] == [minutes]


def test_two_numbers_without_a_time_are_no_duration() -> None:
    assert durations("2 to 3 cramps a night") == []


@pytest.mark.parametrize(
    ("note", "long"),
    [
        ("cramp from ten past four to twenty to five", True),
        ("calf cramp, 4.10 till 4.28, walking did nothing", True),
        ("the cramp held on for seventeen minutes", True),
        ("cramp at 4.10, asleep again by 4.40", False),
        ("slept 3 hours then a cramp", False),
        ("a cramp 25 minutes after I went to bed", False),
        ("swam for forty minutes, no cramp", False),
        ("if a cramp lasts over 10 minutes I should phone", False),
    ],
)
def test_a_long_cramp_is_the_cramps_duration(note: str, long: bool) -> None:
    assert ("long-cramp" in rules(note)) is long


@pytest.mark.parametrize(
    "note",
    [
        "started on pravastatin",
        "pravastatin: started Monday",
        "the GP put me on a new water pill",
        "on candesartan since last week",
        "dose of my statin went up, was increased on Friday",
        "started fosinopril",  # not in the list: its ending says what it is
        "newly prescribed indapamide",
    ],
)
def test_a_medicine_started_in_any_order(note: str) -> None:
    assert "new-medicine" in rules(note)


@pytest.mark.parametrize(
    "note",
    [
        "no new pills this month",
        "still on the same bisoprolol",
        "my husband was put on a statin",
        "might be switched to a different inhaler",
        "started walking to the shop again",
        "put on my slippers",
    ],
)
def test_no_medicine_started(note: str) -> None:
    assert "new-medicine" not in rules(note)


def test_the_detail_names_the_medicine_and_its_kind() -> None:
    assert note_findings("started amlodipine")["new-medicine"] == (
        "amlodipine: a blood-pressure medicine"
    )


@pytest.mark.parametrize(
    ("note", "rule"),
    [
        ("swolllen calf", "clot-calf"),
        ("numbnesss in the toes", "numbness"),
        ("startd simvastattin", "new-medicine"),
        ("I'm pg", "pregnancy"),
        ("L calf tender", "clot-calf"),
        ("p&n in my feet", "numbness"),
        ("puffed climbing the stairs, calf is swollen", "clot-lung"),
    ],
)
def test_typos_and_shorthand(note: str, rule: str) -> None:
    assert rule in rules(note)


def test_a_real_word_near_a_sign_is_not_taken_for_it() -> None:
    assert rules("the smelling salts and the spelling test") == set()


def test_each_hit_says_why_it_does_not_count() -> None:
    reading = read_note("no swelling. Had a DVT in 2012. My mother's leg is red.")
    by_text = {(h.concept, h.sentence): h for h in reading.hits}
    assert by_text[("swelling", 0)].negated
    assert by_text[("clot", 1)].historical
    assert by_text[("red", 2)].other
    assert not reading.has("swelling") and not reading.has("clot") and not reading.has("red")


def test_the_leg_of_the_log_places_a_sign_in_one_calf() -> None:
    assert rules("swollen and warm", leg="left") == {"clot-calf"}
    assert rules("swollen and warm", leg="both") == {"swelling"}


def test_answered_signs_raise_what_the_same_sign_in_a_note_raises() -> None:
    assert set(note_findings("", signs=frozenset({"calf-swollen"}))) == {"clot-calf"}
    both = note_findings("", signs=frozenset({"calf-red-warm", "chest-pain"}))
    assert set(both) == {"clot-lung"}
    assert both["clot-lung"] == "your answer: one calf red, warm or tender; chest pain"
    # an answer and a note together, as either alone would with the other sign
    assert set(note_findings("short of breath", signs=frozenset({"calf-swollen"}))) == {"clot-lung"}
    assert set(note_findings("right calf swollen", signs=frozenset({"breathless"}))) == {
        "clot-lung"
    }
    assert set(note_findings("", signs=frozenset({"long-not-easing"}))) == {"long-cramp"}
    assert set(note_findings("", signs=frozenset({"wound-or-toxin"}))) == {"tetanus"}
    # breathlessness alone is its own urgent flag, as an answer and in a note
    assert note_findings("", signs=frozenset({"breathless"})) == {
        "breath": "your answer: breathless"
    }
    assert set(note_findings("short of breath")) == {"breath"}
    assert set(SIGNS) == {
        "calf-swollen",
        "calf-red-warm",
        "breathless",
        "chest-pain",
        "long-not-easing",
        "wound-or-toxin",
    }


def test_the_benchmark_corpus_meets_the_issue_targets(capsys: pytest.CaptureFixture[str]) -> None:
    """bench/flag_corpus.tsv: at least 300 notes of every category; the reader meets the
    targets on it (95% per urgent sign, 90% overall, 2% / 5% false alarms)."""
    sys.path.insert(0, str(BENCH))
    try:
        import flag_accuracy
    finally:
        sys.path.remove(str(BENCH))
    rows = flag_accuracy.read_corpus()
    assert len(rows) >= 300
    categories = {category for category, *_ in rows}
    assert categories >= {*flag_accuracy.URGENT, "numbness", "weakness", "swelling"}
    assert {"new-medicine", "pregnancy", "elsewhere", "claudication", "harmless"} <= categories
    assert flag_accuracy.main(["--split", "all"]) == 0
    assert "all signs" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        # coughing blood in other words than "coughed up blood"
        ("left calf aching and swollen, some blood in what I coughed up", {"clot-lung"}),
        ("calf throbbing; spitting a little blood this morning", {"clot-lung"}),
        ("left calf swollen and painful, coughing up pink frothy stuff", {"clot-lung"}),
        ("swollen sore calf. bloody phlegm since yesterday", {"clot-lung"}),
        ("calf swollen, no pink froth and no cough", {"clot-calf"}),
        # breathing and a difficulty, in a clause
        ("my calf is puffy and sore, breathing is shallow and quick", {"clot-lung"}),
        ("swollen right calf. dyspnoea since Tuesday", {"clot-lung"}),
        # a phrase of one sign holds a word of another: "puffed up" is swelling, not breath
        ("both feet puffed up by teatime", {"swelling"}),
        # tender by touching, in any words
        ("right calf aches if I prod it", {"clot-calf"}),
        # a short list after the body: "calf: red, hot"
        ("L calf: hot, red", {"clot-calf"}),
        # soreness after the cramp is the cramp's
        ("calf tender this morning after the cramp", set()),
        ("calf tender and red after the cramp", {"clot-calf"}),
        # a question or a form field answered no
        ("Calf swollen? No.", set()),
        ("Redness: none, swelling: nil", set()),
        # a topic is not a sign, unless it is her own
        ("heard about clots on the radio", set()),
        ("worried about my swollen left calf", {"clot-calf"}),
        # someone else's pregnancy, a bill that is due
        ("the midwife came to see my niece", set()),
        ("gas bill due in April", set()),
        ("Due in August, calves cramp nightly", {"pregnancy"}),
        ("7 months gone", {"pregnancy"}),
        ("with child again, calves cramping", {"pregnancy"}),
        ("my daughter is with child", set()),
        # Lasix as it sounds; LASIK is eye surgery
        ("started lasiks last week, cramps since", {"new-medicine"}),
        ("calve swollen and red no breathing problems", {"clot-calf"}),
        ("ankels swallen both sides", {"swelling"}),
        ("foot feels numbe", {"numbness"}),
        ("had lasik eye surgery, cramps at night", set()),
        # parts of the body in "back to sleep", a calf's side
        ("cramp at 4, then back to sleep", set()),
        ("cramp on the right side of my calf", set()),
        ("cramp in my left hand and wrist", {"elsewhere"}),
        # words that need a part of the body
        ("toes feel dead this morning", {"numbness"}),
        ("legs wobbly on the stairs", {"weakness"}),
        ("ankles bloated tonight", {"swelling"}),
    ],
)
def test_general_rules_read_signs_in_other_words(note: str, expected: set[str]) -> None:
    assert rules(note) == expected


@pytest.mark.parametrize(
    ("note", "long"),
    [
        ("cramp lasted 10+ minutes", True),
        ("cramp, >10 mins", True),
        ("spasm of eleven and a half minutes", True),
        ("calf cramp eased after 25 minutes", True),
        ("It was 15 minutes before the cramp finally went", True),
        ("cramp at 3.40, still there at 4.05", True),
        ("woke at 1.10 with a cramp that lasted till 1.35", True),
        ("cramp at 2.15, another at 4.30", False),
        ("cramps at 1.05, 2.20 and 3.50", False),
        ("cramp at 3, then lay awake for an hour", False),
        ("cramp lasted 10 minutes", False),
        # "for ages" of this cramp is how long it lasted, not a history
        ("cramp went on for ages - 15 min - stretching didn't help", True),
        ("cramp took ages to go, maybe 15 mins", True),
        ("had cramps for ages, 15 minutes of walking to the shop is fine", False),
        # a sentence that is only a duration gives the length of the cramp before it
        ("Terrible cramp. About 15 minutes.", True),
        ("bad one. 20 mins", True),
        ("Cramp at 3. 20 minutes later another.", False),
        ("Cramp. Walked 15 minutes.", False),
    ],
)
def test_durations_said_in_more_ways(note: str, long: bool) -> None:
    assert ("long-cramp" in rules(note)) is long


@pytest.mark.parametrize(
    ("note", "started"),
    [
        ("been taking pravastatin for ten days", True),
        ("on bumetanide now, cramps worse", True),
        ("still on bumetanide now", False),
        ("on pravastatin for years", False),
        ("GP swapped my ramipril for candesartan", True),
        ("first week on a new inhaler", True),
        ("Dr put me on HCTZ", True),
        ("had an iron infusion on Friday", True),
        ("no change in my medication", False),
        ("GP has me on a beta blocker since the weekend", True),
        ("Monofer infusion on Thursday", True),
        ("commenced Istin", True),
        ("GP wants to start me on atorvastatin next month", False),
    ],
)
def test_medicines_started_lately(note: str, started: bool) -> None:
    assert ("new-medicine" in rules(note)) is started


@pytest.mark.parametrize(
    ("note", "pregnant"),
    [
        ("I'm 22 weeks and the cramps are worse", True),
        ("baby on the way, cramping most nights", True),
        ("I'm 3 weeks into the stretches", False),
        ("I'm 9 weeks post op", False),
    ],
)
def test_how_far_along_a_pregnancy_is(note: str, pregnant: bool) -> None:
    assert ("pregnancy" in rules(note)) is pregnant


def test_british_clock_times_and_quarter_hours() -> None:
    assert "long-cramp" in rules("cramp from 4 until half 4")
    assert "long-cramp" in rules("cramp lasted 1/4 hour and walking did not ease it")
    assert "long-cramp" not in rules("cramp at half 3, gone within a minute")


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("the swelling in my left calf hasn't gone down", {"clot-calf"}),
        ("redness on my right calf has almost gone", {"clot-calf"}),
        ("right calf swelling gone down a little, still there", {"clot-calf"}),
        ("tingling in my feet has not gone", {"numbness"}),
        ("the swelling in my ankles went down after a week in the spring", set()),
        ("the pins and needles have gone completely", set()),
    ],
)
def test_a_sign_not_over_is_current(note: str, expected: set[str]) -> None:
    assert rules(note) == expected


def test_both_legs_warm_is_no_sign_but_both_swollen_is() -> None:
    assert rules("after the shower my legs felt warm and relaxed") == set()
    assert rules("both legs warm and swollen tonight") == {"swelling"}


def test_a_duration_in_the_sentence_after_the_cramp() -> None:
    assert "long-cramp" in rules("Cramp in my right foot. I timed it at 13 minutes.")


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("our dog nipped my ankle on the walk", {"tetanus"}),
        ("the dog scratched the door all night", set()),
        ("our cat's paw is swollen", set()),
        ("got some pesticide on my arm", {"tetanus"}),
        ("a splinter of wood stuck in my palm from the shed", {"tetanus"}),
        ("calf aching and swollen, chest feels weird", {"clot-lung"}),
    ],
)
def test_animals_toxins_and_chests(note: str, expected: set[str]) -> None:
    assert rules(note) == expected


@pytest.mark.parametrize(
    ("note", "long"),
    [
        ("it took me 25 minutes to walk the cramp off", True),
        ("took 15 minutes for the cramp to settle", True),
        ("after the cramp it took me 25 minutes to get back to sleep", False),
    ],
)
def test_what_it_took_the_cramp_to_end(note: str, long: bool) -> None:
    assert ("long-cramp" in rules(note)) is long


def test_the_reader_loads_on_the_first_note_not_with_the_app_or_the_rules() -> None:
    """The app's start and the check-in's imports stay light: the word lists and rapidfuzz
    load when a note is first read."""
    code = (
        "import sys, screens.app, screens.tonight, coach.safety.rules; "
        "print(sorted(m for m in sys.modules if m in ('coach.safety.notes', "
        "'coach.safety.lexicon', 'coach.safety.note_rules') or m.startswith('rapidfuzz')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("calf swollen, SOBOE since Sunday", {"clot-lung"}),
        ("cramp in excess of 10 minutes, walking did not ease it", {"long-cramp"}),
        ("got bit by the neighbours' terrier on my shin", {"tetanus"}),
        ("my knee got cut on an old metal gate", {"tetanus"}),
        ("legs getting stronger bit by bit", set()),
        ("can't walk far before my calves hurt, better after standing a minute", {"claudication"}),
        ("cramps in my toes and fingers last night", {"elsewhere"}),
        ("Swelling? None today.", set()),
    ],
)
def test_shorthand_and_plain_american_english(note: str, expected: set[str]) -> None:
    assert rules(note) == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("right calff swollen and hot", {"clot-calf"}),
        ("calf swollen and chest pian", {"clot-lung"}),
        ("cramp lasted twnety minutes", {"long-cramp"}),
        ("started a new water tablett", {"new-medicine"}),
        # real words one slip from a sign's word are themselves
        ("does the booth split the cast? filed it, selling the colt", set()),
    ],
)
def test_slips_of_the_keyboard(note: str, expected: set[str]) -> None:
    assert rules(note) == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("left calf swollen and sore, my breathing is poor today", {"clot-lung"}),
        ("calf aching and puffy, I can barely breathe on the stairs", {"clot-lung"}),
        ("Awful one last night, 25 minutes or so, walking about did nothing", {"long-cramp"}),
        ("did my exercises for 15 minutes", set()),
        ("gashed my heel on a rock at the beach", {"tetanus"}),
    ],
)
def test_words_for_a_bad_breath_a_cramp_unnamed_and_outdoor_dirt(
    note: str, expected: set[str]
) -> None:
    assert rules(note) == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        # a hedged sign is a sign; a hedged plan is a plan
        ("I think my right calf might be swollen", {"clot-calf"}),
        ("calf looks like it could be swollen and it's warm, left side", {"clot-calf"}),
        ("the GP might put me on furosemide", set()),
        ("I may be pregnant", {"pregnancy"}),  # possible: ask a midwife or doctor first
        # a test's result
        ("pregnancy test negative again", set()),
        ("positive pregnancy test this morning", {"pregnancy"}),
    ],
)
def test_hedges_and_test_results(note: str, expected: set[str]) -> None:
    assert rules(note) == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        # someone else seeing or saying something about her
        ("my wife timed it: 16 minutes of cramp in the left calf", {"long-cramp"}),
        ("husband noticed the right calf is swollen", {"clot-calf"}),
        ("husband said he was short of breath", set()),
        # a negation ends where a new clause of time begins
        ("no cramps until I started taking lisinopril", {"new-medicine"}),
        ("no swelling after the walk", set()),
    ],
)
def test_reporting_verbs_and_the_end_of_a_negation(note: str, expected: set[str]) -> None:
    assert rules(note) == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        # a short form's dot is no sentence end
        ("Cramp in calf for approx. 14 min, walking did nothing", {"long-cramp"}),
        ("cramp c. 20 mins", {"long-cramp"}),
        ("Saw Dr. Patel. No cramps.", set()),
        # toxins and venomous bites
        ("used paint stripper on the door without gloves", {"tetanus"}),
        ("a spider bit my hand in the garage", {"tetanus"}),
        ("a spider in the sink", set()),
    ],
)
def test_short_forms_and_toxins(note: str, expected: set[str]) -> None:
    assert rules(note) == expected
