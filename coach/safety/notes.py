"""Reading a diary note for the signs CONTENT.md names, the way clinical text is read.

1. The note is made plain: lower case, "&" as "and", shorthand spelled out ("SOB" is short
   of breath, "pg" pregnant, "L calf" the left calf, "32/40" 32 weeks pregnant) and American
   spellings read as British (`coach.safety.lexicon`).
2. It is cut into sentences (a dot between digits, as in "2.10", is no sentence end), each
   sentence into words, and the words into clauses (a comma, "but", "although" ...).
3. Signs are found by their words and phrases (`lexicon.TARGETS`); a word of 5 letters or
   more also matches with a typo (two from 9 letters), by Damerau-Levenshtein distance
   (rapidfuzz, loaded on the first note that needs it).
4. Modifiers in the ConText manner (`lexicon.TRIGGERS`): a trigger opens a scope forward,
   backward or both, ended by a terminator of its kind or after a few words. A sign in a
   scope is negated ("no swelling"), historical ("had a DVT in 2019"), hypothetical ("if
   my calf swells"), about someone else ("my husband's leg"), or resolved ("numbness has
   gone"; a clause or sentence saying only that it is over, as in "calf was swollen, now
   fine", ends the sign of the clause before it). Only a sign with none of these is
   *current*.

The rules in `coach.safety.rules` combine the current signs (one calf and a sign in one
sentence, a medicine near a word like "started" in any order, a cramp and a duration).
It reads words; it can miss what is written in other words, which is why the urgent signs
are also asked (the check-in's checklist, `coach cramp --sign`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple

from coach.safety.lexicon import (
    ABBREVIATIONS,
    ANIMAL_DEEDS,
    CLAUSE_WORDS,
    FUZZY_MEDICINE_LENGTH,
    FUZZY_STOP,
    HEDGED,
    NOT_AFTER,
    NOT_BEFORE,
    NUMBER_WORDS,
    OWNED,
    SIGN_CONCEPTS,
    SPELLINGS,
    TARGETS,
    TERMINATORS,
    TOPIC_ONLY,
    TRIGGERS,
    WORD_KEYS,
    Category,
    Direction,
)

SENTENCE = re.compile(r"(?<!\d)[.!?]+|[.!?]+(?!\d)|[;\n]+")
"""A sentence ends at . ! ? ; or a new line, but not at the dot of "2.10"."""
CLAUSE = re.compile(r",|\bbut\b|\balthough\b|\bthough\b|\bhowever\b")
TOKEN = re.compile(r"[a-z0-9]+(?:'(?:t|m|ve|re|ll|d|s))?|[,()\[\]:]")
KEEP_S = frozenset({"he's", "she's", "it's", "that's", "there's", "what's", "who's", "here's"})
YEAR = re.compile(r"(19[4-9]\d|20[0-3]\d)")
GAP = "..."
GAP_WORDS = 4
"""How many words `...` in a pattern skips at most."""


class Hit(NamedTuple):
    """One sign or cue found in a note: which concept, its words, where, and its context."""

    concept: str
    text: str
    sentence: int
    clause: int
    word: int
    """Index of its first word in the sentence."""
    end: int
    """Index after its last word."""
    negated: bool = False
    historical: bool = False
    hypothetical: bool = False
    other: bool = False
    """About someone else ("my husband's leg")."""
    resolved: bool = False
    animal: bool = False
    """In a sentence about an animal ("the dog nipped my hand", "the dog was bitten")."""

    @property
    def current(self) -> bool:
        """Said of the user, now, as a fact: not negated, past, imagined, or over."""
        return not (
            self.negated or self.historical or self.hypothetical or self.other or self.resolved
        )


class Reading(NamedTuple):
    """Everything found in one note."""

    hits: tuple[Hit, ...]
    sentences: tuple[str, ...]
    words: tuple[tuple[str, ...], ...] = ()
    """Each sentence's words (the comma included, as ",")."""
    by_concept: Mapping[str, tuple[Hit, ...]] = MappingProxyType({})
    """The hits of each concept (built by `read_note`)."""
    current: Mapping[str, tuple[Hit, ...]] | None = None
    """The current hits of each concept (built by `read_note`)."""

    def has(self, concept: str) -> bool:
        """The concept appears, current."""
        if self.current is not None:
            return concept in self.current
        return any(h.current for h in self.all(concept))

    def found(self, concept: str) -> tuple[Hit, ...]:
        """The current hits of a concept."""
        if self.current is not None:
            return self.current.get(concept, ())
        return tuple(h for h in self.all(concept) if h.current)

    def all(self, concept: str) -> tuple[Hit, ...]:
        """Every hit of a concept, current or not."""
        if self.by_concept or not self.hits:
            return self.by_concept.get(concept, ())
        return tuple(h for h in self.hits if h.concept == concept)

    def sentence_has(self, sentence: int, *concepts: str) -> bool:
        """Every concept appears, current, in this sentence."""
        return all(any(h.sentence == sentence for h in self.found(concept)) for concept in concepts)


