"""A radio button that shows its choice without colour (see screens/looks.py)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import RadioButton


class Choice(RadioButton):
    """A radio button whose dot is there only when it is chosen: "▐●▌ yes ▐ ▌ no" reads
    the same without colour (NO_COLOR, a monochrome screen, a screen reader's capture)."""

    def render(self) -> Content:
        self.BUTTON_INNER = "\u25cf" if self.value else " "
        return super().render()
