"""The morning check-in: last night's cramps in a few keys, or "no cramps" in one."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioSet, Static

from coach.checkin import ASKED_KEY, checkin_due, mark_asked
from coach.clock import Clock
from coach.errors import CoachError
from coach.planner import last_slept_night
from coach.records import CrampLog, Store
from coach.redflags import questions_due, record_answers
from coach.settings import Settings
from coach.stats import DURATION_BANDS

__all__ = ["ASKED_KEY", "CheckinScreen", "checkin_due", "mark_asked"]

LONGEST = DURATION_BANDS
LEGS = ("left", "right", "both")
MUSCLES = ("calf", "thigh", "foot")
WEEKLY_QUESTIONS = (
    ("walking_pain", "Leg pain on walking that eases at rest?"),
    ("elsewhere", "Cramps anywhere other than the legs?"),
)
"""Asked at most once a week: the red flags a note alone rarely shows (CONTENT.md)."""


class CountInput(Input):
    """The cramp count: digits only, and "n" still means a night without cramps."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character != "n" and super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        if event.character == "n":
            # Skip Input's own key handler (Textual runs one per class in the MRO) but let
            # the event bubble, so the screen's "no cramps" binding gets it.
            event.prevent_default()
            return
        await super()._on_key(event)


class CheckinScreen(ModalScreen[CrampLog | None]):
    """Asks about one night's cramps and records the answer; dismisses with the log, or None
    when the user leaves without saving."""

    CSS_PATH = "checkin.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "n",
            "no_cramps",
            "No cramps",
            id="checkin.none",
            tooltip="Log a night without cramps and close",
        ),
        Binding("ctrl+s", "save", "Save", id="checkin.save", tooltip="Record what is entered"),
        Binding(
            "escape",
            "later",
            "Later",
            id="checkin.later",
            tooltip="Close without recording; `coach cramp` works too",
        ),
    ]

    def __init__(
        self, store: Store, settings: Settings, clock: Clock, night: date | None = None
    ) -> None:
        super().__init__()
        self.store = store
        self.settings = settings
        self.clock = clock
        self.night = night or last_slept_night(settings, clock.now())
        today = clock.now().astimezone(settings.tz).date()
        try:
            self.ask_questions = questions_due(store, today)
        except CoachError:
            self.ask_questions = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"How was the night of {self.night:%a %d %b}?", id="title")
            yield Static(
                "No cramps? Press [b]n[/b]. Otherwise fill in what you remember.", id="hint"
            )
            with VerticalScroll(id="form"):
                with Horizontal(classes="row"):
                    yield Label("How many cramps", classes="label")
                    yield CountInput(placeholder="e.g. 2", type="integer", id="count", compact=True)
                with Horizontal(classes="row"):
                    yield Label("Worst pain, 0-10", classes="label")
                    yield Input(
                        placeholder="0 none - 10 worst", type="integer", id="pain", compact=True
                    )
                with Horizontal(classes="row"):
                    yield Label("Longest cramp, min", classes="label")
                    yield RadioSet(*(label for label, _ in LONGEST), id="longest", compact=True)
                with Horizontal(classes="row"):
                    yield Label("Which leg", classes="label")
                    yield RadioSet(*LEGS, id="leg", compact=True)
                with Horizontal(classes="row"):
                    yield Label("Which muscle", classes="label")
                    yield RadioSet(*MUSCLES, id="muscle", compact=True)
                with Horizontal(classes="row"):
                    yield Label("Sleep disturbed, 0-10", classes="label")
                    yield Input(
                        placeholder="0 not at all - 10 badly",
                        type="integer",
                        id="disturbance",
                        compact=True,
                    )
                with Horizontal(classes="row"):
                    yield Label("Note (optional)", classes="label")
                    yield Input(
                        placeholder="e.g. a new medicine, numbness", id="note", compact=True
                    )
                if self.ask_questions:
                    yield Static("Once a week (optional):", classes="weekly")
                    for question_id, question in WEEKLY_QUESTIONS:
                        with Horizontal(classes="row"):
                            yield Label(question, classes="question")
                            yield RadioSet("yes", "no", id=question_id, compact=True)
            yield Static("", id="error")
            with Horizontal(id="buttons"):
                yield Button("No cramps (n)", id="none", variant="success", compact=True)
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Later (esc)", id="later", compact=True)

    def on_mount(self) -> None:
        self.query_one("#count", Input).focus()

    # --- reading the form ---------------------------------------------------------------

    def _number(self, widget_id: str, what: str, low: int, high: int) -> int | None:
        text = self.query_one(f"#{widget_id}", Input).value.strip()
        if not text:
            return None
        try:
            value = int(text)
        except ValueError:
            raise CoachError(f"{what} must be a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise CoachError(f"{what} must be from {low} to {high}")
        return value

    def _choice(self, widget_id: str, options: tuple[str, ...]) -> str | None:
        index = self.query_one(f"#{widget_id}", RadioSet).pressed_index
        return options[index] if index >= 0 else None

    def _record(self) -> CrampLog:
        count = self._number("count", "The number of cramps", 0, 50)
        if count is None:
            raise CoachError("say how many cramps, or press n for a night without")
        band = self._choice("longest", tuple(label for label, _ in LONGEST))
        return self.store.record_cramps(
            self.night,
            count,
            severity=self._number("pain", "Worst pain", 0, 10),
            minutes=dict(LONGEST)[band] if band else None,
            leg=self._choice("leg", LEGS),
            disturbance=self._number("disturbance", "Sleep disturbance", 0, 10),
            notes=self.query_one("#note", Input).value,
            muscle=self._choice("muscle", MUSCLES),
        )

    # --- actions ------------------------------------------------------------------------

    def action_no_cramps(self) -> None:
        try:
            log = self.store.record_cramps(self.night, 0)
        except CoachError as exc:
            self.query_one("#error", Static).update(str(exc))
            return
        self.dismiss(log)

    def _answer(self, question_id: str) -> bool | None:
        choice = self._choice(question_id, ("yes", "no"))
        return None if choice is None else choice == "yes"

    def _record_answers(self) -> None:
        """The weekly questions, when asked and answered: kept for the red-flag rules."""
        if not self.ask_questions:
            return
        walking, elsewhere = (self._answer(q) for q, _ in WEEKLY_QUESTIONS)
        if walking is None and elsewhere is None:
            return  # left blank: asked again next time
        today = self.clock.now().astimezone(self.settings.tz).date()
        record_answers(self.store, self.night, today, walking_pain=walking, elsewhere=elsewhere)

    def action_save(self) -> None:
        try:
            log = self._record()
            self._record_answers()
        except CoachError as exc:
            self.query_one("#error", Static).update(str(exc))
            return
        self.dismiss(log)

    def action_later(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#none")
    def _pressed_none(self) -> None:
        self.action_no_cramps()

    @on(Button.Pressed, "#save")
    def _pressed_save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#later")
    def _pressed_later(self) -> None:
        self.action_later()

    @on(RadioSet.Changed)
    def _clear_error(self) -> None:
        self.query_one("#error", Static).update("")
