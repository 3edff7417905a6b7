"""Help: every key, what coach claims and does not, and the not-medical-advice note."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Markdown

from screens.base import CoachFooter
from screens.text import HELP_MARKDOWN


class HelpScreen(Screen[None]):
    """The help text, scrollable."""

    CSS_PATH = "help.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="help-close", tooltip="Back to where you were"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="help"):
            yield Markdown(HELP_MARKDOWN)
        yield CoachFooter()

    def on_mount(self) -> None:
        self.sub_title = "Help"
        self.query_one("#help").focus()

    def action_close(self) -> None:
        self.dismiss(None)
