"""The evening, guided: one screen that walks the steps still ahead, to lights out.

"Start my evening" (w on Tonight), or the screens-off reminder, opens it. It shows the step
whose time has come (or the next one, with the time left until it), what to do, and the
steps after it; it moves on by itself when a step is recorded or the next step's time
comes, says each step aloud with a chime as it falls due (voice as the stretches have it),
opens the stretch player when the stretches fall due, and ends with the sleep-position tip
and a good night. A no-stretch night of the experiment has no stretch step to walk.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Static

from coach.errors import CoachError
from coach.stretch.cues import Cue
from screens.base import CoachFooter, services
from screens.timeline import StepRow, build_timeline, span, steps_ahead

if TYPE_CHECKING:
    from coach.desktop.voice import Speaker

TICK_SECONDS = 1.0
GOOD_NIGHT = "Good night. Sleep well."
IF_A_CRAMP = "If a cramp wakes you, press c: coach guides you through it and logs it."
VOICE_OFF = (
    "Spoken cues are off. Turn them on in Settings (s on tonight's list) to hear each "
    "step as it comes, with the screen away."
)


class EveningView(NamedTuple):
    """What the wind-down shows at one moment: the step in hand and the ones after it."""

    night: date
    bedtime: datetime
    current: StepRow | None
    """The step whose time has come, or the next one; None once the evening is over."""
    later: tuple[StepRow, ...]
    done: int
    """Steps recorded done tonight."""
    unmarked: int
    """Steps whose time has passed with nothing recorded."""
    planned: int
    experiment_line: str

    @property
    def due(self) -> bool:
        """The current step's time has come."""
        return self.current is not None and self.current.state == "due"


def step_cue(row: StepRow) -> Cue:
    """What is said, after a chime, as a step falls due: its title and what to do now."""
    words = row.definition.notification or row.definition.what
    return Cue(text=f"{row.planned.title}. {words}", chime=True)


