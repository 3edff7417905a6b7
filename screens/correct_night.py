"""The dialog that corrects one night of the history: a step's outcome, the cramp log, or
deleting records."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from coach.diary.nights import NightFacts
from coach.diary.wording import describe_cramps
from coach.errors import CoachError
from coach.session import CrampLog, Outcome
from screens.base import CoachModal, services
from screens.checkin import CheckinScreen

OUTCOME_MARKS = {"done": "✓", "skipped": "-", "missed": "✗", "pending": "·"}
"""The mark beside a step's outcome, here and in the history's night panel."""


class CorrectNight(CoachModal[bool]):
    """Correct one night: mark a step done, skipped or missed, redo the cramp log, or delete
    a record. Dismisses with True when anything was recorded."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "mark('done')", "Done", id="correct.done", tooltip="Mark the step done"),
        Binding(
            "s", "mark('skipped')", "Skipped", id="correct.skipped", tooltip="Mark the step skipped"
        ),
        Binding(
            "m", "mark('missed')", "Missed", id="correct.missed", tooltip="Mark the step missed"
        ),
        Binding(
            "l",
            "cramps",
            "Cramp log",
            id="correct.cramps",
            tooltip="Log or edit this night's cramps",
        ),
        Binding(
            "delete,backspace",
            "forget_step",
            "Delete",
            key_display="del",
            id="correct.delete",
            tooltip="Delete the chosen step's records for this night",
        ),
        Binding(
            "D",
            "forget_cramps",
            "Delete cramps",
            show=False,
            id="correct.delete-cramps",
            tooltip="Delete this night's cramp log and episodes",
        ),
        Binding("escape", "close", "Close", id="correct.close", tooltip="Back to the history"),
    ]
    DEFAULT_CSS = """
    CorrectNight { align: center middle; }
    CorrectNight > Vertical {
        width: 60; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    CorrectNight OptionList { height: auto; max-height: 12; }
    CorrectNight #correct-help { color: $text-muted; }
    """

    def __init__(self, facts: NightFacts) -> None:
        super().__init__()
        self.facts = facts
        self.steps = dict(facts.steps)
        self.changed = False
        self.confirming = False
        """D was pressed once: the next D deletes the cramp log and episodes."""

    @property
    def night(self) -> date:
        return self.facts.night

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]Correct the night of {self.night:%a %d %b %Y}[/b]")
            yield OptionList(*self._options(), id="steps")
            yield Static(f"Cramps: {describe_cramps(self.facts.cramps)}", id="correct-cramps")
            yield Static(
                "d done · s skipped · m missed · del delete · l cramp log · "
                "D delete cramps · esc close",
                id="correct-help",
            )

    def on_mount(self) -> None:
        self.query_one("#steps", OptionList).highlighted = 0

    def _options(self) -> list[Option]:
        titles = {step.id: step.title for step in services(self).settings.routine.steps}
        return [
            Option(
                f"{OUTCOME_MARKS.get(outcome, ' ')} {titles.get(step, step)}: {outcome}", id=step
            )
            for step, outcome in self.steps.items()
        ]

    def _chosen_step(self) -> str | None:
        steps = self.query_one("#steps", OptionList)
        index = steps.highlighted
        return None if index is None else steps.get_option_at_index(index).id

    def _reread(self) -> None:
        """Show the night as the diary now has it."""
        self.changed = True
        self.facts = services(self).session.night(self.night)
        self.steps = dict(self.facts.steps)
        self._redraw_steps()
        self.query_one("#correct-cramps", Static).update(
            f"Cramps: {describe_cramps(self.facts.cramps)}"
        )

    def _redraw_steps(self) -> None:
        steps = self.query_one("#steps", OptionList)
        index = steps.highlighted
        steps.clear_options()
        steps.add_options(self._options())
        steps.highlighted = index

    def action_mark(self, outcome: Outcome) -> None:
        step = self._chosen_step()
        if step is None:
            return
        try:
            services(self).session.record_step(
                self.night, step, outcome, detail={"by": "correction"}
            )
        except CoachError as exc:
            self.notify(f"Not recorded: {exc}", severity="error")
            return
        # The outcome written is the night's outcome now: no need to read it back.
        self.changed = True
        self.steps[step] = outcome
        self._redraw_steps()

    def action_forget_step(self) -> None:
        step = self._chosen_step()
        if step is None:
            return
        self._forget(step=step)

    def action_forget_cramps(self) -> None:
        """Ask first: a night's cramp log is what the doctor's report counts, and one key
        would lose it."""
        if not self.confirming:
            self.confirming = True
            self.notify(
                f"Press D again to delete the cramp log and episodes of the night of "
                f"{self.night:%a %d %b}; any other key keeps them.",
                title="Delete the cramps?",
                severity="warning",
            )
            return
        self._forget(cramps=True)

    def on_key(self, event: events.Key) -> None:
        if event.key != "D":
            self.confirming = False  # anything else but the second D keeps the cramps

    def _forget(self, *, step: str | None = None, cramps: bool = False) -> None:
        self.confirming = False
        try:
            stone = services(self).session.forget(self.night, step=step, cramps=cramps)
        except CoachError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.notify(f"Deleted: {stone.what}. Press u on History to undo.", title="Deleted")
        self._reread()

    def action_cramps(self) -> None:
        def logged(log: CrampLog | None) -> None:
            if log is not None:
                self._reread()

        self.app.push_screen(CheckinScreen(night=self.night), logged)

    def action_close(self) -> None:
        self.dismiss(self.changed)
