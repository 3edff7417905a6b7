"""The guided stretch player: renders a StretchSession and records what was done."""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Digits, Header, Label, ProgressBar, Static

from coach.session import Outcome
from coach.settings.model import Variant
from coach.stretch.cues import Cue, SessionCues
from coach.stretch.player import EXTRA_SECONDS, Slot, StretchSession
from screens.base import CoachFooter, CoachModal, services
from screens.big_text import BigCountdown

if TYPE_CHECKING:
    from coach.desktop.voice import Speaker

TICK_SECONDS = 0.1
"""How often the countdown is redrawn; its value comes from the deadline, not from this."""


def countdown_text(seconds: float) -> str:
    """Whole seconds left, rounded up so '1' shows until the very end: '9', '1:05'."""
    whole = math.ceil(round(seconds, 3))
    return f"{whole // 60}:{whole % 60:02d}" if whole >= 60 else str(whole)


def short_name(slot: Slot) -> str:
    """The exercise's name without its bracketed variant: 'Calf stretch'."""
    return slot.exercise.name.split(" (")[0]


def describe(slot: Slot, reps: int) -> str:
    leg = f" · {slot.leg} leg" if slot.leg else ""
    return f"{slot.exercise.name}{leg} · rep {slot.rep} of {reps}"


class StretchScreen(Screen[Outcome | None]):
    """Guided stretches. Dismisses with the outcome recorded ('done', 'skipped') or None."""

    CSS_PATH = ["common.tcss", "stretch_player.tcss"]  # noqa: RUF012 (Textual reads it once, never mutates it)

    BINDINGS: ClassVar[list[BindingType]] = [
        # One key, three meanings; check_action shows the one that applies.
        Binding("space", "start", "Start", id="stretch-start", tooltip="Start the first hold"),
        Binding("space", "pause", "Pause", id="stretch-pause", tooltip="Pause the countdown"),
        Binding("space", "resume", "Resume", id="stretch-resume", tooltip="Carry on"),
        Binding("n", "skip_exercise", "Skip", id="stretch-skip", tooltip="Next exercise"),
        Binding(
            "plus,equals_sign",
            "add_time",
            "10 s",
            key_display="+",
            id="stretch-add",
            tooltip="Hold or rest 10 seconds longer",
        ),
        Binding(
            "v",
            "variant",
            "Variant",
            id="stretch-variant",
            tooltip="Switch between standing and seated stretches",
        ),
        Binding(
            "f",
            "full_screen",
            "Big",
            # Not in the footer, which is full at 80 columns; the line before the start and
            # the help name it.
            show=False,
            id="stretch-full",
            tooltip="Numbers that fill the terminal, to follow from across the room",
        ),
        Binding(
            "escape", "stop", "Stop", id="stretch-stop", tooltip="Stop and record what you did"
        ),
    ]

    def __init__(self, night: date, *, late: bool = False, speaker: Speaker | None = None) -> None:
        super().__init__()
        self.night = night
        self.late = late
        self.session: StretchSession | None = None
        self.cues: SessionCues | None = None
        self.speaker = speaker
        """Where cues go (voice, chime or bell); built from the settings on mount if None."""
        self._own_speaker = speaker is None
        self.recorded: Outcome | None = None
        """The outcome recorded, once it is."""
        self.asking = False
        """The stop question is open and not answered yet."""
        self.ended_short = False
        """The last exercise was skipped short of its holds: recorded only as answered."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="player"):
            yield Static(id="exercise")
            yield Static(id="phase")
            yield Digits(id="clock")
            yield ProgressBar(total=1.0, show_eta=False, show_percentage=False, id="bar")
            yield Static(id="status")
            yield Static(id="instructions")
        yield BigCountdown(id="big")
        yield CoachFooter(compact=True)  # its many keys must fit in 80 columns

    def on_mount(self) -> None:
        app = services(self)
        self.session = StretchSession(app.settings.routine, app.settings.stretch, app.clock)
        self.cues = SessionCues(self.session)
        if self.speaker is None:
            self.speaker = app.make_speaker()
        self.sub_title = "Stretches"
        self.redraw()
        self.set_interval(TICK_SECONDS, self.tick)

    def settings_changed(self) -> None:
        """config.toml changed: before the first hold, the session takes the new holds,
        reps and rests, and the cues the new voice; a session under way keeps its own."""
        session = self.session
        if session is None or session.started:
            return
        app = services(self)
        self.session = StretchSession(app.settings.routine, app.settings.stretch, app.clock)
        self.cues = SessionCues(self.session)
        if self._own_speaker:
            if self.speaker is not None:
                self.speaker.close()
            self.speaker = app.make_speaker()
        self._changed()

    def on_screen_suspend(self) -> None:
        # Another screen on top (a cramp, help): the user is not stretching, so hold still.
        if self.session is not None:
            self.session.pause()
            self.refresh_bindings()

    def on_unmount(self) -> None:
        if self.speaker is not None:
            self.speaker.close()

    def _say(self, cue: Cue) -> None:
        if self.speaker is not None:
            self.speaker.cue(cue)

    @property
    def _cues(self) -> SessionCues:
        assert self.cues is not None, "the cues are built on mount"
        return self.cues

    @property
    def _session(self) -> StretchSession:
        assert self.session is not None, "the session is built on mount"
        return self.session

    # --- time -------------------------------------------------------------------------------

    def tick(self) -> None:
        """Advance the session to the clock's time; cue each change; finish at the end."""
        session = self._session
        for cue in self._cues.after_tick(session.tick()):
            self._say(cue)
        if session.finished and session.started and self.is_current and not self.ended_short:
            self._finish()
            return
        self.redraw()

    def redraw(self) -> None:
        session = self._session
        slot = session.slot
        if slot is None:
            # "All done" only when every hold was: the last exercise skipped leaves it short.
            done, planned = session.holds_done, session.holds_planned
            said = (
                "All stretches done."
                if done >= planned
                else f"No stretch left: {done} of {planned} holds done."
            )
            self.query_one("#exercise", Static).update(said)
            self.query_one("#phase", Static).update("")
            self.query_one("#instructions", Static).update("")
            self.query_one("#status", Static).update("esc: record tonight's stretches")
            self.query_one("#big", BigCountdown).show("Done", "", "0", said)
            return
        self.query_one("#exercise", Static).update(describe(slot, session.reps))
        if session.phase in ("hold", "ready"):
            phase = "Hold the stretch" if session.phase == "hold" else "Get into position"
            steps = slot.exercise.instructions
            instructions = "\n".join(f"{n}. {line}" for n, line in enumerate(steps, 1))
        else:
            after = session.next_slot
            phase = "Rest"
            instructions = "Relax and breathe." + (
                f"\nNext: {describe(after, session.reps)}" if after else ""
            )
        self.query_one("#phase", Static).update(phase)
        self.query_one("#clock", Digits).update(countdown_text(session.remaining()))
        bar = self.query_one("#bar", ProgressBar)
        bar.update(total=session.duration, progress=session.duration * session.fraction_done())
        if not session.started:
            status = "Get into position, then press space to start. f: big countdown."
        elif session.paused:
            status = "Paused. Press space to carry on."
        else:
            status = (
                f"{session.holds_done} of {session.holds_planned} holds done · {session.variant}"
            )
        self.query_one("#status", Static).update(status)
        self.query_one("#instructions", Static).update(instructions)
        self._redraw_big(slot)
        self.set_class(session.phase in ("rest", "ready"), "-rest")
        self.set_class(session.paused, "-paused")

    def _redraw_big(self, slot: Slot) -> None:
        session = self._session
        if session.phase == "rest":
            after = session.next_slot
            title, phase = ("Rest", f"next {short_name(after)}" if after else "")
            if after is not None:
                phase = f"next: {after.leg} leg" if after.exercise == slot.exercise else phase
        else:
            title = short_name(slot)
            what = "hold" if session.phase == "hold" else "get ready"
            phase = f"{slot.leg} leg {what}" if slot.leg else what
        if session.paused or not session.started:
            phase = "paused" if session.paused else "press space"
        status = f"Rep {slot.rep} of {session.reps} · {len(session.completed)} of "
        status += f"{len(session.slots)} holds done · f: normal view"
        big = self.query_one("#big", BigCountdown)
        big.show(title, phase, countdown_text(session.remaining()), status)

    # --- keys -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        session = self.session
        if session is None or action not in ("start", "pause", "resume"):
            return True
        wanted = "start" if not session.started else "resume" if session.paused else "pause"
        return action == wanted

    def action_start(self) -> None:
        self._session.start()
        self._say(self._cues.started())
        self._changed()

    def action_pause(self) -> None:
        self._session.pause()
        self._say(self._cues.paused())
        self._changed()

    def action_resume(self) -> None:
        self._session.resume()
        self._say(self._cues.resumed())
        self._changed()

    def action_full_screen(self) -> None:
        """Switch between the normal view and the countdown that fills the terminal."""
        self.toggle_class("-full")

    def _changed(self) -> None:
        self.refresh_bindings()
        self.redraw()

    def action_skip_exercise(self) -> None:
        session = self._session
        self._say(self._cues.skipped(session.skip_exercise()))
        if not session.finished:
            self.redraw()
        elif session.holds_done < session.holds_planned:
            # Skipping the last exercise ends the session short of its holds: asked, as a
            # stop is, never recorded unseen (nor by the next tick).
            self.ended_short = True
            self._ask(ended=True)
        else:
            self._finish()

    def action_add_time(self) -> None:
        self._session.add_time(EXTRA_SECONDS)
        self._say(self._cues.added(EXTRA_SECONDS))
        self.redraw()

    def action_variant(self) -> None:
        session = self._session
        other: Variant = "seated" if session.variant == "standing" else "standing"
        session.switch_variant(other)
        self._say(self._cues.switched(other))
        self.notify(f"Switched to the {other} stretches.")
        self.redraw()

    def action_stop(self) -> None:
        session = self._session
        if not session.started and not session.completed:
            self.dismiss(None)
            return
        self._ask(ended=session.finished)

    def _ask(self, *, ended: bool) -> None:
        """Ask how to record the session: done or skipped, or (unless it has `ended`: the
        last exercise was skipped) keep going."""
        session = self._session
        session.pause()
        self.redraw()

        def chosen(outcome: Outcome | None) -> None:
            self.asking = False
            if outcome is None:  # "Keep going" (or "Back" once ended: asked again on esc)
                if not ended:
                    session.resume()
                self._changed()
                return
            self._record(outcome)

        done, planned = session.holds_done, session.holds_planned
        self.asking = True
        self.app.push_screen(StopStretchScreen(done, planned, ended=ended), callback=chosen)

    # --- recording --------------------------------------------------------------------------

    def _finish(self) -> None:
        # Every exercise skipped is not a done routine: done needs at least one hold.
        self._record("done" if self._session.holds_done else "skipped")

    def record_partial(self) -> None:
        """Coach is closing mid-session: record what was done, as a partial session.

        Nothing is recorded when no hold was done, or when the stop question ("Done / Skipped /
        Keep going") is still open: the person was asked and has not answered.
        """
        session = self.session
        if self.recorded is not None or session is None or not session.started:
            return
        if self.asking or session.holds_done == 0:
            return
        self._write("skipped", partial=True)

    def _record(self, outcome: Outcome) -> None:
        self._write(outcome)
        self.dismiss(outcome)

    def _write(self, outcome: Outcome, *, partial: bool = False) -> None:
        session = self._session
        if outcome == "done" and session.holds_done == 0:
            outcome = "skipped"
        detail = session.summary()
        what = f"{detail['holds_done']} of {detail['holds_planned']} holds"
        reason = None
        if partial:
            detail["partial"] = True
            reason = f"partial: {what}, coach was closed"
        elif outcome == "skipped":
            reason = f"stopped after {what}"
        self.recorded = outcome
        app = services(self)
        if app.saved(
            app.session.record_step,
            self.night,
            "stretch",
            outcome,
            reason=reason,
            late=self.late,
            detail=detail,
        ):
            self.notify(f"Stretches recorded as {outcome} ({what}).")


