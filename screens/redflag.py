"""The red-flag dialog: what a save has just shown, and what to do, until acknowledged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from coach.safety.flags import RaisedFlag


class RedFlagScreen(ModalScreen[bool]):
    """Shows red flags. Dismisses with True when the user acknowledges them, False for
    "later" (an urgent flag is then shown again on the next start)."""

    CSS_PATH = "redflag.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter,a",
            "acknowledge",
            "I have read this",
            id="flag-ack",
            tooltip="Record that you have read it; it will not be shown again",
        ),
        Binding(
            "escape",
            "later",
            "Later",
            id="flag-later",
            tooltip="Close for now; an urgent flag is shown again when coach next starts",
        ),
    ]

    def __init__(self, flags: Sequence[RaisedFlag]) -> None:
        super().__init__()
        self.flags = tuple(flags)

    def compose(self) -> ComposeResult:
        urgent = any(flag.level == "urgent" for flag in self.flags)
        with Vertical(id="flag-dialog", classes="urgent" if urgent else "soon"):
            yield Static(
                "Please act on this now" if urgent else "Worth raising with a professional",
                id="flag-title",
            )
            with VerticalScroll(id="flag-list"):
                for flag in self.flags:
                    yield Static(
                        Content.assemble(
                            (f"{flag.level.upper()}: ", "bold"),
                            "(raised in another copy of the data, in its words) "
                            if flag.foreign
                            else "",
                            flag.text,
                        ),
                        classes=f"flag {flag.level}",
                    )
            yield Static(
                "coach does not diagnose: it shows what your log says, and what health "
                "services advise for it.",
                id="flag-note",
            )
            with Horizontal(id="flag-buttons"):
                yield Button("I have read this (enter)", id="flag-ack-button", variant="error")
                yield Button("Later (esc)", id="flag-later-button")

    def on_mount(self) -> None:
        self.query_one("#flag-ack-button", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "flag-ack-button":
            self.action_acknowledge()
        else:
            self.action_later()

    def action_acknowledge(self) -> None:
        self.dismiss(True)

    def action_later(self) -> None:
        self.dismiss(False)