# --- making the note plain -------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9][a-z0-9&/.']*[a-z0-9/]|[a-z0-9]")


def normalise(note: str) -> str:
    """Lower case, plain punctuation, shorthand and spellings spelled out."""
    if "." in note:
        note = SHORT_DOT.sub(_short_form, note)  # "approx. 12 min" is one sentence
    text = note.lower()
    if "\u2019" in text or "\u2018" in text or "`" in text:
        text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    if "-" in text or "+" in text or "neg" in text or "non" in text:
        text = _signs_marked(text)
    if "tetanus" in text:
        text = re.sub(r"\btetanus[- ]prone\b", "dirty", text)  # "tetanus-prone wound"
    if "+" in text:
        text = re.sub(r"(\d)\s*\+", r"\1 plus ", text)  # "10+ mins"
    if "&" in text or "+" in text:
        text = re.sub(r"\bp\s*&\s*n\b", "pins and needles", text)
        text = text.replace("&", " and ").replace("+", " and ")
    if "s.o.b" in text:
        text = re.sub(r"\bs\.o\.b\.?", "short of breath", text)
    if "/" in text:
        text = re.sub(r"\bw/o\b", "without", text)
        text = re.sub(r"\b([1-4]?\d)\s*/\s*40\b", r"\1 weeks pregnant", text)
        text = re.sub(r"\bw/\s", "with ", text)
    if DIGIT.search(text):
        text = re.sub(r"\b(\d+)(mins?|minutes?|hrs?|hours?|wks?|weeks?)\b", r"\1 \2", text)
        text = re.sub(r"(?<![\w-])>\s*(?=\d)", "more than ", text)
        text = re.sub(r"(?<![\w-])<\s*(?=\d)", "less than ", text)
    if "?" in text or ":" in text or " - " in text:
        text = FORM_ANSWER.sub(_form_answer, text)
    if " past " in text or " to " in text:
        text = SPOKEN_TIME.sub(_spoken_time, text)
    if "half " in text:
        text = HALF_PAST.sub(_half_past, text)
    if "min" in text or "h" in text:
        text = NUMBER_BEFORE_UNIT.sub(_number_spelled, text)

    return _respelling().sub(_spelled, text)


ABSENT_MARK = re.compile(r"(?<=[a-z)])\s*(?:-ve\b|-(?=\s*(?:[,;.)/]|$))|\bneg\b\.?)")
"""A clinician's "absent" after a sign: "SOB -", "calf swelling -ve", "oedema neg"."""
PRESENT_MARK = re.compile(r"(?<=[a-z)])\s*\+(?:ve\b)?(?=\s*(?:[,;.)/]|$))|\s*\+ve\b")
"""And "present": "L calf swelling +", "+ve"."""
NON_PREFIX = re.compile(r"\bnon[- ]?(?=(?:tender|swollen|red|warm|hot|pitting|painful)\b)")
"""'non-tender', 'non swollen': the sign, denied."""


def _signs_marked(text: str) -> str:
    """Shorthand marks of a sign's presence spelled out: a "-" (or "-ve", "neg") after it
    denies it as "negative" does, a "+" says it is there, and "non-" before it denies it
    (read as the words around it, not as "and" or as a word of its own)."""
    text = ABSENT_MARK.sub(" negative", text)
    text = PRESENT_MARK.sub(" present", text)
    return NON_PREFIX.sub("not ", text)


