"""Cramping now: a relief guide with a timer; logs the episode's start, then its details.

One episode writes two "cramp-episode" events with the same `started`: one as it begins
(minutes, severity and leg still None, so a crash or a closed laptop loses nothing) and one
when it has eased. Readers take the latest event for each `started`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Digits, Header, Input, Label, Select, Static

from coach.diary.wording import clock_text
from coach.session import EPISODE, LEGS
from screens.base import CoachFooter, NumberInput, services
from screens.text import CLOT_SIGNS, CRAMP_LIMIT_SECONDS, URGENT_RED_FLAG, relief_steps

TICK_SECONDS = 1.0
MISTAKE_SECONDS = 10.0
"""Closed sooner than this, without "It's eased", the guide was opened by mistake."""


def elapsed_text(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def parse_length(text: str) -> float:
    """How long, as typed: minutes and seconds ('1:30') or minutes ('2', '0.5'); returns
    minutes. ValueError carries a one-line message for the user."""
    text = text.strip().replace(",", ".")
    try:
        if ":" in text:
            whole, _, seconds = text.partition(":")
            if not seconds.isdigit() or len(seconds) != 2 or int(seconds) > 59:
                raise ValueError
            length = int(whole or "0") + int(seconds) / 60
        else:
            length = float(text)
    except ValueError:
        raise ValueError("How long: minutes and seconds like 1:30, or minutes like 2.") from None
    if not 0 <= length <= 1440:
        raise ValueError("How long must be from 0:00 to 1440 minutes.")
    return round(length, 3)


def parse_details(minutes: str, severity: str) -> tuple[float, int | None]:
    """Check the form's text; ValueError carries a one-line message for the user."""
    length = parse_length(minutes)
    if not severity.strip():
        return length, None
    try:
        pain = int(severity.strip())
    except ValueError:
        raise ValueError("Worst pain must be a whole number from 1 to 10.") from None
    if not 1 <= pain <= 10:
        # A cramp hurts: 0 is no cramp at all (as the morning log and the command line say).
        raise ValueError("Worst pain must be from 1 (mild) to 10 (worst imaginable).")
    return length, pain


