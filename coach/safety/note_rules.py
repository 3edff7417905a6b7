"""Which red-flag rules a note shows: the current signs of `coach.safety.notes`, combined.

- clot-lung: a calf or leg swollen, red, warm, tender or painful (or a clot named) and,
  anywhere in the note, breathlessness or chest pain;
- breath: breathlessness or chest pain without a calf sign (more than coach can judge
  alone; breath the note explains as usual, after hard exercise or with a cold is not it);
- clot-calf: one calf or leg swollen, red, warm or tender (or a clot named) in a sentence;
  both legs, or ankles and feet alone, are `swelling` (soon);
- long-cramp: a cramp and a duration over 10 minutes that is the cramp's ("lasted 20
  minutes", "2.10 till 2.35"), not something else's ("after 2 hours sleep", "walked for
  30 minutes", "20 minutes later");
- tetanus: a toxin with contact ("sprayed weedkiller"), or a wound with dirt, an animal or
  a nail ("cut my hand on rusty wire", "dog bite");
- numbness, weakness, swelling, pregnancy: the sign, current;
- elsewhere: a cramp with a part of the body other than the legs close by, or twitching
  with weakness;
- claudication: walking, pain and rest in one sentence;
- new-medicine: a medicine (by name, brand, kind, or a generic ending) and a word like
  "started", "put on", "new", "since", in any order, in one sentence.
"""

from __future__ import annotations

import re
from functools import lru_cache

from coach.safety.durations import durations
from coach.safety.lexicon import NEEDS_BODY, NUMB_NOT_A_SIGN, WARMING
from coach.safety.medicines import GENERIC_WORDS, kind_of
from coach.safety.notes import Hit, Reading, read_note

LONG_MINUTES = 10.0
BOTH_SWOLLEN = ("swelling", "swelling_size", "clot")
CLOT_SIGNS = ("swelling", "swelling_size", "red", "warm", "tender", "clot")
PAIN_SIGNS = (*CLOT_SIGNS, "pain")
BODY = ("leg", "lower_leg", "elsewhere", "leg_plural", "muscle")
INSECTS = frozenset(
    {"mosquito", "mosquitoes", "midge", "midges", "insect", "insects", "flea", "fleas", "gnat"}
)
NOT_A_CUT = frozenset(
    {"toenails", "nails", "nail", "hair", "grass", "lawn", "hedge", "fingernails", "down", "back"}
)
ELSEWHERE_REACH = 6
"""How many words apart a cramp and a part of the body other than the legs may be."""
MEDICINE_REACH = 6
"""How many words apart a medicine and "started" (or "new", "since" ...) may be."""
GENERIC_REACH = 3
"""The same for a word like "tablets", which is a signal only close to "new"."""
NOT_THE_CRAMPS_BEFORE = re.compile(
    r"\b(?:after|later|within|every|took me|slept|sleep|asleep|walked|walk|walking|swam|swim|"
    r"read|reading|gardening|stretched|stretching|stretches|drove|driving|sat|watched|tv|"
    r"less than|under|awake|lay|lying|was up|got up|sat up|stayed up|been up)\s+"
    r"(?:for\s+|about\s+|around\s+|a\s+good\s+|"
    r"maybe\s+)?$"
)
NOT_THE_CRAMPS_AFTER = re.compile(
    r"^\s*(?:later|ago|after|before|sleep|of sleep|asleep|to fall|to get|walk|of walking|"
    r"of stretching|of exercise|in the|at the|before bed|earlier|gap|apart|between)\b"
)
EASED = re.compile(
    r"\b(?:eas|stop|went|gone|go|end|settl|relax|let go|only|finally|pass|wore off|subsid)\w*"
    r"\s+(?:off\s+|away\s+)?(?:after|in|within)?\s*(?:about|around|maybe|nearly|almost|"
    r"a\s+good|over|more\s+than)?\s*$"
)
"""Before a duration: the cramp ended after it ("eased after 20 minutes", "went in 15")."""
EASED_AFTER = re.compile(
    r"^\s*before\s+(?:\w+\s+){0,3}?(?:eas|went|stop|let|settl|pass|finish|wore|subsid|gone|go\b|"
    r"relax|ended|calm)"
)
"""After a duration: "20 minutes before the cramp eased" (the cramp's own length)."""
GOT_RID = re.compile(
    r"^\s*(?:for\s+(?:it|the\s+cramp|the\s+spasm)\s+)?to\s+(?:get\s+rid|eas|go\b|stop|settl|"
    r"shift|pass|subside|calm|relax|let\s+go|get\s+it|wear\s+off|"
    r"(?:walk|work|rub|stretch|massage)\s+(?:\w+\s+){0,2}?(?:off|out|away))"
)
"""After a duration: what it took the cramp to end ("20 minutes to get rid of it")."""
PLUS_AFTER = re.compile(r"^\s*(?:plus|or more|or longer|and more|at least|\+)\b")
MORE_THAN = re.compile(
    r"\b(?:over|more than|longer than|at least|well over|over and|in excess of|upwards of|"
    r"beyond|past)\s+$"
)
THE_CRAMP = re.compile(
    r"\b(?:it|that)\s+(?:was|lasted|went|kept|took|carried|didn't|wouldn't|would|did)\b|"
    r"\b(?:a|the)\s+(?:\w+\s+)?one\b|\bthe\s+(?:first|second|last|worst)\b|"
    r"\b(?:bad|awful|terrible|long|nasty|big|horrible|painful|vicious|worst)\s+one\b"
)
"""In a note that names no cramp, the words that stand for one."""
LASTED = re.compile(
    r"\b(?:last|went on|go on|going on|kept|took|till|until|for|timed|clocked|it was)\w*"
)
ONLY_HOW_LONG = re.compile(
    r"(?:\b(?:about|around|roughly|approx\w*|nearly|almost|maybe|perhaps|over|more than|"
    r"at least|well over|easily|a good|solid|must have been|must be)\b|[\s~+>.!?,:;()-])*"
)
"""What may stand beside a duration in a sentence that says nothing else ("Terrible
cramp. About 15 minutes."): the sentence gives the length of the cramp just before it."""


