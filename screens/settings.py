"""First-run setup and the settings screen: the same form, written to config.toml."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, Select, Static

from coach.errors import CoachError
from coach.settings.model import VARIANTS, Settings, bedtime_question, format_value
from screens.base import CoachFooter, services
from screens.text import NOT_MEDICAL_ADVICE

COLOURS: dict[str, str] = {
    "textual-dark": "dark (default)",
    "textual-light": "light",
    "high-contrast": "high contrast",
    "ansi-dark": "terminal's, dark",
    "ansi-light": "terminal's, light",
}
"""The themes Settings offers, with their names in the form."""

WEEKEND = ("fri", "sat")
"""Evenings before a day off: their bedtimes are the "weekend" ones."""
TIME_RESTRICT = r"[0-9:]*"
STRETCH_KEYS = ("hold_seconds", "reps", "rest_seconds")
STRETCH_FIELDS = (
    ("hold_seconds", "Hold (seconds)"),
    ("reps", "Times per leg"),
    ("rest_seconds", "Rest (seconds)"),
)
"""The stretch player's numbers Settings offers, with their labels."""


def pause_nights(text: str) -> int | None:
    """The form's pause field: None when left empty, else the nights (0 ends a pause);
    ValueError with the line to show for anything else."""
    from coach.planner import MAX_PAUSE_NIGHTS

    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > MAX_PAUSE_NIGHTS:
        raise ValueError(
            f"Pause reminders: a number of nights from 1 to {MAX_PAUSE_NIGHTS} "
            "(0 ends a pause), or leave it empty"
        )
    return int(text)


class OnOff(Select[str]):
    """A yes/no choice that reads as words, so it stays clear without colour (NO_COLOR)."""

    def __init__(self, value: bool, *, id: str) -> None:
        super().__init__(
            [("on", "on"), ("off", "off")],
            value="on" if value else "off",
            allow_blank=False,
            compact=True,
            id=id,
            classes="on-off",
        )

    @property
    def is_on(self) -> bool:
        return self.value == "on"


def form_changes(
    settings: Settings,
    *,
    bedtime: str,
    weekend: str,
    timezone: str,
    variant: str,
    notifications: bool,
    bell: bool | None = None,
    steps: dict[str, tuple[str, bool]] | None = None,
    profile: dict[str, bool] | None = None,
    voice: bool | None = None,
    stretch: tuple[str, str, str] | None = None,
) -> list[tuple[str, str | None]]:
    """The config keys the form's values change (None removes a key)."""
    changes: list[tuple[str, str | None]] = []
    # A field left as it was writes nothing, so what the profile changes (hydration off,
    # the seated stretches) follows the profile rather than the form's old value.
    for name, value in (profile or {}).items():
        if value != getattr(settings.profile, name):
            changes.append((f"profile.{name}", format_value(value)))
    if bedtime.strip() != format_value(settings.bedtime):
        changes.append(("bedtime", bedtime.strip()))
    for day in WEEKEND:
        current = settings.bedtime_by_weekday.get(day)
        if weekend.strip():
            if current is None or format_value(current) != weekend.strip():
                changes.append((f"bedtime_by_weekday.{day}", weekend.strip()))
        elif current is not None:
            changes.append((f"bedtime_by_weekday.{day}", None))
    if timezone.strip() != settings.timezone:
        changes.append(("timezone", timezone.strip()))
    if variant != settings.stretch.variant:
        changes.append(("stretch.variant", variant))
    if notifications != settings.notifications.enabled:
        changes.append(("notifications.enabled", format_value(notifications)))
    if bell is not None and bell != settings.stretch.bell:
        changes.append(("stretch.bell", format_value(bell)))
    if voice is not None and voice != settings.voice.enabled:
        changes.append(("voice.enabled", format_value(voice)))
    if stretch is not None:
        numbers = settings.stretch
        for key, typed, old in zip(
            STRETCH_KEYS,
            stretch,
            (numbers.hold_seconds, numbers.reps, numbers.rest_seconds),
            strict=True,
        ):
            if typed.strip() != str(old):
                changes.append((f"stretch.{key}", typed.strip()))
    for step in settings.routine.steps:
        if steps is None or step.id not in steps:
            continue
        offset, enabled = steps[step.id]
        if offset.strip() != str(step.offset_minutes):
            changes.append((f"steps.{step.id}.offset_minutes", offset.strip()))
        if enabled != step.enabled:
            changes.append((f"steps.{step.id}.enabled", format_value(enabled)))
    return changes


