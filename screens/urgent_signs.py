"""The urgent-signs checklist that ends every morning log and the "cramping now" guide.

Coach asks rather than guesses: the urgent signs of CONTENT.md, ticked with 1-6, or `n`
when none applies. The answer is saved on the night (`coach.safety.rules.record_signs`),
and the save's red-flag check raises each sign's flag at once, as a note saying it would.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Static

from coach.errors import CoachError
from coach.safety.flags import LIMITS
from coach.safety.rules import record_signs
from screens.base import CoachFooter, CoachModal, services
from screens.choice import Tick

CHECKLIST: tuple[tuple[str, str], ...] = (
    ("calf-swollen", "One calf swollen"),
    ("calf-red-warm", "One calf red, warm or tender"),
    ("breathless", "Breathless"),
    ("chest-pain", "Chest pain"),
    ("long-not-easing", "A cramp over 10 minutes that did not ease when you moved the leg"),
    ("wound-or-toxin", "A dirty wound, or contact with a toxin (weedkiller, pesticide)"),
)
"""The urgent signs (CONTENT.md's red flags), as asked: id -> question."""


class UrgentSignsScreen(CoachModal[frozenset[str] | None]):
    """Asks for the urgent signs on a night. Dismisses with the signs answered (empty: none
    applies), or None when the user closes it unanswered. The screen that asked saves the
    answer with `save_signs` once it has closed itself, so the red-flag dialog the save may
    open comes on top of what is left."""

    CSS_PATH = "urgent_signs.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "none", "None of these", id="signs.none", tooltip="None applies: save"),
        Binding("enter,ctrl+s", "save", "Save", id="signs.save", tooltip="Save what is ticked"),
        Binding("escape", "later", "Not now", id="signs.later", tooltip="Close without answering"),
        *(
            Binding(str(n), f"tick({n - 1})", show=False, id=f"signs.{sign}")
            for n, (sign, _) in enumerate(CHECKLIST, 1)
        ),
    ]

    def __init__(self, night: date) -> None:
        super().__init__()
        self.night = night

    def compose(self) -> ComposeResult:
        with Vertical(id="signs-dialog"):
            yield Static("Any of these now, or since last night?", id="signs-title")
            yield Static(
                "Press a number to tick, [b]n[/b] if none applies, enter to save.",
                id="signs-hint",
            )
            with Vertical(id="signs-list"):
                for n, (sign, question) in enumerate(CHECKLIST, 1):
                    yield Tick(f"{n} {question}", id=f"sign-{sign}", compact=True)
            yield Static(LIMITS, id="signs-limits")
            with Horizontal(id="signs-buttons"):
                yield Button("None of these (n)", id="signs-none", variant="success", compact=True)
                yield Button("Save (enter)", id="signs-save", variant="warning", compact=True)
                yield Button("Not now (esc)", id="signs-later", compact=True)
        yield CoachFooter()  # its own keys, not those of the screen under it

    def on_mount(self) -> None:
        self.query_one("#signs-save", Button).focus()  # enter saves what is ticked

    def ticked(self) -> frozenset[str]:
        return frozenset(
            sign for sign, _ in CHECKLIST if self.query_one(f"#sign-{sign}", Checkbox).value
        )

    def action_tick(self, index: int) -> None:
        self.query_one(f"#sign-{CHECKLIST[index][0]}", Checkbox).toggle()

    def _answer(self, signs: frozenset[str]) -> None:
        self.dismiss(signs)

    def action_none(self) -> None:
        self._answer(frozenset())

    def action_save(self) -> None:
        self._answer(self.ticked())

    def action_later(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#signs-none")
    def _pressed_none(self) -> None:
        self.action_none()

    @on(Button.Pressed, "#signs-save")
    def _pressed_save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#signs-later")
    def _pressed_later(self) -> None:
        self.action_later()


def save_signs(app: App[object], night: date, signs: frozenset[str] | None) -> None:
    """Save the checklist's answer on the night (None: not answered, nothing saved); the
    save's red-flag check raises a ticked sign's flag at once (breathlessness or chest pain
    alone too: a ticked sign is never met with silence)."""
    if signs is None:
        return
    try:
        record_signs(services(app).session, night, signs)
    except CoachError as exc:
        app.notify(f"The urgent signs were not saved: {exc}", severity="error", timeout=30)