def _spelled(match: re.Match[str]) -> str:
    word = match.group(0)
    return ABBREVIATIONS.get(word) or SPELLINGS.get(word) or word


@lru_cache(maxsize=1)
def _respelling() -> re.Pattern[str]:
    """One pattern for every whole word that is shorthand or another spelling."""
    keys = [k for k in (*ABBREVIATIONS, *SPELLINGS) if re.fullmatch(r"[a-z0-9]+(?:'[a-z]+)?", k)]
    alternatives = "|".join(re.escape(k) for k in sorted(set(keys), key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9'])(?:{alternatives})(?![a-z0-9'])")


def _short_form(match: re.Match[str]) -> str:
    return match.group(1) or match.group(2)


DIGIT = re.compile(r"\d")
SHORT_DOT = re.compile(
    r"\b(approx|appt|dr|vs|wk|wks|hr|hrs|min|mins|ca|c|esp|etc|e\.g|i\.e|tabs?|meds?)\."
    r"(?=\s*[a-z0-9])"
    r"|\b(no)\.(?=\s*\d)",
    re.IGNORECASE,
)
"""A dot that ends a short form, not a sentence, when a word or a number follows; "no."
only before a number ("No. 3"): before a word it is an answer ("Swollen? No. Numb? Yes")."""
FORM_ANSWER = re.compile(
    r"(?P<what>[a-z][a-z' ]{0,40}?)\s*(?:\?|:|\s-|\s\u2013)\s*"
    r"(?P<answer>no|nope|none|nil|not really|negative|n)"
    r"(?:\s+(?:today|now|tonight|this morning|at all|thankfully|thank goodness))?"
    r"\s*(?=[.,;\n!)]|$)"
)
"""A question or a form's field answered no: "calf swollen? no", "Swelling: none"."""


def _form_answer(match: re.Match[str]) -> str:
    return f" no {match.group('what').strip()}"


_HOURS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_PAST = {"five": 5, "ten": 10, "quarter": 15, "twenty": 20, "twenty-five": 25, "half": 30}
SPOKEN_TIME = re.compile(
    r"\b(?:a\s+)?(five|ten|quarter|twenty-five|twenty|half)\s+(past|to)\s+"
    r"(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})\b"
)
"""A clock time in words: "ten past two", "quarter to three", "half past 4"."""


HALF_PAST = re.compile(
    r"\bhalf\s+(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})\b"
    r"(?!\s*(?:hours?|hrs?|mins?|minutes?|an?\b|of\b|days?|weeks?|[.:]\d))"
)
"""A British clock time: "half 2" is half past two."""


NUMBER_BEFORE_UNIT = re.compile(
    r"\b[a-z]{5,10}(?=[\s-]+(?:mins?|minutes?|minuts|minuets|hrs?|hours?)\b)"
)
"""A word before a unit of time: a number, maybe mistyped ("twnety minutes")."""


def _number_spelled(match: re.Match[str]) -> str:
    return _number_word(match.group(0))


@lru_cache(maxsize=1024)
def _number_word(word: str) -> str:
    """A number word one typo away from `word` ("twnety": "twenty"), else `word`."""
    if word in NUMBER_WORDS:
        return word
    from rapidfuzz.distance import DamerauLevenshtein

    for number in NUMBER_WORDS:
        if (
            len(number) >= 5
            and " " not in number
            and DamerauLevenshtein.distance(word, number, score_cutoff=1) <= 1
        ):
            return number
    return word


def _half_past(match: re.Match[str]) -> str:
    hour = match.group(1)
    return f"{hour if hour.isdigit() else _HOURS[hour]}.30"


def _spoken_time(match: re.Match[str]) -> str:
    hour_text = match.group(3)
    hour = int(hour_text) if hour_text.isdigit() else _HOURS[hour_text]
    minutes = _PAST[match.group(1)]
    if match.group(2) == "to":
        if match.group(1) == "half":
            return match.group(0)
        hour, minutes = (hour - 1) or 12, 60 - minutes
    return f"{hour}.{minutes:02d}"


def _tokens(sentence: str) -> list[str]:
    words = []
    for token in TOKEN.findall(sentence):
        if token in "()[]:":
            token = ","  # a bracket or a colon ends a clause, as a comma does
        elif token.endswith("'s") and token not in KEEP_S:
            token = token[:-2]  # the calf's, my husband's: the owner's word
        words.append(token)
    return words