def _quote(note: str) -> str:
    words = " ".join(note.split())
    return f"note: \u201c{words[:60]}{'…' if len(words) > 60 else ''}\u201d"


def _in_clause(reading: Reading, hit: Hit, concepts: tuple[str, ...]) -> bool:
    return any(
        h.sentence == hit.sentence and h.clause == hit.clause
        for concept in concepts
        for h in reading.all(concept)
    )


def _signs(reading: Reading, concepts: tuple[str, ...]) -> list[Hit]:
    """Current hits of the concepts that are signs where they stand (warmth by a bath is not)."""
    found = []
    words = reading.words
    for concept in concepts:
        for hit in reading.found(concept):
            if (
                concept in NEEDS_BODY
                and not _in_clause(reading, hit, BODY)
                and not _listed_after_body(reading, hit)
            ):
                continue
            if concept in ("tender", "pain") and _after_the_cramp(reading, hit):
                continue
            if concept == "warm":
                clause = [
                    w
                    for w, c in zip(
                        words[hit.sentence], _clause_ids(words[hit.sentence]), strict=True
                    )
                    if c == hit.clause
                ]
                if WARMING & set(clause):
                    continue
            found.append(hit)
    return found


def _listed_after_body(reading: Reading, hit: Hit) -> bool:
    """ "R calf: red, hot": a short clause in a list that began with a part of the body."""
    words = reading.words[hit.sentence]
    ids = _clause_ids(words)
    own = [w for w, c in zip(words, ids, strict=True) if c == hit.clause and w != ","]
    if len(own) > 3 or hit.clause == 0:
        return False
    first = [h for c in BODY for h in reading.all(c) if h.sentence == hit.sentence]
    if not first:
        return False
    start = min(h.clause for h in first)
    lead = [w for w, c in zip(words, ids, strict=True) if c == start and w != ","]
    return start < hit.clause and (
        len(lead) <= 4 or any(h.sentence == hit.sentence for h in _plain_signs(reading))
    )


def _plain_signs(reading: Reading) -> list[Hit]:
    return [h for c in ("swelling", "tender", "pain", "red") for h in reading.found(c)]


AFTER_CRAMP = re.compile(r"\b(?:after|from|since|following)\s+(?:\w+\s+){0,3}?(?:cramp|spasm)")


