"""The nights not logged: asked one by one at the first start of a day, oldest first, one
key each, before last night's check-in.

A count (1-9), none (n or 0), or "don't remember" (d: the night stays unknown and is not
asked again); s skips a night (asked again tomorrow, while it is in the week); esc stops
asking. Every answer is saved as it is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from coach.diary.wording import night_label
from coach.errors import CoachError
from screens.base import CoachFooter, CoachModal, services

ANSWERS: dict[str, str] = {"none": "no cramps", "unknown": "don't remember", "skip": "skipped"}


class GapScreen(CoachModal[list[tuple[date, str]]]):
    """Asks about each night in `nights`; dismisses with what was answered, in order
    ((night, "3" | "none" | "unknown" | "skip"))."""

    CSS_PATH = "gaps.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"count({n})", "Cramps", show=n == 1, key_display="1-9", id=f"gap.{n}")
            for n in range(1, 10)
        ),
        Binding("n,0", "none", "None", id="gap.none", tooltip="A night without cramps"),
        Binding(
            "d",
            "unknown",
            "Don't remember",
            id="gap.unknown",
            tooltip="Kept unknown (never counted as a night without cramps); not asked again",
        ),
        Binding("s", "skip", "Skip", id="gap.skip", tooltip="Ask again tomorrow"),
        Binding("escape", "later", "Later", id="gap.later", tooltip="Stop asking for now"),
    ]

    def __init__(self, nights: Sequence[date]) -> None:
        super().__init__()
        self.nights = tuple(nights)
        self.index = 0
        self.answers: list[tuple[date, str]] = []

    def compose(self) -> ComposeResult:
        count = len(self.nights)
        with Vertical(id="gap-dialog"):
            yield Static(
                f"{count} night{'s' if count != 1 else ''} not logged this past week",
                id="gap-title",
            )
            yield Static(
                "What do you remember of each? One key a night. A night you do not remember "
                "stays unknown: it is never counted as a night without cramps.",
                id="gap-hint",
            )
            yield Static("", id="gap-night")
            yield Static(
                "[b]1[/b]-[b]9[/b] cramps   [b]n[/b] none   [b]d[/b] don't remember   "
                "[b]s[/b] skip   [b]esc[/b] later",
                id="gap-keys",
            )
            yield Static("", id="gap-done")
            yield Static("", id="gap-error")
        yield CoachFooter()

    def on_mount(self) -> None:
        self._show()

    @property
    def night(self) -> date:
        return self.nights[self.index]

    def _show(self) -> None:
        self.query_one("#gap-night", Static).update(
            f"[b]Night of {night_label(self.night)}[/b] ({self.index + 1} of {len(self.nights)})"
        )
        done = [
            f"{night_label(night)}: {ANSWERS.get(answer) or _cramps(answer)}"
            for night, answer in self.answers
        ]
        self.query_one("#gap-done", Static).update("\n".join(done))

    def _answer(self, answer: str) -> None:
        session = services(self).session
        night = self.night
        try:
            if answer == "none":
                session.log_cramps(night, 0)
            elif answer == "unknown":
                session.dont_remember(night)
            elif answer != "skip":
                session.log_cramps(night, int(answer))
        except CoachError as exc:
            self.query_one("#gap-error", Static).update(f"Not saved: {exc}")
            return
        self.query_one("#gap-error", Static).update("")
        self.answers.append((night, answer))
        self.index += 1
        if self.index >= len(self.nights):
            self.dismiss(self.answers)
        else:
            self._show()

    def action_count(self, n: int) -> None:
        self._answer(str(n))

    def action_none(self) -> None:
        self._answer("none")

    def action_unknown(self) -> None:
        self._answer("unknown")

    def action_skip(self) -> None:
        self._answer("skip")

    def action_later(self) -> None:
        self.dismiss(self.answers)


def _cramps(answer: str) -> str:
    return f"{answer} cramp{'s' if answer != '1' else ''}"
