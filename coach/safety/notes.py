"""Reading a diary note for the signs CONTENT.md names, with negation and misspellings.

A note is split into sentences (. ! ? ; and new lines) and each sentence into clauses
(commas, "but", "although"). A sign is **negated** when a negation word ("no", "not",
"without", "never", "didn't", ...) comes up to four words before it in its own clause:
"no numbness or tingling" negates both, "not numb but tingling" only the first. Words of
five letters or more also match with one typo (two for nine letters or more), so
"swolen", "tingleing" and "simvastatine" are read as meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

from coach.safety.medicines import GENERIC_WORDS, MEDICINES, PHRASES

NEGATIONS = frozenset(
    {
        "no",
        "not",
        "without",
        "never",
        "none",
        "nor",
        "denies",
        "deny",
        "didn't",
        "didnt",
        "don't",
        "dont",
        "doesn't",
        "doesnt",
        "isn't",
        "isnt",
        "wasn't",
        "wasnt",
        "weren't",
        "aren't",
        "hasn't",
        "haven't",
        "havent",
        "hadn't",
        "cannot",
        "can't",
        "free",
    }
)
NOT_NEGATING = frozenset({("not", "sure"), ("no", "idea"), ("not", "only"), ("no", "doubt")})
"""Two-word openings that look like a negation but are not one ("not sure if it's swollen")."""
NEGATION_REACH = 4
"""How many words before a sign a negation still applies to."""
AFTER_NEGATIONS = frozenset({"gone", "none", "resolved"})
"""A word right after a sign that says it is over ("swelling gone")."""

SENTENCE = re.compile(r"[.!?;\n]+")
CLAUSE = re.compile(r",|\bbut\b|\balthough\b|\bthough\b|\bhowever\b")
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


class Concept(NamedTuple):
    """A sign the rules look for: exact words, word beginnings, phrases, typo-tolerant words."""

    words: frozenset[str] = frozenset()
    stems: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    fuzzy: tuple[str, ...] = ()
    """Words matched with a typo or two (only words of five letters or more)."""
    not_before: frozenset[str] = frozenset()
    """A word found right before one of these is something else ("hot bath", "red wine")."""


def _c(
    words: Iterable[str] = (),
    stems: Iterable[str] = (),
    phrases: Iterable[str] = (),
    fuzzy: Iterable[str] = (),
    not_before: Iterable[str] = (),
) -> Concept:
    return Concept(
        words=frozenset(words),
        stems=tuple(stems),
        phrases=tuple(phrases),
        fuzzy=tuple(fuzzy),
        not_before=frozenset(not_before),
    )


WARM_THINGS = (
    "bath",
    "baths",
    "shower",
    "water",
    "drink",
    "milk",
    "tea",
    "compress",
    "pack",
    "towel",
    "bottle",
    "pad",
    "weather",
    "day",
    "night",
    "room",
)


CONCEPTS: dict[str, Concept] = {
    "leg": _c(
        words={"calf", "calves", "leg", "legs", "shin", "shins", "calfs"},
        fuzzy=("calves",),
    ),
    "swelling": _c(
        words={"swollen", "swelling", "swelled", "swells", "swell", "puffy", "bigger"},
        stems=("swoll", "swel"),
        fuzzy=("swollen", "swelling"),
    ),
    "red": _c(
        words={"red", "reddish", "redness", "reddened", "inflamed"}, not_before=("wine", "meat")
    ),
    "warm": _c(words={"warm", "hot", "warmth"}, not_before=WARM_THINGS),
    "tender": _c(words={"tender", "tenderness"}, fuzzy=("tender", "tenderness")),
    "both": _c(words={"both"}, phrases=("each leg", "either leg")),
    "breath": _c(
        words={"breathless", "breathlessness", "breathlesness"},
        phrases=(
            "short of breath",
            "shortness of breath",
            "out of breath",
            "hard to breathe",
            "can't breathe",
            "cannot breathe",
            "could not breathe",
            "couldn't breathe",
            "struggling to breathe",
            "trouble breathing",
            "difficulty breathing",
            "chest pain",
            "pain in my chest",
            "pain in the chest",
            "chest hurts",
            "chest hurt",
            "chest tight",
            "tight chest",
            "tightness in my chest",
            "coughing blood",
            "coughed up blood",
        ),
        fuzzy=("breathless", "breathlessness"),
    ),
    "toxin": _c(
        words={"toxin", "toxins", "toxic", "pesticide", "pesticides", "insecticide", "weedkiller"},
        stems=("poison",),
        phrases=("weed killer", "rat poison", "nerve agent"),
        fuzzy=("pesticide", "insecticide", "weedkiller"),
    ),
    "wound": _c(
        words={"wound", "wounds", "wounded", "puncture", "punctured", "gash"},
        not_before=("up", "down"),
        phrases=(
            "rusty nail",
            "stepped on a nail",
            "trod on a nail",
            "dirty cut",
            "animal bite",
            "dog bite",
            "bitten by",
            "cut my foot",
            "cut my hand",
            "cut in the garden",
            "deep cut",
            "splinter",
        ),
    ),
    "numb": _c(
        words={"numb", "numbness", "numbnes", "tingly", "numbed"},
        stems=("tingl",),
        phrases=("pins and needles", "pins & needles", "no feeling in", "lost feeling"),
        fuzzy=("numbness", "tingling"),
    ),
    "weak": _c(
        words={"weak", "weaker", "weakness", "weakening", "wasting", "thinner", "weeker"},
        phrases=("losing muscle", "muscle loss", "muscles getting smaller", "giving way"),
        fuzzy=("weakness", "weaker"),
    ),
    "twitch": _c(stems=("twitch",), fuzzy=("twitching",)),
    "cramp": _c(stems=("cramp", "spasm"), words={"charley", "charlie"}, fuzzy=("cramps",)),
    "elsewhere": _c(
        words={
            "hand",
            "hands",
            "finger",
            "fingers",
            "arm",
            "arms",
            "stomach",
            "belly",
            "tummy",
            "abdomen",
            "neck",
            "jaw",
            "ribs",
            "shoulder",
            "shoulders",
            "wrist",
            "forearm",
        },
        phrases=("whole body", "all over", "my back", "lower back"),
    ),
    "walk": _c(stems=("walk",), words={"hiking", "hike", "stairs", "uphill"}),
    "pain": _c(
        words={"pain", "painful", "hurt", "hurts", "hurting", "ache", "aches", "aching", "sore"},
        stems=("cramp",),
    ),
    "rest": _c(
        words={"rest", "resting", "rested", "stop", "stopped", "stopping", "stand", "sit"},
        phrases=("stand still", "sit down", "standing still", "sitting down"),
    ),
    "pregnant": _c(
        stems=("pregnan",),
        phrases=("expecting a baby", "weeks gone", "my midwife"),
        fuzzy=("pregnant", "pregnancy"),
    ),
    "start": _c(
        words={
            "start",
            "started",
            "starting",
            "starts",
            "began",
            "begun",
            "begin",
            "new",
            "newly",
            "switched",
            "changed",
            "prescribed",
            "increased",
            "upped",
            "added",
            "higher",
        },
        phrases=("put on", "put me on", "me on"),
    ),
    "medicine": _c(
        words=GENERIC_WORDS | set(MEDICINES),
        phrases=tuple(PHRASES),
        fuzzy=tuple(name for name in MEDICINES if len(name) >= 7),
    ),
}


class Hit(NamedTuple):
    """One sign found in a note: which concept, the words, and whether it is negated."""

    concept: str
    text: str
    sentence: int
    clause: int
    word: int
    """Index of the first word in its clause."""
    negated: bool


class Reading(NamedTuple):
    """Everything found in one note."""

    hits: tuple[Hit, ...]
    sentences: tuple[str, ...]

    def has(self, concept: str) -> bool:
        """The concept appears, not negated."""
        return any(h.concept == concept and not h.negated for h in self.hits)

    def found(self, concept: str) -> list[Hit]:
        return [h for h in self.hits if h.concept == concept and not h.negated]

    def sentence_has(self, sentence: int, *concepts: str) -> bool:
        """Every concept appears, not negated, in this sentence."""
        return all(any(h.sentence == sentence for h in self.found(concept)) for concept in concepts)

    def sentences_with(self, *concepts: str) -> list[int]:
        return [i for i in range(len(self.sentences)) if self.sentence_has(i, *concepts)]


def _distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one), stopped early past limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            row.append(value)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return previous[-1]


def _allowed_typos(word: str) -> int:
    if len(word) >= 9:
        return 2
    return 1 if len(word) >= 5 else 0


@lru_cache(maxsize=4096)
def _word_concepts(token: str) -> tuple[str, ...]:
    found = []
    for name, concept in CONCEPTS.items():
        if token in concept.words or any(token.startswith(s) for s in concept.stems):
            found.append(name)
            continue
        for target in concept.fuzzy:
            limit = _allowed_typos(target)
            if (
                limit
                and len(token) >= 5
                and token[0] == target[0]
                and _distance(token, target, limit) <= limit
            ):
                found.append(name)
                break
    return tuple(found)


def _negated(words: list[str], index: int, length: int) -> bool:
    start = max(0, index - NEGATION_REACH)
    for k in range(start, index):
        if words[k] in NEGATIONS:
            following = words[k + 1] if k + 1 < len(words) else ""
            if (words[k], following) not in NOT_NEGATING:
                return True
    after = index + length
    return after < len(words) and words[after] in AFTER_NEGATIONS


def _phrase_patterns() -> list[tuple[str, str, int, re.Pattern[str]]]:
    """(concept, phrase, its length in words, its pattern on space-joined words)."""
    found = []
    for name, concept in CONCEPTS.items():
        for phrase in concept.phrases:
            phrase_words = TOKEN.findall(phrase)
            pattern = re.compile(r"\b" + re.escape(" ".join(phrase_words)) + r"\b")
            found.append((name, phrase, len(phrase_words), pattern))
    return found


PHRASE_PATTERNS = _phrase_patterns()


def _clause_hits(text: str, sentence: int, clause: int) -> Iterator[Hit]:
    words = TOKEN.findall(text)
    joined = " ".join(words)
    for name, phrase, length, pattern in PHRASE_PATTERNS:
        if phrase[:3] not in joined:
            continue  # most phrases are not there; skip the regex
        for match in pattern.finditer(joined):
            index = joined[: match.start()].count(" ")
            yield Hit(
                concept=name,
                text=phrase,
                sentence=sentence,
                clause=clause,
                word=index,
                negated=_negated(words, index, length),
            )
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        for name in _word_concepts(word):
            if following in CONCEPTS[name].not_before:
                continue
            yield Hit(
                concept=name,
                text=word,
                sentence=sentence,
                clause=clause,
                word=index,
                negated=_negated(words, index, 1),
            )


def read_note(note: str) -> Reading:
    """Every sign in a note, with where it is and whether it is negated."""
    text = note.lower().replace("\u2019", "'")
    sentences = tuple(s.strip() for s in SENTENCE.split(text) if s.strip())
    hits: list[Hit] = []
    for s_index, sentence in enumerate(sentences):
        for c_index, clause in enumerate(CLAUSE.split(sentence)):
            hits.extend(_clause_hits(clause, s_index, c_index))
    return Reading(hits=tuple(hits), sentences=sentences)


DURATION = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(?:-|to)?\s*(min|mins|minutes|minute|m\b|hours?|hrs?)", re.IGNORECASE
)


def longest_minutes_in(note: str) -> float | None:
    """The longest duration written in a note ("lasted 15 minutes", "an hour"), or None."""
    found: list[float] = []
    for match in DURATION.finditer(note):
        value = float(match.group(1).replace(",", "."))
        found.append(value * 60 if match.group(2).lower().startswith("h") else value)
    lowered = note.lower()
    if re.search(r"\b(half an hour|half hour)\b", lowered):
        found.append(30.0)
    elif re.search(r"\b(an|one) hour\b", lowered):
        found.append(60.0)
    return max(found, default=None)