def _after_the_cramp(reading: Reading, hit: Hit) -> bool:
    """A calf sore or tender "after the cramp" is the cramp's soreness (CONTENT.md: soreness
    can last hours after), not a clot's sign: unless swelling, redness or warmth is there."""
    words = reading.words[hit.sentence]
    ids = _clause_ids(words)
    clause = " ".join(w for w, c in zip(words, ids, strict=True) if c == hit.clause)
    if not AFTER_CRAMP.search(clause):
        return False
    others = ("swelling", "swelling_size", "red", "warm", "clot")
    return not any(h.sentence == hit.sentence for c in others for h in reading.found(c))


@lru_cache(maxsize=256)
def _clause_ids(words: tuple[str, ...]) -> tuple[int, ...]:
    from coach.safety.notes import _clauses

    return tuple(_clauses(list(words)))


def _leg_sentences(reading: Reading, leg: str | None) -> dict[int, bool]:
    """Sentence -> True if it is about one leg, False if about both, for sentences where a
    leg is meant: named there, or named elsewhere in the note (or by the log's leg) and no
    other part of the body named in the sentence."""

    def sentences(*concepts: str) -> set[int]:
        return {h.sentence for c in concepts for h in reading.all(c)}

    legs = sentences("leg")
    note_names_leg = bool(legs) or leg in ("left", "right")
    if not note_names_leg:
        return {}
    other_parts = sentences("lower_leg", "elsewhere")
    plurals, ones = sentences("leg_plural"), sentences("leg_one")
    about: dict[int, bool] = {}
    for index in range(len(reading.sentences)):
        named = index in legs
        if not named and index in other_parts:
            continue
        plural = index in plurals
        one = index in ones
        if not named and leg == "both":
            plural = True
        about[index] = one or not plural
    return about


def _tender_by_touch(reading: Reading) -> list[Hit]:
    """Pain when the calf is touched, in any words: "sore when I squeeze it", "it hurts to
    press my calf"."""
    touches = reading.all("touching")  # "aches if I prod it": the prod may be imagined
    return [h for h in _signs(reading, ("pain",)) if any(_same_clause(h, t) for t in touches)]


def calf_signs(reading: Reading, leg: str | None) -> tuple[bool, bool, bool]:
    """(one calf with a clot's sign, both legs with one, a leg painful or with a sign)."""
    legs = _leg_sentences(reading, leg)
    one = both = painful = False
    for hit in _signs(reading, CLOT_SIGNS) + _tender_by_touch(reading):
        if hit.concept == "clot" and hit.sentence not in legs:
            one = True  # "I think it's a DVT": a clot named is about a leg
            continue
        if hit.sentence in legs:
            if legs[hit.sentence]:
                one = True
            elif hit.concept in BOTH_SWOLLEN:
                both = True  # both legs warm or red is no sign CONTENT.md names
    for hit in _signs(reading, ("pain",)) if legs else ():
        if hit.sentence in legs and any(h.sentence == hit.sentence for h in reading.all("leg")):
            painful = True
    return one, both, one or both or painful


def _only_a_duration(sentence: str) -> bool:
    """Whether the sentence is a duration and nothing more (a hedge or "at least" aside)."""
    found = durations(sentence)
    if not found:
        return False
    rest, at = [], 0
    for duration in found:
        rest.append(sentence[at : duration.start])
        at = duration.end
    rest.append(sentence[at:])
    return all(ONLY_HOW_LONG.fullmatch(part) for part in rest)


def cramp_minutes(reading: Reading) -> float | None:
    """The longest duration over 10 minutes that a note gives a cramp, or None."""
    longest: float | None = None
    cramp_sentences = {h.sentence for h in reading.all("cramp") if not _not_now(h)}
    if not reading.all("cramp"):
        # a morning log's note need not name the cramp: "It was a bad one, 20 minutes"
        cramp_sentences = {
            i for i, sentence in enumerate(reading.sentences) if THE_CRAMP.search(sentence)
        }
    for index, sentence in enumerate(reading.sentences):
        here = index in cramp_sentences
        before = index - 1 in cramp_sentences and (
            LASTED.search(sentence) is not None or _only_a_duration(sentence)
        )
        if not (here or before):
            continue
        for duration in durations(sentence):
            minutes = duration.minutes
            head, tail = sentence[: duration.start], sentence[duration.end :]
            if duration.clock:
                first_clause = (
                    re.split(r",|\bbut\b", head)[-1]
                    + sentence[duration.start : duration.end].split(",")[0]
                )
                if not re.search(r"cramp|crmap|spasm|seized|locked|charl", first_clause + head):
                    continue
                span = sentence[duration.start : duration.end]
                last_clause = head.split(",")[-1]
                if re.search(r"\b(?:asleep|sleep|woke)\b", last_clause) and not re.search(
                    r"cramp|spasm", last_clause + span
                ):
                    continue
            else:
                rid = GOT_RID.search(tail) is not None
                if NOT_THE_CRAMPS_BEFORE.search(head) and not (EASED.search(head) or rid):
                    continue
                if NOT_THE_CRAMPS_AFTER.search(tail) and not (EASED_AFTER.search(tail) or rid):
                    continue
            if MORE_THAN.search(head) or PLUS_AFTER.search(tail):
                minutes += 0.5
            if minutes > LONG_MINUTES and (longest is None or minutes > longest):
                longest = minutes
    return longest


