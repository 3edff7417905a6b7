"""A plain step's card: what to do, why, how strong the evidence is; done, skip or back."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, Static

from screens.base import CoachFooter, CoachModal, services
from screens.timeline import LABELS, StepRow, cutoff_line

CUTOFF_TICK_SECONDS = 5.0


class StepCardScreen(Screen[str | None]):
    """One step of tonight. Dismisses with the outcome recorded, or None for back."""

    CSS_PATH = ["common.tcss", "step_card.tcss"]  # noqa: RUF012 (Textual reads it once, never mutates it)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "done", "Done", id="card-done", tooltip="Record this step as done"),
        Binding("x", "skip", "Skip", id="card-skip", tooltip="Record it as skipped"),
        Binding("escape", "back", "Back", id="card-back", tooltip="Back to tonight"),
    ]

    def __init__(self, row: StepRow, night: date) -> None:
        super().__init__()
        self.row = row
        self.night = night

    def compose(self) -> ComposeResult:
        step = self.row.definition
        yield Header()
        with VerticalScroll(id="card"):
            yield Static(
                Content.assemble(
                    (step.title, "bold"),
                    f"  ·  {self.row.planned.at:%H:%M}  ·  {LABELS[self.row.state]}",
                ),
                id="card-title",
            )
            yield Static(id="cutoff")
            yield Label("What to do", classes="heading")
            yield Static(step.what, id="card-what", markup=False)
            yield Label("Why", classes="heading")
            yield Static(step.why, id="card-why", markup=False)
            yield Static(f"Evidence: {step.evidence.value}", id="card-evidence", markup=False)
            with Horizontal(id="card-buttons"):
                yield Button("Done", id="done", variant="success")
                yield Button("Skip…", id="skip")
                yield Button("Back", id="back")
        yield CoachFooter()

    def on_mount(self) -> None:
        self.sub_title = self.row.definition.title
        self.update_cutoff()
        self.set_interval(CUTOFF_TICK_SECONDS, self.update_cutoff)
        self.query_one("#done", Button).focus()

    def update_cutoff(self) -> None:
        line = cutoff_line(self.row, services(self).clock.now())
        cutoff = self.query_one("#cutoff", Static)
        cutoff.display = line is not None
        cutoff.update(line or "")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "done":
            self.action_done()
        elif event.button.id == "skip":
            self.action_skip()
        else:
            self.action_back()

    def action_done(self) -> None:
        app = services(self)
        late = self.row.state == "late"
        if app.saved(app.session.record_step, self.night, self.row.id, "done", late=late):
            self.notify(f"{self.row.planned.title}: done.")
            self.dismiss("done")

    def action_skip(self) -> None:
        def skipped(reason: str | None) -> None:
            if reason is None:
                return
            app = services(self)
            record = app.session.record_step
            if app.saved(record, self.night, self.row.id, "skipped", reason=reason or None):
                self.notify(f"{self.row.planned.title}: skipped.")
                self.dismiss("skipped")

        self.app.push_screen(SkipReasonScreen(self.row.planned.title), callback=skipped)

    def action_back(self) -> None:
        self.dismiss(None)


class SkipReasonScreen(CoachModal[str | None]):
    """Asks why a step is skipped. Returns the reason ('' for none), or None to cancel."""

    CSS_PATH = "common.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="skip-cancel", tooltip="Do not skip"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.step_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Skip “{self.step_title}” tonight?", id="dialog-title")
            yield Input(placeholder="Reason (optional), then enter", id="reason", max_length=200)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Skip it", id="confirm", variant="warning")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.dismiss(self.query_one("#reason", Input).value.strip())
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
