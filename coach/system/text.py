"""Text from records is data, not terminal control.

Notes, flag texts and step names come back from the records, and a merged copy of the data
(another machine's, or a crafted one) can hold anything: an escape sequence that writes the
clipboard or clears the screen, a carriage return that overwrites a line, a line break that
fakes an "URGENT: call ..." line, a right-to-left override that reverses what is read.
`printable` makes such text safe wherever it is printed or drawn: escape sequences and
control characters become one visible U+FFFD mark each, the invisible direction overrides
go, and (with `one_line`) line breaks become spaces.
"""

from __future__ import annotations

import re
from functools import cache

MARK = "\ufffd"
"""Shown where a control character or an escape sequence was."""
_SUSPECT = re.compile(
    "[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]"
)


_Patterns = tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]


@cache
def _cleaners() -> _Patterns:
    """Escapes, control characters, invisible ones and line breaks: compiled for the first
    suspect text, as most texts have none (compiled at import, they cost every start of
    coach about 1.3 ms)."""
    return (
        re.compile(
            r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, clear screen
            r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC: titles, clipboard, links
            r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS, SOS, PM, APC strings
            r"|\x1b[ -/]*[0-~]?"  # any other escape
            r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
            r"|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"  # 8-bit OSC
        ),
        re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]"),
        re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"),
        re.compile("\r\n|[\n\t\u2028\u2029\x85\x0b\x0c]"),
    )


def printable(text: str, *, one_line: bool = False) -> str:
    """`text` safe to print: no escape sequence, no control character (a tab becomes a
    space; a line break stays unless `one_line`)."""
    if not _SUSPECT.search(text):
        return text  # the common case, checked once
    escape, control, invisible, breaks = _cleaners()
    text = escape.sub(MARK, text)
    text = invisible.sub("", text)
    if one_line:
        text = breaks.sub(" ", text)
    else:
        text = text.replace("\r\n", "\n").replace("\t", " ").replace("\u2028", "\n")
        text = text.replace("\u2029", "\n")
    return control.sub(MARK, text)