class CrampScreen(Screen[bool]):
    """The relief guide. Dismisses with True once the episode's details are logged."""

    CSS_PATH = ["common.tcss", "cramp.tcss"]  # noqa: RUF012 (Textual reads it once, never mutates it)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "eased", "It's eased", id="cramp-eased", tooltip="Stop the timer"),
        Binding(
            "escape",
            "close",
            "Close",
            id="cramp-close",
            tooltip="Log the time and go back (within 10 s: opened by mistake, nothing logged)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.started: datetime | None = None
        self.night: date | None = None
        self._start_mono = 0.0
        self._stopped_at: float | None = None
        self.red_flag_shown = False

    def compose(self) -> ComposeResult:
        profile = services(self).settings.profile
        yield Header()
        with VerticalScroll(id="cramp"):
            if profile.pregnant:
                yield Static(CLOT_SIGNS, id="clot-signs")
            yield Static("Cramping now. Try these, as you can:", id="cramp-title")
            steps = relief_steps(profile.numb_feet)
            yield Static(
                "\n".join(f"{n}. {line}" for n, line in enumerate(steps, 1)),
                id="relief",
            )
            yield Digits("0:00", id="cramp-clock")
            yield Static(URGENT_RED_FLAG, id="red-flag")
            with Vertical(id="cramp-form"):
                yield Label("How was it? (enter to save)", classes="heading")
                with Horizontal(classes="form-row"):
                    yield Label("How long, m:ss", classes="form-label")
                    yield NumberInput(
                        id="cramp-minutes", restrict=r"[0-9.,:]*", max_length=7, compact=True
                    )
                with Horizontal(classes="form-row"):
                    yield Label("Worst pain 1-10", classes="form-label")
                    yield NumberInput(
                        id="cramp-severity", restrict=r"[0-9]*", max_length=2, compact=True
                    )
                with Horizontal(classes="form-row"):
                    yield Label("Leg", classes="form-label")
                    yield Select(
                        [(leg, leg) for leg in LEGS],
                        id="cramp-leg",
                        prompt="which leg?",
                        compact=True,
                    )
                yield Static(id="cramp-error", markup=False)
                yield Button("Save", id="cramp-save", variant="primary")
        yield CoachFooter()

    def on_mount(self) -> None:
        app = services(self)
        self.sub_title = "Cramping now"
        self.started = app.clock.now()
        self.night = app.tonight()  # both events on the night the cramp began
        self._start_mono = app.clock.monotonic()
        self.query_one("#red-flag").display = False
        self.query_one("#cramp-form").display = False
        self._record(self._data(None, None, None))
        self.set_interval(TICK_SECONDS, self.tick)

    def _record(self, data: dict[str, Any]) -> bool:
        """Write the episode's event on the night it began; False (and said) if not saved."""
        app = services(self)
        night = self.night or app.tonight()
        return app.saved(app.session.add_event, night, EPISODE, data) is not None

    def _data(self, minutes: float | None, severity: int | None, leg: str | None) -> dict[str, Any]:
        assert self.started is not None
        return {
            "started": self.started.isoformat(),
            "minutes": minutes,
            "severity": severity,
            "leg": leg,
        }

    def elapsed(self) -> float:
        end = self._stopped_at if self._stopped_at is not None else services(self).clock.monotonic()
        return max(0.0, end - self._start_mono)

    def tick(self) -> None:
        seconds = self.elapsed()
        self.query_one("#cramp-clock", Digits).update(elapsed_text(seconds))
        if seconds > CRAMP_LIMIT_SECONDS and not self.red_flag_shown:
            # Saved now, still going: the save's red-flag check raises (and keeps) the
            # flag while the cramp lasts.
            ongoing = {**self._data(round(seconds / 60, 3), None, None), "ongoing": True}
            self._record(ongoing)
            self._show_red_flag()

    def _show_red_flag(self) -> None:
        if not self.red_flag_shown:
            self.red_flag_shown = True
            self.query_one("#red-flag").display = True

    @property
    def form_open(self) -> bool:
        return bool(self.query_one("#cramp-form").display)

    def action_eased(self) -> None:
        if self.form_open:
            return
        self.tick()
        self._stopped_at = services(self).clock.monotonic()
        # The relief steps and the running clock have done their work: the form takes
        # their place, so it fits, Save included, on a small terminal (80x24).
        self.query_one("#relief").display = False
        self.query_one("#cramp-clock").display = False
        self.query_one("#cramp-title", Static).update("It eased.")
        self.query_one("#cramp-form").display = True
        self.query_one("#cramp-minutes", Input).value = clock_text(self.elapsed())
        self.query_one("#cramp-severity", Input).focus()
        self.call_after_refresh(self.query_one("#cramp-save").scroll_visible, animate=False)

    def on_select_changed(self, event: Select.Changed) -> None:
        # A leg chosen: on to Save, so the next enter saves instead of opening the list again.
        if event.select.id == "cramp-leg" and isinstance(event.value, str):
            self.query_one("#cramp-save", Button).focus()

    def action_close(self) -> None:
        if not self.form_open and self.elapsed() < MISTAKE_SECONDS:
            # Opened by mistake (c is one key from anywhere): take back the started episode.
            data = {**self._data(None, None, None), "cancelled": True}
            if self._record(data):
                self.notify("Closed: no cramp logged.")
            self.dismiss(False)
            return
        if not self.form_open:
            self.action_eased()
        self._save(details=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save(details=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._save(details=True)

    def _save(self, *, details: bool) -> None:
        timed = clock_text(self.elapsed())
        minutes_text = self.query_one("#cramp-minutes", Input).value if details else timed
        severity_text = self.query_one("#cramp-severity", Input).value if details else ""
        try:
            minutes, severity = parse_details(minutes_text, severity_text)
        except ValueError as bad:
            self.query_one("#cramp-error", Static).update(str(bad))
            return
        leg_value = self.query_one("#cramp-leg", Select).value if details else None
        leg = leg_value if isinstance(leg_value, str) else None
        if self._record(self._data(minutes, severity, leg)):
            self.notify(f"Cramp logged: {clock_text(minutes * 60)}.")
        if minutes * 60 > CRAMP_LIMIT_SECONDS:
            self._show_red_flag()
        self._ask_signs()

    def _ask_signs(self) -> None:
        """The episode is saved; the urgent-signs checklist ends the guide."""
        from screens.urgent_signs import UrgentSignsScreen, save_signs

        night = self.night
        assert night is not None

        def answered(signs: frozenset[str] | None) -> None:
            app = self.app
            self.dismiss(True)
            save_signs(app, night, signs)

        self.app.push_screen(UrgentSignsScreen(night), answered)