# --- patterns --------------------------------------------------------------------------


class _Pattern(NamedTuple):
    parts: tuple[str, ...]
    concept: str
    text: str


def _split(pattern: str) -> tuple[str, ...]:
    parts: list[str] = []
    for part in pattern.split():
        if part == GAP:
            parts.append(GAP)
        else:
            parts.extend(_tokens(part) if not part.endswith(("*", "~")) else [part])
    return tuple(parts)


class _Lexicon(NamedTuple):
    words: dict[str, tuple[str, ...]]
    """Single word -> concepts."""
    stems: tuple[tuple[str, str], ...]
    """(beginning, concept) of single-word patterns ending in *."""
    fuzzy: dict[str, tuple[tuple[str, str, int], ...]]
    """First letter -> (word, concept, typos allowed)."""
    phrases: dict[str, tuple[_Pattern, ...]]
    """First word -> patterns of several words whose second part is not a plain word."""
    pairs: Mapping[tuple[str, str], tuple[_Pattern, ...]]
    """(first word, second word) -> the other patterns of several words."""


def _allowed_typos(word: str) -> int:
    if len(word) >= 9:
        return 2
    return 1 if len(word) >= 5 else 0


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    from coach.safety.medicines import MEDICINES

    words: dict[str, list[str]] = {}
    stems: list[tuple[str, str]] = []
    fuzzy: dict[str, list[tuple[str, str, int]]] = {}
    phrases: dict[str, list[_Pattern]] = {}
    for concept, patterns in TARGETS.items():
        for pattern in patterns:
            parts = _split(pattern)
            if len(parts) == 1:
                word = parts[0]
                if word.endswith("*"):
                    stems.append((word[:-1], concept))
                    continue
                plain = word.rstrip("~")
                words.setdefault(plain, []).append(concept)
                typo_ok = word.endswith("~") or (
                    concept == "medicine"
                    and plain in MEDICINES
                    and len(plain) >= FUZZY_MEDICINE_LENGTH
                )
                if typo_ok and _allowed_typos(plain):
                    fuzzy.setdefault(plain[0], []).append((plain, concept, _allowed_typos(plain)))
            else:
                phrases.setdefault(parts[0], []).append(_Pattern(parts, concept, pattern))
    loose: dict[str, list[_Pattern]] = {}
    pairs: dict[tuple[str, str], list[_Pattern]] = {}
    for first, several in phrases.items():
        for phrase in several:
            second = phrase.parts[1]
            if second in _PLAIN_WORDS:
                pairs.setdefault((first, second), []).append(phrase)
            else:
                loose.setdefault(first, []).append(phrase)
    return _Lexicon(
        words={w: tuple(dict.fromkeys(c)) for w, c in words.items()},
        stems=tuple(stems),
        fuzzy={k: tuple(v) for k, v in fuzzy.items()},
        phrases={k: tuple(v) for k, v in loose.items()},
        pairs={k: tuple(v) for k, v in pairs.items()},
    )


def _part_matches(part: str, word: str) -> bool:
    if part.endswith("*"):
        return word.startswith(part[:-1])
    if part == "<year>":
        return YEAR.fullmatch(word) is not None
    return word == part.rstrip("~")


_PLAIN: dict[tuple[str, ...], bool] = {}


def _match(parts: tuple[str, ...], words: list[str], index: int) -> int | None:
    """The index after a pattern matched at words[index], or None."""
    plain = _PLAIN.get(parts)
    if plain is None:
        plain = _PLAIN[parts] = not any(
            p == GAP or p.endswith(("*", "~")) or p == "<year>" for p in parts
        )
    if plain:
        end = index + len(parts)
        return end if tuple(words[index:end]) == parts else None
    return _match_parts(parts, words, index)


def _match_parts(parts: tuple[str, ...], words: list[str], index: int) -> int | None:
    if not parts:
        return index
    part = parts[0]
    if part == GAP:
        for skip in range(GAP_WORDS + 1):
            at = index + skip
            if at > len(words) or any(w == "," for w in words[index:at]):
                break
            end = _match_parts(parts[1:], words, at)
            if end is not None:
                return end
        return None
    if index >= len(words) or not _part_matches(part, words[index]):
        return None
    return _match_parts(parts[1:], words, index + 1)