PROFILE_QUESTIONS: tuple[tuple[str, str], ...] = (
    (
        "fluid_limit",
        "A doctor limits my fluids, or I have heart, kidney or liver disease, or low sodium",
    ),
    ("pregnant", "I am pregnant"),
    ("trouble_standing", "Standing or balancing is hard for me"),
    ("numb_feet", "My feet are numb (for example from diabetes)"),
)
"""Asked at first run and in Settings, all optional (CONTENT.md: who should adapt)."""


class SettingsScreen(Screen[bool]):
    """Bedtime, time zone, stretch variant, notifications (and later each step).

    Dismisses with True when saved, False when left without saving.
    """

    CSS_PATH = "common.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="settings-save", tooltip="Write config.toml"),
        Binding("escape", "cancel", "Back", id="settings-cancel", tooltip="Leave without saving"),
    ]

    def __init__(self, *, first_run: bool = False) -> None:
        super().__init__()
        self.first_run = first_run
        self._confirmed_bedtime: str | None = None
        """A morning bedtime asked about once: saving it again keeps it."""

    def compose(self) -> ComposeResult:
        settings = services(self).settings
        weekend = settings.bedtime_by_weekday.get("fri") or settings.bedtime_by_weekday.get("sat")
        yield Header()
        # The welcome form is set closer (-welcome), so that all of it fits 80x24.
        welcome = "-welcome" if self.first_run else ""
        with VerticalScroll(id="settings", classes=welcome):
            if self.first_run:
                yield Static(
                    "Welcome. coach times an evening routine for night-time leg cramps "
                    "from your bedtime. A few questions first (change them later with s).",
                    id="welcome",
                )
                yield Static(NOT_MEDICAL_ADVICE, id="disclaimer")
            yield self._row(
                "Bedtime",
                Input(
                    format_value(settings.bedtime),
                    compact=True,
                    id="bedtime",
                    restrict=TIME_RESTRICT,
                    max_length=5,
                ),
            )
            yield self._row(
                "Fri and Sat bedtime",
                Input(
                    format_value(weekend) if weekend else "",
                    placeholder="same",
                    compact=True,
                    id="weekend",
                    restrict=TIME_RESTRICT,
                    max_length=5,
                ),
            )
            yield self._row("Time zone", Input(settings.timezone, id="timezone", compact=True))
            yield self._row(
                "Stretches",
                Select(
                    [(name, name) for name in VARIANTS],
                    value=settings.stretch.variant,
                    allow_blank=False,
                    compact=True,
                    id="variant",
                ),
            )
            yield self._row(
                "Desktop reminders", OnOff(settings.notifications.enabled, id="notifications")
            )
            # Spoken cues let the stretches be followed facing a wall, screens away.
            yield self._row("Spoken cues", OnOff(settings.voice.enabled, id="voice"))
            yield Label("About you (optional; the routine adapts)", classes="heading")
            for name, question in PROFILE_QUESTIONS:
                with Horizontal(classes="form-row"):
                    yield OnOff(getattr(settings.profile, name), id=f"profile-{name}")
                    yield Label(question, classes="profile-question")
            if not self.first_run:
                yield self._row("Colours", self._colours())
                yield self._row("Chime in stretches", OnOff(settings.stretch.bell, id="bell"))
                for key, label in STRETCH_FIELDS:
                    yield self._row(
                        label,
                        Input(
                            str(getattr(settings.stretch, key)),
                            id=f"stretch-{key}",
                            restrict=r"[0-9]*",
                            max_length=3,
                            classes="offset",
                            compact=True,
                        ),
                    )
                yield self._row(
                    "Pause reminders",
                    Input(
                        "",
                        placeholder=self._pause_placeholder(),
                        id="pause-nights",
                        restrict=r"[0-9]*",
                        max_length=3,
                        compact=True,
                    ),
                )
                yield Label("Steps: minutes from bedtime (negative is before), on/off")
                for step in settings.routine.steps:
                    with Horizontal(classes="form-row"):
                        yield Label(step.title, classes="form-label")
                        yield Input(
                            str(step.offset_minutes),
                            id=f"offset-{step.id}",
                            restrict=r"-?[0-9]*",
                            max_length=4,
                            classes="offset",
                            compact=True,
                        )
                        yield OnOff(step.enabled, id=f"enabled-{step.id}")
        # Outside the scrolling form, so Save is in view on a small terminal too.
        with Vertical(id="settings-actions", classes=welcome):
            yield Static(id="settings-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Not now" if self.first_run else "Back", id="cancel", compact=True)
        yield CoachFooter()

    def _pause_placeholder(self) -> str:
        """What the pause field says while empty: the pause running, or what to type."""
        app = services(self)
        try:
            last = app.session.paused_until(app.tonight())
        except CoachError:
            last = None
        if last is None:
            return "nights, from tonight"
        return f"to {last:%a %d %b}; 0 ends it"

    def _colours(self) -> Select[str]:
        """The themes offered by name: high contrast, the terminal's own colours (whose
        palette may be a high-contrast one of the desktop), coach's dark and light; any
        other theme chosen in the command palette stays listed."""
        choices = dict(COLOURS)
        current = self.app.theme
        choices.setdefault(current, current)
        return Select(
            [(label, name) for name, label in choices.items()],
            value=current,
            allow_blank=False,
            compact=True,
            id="theme",
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        # Colours apply at once, and are remembered (CoachApp.watch_theme), as a theme
        # chosen in the command palette is.
        if event.select.id == "theme" and isinstance(event.value, str):
            self.app.theme = event.value

    @staticmethod
    def _row(label: str, field: Input | Select[str]) -> Horizontal:
        return Horizontal(Label(label, classes="form-label"), field, classes="form-row")

    def on_mount(self) -> None:
        self.sub_title = "Welcome" if self.first_run else "Settings"
        self.query_one("#bedtime", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        app = services(self)
        settings = app.settings
        steps: dict[str, tuple[str, bool]] | None = None
        bell: bool | None = None
        stretch: tuple[str, str, str] | None = None
        pause: int | None = None
        if not self.first_run:
            bell = self.query_one("#bell", OnOff).is_on
            hold, reps, rest = (
                self.query_one(f"#stretch-{key}", Input).value for key in STRETCH_KEYS
            )
            stretch = (hold, reps, rest)
            try:
                pause = pause_nights(self.query_one("#pause-nights", Input).value)
            except ValueError as exc:
                self._show_error(str(exc))
                return
            steps = {
                step.id: (
                    self.query_one(f"#offset-{step.id}", Input).value,
                    self.query_one(f"#enabled-{step.id}", OnOff).is_on,
                )
                for step in settings.routine.steps
            }
        variant = self.query_one("#variant", Select).value
        changes = form_changes(
            settings,
            bedtime=self.query_one("#bedtime", Input).value,
            weekend=self.query_one("#weekend", Input).value,
            timezone=self.query_one("#timezone", Input).value,
            variant=variant if isinstance(variant, str) else settings.stretch.variant,
            notifications=self.query_one("#notifications", OnOff).is_on,
            bell=bell,
            steps=steps,
            profile={
                name: self.query_one(f"#profile-{name}", OnOff).is_on
                for name, _ in PROFILE_QUESTIONS
            },
            voice=self.query_one("#voice", OnOff).is_on,
            stretch=stretch,
        )
        if self.first_run:
            # Write what was confirmed, so the file exists and a later change of the
            # system's zone does not silently move the routine.
            for key, value in (
                ("bedtime", format_value(settings.bedtime)),
                ("timezone", settings.timezone),
            ):
                if key not in dict(changes):
                    changes.append((key, value))
        for key, changed in changes:
            if key == "bedtime" or key.startswith("bedtime_by_weekday."):
                question = bedtime_question(changed or "")
                if question is not None and changed != self._confirmed_bedtime:
                    # Asked once; saving again with the same time confirms it.
                    self._confirmed_bedtime = changed
                    self._show_error(f"{question} Save again to keep {changed}.")
                    return
        error = app.apply_settings(changes)
        if error is not None:
            self._show_error(error)
            return
        said = "Settings saved." if changes else "Nothing changed."
        if pause is not None:
            paused = app.pause_reminders(pause)
            if paused is None:
                return  # the store's error is said; the form stays
            said = f"{said} {paused}" if changes else paused
        self.notify(said)
        self.dismiss(True)

    def _show_error(self, error: str) -> None:
        shown = self.query_one("#settings-error", Static)
        shown.update(error)
        shown.display = True

    def action_cancel(self) -> None:
        self.dismiss(False)