def _same_clause(a: Hit, b: Hit) -> bool:
    return a.sentence == b.sentence and a.clause == b.clause


def breathless(reading: Reading) -> bool:
    """Breathlessness or chest pain: a phrase for it, or breathing and a difficulty in a
    clause ("breathing feels hard"), or the chest and a pain ("tight pain in chest")."""
    if reading.has("breath"):
        return True
    for word in reading.found("breathing"):
        if any(_same_clause(word, d) and d.word != word.word for d in reading.found("difficulty")):
            return True
    for chest in reading.found("chest"):
        if any(_same_clause(chest, p) for p in reading.found("chest_pain")):
            return True
    for blood in reading.found("blood"):
        # coughing up blood, in any words: "brought up blood", "blood in my phlegm"
        if any(c.sentence == blood.sentence for c in reading.found("cough")):
            return True
    return False


def _asleep_limbs(reading: Reading) -> list[Hit]:
    """ "My feet feel like they are asleep": a foot or leg asleep, with no "I" between."""
    found = []
    for hit in reading.found("asleep"):
        words = reading.words[hit.sentence]
        for part in reading.all("lower_leg") + reading.all("leg"):
            if _same_clause(part, hit) and part.word < hit.word:
                between = set(words[part.end : hit.word])
                if not between & {"i", "i'm", "i've", "me", "fell", "back"}:
                    found.append(hit)
                    break
    return found


def _not_now(hit: Hit) -> bool:
    """A cramp negated, imagined or someone else's (over is fine: "it lasted 20 minutes")."""
    return hit.negated or hit.hypothetical or hit.other or hit.historical


FIRST_PERSON = frozenset({"i", "i'm", "i've", "i'd", "me", "we're", "we", "us"})
FIRST_PERSON_OR_MY = FIRST_PERSON | {"my", "myself", "mine"}
DUE_AFTER = frozenset(
    {"", "i'm", "am", "i", "we're", "baby", "im", "and", "pregnant", "bump", "i've", "being"}
)
"""The word before "due" when it is a baby's: "I'm due in March", "Due in June"."""


WEEKS_ALONG = re.compile(
    r"\b(?:i'm|i am)\s+(?:now\s+|nearly\s+|almost\s+|about\s+)?(\d{1,2})\s*(?:weeks?|wks?)\b"
    r"(?!\s+(?:into|in|of|since|after|post|on|off|from|without|with|ago|late|behind))"
)
"""'I'm 24 weeks': how far along a pregnancy is (not "I'm 2 weeks into the stretches")."""


def _pregnant(reading: Reading) -> bool:
    """Pregnancy, said of the user: not "midwife visited my daughter", not "the bill is due
    in March"."""
    for sentence in reading.sentences:
        along = WEEKS_ALONG.search(sentence)
        if along and 4 <= int(along.group(1)) <= 42:
            return True
    for hit in reading.found("pregnant"):
        words = reading.words[hit.sentence]
        if hit.text.startswith("due") and hit.text != "due date":
            before = words[hit.word - 1] if hit.word else ""
            if before not in DUE_AFTER and before != ",":
                continue
        others = any(h.sentence == hit.sentence for h in reading.all("person"))
        if others and not FIRST_PERSON & set(words):
            continue
        return True
    return False