@lru_cache(maxsize=8192)
def _typo_concepts(word: str) -> tuple[tuple[str, str], ...]:
    """(concept, meant word) for a word one or two typos from a sign's or a medicine's; and,
    for any word the lists know, a letter typed twice ("calff", "tablett") or two letters
    swapped ("pian", "lges")."""
    if len(word) < 4 or not word.isalpha() or word in FUZZY_STOP:
        return ()
    slip = _slip(word)
    if slip:
        return slip
    if len(word) < 5:
        return ()
    candidates = _lexicon().fuzzy.get(word[0], ())
    if not candidates:
        return ()
    from rapidfuzz.distance import DamerauLevenshtein

    found: dict[str, tuple[int, str]] = {}
    for target, concept, limit in candidates:
        if abs(len(target) - len(word)) > limit:
            continue
        distance = DamerauLevenshtein.distance(word, target, score_cutoff=limit)
        if distance <= limit and (concept not in found or distance < found[concept][0]):
            found[concept] = (distance, target)
    return tuple((concept, target) for concept, (_, target) in found.items())


def _slip(word: str) -> tuple[tuple[str, str], ...]:
    """The concepts of the known word this one is by a doubled letter or a swap."""
    words = _lexicon().words
    for index in range(1, len(word)):
        if word[index] == word[index - 1]:
            meant = word[:index] + word[index + 1 :]
            if len(meant) >= 4 and meant in words:
                return tuple((c, meant) for c in words[meant])
    for index in range(1, len(word)):
        if word[index] != word[index - 1]:
            meant = word[: index - 1] + word[index] + word[index - 1] + word[index + 1 :]
            if meant in words and meant not in FUZZY_STOP:
                return tuple((c, meant) for c in words[meant])
    return ()


@lru_cache(maxsize=8192)
def _word_hits(word: str) -> tuple[tuple[str, str], ...]:
    """(concept, the word meant) for one word: exact, by its beginning, or with a typo."""
    lexicon = _lexicon()
    concepts = [(c, word) for c in lexicon.words.get(word, ())]
    concepts += [(c, word) for stem, c in lexicon.stems if word.startswith(stem)]
    if not concepts and word not in lexicon.words:
        return _typo_concepts(word)
    return tuple(concepts)


def _targets(words: list[str], sentence: int, clauses: list[int]) -> list[Hit]:
    lexicon = _lexicon()
    hits: list[Hit] = []
    for index, word in enumerate(words):
        if word == ",":
            continue
        before = words[index - 1] if index else ""
        following = words[index + 1] if index + 1 < len(words) else ""
        candidates = lexicon.phrases.get(word, ()) + lexicon.pairs.get((word, following), ())
        for pattern in candidates:
            end = _match(pattern.parts, words, index)
            if end is None:
                continue
            after = words[end] if end < len(words) else ""
            if _excluded(pattern.concept, pattern.text, before, after):
                continue
            hits.append(Hit(pattern.concept, pattern.text, sentence, clauses[index], index, end))
        after = words[index + 1] if index + 1 < len(words) else ""
        for concept, meant in _word_hits(word):
            if _excluded(concept, meant, before, after):
                continue
            hits.append(Hit(concept, meant, sentence, clauses[index], index, index + 1))
    return hits


def _excluded(concept: str, text: str, before: str, after: str) -> bool:
    """A word that is something else by its neighbours ("red wine", "wound up")."""
    if concept not in _NEIGHBOUR_KEYS and text not in _NEIGHBOUR_KEYS:
        return False
    for key in (concept, text):
        if key == concept and key in WORD_KEYS and text != concept:
            continue
        if after in NOT_BEFORE.get(key, ()) or before in NOT_AFTER.get(key, ()):
            return True
    return False


# --- modifiers -------------------------------------------------------------------------


class _Trigger(NamedTuple):
    parts: tuple[str, ...]
    category: Category | None
    direction: Direction
    reach: int


class _TriggerIndex(NamedTuple):
    pairs: Mapping[tuple[str, str], tuple[_Trigger, ...]]
    """(first word, second word) -> every trigger that may begin there, longest first."""
    firsts: Mapping[str, tuple[_Trigger, ...]]
    """First word -> the triggers that may begin there whatever the next word is."""


