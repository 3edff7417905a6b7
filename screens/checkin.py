"""The morning check-in: last night's cramps in a few keys, or "no cramps" in one.

On a night that already has a log, the form opens filled in with it and says so: saving
replaces that log with what the form shows, and nothing is lost without being seen.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, RadioSet, Static

from coach.diary.checkin import Prefill, prefill
from coach.diary.wording import duration_text, night_label
from coach.errors import CoachError
from coach.safety.rules import questions_due, record_answers
from coach.session import BANDS, LEGS, MUSCLES, CrampLog, FewerThanEpisodes
from screens.base import CoachFooter, CoachModal, NumberInput, services
from screens.choice import Choice

if TYPE_CHECKING:
    from coach.session import Session

_Option = TypeVar("_Option", bound=str)
WEEKLY_QUESTIONS = (
    ("walking_pain", "Leg pain on walking that eases at rest?"),
    ("elsewhere", "Cramps anywhere other than the legs?"),
)
"""Asked at most once a week: the red flags a note alone rarely shows (CONTENT.md)."""


class CheckinScreen(CoachModal[CrampLog | None]):
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

    def __init__(self, night: date | None = None) -> None:
        super().__init__()
        self._night = night
        self.existing: CrampLog | None = None
        """The night's log when the form opened: what saving replaces."""
        self.opened = Prefill(log=None, episodes=())
        """What the form opened with: the night's log and its cramps logged at night."""
        self.ask_questions = False
        """Whether the weekly safety questions are on the form (at most once a week)."""

    @property
    def night(self) -> date:
        assert self._night is not None, "set on mount"
        return self._night

    def compose(self) -> ComposeResult:
        diary = services(self).session
        if self._night is None:
            self._night = diary.last_slept()
        try:
            self.opened = prefill(diary, self.night)
            self.existing = self.opened.log
            self.ask_questions = questions_due(diary, _today(diary))
        except CoachError:
            self.existing = None  # the save will say what is wrong with the store
        log = self.existing
        at_night = self.opened.words(diary.settings.tz)
        with Vertical(id="dialog"):
            if log is None and at_night:
                yield Static(f"How was the night of {night_label(self.night)}?", id="title")
                hint = f"{at_night} Add what you remember and save (ctrl+s)."
            elif log is None:
                yield Static(f"How was the night of {night_label(self.night)}?", id="title")
                hint = "No cramps? Press [b]n[/b]. Otherwise fill in what you remember."
            else:
                yield Static(f"Editing the log of {night_label(self.night)}", id="title")
                hint = "Change what is wrong and save; [b]n[/b] makes it a night without cramps."
            yield Static(hint, id="hint")
            with VerticalScroll(id="form"):
                with Horizontal(classes="row"):
                    yield Label("How many cramps", classes="label")
                    yield _number("count", self.opened.cramps, "e.g. 2")
                with Horizontal(classes="row"):
                    yield Label("Worst pain, 1-10", classes="label")
                    yield _number("pain", log.severity if log else None, "1 mild - 10 worst")
                with Horizontal(classes="row"):
                    yield Label("Longest cramp, min", classes="label")
                    yield _radios("longest", BANDS, log.band if log else None)
                if log is not None and log.band is None and log.minutes is not None:
                    yield Static(
                        f"Logged as {duration_text(log)}: kept unless you pick a band.",
                        id="kept-minutes",
                    )
                with Horizontal(classes="row"):
                    yield Label("Which leg", classes="label")
                    yield _radios("leg", LEGS, log.leg if log else None)
                with Horizontal(classes="row"):
                    yield Label("Which muscle", classes="label")
                    yield _radios("muscle", MUSCLES, log.muscle if log else None)
                with Horizontal(classes="row"):
                    yield Label("Sleep disturbed, 0-10", classes="label")
                    yield _number(
                        "disturbance", log.disturbance if log else None, "0 not at all - 10 badly"
                    )
                with Horizontal(classes="row"):
                    yield Label("Note (optional)", classes="label")
                    yield Input(
                        log.notes if log else "",
                        placeholder="e.g. a new medicine, numbness",
                        id="note",
                        compact=True,
                    )
                if self.ask_questions:
                    yield Static("Once a week (optional):", classes="weekly")
                    for question_id, question in WEEKLY_QUESTIONS:
                        with Horizontal(classes="row"):
                            yield Label(question, classes="question")
                            yield RadioSet(
                                Choice("yes"), Choice("no"), id=question_id, compact=True
                            )
            yield Static("", id="error")
            with Horizontal(id="buttons"):
                yield Button("No cramps (n)", id="none", variant="success", compact=True)
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Later (esc)", id="later", compact=True)
        yield CoachFooter()  # its own keys, not Tonight's under it

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

    def _pain(self) -> int | None:
        """The worst pain, 1 to 10 as the field says; a 0 goes on to the session, which
        says why a cramp's worst pain is not 0 (as the command line does)."""
        try:
            return self._number("pain", "Worst pain", 0, 10)
        except CoachError:
            raise CoachError("Worst pain must be from 1 (mild) to 10 (worst)") from None

    def _choice(self, widget_id: str, options: tuple[_Option, ...]) -> _Option | None:
        index = self.query_one(f"#{widget_id}", RadioSet).pressed_index
        return options[index] if index >= 0 else None

    def _record(self) -> CrampLog:
        count = self._number("count", "The number of cramps", 0, 50)
        if count is None:
            raise CoachError("say how many cramps, or press n for a night without")
        band = self._choice("longest", BANDS)
        kept = self.existing.minutes if self.existing and band is None else None
        return (
            services(self)
            .session.log_cramps(
                self.night,
                count,
                severity=self._pain(),
                band=band if count else None,
                minutes=kept if count else None,
                leg=self._choice("leg", LEGS) if count else None,
                disturbance=self._number("disturbance", "Sleep disturbance", 0, 10),
                notes=self.query_one("#note", Input).value,
                muscle=self._choice("muscle", MUSCLES) if count else None,
            )
            .log
        )

    # --- actions ------------------------------------------------------------------------

    def action_no_cramps(self) -> None:
        note = self.query_one("#note", Input).value
        disturbance = None
        try:
            disturbance = self._number("disturbance", "Sleep disturbance", 0, 10)
            log = services(self).session.log_cramps(
                self.night, 0, notes=note, disturbance=disturbance
            )
        except FewerThanEpisodes:
            self._say_episodes(0)
            return
        except CoachError as exc:
            self.query_one("#error", Static).update(str(exc))
            return
        self._ask_signs(log.log)

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
        diary = services(self).session
        record_answers(diary, self.night, _today(diary), walking_pain=walking, elsewhere=elsewhere)

    def _say_episodes(self, count: int) -> None:
        """A count below the cramps logged at night: say what was logged, and ask."""
        episodes = services(self).session.episodes(self.night)
        n = len(episodes)
        said = "no cramps" if count == 0 else f"only {count}"
        tz = services(self).settings.tz
        self.query_one("#error", Static).update(
            f"{Prefill(log=None, episodes=tuple(episodes)).words(tz)} Not saved as {said}: "
            f"enter {n} or more and save, or take a cramp back (u on Tonight)."
        )

    def action_save(self) -> None:
        try:
            log = self._record()
            self._record_answers()
        except FewerThanEpisodes:
            self._say_episodes(self._number("count", "The number of cramps", 0, 50) or 0)
            return
        except CoachError as exc:
            self.query_one("#error", Static).update(str(exc))
            return
        self._ask_signs(log)

    def _ask_signs(self, log: CrampLog) -> None:
        """The log is saved; the urgent-signs checklist ends it, then the check-in closes."""
        from screens.urgent_signs import UrgentSignsScreen, save_signs

        def answered(signs: frozenset[str] | None) -> None:
            app, night = self.app, self.night
            self.dismiss(log)
            save_signs(app, night, signs)

        self.app.push_screen(UrgentSignsScreen(self.night), answered)

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


def _today(diary: Session) -> date:
    return diary.now().astimezone(diary.settings.tz).date()


def _number(widget_id: str, value: int | None, placeholder: str) -> NumberInput:
    """A whole-number field, holding the logged value if there is one."""
    return NumberInput(
        "" if value is None else str(value),
        placeholder=placeholder,
        type="integer",
        id=widget_id,
        compact=True,
    )


def _radios(widget_id: str, options: tuple[str, ...], chosen: str | None) -> RadioSet:
    """A row of choices with the logged one pressed."""
    buttons = [Choice(option, value=option == chosen) for option in options]
    return RadioSet(*buttons, id=widget_id, compact=True)