class StopStretchScreen(CoachModal[Outcome | None]):
    """Stopping midway: record as done or skipped, or keep going (None, also escape)."""

    CSS_PATH = "common.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "keep_going", "Keep going", id="stop-cancel", tooltip="Back to it"),
    ]

    def __init__(self, done: int, planned: int, *, ended: bool = False) -> None:
        super().__init__()
        self.done = done
        self.planned = planned
        self.ended = ended
        """The last exercise was skipped: nothing is left to keep going with."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            holds = f"hold{'s' if self.planned != 1 else ''}"
            title = f"You did {self.done} of {self.planned} {holds}."
            if self.ended:
                title = f"That was the last exercise. {title}"
            if self.done == 0:
                title += " Done needs at least one hold. Record tonight's stretches as:"
            else:
                title += " Record tonight's stretches as:"
            yield Label(title, id="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    f"Done ({self.done})", id="done", variant="success", disabled=self.done == 0
                )
                yield Button("Skipped", id="skipped", variant="warning")
                yield Button("Back" if self.ended else "Keep going", id="keep")

    def on_mount(self) -> None:
        # With nothing done yet, Enter should not record the stretches as done.
        self.query_one("#skipped" if self.done == 0 else "#done", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        chosen = event.button.id
        if chosen == "done":
            if self.done > 0:
                self.dismiss("done")
        elif chosen == "skipped":
            self.dismiss("skipped")
        else:
            self.dismiss(None)

    def action_keep_going(self) -> None:
        self.dismiss(None)
