"""`--plain` (or COACH_PLAIN=1): command output a screen reader reads well, and a braille
display shows whole: no box drawing, block or tick marks, no backticks around commands,
no columns that only line up by eye.

Commands with a layout of their own (`history`, `doctor`, `plan`) read the `plain` option
and print lines of words; everything a command prints besides goes through `speakable`.
Machine-readable output (JSON, CSV, files such as the systemd unit) is never changed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TextIO

PLAIN_ENV = "COACH_PLAIN"

WORDS = {
    "\u2713": "done",  # check mark
    "\u2714": "done",
    "\u2717": "missed",  # ballot x
    "\u2718": "missed",
    "\u2192": "to",  # arrows
    "\u2190": "from",
    "\u2248": "about",
    "\u00b1": "plus or minus",
    "\u00d7": "times",
    "\u2265": "at least",
    "\u2264": "at most",
    "\u2026": "...",
    "\u2022": "-",  # bullet
    "\u00b7": "-",  # middle dot
    "\u2014": "-",  # em dash
    "\u2013": "-",  # en dash
    "`": "",
}
"""Symbols a screen reader spells out or skips, and the words (or plain signs) for them."""

DRAWING = re.compile("[\u2500-\u259f\u25a0-\u25ff\u2800-\u28ff]")
"""Box drawing, block elements, geometric shapes and braille patterns (used for bars)."""

_SYMBOLS = re.compile("|".join(re.escape(symbol) for symbol in WORDS))


def wanted(flag: bool, env: Mapping[str, str] | None = None) -> bool:
    """`--plain` given, or COACH_PLAIN set to anything but empty or 0."""
    env = os.environ if env is None else env
    return flag or env.get(PLAIN_ENV, "").strip() not in ("", "0")


def speakable(text: str) -> str:
    """`text` with symbols in words and drawing characters left out."""
    return DRAWING.sub("", _SYMBOLS.sub(lambda m: WORDS[m.group(0)], text))


class SpeakableOutput:
    """A text stream that writes `speakable` text to another: stdout while a command runs
    with --plain."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        self.inner.write(speakable(text))
        return len(text)

    def flush(self) -> None:
        self.inner.flush()

    def fileno(self) -> int:
        return self.inner.fileno()

    def isatty(self) -> bool:
        return self.inner.isatty()

    @property
    def encoding(self) -> str:
        return self.inner.encoding
