"""The home screen: tonight's steps, their states, and the time left to the next one."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from coach.errors import CoachError
from coach.planner import last_slept_night
from coach.settings.model import Settings
from screens.base import CoachFooter, services
from screens.timeline import (
    MARKS,
    NOT_MARKED,
    StepRow,
    build_timeline,
    focus_index,
    last_night_line,
    next_step_line,
    row_label,
    steps_ahead,
)

TICK_SECONDS = 1.0
START_HINT = "w: start my evening, guided step by step as each one's time comes."


class Timeline(OptionList):
    """Tonight's steps in time order: up on the first step and down on the last stay
    where they are (a wrap from the first step of the evening to bedtime reads wrong)."""

    def action_cursor_up(self) -> None:
        if self.highlighted == 0:
            return
        super().action_cursor_up()

    def action_cursor_down(self) -> None:
        if self.highlighted is not None and self.highlighted >= self.option_count - 1:
            return
        super().action_cursor_down()


class TonightScreen(Screen[None]):
    """Tonight's timeline. Enter opens the chosen step."""

    SUB_TITLE = "Tonight"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "w",
            "wind_down",
            "Evening",
            id="wind-down",
            tooltip="Start my evening: coach walks each step with you, to lights out",
            # Named on the screen, under the steps, where a new user reads first.
            show=False,
        ),
        Binding("d", "done", "Done", id="step-done", tooltip="Mark the chosen step done"),
        Binding("x", "skip", "Skip", id="step-skip", tooltip="Mark the chosen step skipped"),
        Binding("h", "app.history", "History", id="history", tooltip="Adherence, streaks, cramps"),
        # Named in the history's line about stretching and in the help, not in the footer.
        Binding(
            "e",
            "experiment",
            "Experiment",
            id="experiment",
            tooltip="Find out whether stretching helps you",
            show=False,
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            id="undo",
            show=False,
            tooltip="Take back the latest change (a step, a cramp log, a cramp)",
        ),
        Binding(
            "U",
            "redo",
            "Redo",
            id="redo",
            show=False,
            tooltip="Put back what undo took",
        ),
        # Named where they apply (a reminder's toast, the last-night line), not in the footer.
        Binding("z", "app.snooze", "Snooze", id="snooze", show=False),
        Binding("m", "app.checkin", "Log cramps", id="checkin", show=False),
        Binding("s", "app.settings", "Settings", id="settings", tooltip="Bedtime, steps, stretch"),
        Binding("q", "app.quit", "Quit", id="quit", tooltip="Leave coach"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[StepRow] = []
        self._labels: list[str] = []
        self._lines: dict[str, str] = {}
        self._shown: tuple[object, ...] = ()
        self._night: date | None = None

    def compose(self) -> ComposeResult:
        # The first view is read here and composed in, so the first paint is also the
        # last one at startup: nothing is cleared and drawn again once mounted.
        lines = {
            "night-line": "",
            "countdown": "",
            "experiment-line": "",
            "start-hint": "",
            "last-night": "",
            **self._read(),
        }
        self._lines = lines
        card = _profile_card(services(self).settings)
        lines["profile-card"] = card
        yield Header()
        with Vertical(id="tonight"):
            yield Static(lines["night-line"], id="night-line")
            yield Static(lines["countdown"], id="countdown")
            yield Timeline(*self._options(), id="timeline")
            yield Static(lines["experiment-line"], id="experiment-line")
            yield Static(lines["start-hint"], id="start-hint")
            yield Static(lines["last-night"], id="last-night")
            profile = Static(card, id="profile-card", markup=False)
            profile.display = bool(card)
            yield profile
        yield CoachFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#timeline", OptionList).highlighted = focus_index(self.rows)
        self._show_experiment_line()
        self.set_interval(TICK_SECONDS, self._tick)
        self._settle_if_due()

    def _tick(self) -> None:
        # Under another full screen nothing here shows, and resuming redraws it; under a
        # dialog it still shows.
        for screen in reversed(self.app.screen_stack):
            if screen is self:
                self.refresh_view()
            if not isinstance(screen, ModalScreen):
                return

    def settings_changed(self) -> None:
        """config.toml changed: the times, steps and bedtime as now set."""
        self.refresh_view()

    def on_screen_resume(self) -> None:
        self.refresh_view()
        self._settle_if_due()

    def _settle_if_due(self) -> None:
        """Bring the experiment up to date once it has work to do (a finished run-in draws
        its plan; after the morning log that ends a pair, an interim look is due): a worker
        does it, so drawing the screen never writes and never waits for the model."""
        try:
            due = services(self).session.experiment_due()
        except CoachError:
            return  # the timeline shows the storage problem
        if due:
            from screens.experiment import settle_in_worker

            settle_in_worker(self, self.refresh_view)

    # --- drawing --------------------------------------------------------------------------

    def _read(self) -> dict[str, str]:
        """Tonight from the clock and the store: sets the rows, returns each line's text."""
        app = services(self)
        settings = app.settings
        now = app.clock.now()
        night = app.tonight()
        session = app.session
        try:
            plan, assigned = session.plan_and_assignment(night)
        except CoachError as exc:
            return {"last-night": f"Cannot read the records: {exc}"}
        # The night slept last, as the morning check-in (m) means it: in the morning that
        # is the night on screen, in the evening the one before.
        slept = last_slept_night(settings, now)
        try:
            outcomes = session.outcomes(night, night)
            last = session.cramp_log(slept)
            episodes = session.episodes(slept)
            forgotten = last is None and not episodes and session.not_remembered(slept)
            paused_until = session.paused_until(night)
        except CoachError as exc:
            return {"last-night": f"Cannot read the records: {exc}"}
        self.rows = build_timeline(plan, settings.routine.steps, outcomes, now)
        self._labels = [row_label(row, plan.bedtime, now) for row in self.rows]
        self._shown = tuple(
            (row.id, label, row.planned.at, row.record)
            for row, label in zip(self.rows, self._labels, strict=True)
        )
        self._night = night
        return {
            "night-line": f"{night:%A %d %B} · bedtime {plan.bedtime:%H:%M} ({settings.timezone})",
            "countdown": next_step_line(self.rows, plan.bedtime, now),
            "experiment-line": assigned.tonight_line() if assigned is not None else "",
            "start-hint": _paused_line(paused_until)
            or (START_HINT if steps_ahead(self.rows) else ""),
            "last-night": last_night_line(last, episodes, settings.tz, forgotten=forgotten),
        }

    def refresh_view(self) -> None:
        """Recompute tonight from the clock and the store; redraw what changed."""
        shown, night = self._shown, self._night
        for line_id, text in self._read().items():
            if self._lines.get(line_id) != text:
                self.query_one(f"#{line_id}", Static).update(text)
                self._lines[line_id] = text
        self._show_experiment_line()
        if self._shown != shown or self._night != night:
            self._redraw_list(reset=self._night != night)
        if night is not None and self._night != night:
            # A new night on screen: a finished run-in may draw its plan, and a look may
            # be due from a morning logged elsewhere (looks follow the logged nights).
            self._settle_if_due()
        card = _profile_card(services(self).settings)
        widget = self.query_one("#profile-card", Static)
        if self._lines.get("profile-card") != card:
            widget.update(card)
            widget.display = bool(card)
            self._lines["profile-card"] = card

    def _show_experiment_line(self) -> None:
        for line in ("experiment-line", "start-hint"):
            self.query_one(f"#{line}", Static).display = bool(self._lines.get(line))

    def _options(self) -> list[Option]:
        options = [
            Option(self._prompt(row, label), id=row.id)
            for row, label in zip(self.rows, self._labels, strict=True)
        ]
        return options or [Option("No steps")]

    def _redraw_list(self, *, reset: bool) -> None:
        timeline = self.query_one("#timeline", OptionList)
        keep = timeline.highlighted
        timeline.clear_options()
        timeline.add_options(self._options())
        if reset or keep is None or keep >= len(self.rows):
            keep = focus_index(self.rows)
        timeline.highlighted = keep

    def _prompt(self, row: StepRow, label: str, *, chosen: bool = False) -> Content:
        style = "$text-muted" if label == NOT_MARKED else _STYLE[row.state]
        if chosen and self.app.current_theme.ansi:
            # The terminal's own colours: its bar is its white or blue, on which its green,
            # grey or default text can all but vanish. The row takes the bar's text colour;
            # the mark and the word still say the state.
            style = ""
        reason = row.record.reason if row.record is not None else None
        # Without colour (NO_COLOR, high contrast, ansi: the app's -marks), the highlight alone
        # would not show which step is chosen: a pointer does.
        pointer = ("\u25b6 " if chosen else "  ") if self.app.has_class("-marks") else ""
        return Content.assemble(
            pointer,
            f"{row.planned.at:%H:%M}  ",
            (f"{MARKS[row.state]} ", f"bold {style}".strip()),
            f"{row.planned.title:<32}",
            (label, style),
            " " if reason else "",
            (f"({reason})" if reason else "", "dim"),
        )

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if not self.app.has_class("-marks") or event.option_list.id != "timeline":
            return
        for index, (row, label) in enumerate(zip(self.rows, self._labels, strict=True)):
            event.option_list.replace_option_prompt_at_index(
                index, self._prompt(row, label, chosen=index == event.option_index)
            )

    def show_due(self, step_id: str) -> None:
        """Select a step a reminder has just announced."""
        self.refresh_view()
        for index, row in enumerate(self.rows):
            if row.id == step_id:
                self.query_one("#timeline", OptionList).highlighted = index

    # --- acting on the chosen step ---------------------------------------------------------

    @property
    def chosen(self) -> StepRow | None:
        index = self.query_one("#timeline", OptionList).highlighted
        if index is None or not 0 <= index < len(self.rows):
            return None
        return self.rows[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        row = self.chosen
        if row is not None:
            self._open(row)

    def open_step(self, step_id: str) -> bool:
        """Choose a step and open it as enter would (a reminder's Open button); False if
        it is not on tonight's plan."""
        self.refresh_view()
        for index, row in enumerate(self.rows):
            if row.id == step_id:
                self.query_one("#timeline", OptionList).highlighted = index
                self._open(row)
                return True
        return False

    def _open(self, row: StepRow) -> None:
        night = services(self).tonight()
        # Imported on first use, to keep startup short.
        from screens.step_card import StepCardScreen
        from screens.stretch_player import StretchScreen

        if row.definition.timed:
            self.app.push_screen(StretchScreen(night, late=row.state == "late"))
        else:
            self.app.push_screen(StepCardScreen(row, night))

    def open_stretches(self) -> None:
        """Open the stretch player for tonight, whichever step is chosen."""
        from screens.stretch_player import StretchScreen

        late = any(row.definition.timed and row.state == "late" for row in self.rows)
        self.app.push_screen(StretchScreen(services(self).tonight(), late=late))

    def action_wind_down(self) -> None:
        """Start my evening: the guided walk through the steps still ahead."""
        from screens.wind_down import WindDownScreen

        self.app.push_screen(WindDownScreen(), callback=lambda _: self.refresh_view())

    def action_experiment(self) -> None:
        from screens.experiment import ExperimentScreen

        self.app.push_screen(ExperimentScreen(), callback=lambda _: self.refresh_view())

    def action_done(self) -> None:
        row = self.chosen
        if row is None:
            return
        app = services(self)
        if app.saved(
            app.session.record_step, app.tonight(), row.id, "done", late=row.state == "late"
        ):
            self.notify(f"{row.planned.title}: done.")
        self.refresh_view()

    def action_undo(self) -> None:
        services(self).undo()
        self.refresh_view()

    def action_redo(self) -> None:
        services(self).redo()
        self.refresh_view()

    def action_skip(self) -> None:
        row = self.chosen
        if row is None:
            return

        def skipped(reason: str | None) -> None:
            if reason is None:
                return
            app = services(self)
            night = app.tonight()
            if app.saved(app.session.record_step, night, row.id, "skipped", reason=reason or None):
                self.notify(f"{row.planned.title}: skipped.")
            self.refresh_view()

        from screens.step_card import SkipReasonScreen

        self.app.push_screen(SkipReasonScreen(row.planned.title), callback=skipped)


def _profile_card(settings: Settings) -> str:
    """The card for what the user told coach about themselves ('' for nothing)."""
    profile = settings.profile
    if not any(profile):
        return ""
    from screens.text import profile_card

    hydration = next((s for s in settings.routine.steps if s.id == "hydration"), None)
    return profile_card(
        pregnant=profile.pregnant,
        hydration_off_for_profile=profile.fluid_limit
        and hydration is not None
        and not hydration.enabled,
        numb_feet=profile.numb_feet,
    )


_STYLE = {
    "upcoming": "$foreground",
    "due": "$warning",
    "late": "$error",
    "done": "$success",
    "skipped": "$text-muted",
    "missed": "$error",
}


def _paused_line(last: date | None) -> str:
    """Tonight's word on a pause: no reminders, until when, and how to end it."""
    if last is None:
        return ""
    return (
        f"Reminders are paused to the night of {last:%a %d %b}; s (Settings) or "
        "`coach pause --undo` turns them back on."
    )
