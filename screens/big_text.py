"""Text in letters as big as the space allows, for a countdown read across a room.

A 3x5 pixel font of our own, drawn with half-block characters at an integer scale: a
character cell is about twice as tall as wide, so one pixel is `scale` columns by `scale`
half-rows and stays square.
"""

from __future__ import annotations

import re

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

FONT: dict[str, tuple[str, str, str, str, str]] = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", ".##", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", ".#.", ".#.", ".#."),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    "A": (".#.", "#.#", "###", "#.#", "#.#"),
    "B": ("##.", "#.#", "##.", "#.#", "##."),
    "C": (".##", "#..", "#..", "#..", ".##"),
    "D": ("##.", "#.#", "#.#", "#.#", "##."),
    "E": ("###", "#..", "##.", "#..", "###"),
    "F": ("###", "#..", "##.", "#..", "#.."),
    "G": (".##", "#..", "#.#", "#.#", ".##"),
    "H": ("#.#", "#.#", "###", "#.#", "#.#"),
    "I": ("###", ".#.", ".#.", ".#.", "###"),
    "J": ("..#", "..#", "..#", "#.#", ".#."),
    "K": ("#.#", "#.#", "##.", "#.#", "#.#"),
    "L": ("#..", "#..", "#..", "#..", "###"),
    "M": ("#.#", "###", "###", "#.#", "#.#"),
    "N": ("##.", "#.#", "#.#", "#.#", "#.#"),
    "O": (".#.", "#.#", "#.#", "#.#", ".#."),
    "P": ("##.", "#.#", "##.", "#..", "#.."),
    "Q": (".#.", "#.#", "#.#", "##.", ".##"),
    "R": ("##.", "#.#", "##.", "#.#", "#.#"),
    "S": (".##", "#..", ".#.", "..#", "##."),
    "T": ("###", ".#.", ".#.", ".#.", ".#."),
    "U": ("#.#", "#.#", "#.#", "#.#", "###"),
    "V": ("#.#", "#.#", "#.#", "#.#", ".#."),
    "W": ("#.#", "#.#", "###", "###", "#.#"),
    "X": ("#.#", "#.#", ".#.", "#.#", "#.#"),
    "Y": ("#.#", "#.#", ".#.", ".#.", ".#."),
    "Z": ("###", "..#", ".#.", "#..", "###"),
    " ": ("...", "...", "...", "...", "..."),
    ":": ("...", ".#.", "...", ".#.", "..."),
    "-": ("...", "...", "###", "...", "..."),
    "+": ("...", ".#.", "###", ".#.", "..."),
    ".": ("...", "...", "...", "...", ".#."),
    ",": ("...", "...", "...", ".#.", "#.."),
    "'": (".#.", ".#.", "...", "...", "..."),
    "?": ("##.", "..#", ".#.", "...", ".#."),
}
GLYPH_WIDTH, GLYPH_HEIGHT = 3, 5


def text_width(text: str, scale: int) -> int:
    """Columns `text` takes at `scale` (one blank pixel between characters)."""
    return max(0, (len(text) * (GLYPH_WIDTH + 1) - 1) * scale)


def text_rows(scale: int) -> int:
    """Terminal rows one line of big text takes at `scale`."""
    return -(-GLYPH_HEIGHT * scale // 2)


def render_big(text: str, scale: int) -> list[str]:
    """`text` (upper-cased; unknown characters become spaces) as half-block rows."""
    glyphs = [FONT.get(char, FONT[" "]) for char in text.upper()]
    pixels: list[list[bool]] = []
    for row in range(GLYPH_HEIGHT):
        line: list[bool] = []
        for index, glyph in enumerate(glyphs):
            if index:
                line.extend([False] * scale)
            for mark in glyph[row]:
                line.extend([mark == "#"] * scale)
        pixels.extend([line] * scale)
    if len(pixels) % 2:
        pixels.append([False] * (len(pixels[0]) if pixels else 0))
    chars = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
    return [
        "".join(chars[top, bottom] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(pixels[::2], pixels[1::2], strict=True)
    ]


def wrap_words(text: str, columns: int, scale: int) -> list[str] | None:
    """`text` in lines that each fit `columns` at `scale`, or None if a word does not fit."""
    lines: list[str] = []
    for word in text.split():
        if text_width(word, scale) > columns:
            return None
        if lines and text_width(f"{lines[-1]} {word}", scale) <= columns:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def fit(text: str, columns: int, rows: int, *, max_scale: int = 50) -> tuple[int, list[str]]:
    """The largest scale at which `text`, wrapped at spaces, fits; (0, []) if none does."""
    for scale in range(max_scale, 0, -1):
        if text_rows(scale) > rows:
            continue
        lines = wrap_words(text, columns, scale)
        if lines is not None and len(lines) * text_rows(scale) <= rows:
            return scale, lines
    return 0, []


class BigCountdown(Widget):
    """The full-screen countdown: exercise, leg and phase, the seconds left, a status line.

    Each part is drawn as large as the widget's size allows, the seconds largest.
    """

    DEFAULT_CSS = """
    BigCountdown {
        width: 1fr;
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = ""
        self.phase = ""
        self.seconds = ""
        self.status = ""
        self._cache_key: tuple[object, ...] = ()
        self._lines: list[str] = []

    def show(self, title: str, phase: str, seconds: str, status: str) -> None:
        """Set what to show; redraws only if something changed."""
        new = (title, phase, seconds, status)
        shown = (self.title, self.phase, self.seconds, self.status)
        if new != shown:
            self.title, self.phase, self.seconds, self.status = new
            self.refresh()

    def render_line(self, y: int) -> Strip:
        width, height = self.size.width, self.size.height
        key = (width, height, self.title, self.phase, self.seconds, self.status)
        if key != self._cache_key:
            self._cache_key, self._lines = key, self.lines(width, height)
        text = (self._lines[y] if y < len(self._lines) else "").ljust(width)[:width]
        style = self.rich_style
        # Blanks and ink as separate segments in their own styles: each run keeps its exact
        # column in an SVG export too, where a run of leading blanks can be collapsed.
        blank = style + Style(bold=False, reverse=False)
        segments = [
            Segment(run, blank if run[0] == " " else style) for run in re.findall(r" +|[^ ]+", text)
        ]
        return Strip(segments, width)

    def lines(self, width: int, height: int) -> list[str]:
        """The whole picture for a `width` x `height` area, each line centred."""
        if width <= 0 or height <= 0:
            return []
        body = max(0, height - 1)  # the last row is the plain status line
        # Words get up to a quarter of the rows each (at most 3 scales up), and at least two
        # lines of the smallest letters, so a long name still shows big; the digits the rest.
        words_rows = max(2 * text_rows(1), body // 4)
        parts: list[str] = []
        for text in (self.title, self.phase):
            scale, wrapped = fit(text, width, words_rows, max_scale=3)
            if scale == 0:
                parts.append(text[:width])
                continue
            for line in wrapped:
                parts.extend(render_big(line, scale))
        left = body - len(parts)
        scale, wrapped = fit(self.seconds, width, max(0, left - 1))
        digits = [row for line in wrapped for row in render_big(line, scale)]
        if not digits:
            digits = [self.seconds]
        gap = max(0, left - len(digits))
        parts += [""] * (gap // 2) + digits + [""] * (gap - gap // 2)
        parts = [*parts[:body], self.status[:width]]
        return [line.center(width).rstrip() for line in parts]