def _tetanus(reading: Reading) -> bool:
    for hit in reading.found("toxin"):
        if hit.text.startswith("poison") and hit.text not in ("poison", "poisons"):
            return True  # "poisoned", "poisoning": contact is in the word
        if reading.sentence_has(hit.sentence, "contact"):
            return True
    for hit in reading.found("wound"):
        words = reading.words[hit.sentence]
        if INSECTS & set(words):
            continue
        if hit.text.startswith("cut") and hit.end < len(words) and words[hit.end] in NOT_A_CUT:
            continue
        if hit.animal and not FIRST_PERSON_OR_MY & set(words):
            continue  # "the cat scratched the sofa", "the dog was bitten by a fox"
        if any(
            d.sentence == hit.sentence and not (d.negated or d.hypothetical)
            for d in reading.all("dirt")
        ):
            return True  # the neighbour's dog is dirt all the same; the wound is hers
    return False


def _elsewhere(reading: Reading) -> bool:
    for cramp in reading.found("cramp"):
        for part in reading.found("elsewhere"):
            if not _same_clause(part, cramp) or abs(part.word - cramp.word) > ELSEWHERE_REACH:
                continue
            if part.text == "side" and _in_clause(reading, part, ("leg", "lower_leg")):
                continue  # "calf cramp, left side": the calf's side
            return True
    return reading.has("twitch") and (reading.has("weak") or reading.has("thinner"))


def _claudication(reading: Reading) -> bool:
    def hits(concept: str) -> list[Hit]:
        return [h for h in reading.all(concept) if not (h.negated or h.other or h.hypothetical)]

    if not reading.all("walk"):
        return False
    for walk in hits("walk"):
        pain = [h for h in hits("pain") + hits("cramp") if h.sentence == walk.sentence]
        rest = [h for h in hits("rest") if h.sentence == walk.sentence]
        if pain and rest:
            return True
    return False


GIVEN_ONCE = frozenset(
    {
        "iron infusion",
        "iron injection",
        "iron sucrose",
        "venofer",
        "ferinject",
        "injectafer",
        "cosmofer",
        "monofer",
    }
)
"""Medicines given as an event: having one is starting one."""
RECENTLY = re.compile(
    r"^(?:\S+\s+){0,4}?(?:for|since)\s+(?:about\s+|only\s+|just\s+|the\s+(?:last|past)\s+)?"
    r"(?:a|an|\d+|one|two|three|four|five|six|seven|eight|nine|ten|a\s+couple\s+of|a\s+few|"
    r"few)?\s*(?:days?|weeks?|fortnight|month)\b"
)
"""After a medicine: taken for a short while ("on simvastatin for a fortnight now")."""


def _lately(reading: Reading, hit: Hit) -> bool:
    """A medicine taken for days or weeks, or "on ... now" (not "still on ... now")."""
    if hit.text in GENERIC_WORDS:
        return False
    words = reading.words[hit.sentence]
    after = " ".join(words[hit.end : hit.end + 9])
    if RECENTLY.search(after):
        return True
    before = words[max(0, hit.word - 3) : hit.word]
    return (
        bool(before)
        and before[-1] == "on"
        and hit.end < len(words)
        and words[hit.end] == "now"
        and not {"still", "usual", "always"} & set(words)
    )


def started_medicine(reading: Reading) -> str | None:
    """The medicine a note says was started or changed, as "name: kind", or None."""
    starts = [
        h
        for h in reading.all("start")
        if not (h.negated or h.historical or h.hypothetical or h.resolved)
    ]
    for hit in reading.found("medicine"):
        generic = hit.text in GENERIC_WORDS
        reach = GENERIC_REACH if generic else MEDICINE_REACH
        near = [
            s
            for s in starts
            if s.sentence == hit.sentence
            and (0 <= hit.word - s.end < reach or 0 <= s.word - hit.end < reach)
        ]
        if not near and not _lately(reading, hit) and hit.text not in GIVEN_ONCE:
            continue
        kind = kind_of(hit.text)
        return f"{hit.text}: {kind}" if kind and hit.text not in kind else hit.text
    for index, words in enumerate(reading.words if starts else ()):
        # A generic name the list does not hold ("started fosinopril"), by its ending.
        for position, word in enumerate(words):
            kind = kind_of(word) if len(word) >= 7 else None
            if kind is None or any(
                h.sentence == index and h.word == position for h in reading.all("medicine")
            ):
                continue
            if any(
                s.sentence == index
                and (
                    0 <= position - s.end < MEDICINE_REACH
                    or 0 <= s.word - position - 1 < MEDICINE_REACH
                )
                for s in starts
            ):
                return f"{word}: {kind}"
    return None


