"""How long something lasted, as people write it in a note.

"15 minutes", "20 mins", "15-20 min", "fifteen minutes", "twenty-five mins", "a quarter of an
hour", "half an hour", "3/4 of an hour", "an hour and a half", "1.5 hours", and clock
ranges: "2.10 till 2.35", "1:50 to 2:15am", "between 3 and 3.20", "at 3.05 ... till 3.30",
"11.50pm to 12.15am". Each duration comes with where it is in the text, so the caller can
ask whether it is the cramp's ("lasted 20 minutes") or something else's ("woke after 2
hours", "walked for 30 minutes", "20 minutes later").
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import NamedTuple

from coach.safety.lexicon import NUMBER_WORDS


class Duration(NamedTuple):
    """A length of time found in a text, in minutes, with its place in the text."""

    minutes: float
    start: int
    end: int
    clock: bool = False
    """True for a range of clock times ("2.10 till 2.35")."""


_UNITS = {"hour": 60.0, "hours": 60.0, "h": 60.0, "minute": 1.0, "minutes": 1.0, "m": 1.0}
_WORD_NUMBER = "|".join(
    sorted((re.escape(w) for w in NUMBER_WORDS if " " not in w), key=len, reverse=True)
)
_NUMBER = rf"(?:\d+(?:[.,]\d+)?|(?:{_WORD_NUMBER})(?:[- ](?:{_WORD_NUMBER}))?|an?|one)"
_UNIT = r"(?:hours?|hrs?|h|minutes?|mins?|minuts|m)\b"

PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\b(?:an?\s+|one\s+)?hour\s+and\s+a\s+half\b|\b(?:one|1)\s+and\s+a\s+half\s+hours?\b"
        ),
        "90",
    ),
    (
        re.compile(r"\b(?:3/4|three[- ]quarters?)\s+(?:of\s+)?an?\s+(?:hour|hr)\b"),
        "45",
    ),
    (
        re.compile(
            r"(?:\b(?:a\s+)?(?:good\s+)?quarter|\b1/4)(?:\s+of)?\s+(?:an?\s+)?(?:hour|hr)\b"
        ),
        "15",
    ),
    (
        re.compile(r"\b(?:half\s+an?|half\s+(?:of\s+)?an|1/2\s+an?|1/2|half)[- ]?(?:hour|hr)\b"),
        "30",
    ),
    (
        re.compile(
            rf"\b(?P<a>{_NUMBER})(?P<more>\s+and\s+a\s+half|\s+plus|[\s-]odd)?\s*"
            rf"(?:(?:-|\u2013|to|or)\s*(?P<b>{_NUMBER})\s*)?(?P<unit>{_UNIT})"
        ),
        "",
    ),
)

_TIME = r"(?P<{h}>\d{{1,2}})(?:[.:](?P<{m}>\d{{2}}))?\s*(?P<{ap}>am|pm|a\.m\.?|p\.m\.?)?"
CLOCK_RANGE = re.compile(
    r"\b(?P<from>from\s+|between\s+|at\s+)?"
    + _TIME.format(h="h1", m="m1", ap="ap1")
    + r"\s*(?P<sep>-|\u2013|till|until|til|to|and|through)\s*"
    + _TIME.format(h="h2", m="m2", ap="ap2")
    + r"(?![\d.:])"
)
CLOCK_AT = re.compile(
    r"\b(?:(?P<intro>at|about|around|from|till|until|til|by|to|gone)\s+(?:about\s+|around\s+)?"
    + _TIME.format(h="h1", m="m1", ap="ap1")
    + r"|"
    + r"(?P<bare>\d{1,2}(?:[.:]\d{2}\s*(?:am|pm)?|\s*(?:am|pm))))"
    + r"(?![\d:])"
)
"""A clock time introduced by a word ("at 3.05", "till 3.30")."""

ENDING = re.compile(
    r"\b(?:still|eas|stop|finish|end|went|gone|go\b|let\b|settl|pass|over\b|wore|subsid|"
    r"relax|lasted|last|till|until|kept|going|on and on)"
)
"""Words between two clock times that make the second the end of what began at the first
("at 1.40, finally eased at 2.05", "at 4, was still there at 4.20")."""


def _number(text: str) -> float | None:
    text = text.strip().lower()
    if text in ("a", "an", "one"):
        return 1.0
    try:
        return float(text.replace(",", "."))
    except ValueError:
        pass
    total = 0
    for part in re.split(r"[- ]", text):
        value = NUMBER_WORDS.get(part)
        if value is None:
            return None
        total += value
    return float(total)


def _clock(hour: str, minute: str | None, half: str | None) -> tuple[int, bool]:
    """Minutes after midnight (or after 0:00 / 12:00 when no am/pm), and whether am/pm."""
    h = int(hour) % 24
    m = int(minute) if minute else 0
    if half:
        if half.startswith("p") and h < 12:
            h += 12
        elif half.startswith("a") and h == 12:
            h = 0
    return h * 60 + m, bool(half)


def _span(
    first: tuple[str, str | None, str | None], second: tuple[str, str | None, str | None]
) -> float | None:
    """Minutes from one clock time to the next (on a 12-hour dial unless am/pm)."""
    if not (first[1] or first[2] or second[1] or second[2]):
        return None  # "2 to 3 cramps" is no time
    if int(first[0]) > 24 or int(second[0]) > 24:
        return None
    if (first[1] and int(first[1]) > 59) or (second[1] and int(second[1]) > 59):
        return None
    start, sure1 = _clock(*first)
    end, sure2 = _clock(*second)
    span = (end - start) % (1440 if sure1 and sure2 else 720)
    return float(span) if 0 < span <= 360 else None


def _between(match: re.Match[str]) -> float | None:
    return _span(
        (match.group("h1"), match.group("m1"), match.group("ap1")),
        (match.group("h2"), match.group("m2"), match.group("ap2")),
    )


def _parts(match: re.Match[str]) -> tuple[str, str | None, str | None]:
    bare = match.group("bare")
    if bare is None:
        return match.group("h1"), match.group("m1"), match.group("ap1")
    found = re.fullmatch(r"(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm)?", bare)
    assert found is not None
    return found.group(1), found.group(2), found.group(3)


def _between_times(first: re.Match[str], second: re.Match[str]) -> float | None:
    return _span(_parts(first), _parts(second))


MAYBE = re.compile(r"\d|hour|hr|min|half|quarter")
"""Every duration has one of these (a digit, or a unit in words)."""


def durations(text: str) -> list[Duration]:
    """Every duration written in a (lower-case) text, left to right."""
    if not MAYBE.search(text):
        return []
    found: list[Duration] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for pattern, fixed in PATTERNS:
        for match in pattern.finditer(text):
            if not free(match.start(), match.end()):
                continue
            if fixed:
                minutes: float | None = float(fixed)
            else:
                unit = match.group("unit").rstrip("s")
                scale = 60.0 if unit.startswith("h") else 1.0
                if unit == "m" and match.group("b") is None and "." in match.group("a"):
                    continue  # "2.5m" more likely metres, or a clock time
                values = [_number(match.group("a"))]
                if match.group("b"):
                    values.append(_number(match.group("b")))
                numbers = [v for v in values if v is not None]
                minutes = max(numbers) * scale if numbers else None
                if minutes is not None and match.group("more"):
                    # "10 and a half minutes", "10+ mins", "20-odd minutes"
                    minutes += 0.5 * scale if "half" in match.group("more") else 0.5
            if minutes is not None:
                found.append(Duration(minutes, match.start(), match.end()))
                taken.append((match.start(), match.end()))
    for match in CLOCK_RANGE.finditer(text):
        if not free(match.start(), match.end()):
            continue
        if match.group("sep") == "and" and (match.group("from") or "").strip() != "between":
            continue  # "cramps at 2.45 and 4.10": two times, not a range
        minutes = _between(match)
        if minutes is not None:
            found.append(Duration(minutes, match.start(), match.end(), clock=True))
            taken.append((match.start(), match.end()))
    # "at 3.05 ..., it didn't go till 3.30": two clock times in a row, the second one
    # saying until when. The caller decides whether the first is when a cramp began.
    times = [m for m in CLOCK_AT.finditer(text) if free(m.start(), m.end())]
    for first, second in pairwise(times):
        if second.group("intro") not in (None, "till", "until", "til", "by", "at", "to", "gone"):
            continue
        between = text[first.end() : second.start()]
        if second.group("intro") in (None, "at") and not ENDING.search(between):
            continue  # "cramps at 1.30, 2.45 and 4.10", "at 11pm, another at 3am": times
        if re.search(r"\b(?:asleep|sleep|slept|dozed|bed)\b", text[first.end() : second.start()]):
            continue  # "at 3, asleep again by 3.15": how long it took to sleep
        minutes = _between_times(first, second)
        if minutes is not None:
            found.append(Duration(minutes, first.start(), second.end(), clock=True))
    return sorted(found, key=lambda d: d.start)
