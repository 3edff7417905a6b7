"""The personal experiment: a card to start it, then where it stands and its answer.

The answer needs the model (scipy), so it is computed in a worker thread: the screen opens
at once with the plan and the chart, and the verdict follows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Header, Label, Static

from coach.errors import CoachError
from coach.experiment.protocol import (
    ANYWAY_HINT,
    MIN_CRAMP_NIGHTS,
    PERIOD_NIGHTS,
    RUN_IN_MIN_LOGGED,
    RUN_IN_NIGHTS,
    SIMPLER,
    ExperimentResult,
    PeriodSummary,
    Protocol,
    assignment,
    plan_words,
)
from coach.planner import current_night
from screens.base import CoachFooter, services

BARS = " ▁▃▅▇█"
"""A night's cramps as a bar: 0 to 5 or more."""

INTRO = (
    "The evidence for stretching is split: one trial found fewer cramps, another none. "
    "This experiment finds out for you: for some weeks, periods of stretch nights and "
    "no-stretch nights take turns in an order drawn at random, you log your cramps each "
    "morning, and coach compares the two at the end."
)


def period_row(period: PeriodSummary, *, hidden: bool = False) -> Text:
    """One period of the chart: a bar per night, settling-in nights dimmed, and how well
    the plan was followed; while the plan runs (`hidden`) the cramps are not shown, as the
    estimate is not: only the planned looks may end it."""
    row = Text()
    row.append(f"{period.period:>2} {period.arm:<10} ", style="bold")
    for index, count in enumerate(period.counts):
        style = "dim" if index < period.washout else ""
        if hidden:
            row.append("·" if count is None else "▪", style=style)
        else:
            row.append("·" if count is None else BARS[min(count, 5)], style=style)
    if hidden:
        row.append(f"  {period.logged} counted, followed {period.followed:.0%}")
        return row
    rate = f"{period.cramps / period.logged:.2f} a night" if period.logged else "no nights yet"
    row.append(f"  {rate} ({period.logged} counted, followed {period.followed:.0%})")
    return row


def chart(result: ExperimentResult) -> Text:
    """Cramps per night by period, with a legend (the CENT period diagram)."""
    text = Text()
    hidden = result.status in ("running", "run-in")
    text.append(
        "Nights logged, by period\n" if hidden else "Cramps per night, by period\n", style="bold"
    )
    if not result.periods:
        text.append("Nothing yet: the chart starts with the first night of the plan.\n")
        return text
    for period in result.periods:
        text.append_text(period_row(period, hidden=hidden))
        text.append("\n")
    if hidden:
        text.append(
            "One mark per night logged (· not logged); the cramps of each period are shown "
            "once the plan has its answer, as the estimate is.\n",
            style="dim",
        )
        return text
    text.append(
        f"One bar per night (taller: more cramps; · not logged); the first "
        f"{result.protocol.washout_nights} nights of each period (dim) do not count.\n",
        style="dim",
    )
    return text


