"""A radio button and a checkbox that show their state without colour (see
screens/looks.py)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox, RadioButton


class Choice(RadioButton):
    """A radio button whose dot is there only when it is chosen: "▐●▌ yes ▐ ▌ no" reads
    the same without colour (NO_COLOR, a monochrome screen, a screen reader's capture)."""

    def render(self) -> Content:
        self.BUTTON_INNER = "\u25cf" if self.value else " "
        return super().render()


class Tick(Checkbox):
    """A checkbox whose mark is there only when it is ticked: "▐✓▌ swollen calf" and
    "▐ ▌ breathless" read apart without colour, where Textual draws an X in both."""

    def render(self) -> Content:
        self.BUTTON_INNER = "\u2713" if self.value else " "
        return super().render()