@lru_cache(maxsize=1)
def _triggers() -> _TriggerIndex:
    """Triggers by where they may begin ("<year>" for a year), longest first."""
    by_first: dict[str, list[_Trigger]] = {}
    by_pair: dict[tuple[str, str], list[_Trigger]] = {}
    for trigger in TRIGGERS:
        parts = _split(trigger.pattern) if trigger.pattern != "<year>" else ("<year>",)
        found = _Trigger(parts, trigger.category, trigger.direction, trigger.reach)
        if len(parts) > 1 and parts[1] in _PLAIN_WORDS:
            by_pair.setdefault((parts[0], parts[1]), []).append(found)
        else:
            by_first.setdefault(parts[0], []).append(found)

    def longest_first(triggers: list[_Trigger]) -> tuple[_Trigger, ...]:
        return tuple(sorted(triggers, key=lambda t: -len(t.parts)))

    return _TriggerIndex(
        pairs={k: longest_first(v + by_first.get(k[0], [])) for k, v in by_pair.items()},
        firsts={k: longest_first(v) for k, v in by_first.items()},
    )


class _Scope(NamedTuple):
    category: Category
    words: frozenset[int]
    start: int = 0
    """Index after the trigger (for a topic's scope: which words lie between)."""


_NEIGHBOUR_KEYS = frozenset(NOT_BEFORE) | frozenset(NOT_AFTER)


class _PlainWords:
    """A part of a pattern that is a word as it is (not "...", "word*", "word~", "<year>")."""

    def __contains__(self, part: object) -> bool:
        return isinstance(part, str) and not (
            part == GAP or part.endswith(("*", "~")) or part == "<year>"
        )


_PLAIN_WORDS = _PlainWords()


def _scopes(words: list[str], covered: set[int], signs: set[int]) -> list[_Scope]:
    """The scopes the triggers of one sentence open; `covered`: words inside a sign's phrase
    or a pseudo-trigger, which open none; `signs`: the words of the signs (a negated list
    of them runs on, see `_forward`)."""
    triggers = _triggers()
    scopes: list[_Scope] = []
    blocked = set(covered)
    found: list[tuple[int, int, _Trigger]] = []
    for index, word in enumerate(words):
        if index in blocked:
            continue
        key = "<year>" if word[0].isdigit() and YEAR.fullmatch(word) else word
        following = words[index + 1] if index + 1 < len(words) else ""
        candidates = triggers.pairs.get((key, following)) or triggers.firsts.get(key)
        if not candidates:
            continue
        longest = 0
        for trigger in candidates:
            if len(trigger.parts) < longest:
                break  # the longest trigger here wins; those as long all apply
            parts = trigger.parts
            end = index + 1 if len(parts) == 1 else _match(parts, words, index)
            if end is None:
                continue
            longest = len(trigger.parts)
            if trigger.category is None:
                blocked.update(range(index, end))
            else:
                found.append((index, end, trigger))
    for start, end, trigger in found:
        if start in blocked:
            continue
        assert trigger.category is not None
        if trigger.category == "resolved" and _not_over(words, start, end):
            continue
        stop = TERMINATORS[trigger.category]
        inside: set[int] = set()
        if trigger.direction in ("forward", "both"):
            listed = signs if trigger.category == "negated" else None
            inside |= _forward(words, end, trigger.reach, stop, listed)
        if trigger.direction in ("backward", "both"):
            # A clause that only says it is over ("..., now fine", "..., gone now") ends the
            # sign of the clause before it: its scope passes that one boundary.
            crossed = trigger.category != "resolved" or not over_alone(_clause_of(words, start))
            for k in range(start - 1, max(-1, start - 1 - trigger.reach), -1):
                if words[k] in stop:
                    if crossed or words[k] not in BOUNDARY:
                        break
                    crossed = True
                    continue
                inside.add(k)
        scopes.append(_Scope(trigger.category, frozenset(inside), end))
    return scopes


ALTERNATIVES = frozenset({"or", "nor"})
"""What joins the items of a negated list: "no chest pain or breathlessness" denies both."""
LIST_ITEM = 3
"""The words an item after "or" may take ("or any swelling")."""
ITEM_WORDS = frozenset({"any", "a", "an", "the", "signs", "sign", "of", "real", "obvious"})
"""Words that may stand beside a sign in an item of a negated list."""