class ExperimentScreen(Screen[None]):
    """Start the experiment, follow it, and read its answer."""

    CSS_PATH = "experiment.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "s",
            "start",
            "Start",
            id="experiment.start",
            tooltip="Start the experiment (a run-in first if the diary is short)",
        ),
        Binding(
            "k",
            "stop",
            "Stop",
            id="experiment.stop",
            tooltip="Stop the experiment; the usual routine comes back tonight",
        ),
        Binding("escape", "close", "Back", id="experiment.back", tooltip="Back to tonight"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="experiment"):
            yield Static("", id="experiment-title")
            # The answer first: on a small terminal it is what fits above the fold.
            yield Static("", id="experiment-answer")
            yield Static("", id="experiment-chart")
            yield Static("", id="experiment-body")
            yield Static("", id="experiment-limits")
        yield CoachFooter()

    def on_mount(self) -> None:
        self.sub_title = "Does stretching help you?"
        self.show()
        self.query_one("#experiment").focus()

    def _protocol(self) -> Protocol | None:
        try:
            return services(self).session.experiment()
        except CoachError as exc:
            self.notify(str(exc), severity="error")
            return None

    def show(self) -> None:
        """Draw the card or the experiment, and start computing the answer."""
        app = services(self)
        protocol = self._protocol()
        body = self.query_one("#experiment-body", Static)
        title = self.query_one("#experiment-title", Static)
        for panel in ("#experiment-answer", "#experiment-chart", "#experiment-limits"):
            self.query_one(panel, Static).display = protocol is not None
        if protocol is None:
            title.update(Text("Does stretching help you?", style="bold"))
            window = app.session.run_in()
            lines = [INTRO, "", window.words()]
            if window.long_enough and not window.eligible:
                lines.append(
                    f"With fewer than {MIN_CRAMP_NIGHTS} nights with cramps in a fortnight, an "
                    "experiment would take far too long to give an answer; it is not offered."
                )
            elif not window.long_enough:
                lines.append(
                    f"That is short of a run-in ({RUN_IN_MIN_LOGGED} logged mornings in "
                    f"{RUN_IN_NIGHTS} nights), so starting begins with one: your usual "
                    "routine, logging each morning."
                )
            elif not window.answerable:
                lines.append(f"{window.too_long_words()} {ANYWAY_HINT}")
            elif window.rate is not None:
                pairs = window.pairs
                lines.append(
                    "That is enough to start, and to predict from your own cramp rate what "
                    f"the plan can tell you: {pairs} pairs of {PERIOD_NIGHTS}-night periods, about "
                    f"{math.ceil(pairs * 2 * PERIOD_NIGHTS / 7)} weeks from tomorrow night at "
                    "most (the looks after each pair can end it sooner). " + window.promise()
                )
                lines += ["", SIMPLER]
            if window.eligible and not window.answerable:
                lines += ["", "So s does not start it here; the command above does, if you wish."]
            else:
                lines += [
                    "",
                    "Press s to start; coach then shows the whole plan before its first night. "
                    "You can stop at any time (k here, or `coach experiment stop`).",
                ]
            body.update("\n".join(lines))
            return
        title.update(Text("Your experiment: does stretching help you?", style="bold"))
        self._show_plan(protocol)
        self.query_one("#experiment-answer", Static).update("Working out the answer...")
        self.compute()

    def _show_plan(self, protocol: Protocol) -> None:
        app = services(self)
        night = current_night(app.settings, app.clock.now())
        assigned = assignment(protocol, night)
        lines = [plan_words(protocol)]
        if protocol.ended is not None:
            lines.append("\nEnded early: your usual routine is back.")
        elif protocol.stopped is not None:
            lines.append(f"\nStopped from the night of {protocol.stopped:%a %d %b %Y}.")
        elif assigned is not None:
            lines.append("\nTonight: " + assigned.tonight_line())
        self.query_one("#experiment-body", Static).update("\n".join(lines))

    @work(thread=True, exclusive=True, group="experiment-result")
    def compute(self) -> None:
        try:
            result = services(self).session.experiment_result()
        except CoachError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        if result is not None:
            self.app.call_from_thread(self.show_result, result)

    def show_result(self, result: ExperimentResult) -> None:
        if not self.is_attached:
            return
        # Computing the answer takes the interim looks that are due: one may have ended it.
        self._show_plan(result.protocol)
        self.refresh_bindings()
        self.query_one("#experiment-chart", Static).update(chart(result))
        answer = Text()
        answer.append(result.headline() + "\n", style="bold")
        answer.append(result.summary().removeprefix(result.headline()).strip())
        self.query_one("#experiment-answer", Static).update(answer)
        self.query_one("#experiment-limits", Static).update(Text(result.limits(), style="dim"))

    def action_start(self) -> None:
        app = services(self)
        try:
            if self._under_way():
                self.notify("An experiment is already under way.")
                return
            outcome = app.session.start_experiment()
        except CoachError as exc:
            self.notify(str(exc), severity="warning", timeout=10)
            return
        self.refresh_bindings()
        self.notify(
            "Experiment started: "
            + ("a run-in first." if outcome.protocol.start is None else "the plan is fixed.")
        )
        self.show()

    def _under_way(self) -> bool:
        app = services(self)
        protocol = app.session.experiment()
        if protocol is None or protocol.over_from is not None:
            return False
        end = protocol.end
        return end is None or current_night(app.settings, app.clock.now()) <= end

    def action_stop(self) -> None:
        def answered(confirmed: bool | None) -> None:
            if not confirmed:
                return
            try:
                services(self).session.stop_experiment()
            except CoachError as exc:
                self.notify(str(exc), severity="warning")
            else:
                self.notify("Experiment stopped: the stretches are back in tonight's plan.")
            self.refresh_bindings()
            self.show()

        self.app.push_screen(ConfirmStop(), answered)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("start", "stop"):
            try:
                under_way = self._under_way()
            except CoachError:
                return action == "stop"  # a damaged plan can be cleared, not started over
            return under_way if action == "stop" else not under_way
        return True

    def action_close(self) -> None:
        self.dismiss(None)


def settle_in_worker(screen: Screen[Any], ended: Callable[[], None] | None = None) -> None:
    """Bring the experiment up to date in a worker thread (the session's advance: a
    finished run-in draws its plan, due interim looks are taken, and the model is slow to
    load). Tell the user what changed, and call `ended` (on the app's thread) so the screen
    shows the new plan, or the usual routine again after an early end."""
    session = services(screen).session
    if any(w.group == "experiment-settle" and w.is_running for w in screen.app.workers):
        return  # one look at a time: a second would take it again and tell twice

    def tell(text: str, timeout: float) -> None:
        screen.app.call_from_thread(screen.notify, text, timeout=timeout)

    def run() -> None:
        try:
            before = session.experiment_or_none()
            protocol = session.advance_experiment()
        except CoachError as exc:
            screen.app.call_from_thread(
                screen.notify, f"Could not update the experiment: {exc}", severity="warning"
            )
            return
        if before is not None and before.start is None and protocol and protocol.start:
            tell(
                f"The run-in is done: your experiment's plan is fixed, {protocol.weeks} weeks "
                "from tomorrow night at most (less once the answer is clear). Press e to "
                "read it.",
                20,
            )
        if (
            protocol is not None
            and protocol.ended is not None
            and (before is None or before.ended is None)
        ):
            back = (
                "the usual routine is back"
                if protocol.ended.leans_to_harm
                else ("the stretches are back every night")
            )
            tell(
                f"{protocol.ended.headline()} Your experiment ended early, "
                f"after {protocol.ended.pairs} of {protocol.pairs} pairs: {back}. Press e to "
                "read the answer.",
                30,
            )
        if ended is not None and protocol != before:
            screen.app.call_from_thread(ended)

    screen.run_worker(run, thread=True, exclusive=True, group="experiment-settle")


class ConfirmStop(ModalScreen[bool]):
    """Stopping ends the plan for good: ask first. True to stop; escape keeps it."""

    CSS_PATH = "common.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "keep", "Keep it", id="experiment.keep", tooltip="Keep the experiment"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(
                "Stop the experiment? The nights so far are kept, but a stopped experiment "
                "gives no verdict, and starting again starts a new plan.",
                id="dialog-title",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Stop it", id="stop", variant="error")
                yield Button("Keep going", id="keep")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "stop")

    def action_keep(self) -> None:
        self.dismiss(False)