SIGNS: dict[str, str] = {
    "calf-swollen": "one calf swollen",
    "calf-red-warm": "one calf red, warm or tender",
    "breathless": "breathless",
    "chest-pain": "chest pain",
    "long-not-easing": "a cramp over 10 minutes that did not ease when the leg was moved",
    "wound-or-toxin": "a dirty wound or contact with a toxin",
}
"""The urgent signs asked rather than read (the check-in's checklist, `coach cramp
--sign`): id (a contract, see DESIGN.md) -> how it reads in a flag's detail."""
CALF_SIGNS = frozenset({"calf-swollen", "calf-red-warm"})
BREATH_SIGNS = frozenset({"breathless", "chest-pain"})


EXPECTED_BREATH = re.compile(
    r"\b(?:as usual|as always|usual for me|normal for me|running|ran|jogging|jog|sprint\w*|"
    r"gym|workout|exercis\w*|with (?:my|a|the) cold|chest infection)\b"
)
"""In the sentence of a breathlessness (never of a chest pain): breath that the user says is
their usual, follows hard exercise, or comes with a cold, is not read as the sign."""


def breath_in_note(reading: Reading) -> bool:
    """Breathlessness or chest pain in the note, current (see `breathless`), unless every
    sentence that says it is breath the sentence explains (`EXPECTED_BREATH`)."""
    if not breathless(reading):
        return False
    if reading.found("chest") or reading.found("blood"):
        return True
    said = {h.sentence for c in ("breath", "breathing") for h in reading.found(c)}
    return not said or not all(EXPECTED_BREATH.search(reading.sentences[s]) for s in said)


def _answered(signs: frozenset[str]) -> str:
    said = "; ".join(SIGNS[s] for s in SIGNS if s in signs)
    return f"your answer: {said}"


def _both(quote: str, signs: frozenset[str]) -> str:
    """The note that showed a sign, and the signs answered with it, so no tick goes unsaid."""
    return f"{quote}; {_answered(signs)}" if signs else quote


def note_findings(
    note: str, leg: str | None = None, signs: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Rule id -> what showed it, for the signs a note shows and the urgent signs answered
    (`SIGNS`); leg: the log's leg. An answer counts exactly as the same sign in a note."""
    reading = read_note(note)
    found: dict[str, str] = {}
    quote = _quote(note)
    minutes = cramp_minutes(reading) if note else None
    if minutes is not None:
        found["long-cramp"] = _both(quote, signs & {"long-not-easing"})
    elif "long-not-easing" in signs:
        found["long-cramp"] = _answered(signs & {"long-not-easing"})
    one, both, painful = calf_signs(reading, leg) if note else (False, False, False)
    calf_answer, breath_answer = signs & CALF_SIGNS, signs & BREATH_SIGNS
    breath_note = breath_in_note(reading) if note else False
    breath = breath_note or bool(breath_answer)
    if (painful or calf_answer) and breath:
        answered = calf_answer | breath_answer
        found["clot-lung"] = (
            _both(quote, answered) if painful or breath_note else _answered(answered)
        )
    elif one or calf_answer:
        found["clot-calf"] = _both(quote, calf_answer) if one else _answered(calf_answer)
    if breath and "clot-lung" not in found:
        # Alone, more than coach can judge: said and kept, as the emergency would be.
        found["breath"] = _both(quote, breath_answer) if breath_note else _answered(breath_answer)
    if "wound-or-toxin" in signs:
        found["tetanus"] = _answered(signs & {"wound-or-toxin"})
    if not note:
        return found
    if (
        "clot-lung" not in found
        and "clot-calf" not in found
        and (both or reading.has("swelling") or _signs(reading, ("swelling_size",)))
    ):
        found["swelling"] = quote
    if _tetanus(reading):
        found["tetanus"] = _both(quote, signs & {"wound-or-toxin"})
    numb = [
        h
        for h in (*reading.found("numb"), *_asleep_limbs(reading), *_signs(reading, ("numb_body",)))
        if not NUMB_NOT_A_SIGN & set(reading.words[h.sentence])
    ]
    if numb:
        found["numbness"] = quote
    if reading.has("weak") or _signs(reading, ("thinner", "weak_body")):
        found["weakness"] = quote
    if _elsewhere(reading):
        found["elsewhere"] = quote
    if _claudication(reading):
        found["claudication"] = quote
    medicine = started_medicine(reading)
    if medicine is not None:
        found["new-medicine"] = medicine
    if _pregnant(reading):
        found["pregnancy"] = quote
    return found
