"""What the stretch player says and when it chimes, free of any UI and any audio.

`SessionCues` watches a `StretchSession` and turns each change (and each key the user
presses) into a `Cue`: a short line to speak and whether a chime goes with it. The player
hands every cue to a speaker (coach.desktop.voice) that speaks off the UI thread, so the session's
timing never waits for the voice.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from coach.stretch.player import Change, Slot, StretchSession

COUNTDOWN_FROM = 3
"""The last seconds of a hold that are counted aloud."""
NUMBERS = {1: "one", 2: "two", 3: "three"}
BALANCE = "Hold the wall or a chair; stop if it hurts."
"""Said as a standing stretch begins (CONTENT.md: hold a wall, a chair back or a rail for
balance, and stop if it hurts rather than pulls)."""


class Cue(NamedTuple):
    """One thing to tell the user: a line to speak and whether a chime comes first."""

    text: str
    chime: bool = False


def slot_words(slot: Slot) -> str:
    """'Calf stretch (standing), left leg' as a voice reads it: no brackets."""
    name = slot.exercise.name.replace("(", "").replace(")", "")
    return f"{name}, {slot.leg} leg" if slot.leg else name


def _balance(slot: Slot, before: Slot | None) -> str:
    """The balance cue, when a standing exercise begins ("" otherwise)."""
    if slot.exercise.variant != "standing":
        return ""
    if before is not None and before.exercise.variant == "standing":
        return ""  # said as the first standing stretch began
    return f" {BALANCE}"


class SessionCues:
    """Cues for one session; call the method matching what just happened."""

    def __init__(self, session: StretchSession) -> None:
        self.session = session
        self._counted: tuple[int, str, int] | None = None
        """(index, phase, number) of the last countdown number given, so each is said once."""

    # --- from the clock -----------------------------------------------------------------

    def after_tick(self, changes: list[Change]) -> list[Cue]:
        """Cues for the changes one tick made, then the countdown of the last seconds."""
        cues: list[Cue] = []
        if changes:
            # A late tick can pass several phases; only where it landed is worth saying.
            cues.append(self.for_change(changes[-1]))
        number = self._countdown()
        if number is not None:
            cues.append(Cue(text=NUMBERS[number]))
        return cues

    def _countdown(self) -> int | None:
        session = self.session
        if session.phase != "hold" or session.paused or not session.started:
            return None
        left = math.ceil(round(session.remaining(), 3))
        if not 1 <= left <= COUNTDOWN_FROM or left >= session.duration:
            return None
        key = (session.index, session.phase, left)
        if self._counted is not None and self._counted[:2] == key[:2] and self._counted[2] <= left:
            return None  # said already (or a later number was)
        self._counted = key
        return left

    def for_change(self, change: Change) -> Cue:
        """The line for a move to a new phase."""
        session = self.session
        if change.phase == "done" or change.slot is None:
            # Holds done before a switch of variant count in both numbers.
            done, planned = session.holds_done, session.holds_planned
            return Cue(text=f"Done, {done} of {planned} holds.", chime=True)
        slot = change.slot
        if change.phase == "rest":
            after = session.next_slot
            text = "Rest."
            same = after is not None and after.exercise.id == slot.exercise.id
            if after is not None and same and after.leg != slot.leg:
                text += " Then switch legs."
            elif after is not None and not same:
                text += f" Next: {slot_words(after)}."
            return Cue(text=text, chime=True)
        if change.phase == "ready":
            before = session.slots[session.index - 1] if session.index > 0 else None
            text = f"Next: {slot_words(slot)}. Get into position."
            return Cue(text=text + _balance(slot, before), chime=True)
        return Cue(text=self._hold_words(slot), chime=True)

    def _hold_words(self, slot: Slot) -> str:
        session = self.session
        before = session.slots[session.index - 1] if session.index > 0 else None
        if before is None or before.exercise.id != slot.exercise.id:
            return f"{slot_words(slot)}.{_balance(slot, before)} Hold."
        if before.leg != slot.leg:
            return f"Switch legs: {slot.leg} leg. Hold."
        return f"Hold, rep {slot.rep}."

    # --- from the user ------------------------------------------------------------------
    # The user just pressed the key, so these are spoken but not chimed: the chime marks
    # the changes the clock makes.

    def started(self) -> Cue:
        slot = self.session.slot
        if slot is None:
            return Cue(text="Start.")
        return Cue(text=f"{slot_words(slot)}.{_balance(slot, None)} Hold.")

    def paused(self) -> Cue:
        return Cue(text="Paused.")

    def resumed(self) -> Cue:
        return Cue(text="Carry on.")

    def added(self, seconds: float) -> Cue:
        self._counted = None  # the last seconds come again, so count them again
        return Cue(text=f"{seconds:g} more seconds.")

    def skipped(self, change: Change) -> Cue:
        """After `skip_exercise`: what comes now."""
        if change.phase == "done":
            return self.for_change(change)
        return Cue(text="Skipped. " + self.for_change(change).text)

    def switched(self, variant: str) -> Cue:
        """After `switch_variant`: the new variant and what comes now."""
        slot = self.session.slot
        if slot is None:
            return Cue(text=f"{variant.capitalize()} stretches.")
        phase = self.session.phase
        now = self.for_change(Change(phase=phase, slot=slot))
        return Cue(text=f"{variant.capitalize()} stretches. {now.text}")