def _forward(
    words: list[str], end: int, reach: int, stop: frozenset[str], signs: set[int] | None
) -> set[int]:
    """The words a trigger ending at `end` covers forward: up to `reach`, to the first of
    `stop`. A negation (`signs`: the words inside a sign's phrase) also covers a list of
    alternatives to its end: past the reach to the item after each "or" ("didn't have
    any chest pain or breathlessness"), and past a comma between signs with "or" after
    the next ("no redness, swelling or warmth"). A comma after anything else ("not much
    sleep, calf red or warm") or before anything else ("no pain, calf swollen") ends it."""
    inside: set[int] = set()
    limit = end + reach
    k = end
    while k < min(len(words), limit):
        word = words[k]
        if word in stop:
            if signs is None or word != "," or not _list_goes_on(words, end, k, signs):
                break
            limit = max(limit, k + 3 + LIST_ITEM)
        elif signs is not None and word in ALTERNATIVES:
            limit = max(limit, k + 1 + LIST_ITEM)
        inside.add(k)
        k += 1
    return inside


def _list_goes_on(words: list[str], start: int, comma: int, signs: set[int]) -> bool:
    """Whether the comma at `comma` sits in a list of signs: only signs (and ITEM_WORDS)
    from `start` to it, then one sign and "or"."""
    before = [k for k in range(start, comma) if words[k] != ","]
    if not before or not all(k in signs or words[k] in ITEM_WORDS for k in before):
        return False
    return comma + 2 < len(words) and comma + 1 in signs and words[comma + 2] in ALTERNATIVES


OVER_ALONE = re.compile(
    r"(?:(?:it|it's|its|they|they're|that|that's|all|and|but|now|has|have|is|are|was|were|"
    r"been|had|completely|totally|fully|quite|since|then)\s+)*"
    r"(?:fine|ok|okay|better|gone|gone away|went away|go away|settled|settled down|cleared|"
    r"cleared up|gone down|went down|disappeared|healed|passed|subsided|eased|eased off|"
    r"back to normal|normal|normal again|all clear|over|no problem)"
    r"(?:\s+(?:now|again|since|today|this morning|by now|thankfully|luckily))*"
)
"""A clause or sentence that says only that a sign is over ("now fine", "all gone now", "it
has settled"); "gone down a bit", "not gone", "still there" are not."""
BOUNDARY = frozenset({",", "but", "however", "although", "now"})
"""The words a clause that only says "over" reaches back past (once)."""


def over_alone(words: list[str] | tuple[str, ...]) -> bool:
    """The words say only that something is over (`OVER_ALONE`)."""
    said = [w for w in words if w != ","]
    return bool(OVER_WHEN & set(said)) and OVER_ALONE.fullmatch(" ".join(said)) is not None


OVER_WHEN = frozenset(
    {"now", "again", "all", "since", "gone", "away", "settled", "cleared", "down", "disappeared"}
    | {"healed", "passed", "subsided", "eased", "clear"}
)
"""One of these makes "over" plain: a bare "fine" or "ok" may answer something else."""


def _clause_of(words: list[str], index: int) -> list[str]:
    """The words of the clause holding words[index] (between commas or clause words; a
    leading "but" or "now" belongs to it)."""
    start = index
    while start > 0 and words[start - 1] != "," and words[start - 1] not in CLAUSE_WORDS:
        start -= 1
    end = index + 1
    while end < len(words) and words[end] != "," and words[end] not in CLAUSE_WORDS:
        end += 1
    return words[start:end]


NOT_OVER_BEFORE = frozenset(
    {
        "not",
        "hasn't",
        "haven't",
        "hadn't",
        "isn't",
        "wasn't",
        "never",
        "nearly",
        "almost",
        "partly",
        "half",
        "barely",
        "hardly",
        "only",
    }
)
NOT_OVER_AFTER = frozenset({"slightly", "partly", "somewhat", "little", "bit"})
"""Right after a word of ending (or after "a"): only partly over ("gone down a bit")."""