class WindDownScreen(Screen[None]):
    """The guided evening. Dismisses with None (back to Tonight)."""

    CSS_PATH = ["common.tcss", "wind_down.tcss"]  # noqa: RUF012 (Textual reads it once, never mutates it)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "done", "Done", id="evening-done", tooltip="This step is done"),
        Binding("x", "skip", "Skip", id="evening-skip", tooltip="Skip this step tonight"),
        Binding("z", "snooze", "Later", id="evening-snooze", tooltip="Remind me again in a while"),
        Binding(
            "enter",
            "stretches",
            "Stretches",
            id="evening-stretches",
            tooltip="Open the guided stretches",
        ),
        Binding("escape", "back", "Back", id="evening-back", tooltip="Back to tonight's list"),
    ]

    def __init__(self, *, speaker: Speaker | None = None) -> None:
        super().__init__()
        self.speaker = speaker
        """Where the spoken cues go; built from the settings on mount if None."""
        self._own_speaker = speaker is None
        self.view: EveningView | None = None
        self._announced: set[str] = set()
        """Steps already said aloud as they fell due (each once, unless a reminder repeats)."""
        self._player_opened: set[str] = set()
        self._said_good_night = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="evening"):
            yield Static(id="evening-night")
            yield Static(id="evening-experiment", markup=False)
            with Vertical(id="evening-now"):
                yield Static(id="now-title")
                yield Static(id="now-when")
                yield Static(id="now-what", markup=False)
                yield Static(id="now-keys")
            yield Static(id="evening-later")
        yield CoachFooter(compact=True)

    def on_mount(self) -> None:
        app = services(self)
        self.sub_title = "Your evening"
        if self.speaker is None:
            self.speaker = app.make_speaker()
        self.refresh_view()
        self.set_interval(TICK_SECONDS, self._tick)

    def settings_changed(self) -> None:
        """config.toml changed: new times, and the voice as now set."""
        if self._own_speaker and self.speaker is not None:
            self.speaker.close()
            self.speaker = services(self).make_speaker()
        self.refresh_view()

    def on_unmount(self) -> None:
        if self.speaker is not None:
            self.speaker.close()

    def on_screen_resume(self) -> None:
        self.refresh_view()

    def _tick(self) -> None:
        # Under the stretch player (a full screen) nothing here shows and nothing moves
        # on; under a dialog the steps still move on and are still said.
        for screen in reversed(self.app.screen_stack):
            if screen is self:
                self.refresh_view()
            if not isinstance(screen, ModalScreen):
                return

    # --- reading ---------------------------------------------------------------------------

    def _read(self) -> EveningView:
        app = services(self)
        settings = app.settings
        now = app.clock.now()
        night = app.tonight()
        try:
            plan, assigned = app.session.plan_and_assignment(night)
            outcomes = app.session.outcomes(night, night)
        except CoachError as exc:
            self.notify(f"Cannot read tonight's records: {exc}", severity="error")
            plan, assigned, outcomes = app.session.plan(night), None, {}
        rows = build_timeline(plan, settings.routine.steps, outcomes, now)
        ahead = steps_ahead(rows)
        return EveningView(
            night=night,
            bedtime=plan.bedtime,
            current=ahead[0] if ahead else None,
            later=tuple(ahead[1:]),
            done=sum(row.state == "done" for row in rows),
            unmarked=sum(row.state == "late" for row in rows),
            planned=len(rows),
            experiment_line=assigned.tonight_line() if assigned is not None else "",
        )

    def refresh_view(self) -> None:
        """Read tonight again, move on if a step was recorded or its time came, redraw."""
        view = self._read()
        self.view = view
        self._draw(view)
        self._move_on(view)
        self.refresh_bindings()

    def _move_on(self, view: EveningView) -> None:
        current = view.current
        if current is None:
            if not self._said_good_night:
                self._said_good_night = True
                self._say(Cue(text=GOOD_NIGHT, chime=True))
            return
        if view.due and current.id not in self._announced:
            self._announced.add(current.id)
            self._say(step_cue(current))
            if current.definition.timed and self.is_current:
                # Into the player once; back out of it, enter opens it again.
                self._player_opened.add(current.id)
                self.action_stretches()

    def announce(self, step_id: str) -> None:
        """A reminder for this step came (again, after a snooze): say it once more."""
        view = self._read()
        if view.current is not None and view.current.id == step_id:
            self._announced.add(step_id)
            self._say(step_cue(view.current))

    def _say(self, cue: Cue) -> None:
        if self.speaker is not None:
            self.speaker.cue(cue)

    # --- drawing ---------------------------------------------------------------------------

    def _draw(self, view: EveningView) -> None:
        now = services(self).clock.now()
        tz = services(self).settings.tz
        bed = view.bedtime.astimezone(tz)
        self.query_one("#evening-night", Static).update(
            Content.assemble(
                (f"{view.night:%A %d %B}", "bold"),
                f" · bedtime {bed:%H:%M}",
                f" · {span(view.bedtime - now)} to go" if now < view.bedtime else "",
            )
        )
        experiment = self.query_one("#evening-experiment", Static)
        experiment.update(view.experiment_line)
        experiment.display = bool(view.experiment_line)
        title = self.query_one("#now-title", Static)
        when = self.query_one("#now-when", Static)
        what = self.query_one("#now-what", Static)
        keys = self.query_one("#now-keys", Static)
        later = self.query_one("#evening-later", Static)
        current = view.current
        self.set_class(current is None, "-good-night")
        if current is None:
            title.update(Content.styled(GOOD_NIGHT, "bold"))
            when.update(f"{view.done} of {view.planned} steps done tonight.")
            what.update(IF_A_CRAMP)
            if view.unmarked:
                steps = f"{view.unmarked} step{'s' if view.unmarked != 1 else ''}"
                keys.update(f"{steps} not marked: escape, then d on tonight's list if you did it.")
            else:
                keys.update("escape: back to tonight's list")
            later.update("")
            return
        at = current.planned.at.astimezone(tz)
        title.update(Content.styled(current.planned.title, "bold"))
        if view.due:
            when.update(Content.styled(f"Now · {at:%H:%M}", "bold $warning"))
        else:
            when.update(f"Next, at {at:%H:%M} · in {span(current.planned.at - now)}")
        what.update(current.definition.what)
        if current.definition.timed:
            action = "enter: start the stretches · x skip · z later"
        else:
            action = "d done · x skip · z remind me later"
        keys.update(Content.styled(action, "dim"))
        if view.later:
            lines = [
                f"{row.planned.at.astimezone(tz):%H:%M}  {row.planned.title}" for row in view.later
            ]
            text = "Then\n" + "\n".join(lines)
        else:
            text = "Then: lights out."
        if not services(self).settings.voice.enabled:
            text += "\n\n" + VOICE_OFF
        later.update(text)

    # --- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        current = self.view.current if self.view is not None else None
        if action in ("done", "skip", "snooze"):
            return current is not None
        if action == "stretches":
            return current is not None and current.definition.timed
        return True

    def action_done(self) -> None:
        current = self.view.current if self.view is not None else None
        if current is None:
            return
        app = services(self)
        if current.definition.timed:
            # The stretches are recorded by the player, with the holds done.
            self.action_stretches()
            return
        night = self.view.night if self.view else app.tonight()
        if app.saved(app.session.record_step, night, current.id, "done"):
            self.notify(f"{current.planned.title}: done.")
        self.refresh_view()

    def action_skip(self) -> None:
        current = self.view.current if self.view is not None else None
        if current is None or self.view is None:
            return
        night = self.view.night

        def skipped(reason: str | None) -> None:
            if reason is None:
                return
            app = services(self)
            record = app.session.record_step
            if app.saved(record, night, current.id, "skipped", reason=reason or None):
                self.notify(f"{current.planned.title}: skipped.")
            self.refresh_view()

        from screens.step_card import SkipReasonScreen

        self.app.push_screen(SkipReasonScreen(current.planned.title), callback=skipped)

    def action_snooze(self) -> None:
        current = self.view.current if self.view is not None else None
        if current is None:
            return
        services(self).snooze(current.id)

    def action_stretches(self) -> None:
        current = self.view.current if self.view is not None else None
        if current is None or not current.definition.timed or self.view is None:
            return
        from screens.stretch_player import StretchScreen

        self.app.push_screen(StretchScreen(self.view.night), callback=lambda _: self.refresh_view())

    def action_back(self) -> None:
        self.dismiss(None)