def _not_over(words: list[str], start: int, end: int) -> bool:
    """A word of ending that says the sign is not over: "hasn't gone down", "nearly gone",
    "gone down a bit", "gone down but still there"."""
    before = words[max(0, start - 2) : start]
    if NOT_OVER_BEFORE & set(before):
        return True
    after = words[end : end + 2]
    if after[:1] == ["a"]:
        after = after[1:]
    return bool(NOT_OVER_AFTER & set(after[:1])) or "still" in words[end:]


def _with_context(hit: Hit, scopes: list[_Scope], words: list[str]) -> Hit:
    span = range(hit.word, hit.end)
    found: set[str] = set()
    for scope in scopes:
        if not all(k in scope.words for k in span):
            continue
        if scope.category == "topic":
            # "worried about a clot" is a topic; "worried about my swollen calf" a sign
            owned = hit.concept not in TOPIC_ONLY and OWNED & set(
                words[min(scope.start, hit.word) : hit.word]
            )
            if not owned:
                found.add("hypothetical")
            continue
        if scope.category == "hedge":
            if hit.concept in HEDGED:
                found.add("hypothetical")
            continue
        if scope.category == "animal":
            # the dog's leg is not hers; the dog that bit her gave her the wound
            found.add("other" if hit.concept not in ANIMAL_DEEDS else "animal")
            continue
        found.add(scope.category)
    if not found:
        return hit
    return hit._replace(
        negated="negated" in found,
        historical="historical" in found,
        hypothetical="hypothetical" in found,
        other="other" in found,
        resolved="resolved" in found,
        animal="animal" in found,
    )


# --- reading ---------------------------------------------------------------------------


def _clauses(words: list[str]) -> list[int]:
    clause, found = 0, []
    for word in words:
        if word == "," or word in CLAUSE_WORDS:
            clause += 1
        found.append(clause)
    return found


def _sentence_hits(words: list[str], sentence: int) -> Iterator[Hit]:
    clauses = _clauses(words)
    targets = _targets(words, sentence, clauses)
    if not targets:
        return
    covered = {k for h in targets if h.end - h.word > 1 for k in range(h.word, h.end)}
    signs = {k for h in targets if h.concept in SIGN_CONCEPTS for k in range(h.word, h.end)}
    scopes = _scopes(words, covered, signs)
    for hit in _outermost(targets):
        yield _with_context(hit, scopes, words)


def _outermost(hits: list[Hit]) -> list[Hit]:
    """Drop a sign's word inside a longer phrase of another sign: "puffed up" is swelling,
    not the breathlessness "puffed" alone would be."""
    long = [h for h in hits if h.end - h.word > 1 and h.concept in SIGN_CONCEPTS]
    if not long:
        return hits
    return [
        h
        for h in hits
        if h.concept not in SIGN_CONCEPTS
        or not any(
            o.concept != h.concept
            and GAP not in o.text
            and o.word <= h.word
            and h.end <= o.end
            and (o.end - o.word) > (h.end - h.word)
            for o in long
        )
    ]


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.split(text) if s.strip()]


def read_note(note: str) -> Reading:
    """Every sign and cue in a note, with where it is and what surrounds it."""
    sentences = tuple(split_sentences(normalise(note)))
    hits: list[Hit] = []
    words: list[tuple[str, ...]] = []
    for index, sentence in enumerate(sentences):
        tokens = _tokens(sentence)
        words.append(tuple(tokens))
        if index and hits and over_alone(tokens):
            # "Calf was swollen last week. Now fine.": the sentence before's last clause is over
            last = max((h.clause for h in hits if h.sentence == index - 1), default=None)
            hits = [
                h._replace(resolved=True)
                if h.sentence == index - 1 and h.clause == last and not h.negated
                else h
                for h in hits
            ]
        hits.extend(_sentence_hits(tokens, index))
    by_concept: dict[str, list[Hit]] = {}
    current: dict[str, list[Hit]] = {}
    for hit in hits:
        by_concept.setdefault(hit.concept, []).append(hit)
        if hit.current:
            current.setdefault(hit.concept, []).append(hit)
    return Reading(
        hits=tuple(hits),
        sentences=sentences,
        words=tuple(words),
        by_concept={k: tuple(v) for k, v in by_concept.items()},
        current={k: tuple(v) for k, v in current.items()},
    )
