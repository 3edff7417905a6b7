"""The history screen: a heatmap of nights (weeks by weekday), the figures that matter, and
each night's detail with a way to correct it.

The screen reads the last RECENT_NIGHTS nights before it first draws and the rest in a
worker thread, each in one pass over the store; after that it only reads its diary. Moving
the cursor redraws the visible weeks and one night's detail; the figures come from the
diary's per-window cache; a correction re-reads one night.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from coach.diary import CrampLog, Outcome, describe_episodes
from coach.errors import CoachError
from coach.experiment import assignment, load_protocol
from coach.redflags import find_red_flags
from coach.stats import (
    STREAK_EXPLANATION,
    STRENGTH_EXPLANATION,
    WINDOWS,
    Diary,
    NightFacts,
)
from coach.wording import describe_cramps
from screens.base import CoachFooter, CoachModal, services
from screens.checkin import CheckinScreen

RECENT_NIGHTS = 400
"""Nights read before the screen first draws; the rest follow in a worker thread. This is
more than every window shown needs, and habit strength from them is within 0.01 points of
the full figure (a night 400 nights back weighs at most (41/42)^400 < 0.0001)."""
CHART_WEEKS = 12
WEEKDAY_LABELS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
GLYPHS = {
    "complete": ("█", "green"),
    "most": ("▓", "green"),
    "some": ("▒", "yellow"),
    "none": ("░", "red"),
    "paused": ("‖", "blue"),
    "pending": ("◌", "cyan"),
}
LEGEND = (
    ("complete", "all done"),
    ("most", "most"),
    ("some", "some"),
    ("none", "none"),
    ("paused", "paused"),
)
OUTCOME_MARKS = {"done": "✓", "skipped": "-", "missed": "✗", "pending": "·"}


def night_glyph(facts: NightFacts) -> str:
    """Which heatmap glyph a night gets: complete, most, some, none, paused or pending."""
    status = facts.status
    if status == "partial":
        return "most" if facts.fraction >= 0.6 else "some"
    return status


MONTH_KEYS = Binding.Group("Month")


class Heatmap(Widget, can_focus=True):
    """Nights as a grid, weeks as columns and weekdays as rows, with a cursor on one night."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-7)", "Week back", show=False, id="history.week-back"),
        Binding("right", "move(7)", "Week on", show=False, id="history.week-on"),
        Binding("up", "move(-1)", "Day back", show=False, id="history.day-back"),
        Binding("down", "move(1)", "Day on", show=False, id="history.day-on"),
        # One "Month" label for both keys keeps the footer whole at 80 columns.
        Binding(
            "pageup",
            "month(-1)",
            "Month back",
            id="history.month-back",
            tooltip="Move the cursor a month back",
            group=MONTH_KEYS,
        ),
        Binding(
            "pagedown",
            "month(1)",
            "Month on",
            id="history.month-on",
            tooltip="Move the cursor a month on",
            group=MONTH_KEYS,
        ),
        Binding("home", "edge(-1)", "First night", show=False, id="history.first"),
        Binding("end", "edge(1)", "Last night", show=False, id="history.last"),
        Binding(
            "enter",
            "choose",
            # Short labels keep every key of the footer whole at 80 columns.
            "Fix",
            id="history.correct",
            tooltip="Correct the selected night's record",
        ),
    ]

    cursor: reactive[date] = reactive(date(2000, 1, 1))

    @dataclass
    class Moved(Message):
        """The cursor moved to another night."""

        night: date

    @dataclass
    class Chosen(Message):
        """The user asked to correct a night."""

        night: date

    def __init__(self, diary: Diary, first: date, last: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.diary = diary
        self.first = first
        self.last = last
        self._right_monday = _monday(last)
        self.set_reactive(Heatmap.cursor, last)

    def visible_weeks(self) -> int:
        return max(1, (self.size.width - 3) // 2)

    def watch_cursor(self, night: date) -> None:
        self.post_message(self.Moved(night))

    def action_move(self, days: int) -> None:
        self.cursor = min(self.last, max(self.first, self.cursor + timedelta(days=days)))

    def action_month(self, months: int) -> None:
        year, month = divmod(self.cursor.year * 12 + self.cursor.month - 1 + months, 12)
        day = min(self.cursor.day, calendar.monthrange(year, month + 1)[1])
        target = date(year, month + 1, day)
        self.cursor = min(self.last, max(self.first, target))

    def action_edge(self, direction: int) -> None:
        self.cursor = self.last if direction > 0 else self.first

    def action_choose(self) -> None:
        self.post_message(self.Chosen(self.cursor))

    def _scroll_to_cursor(self, weeks: int) -> None:
        monday = _monday(self.cursor)
        if monday > self._right_monday:
            self._right_monday = monday
        elif monday < self._right_monday - timedelta(weeks=weeks - 1):
            self._right_monday = monday + timedelta(weeks=weeks - 1)

    def render(self) -> Text:
        weeks = self.visible_weeks()
        self._scroll_to_cursor(weeks)
        # A short diary starts at the left edge rather than after weeks of empty columns.
        left = max(_monday(self.first), self._right_monday - timedelta(weeks=weeks - 1))
        shown = min(weeks, (self._right_monday - left).days // 7 + 1)
        mondays = [left + timedelta(weeks=w) for w in range(shown)]
        text = Text(no_wrap=True, overflow="crop")
        text.append(self._month_row(mondays) + "\n", style="bold")
        for weekday in range(7):
            text.append(f"{WEEKDAY_LABELS[weekday]} ", style="dim")
            for monday in mondays:
                text.append_text(self._cell(monday + timedelta(days=weekday)))
            text.append("\n")
        for key, label in LEGEND:
            glyph, colour = GLYPHS[key]
            text.append(glyph, style=colour)
            text.append(f" {label}  ")
        text.append("•", style="bold magenta")
        text.append(" cramps")
        return text

    def _month_row(self, mondays: list[date]) -> str:
        row = [" "] * (3 + 2 * len(mondays))
        previous = None
        for column, monday in enumerate(mondays):
            sunday = monday + timedelta(days=6)
            month = (sunday.year, sunday.month)
            if month != previous:
                label = f"{sunday:%b}" if sunday.month != 1 else f"{sunday:%Y}"
                start = 3 + 2 * column
                # A label that would touch the one before moves to the next column.
                if all(c == " " for c in row[max(0, start - 1) : start + len(label)]):
                    row[start : start + len(label)] = list(label)
                    previous = month
        return "".join(row).rstrip()

    def _cell(self, night: date) -> Text:
        if night < self.first or night > self.last:
            return Text("  ")
        facts = self.diary.night(night)
        if facts is None:
            return Text("  ")
        glyph, colour = GLYPHS[night_glyph(facts)]
        mark = "•" if facts.had_cramps else " "
        cell = Text()
        if night == self.cursor:
            # A shape of its own, so the cursor shows without colour too; the detail
            # panel beside says what the night holds.
            cell.append("◆" + mark, style="bold yellow on grey23")
        else:
            cell.append(glyph, style=colour)
            cell.append(mark, style="bold magenta")
        return cell


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _monday(night: date) -> date:
    return night - timedelta(days=night.weekday())


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
        self.facts = services(self).diary.night(self.night)
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
            services(self).diary.record_step(self.night, step, outcome, detail={"by": "correction"})
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
        self._forget(cramps=True)

    def _forget(self, *, step: str | None = None, cramps: bool = False) -> None:
        try:
            stone = services(self).diary.forget(self.night, step=step, cramps=cramps)
        except CoachError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.notify(f"Deleted: {stone.what}.", title="Deleted")
        self._reread()

    def action_cramps(self) -> None:
        def logged(log: CrampLog | None) -> None:
            if log is not None:
                self._reread()

        self.app.push_screen(CheckinScreen(night=self.night), logged)

    def action_close(self) -> None:
        self.dismiss(self.changed)


class HistoryScreen(Screen[None]):
    """Nights, adherence, streaks, habit strength, cramps per week and the experiment."""

    CSS_PATH = "history.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "t",
            "trends",
            "Trends",
            id="history.trends",
            tooltip="Charts of cramps and worst pain over 12 weeks, 12 months or all",
        ),
        Binding(
            "x",
            "export",
            "PDF",
            id="history.export",
            tooltip="Save the doctor's report (a one-page PDF) and a CSV to the data folder",
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            id="history.undo",
            show=False,
            tooltip="Take back the latest change (a step, a cramp log, a cramp)",
        ),
        Binding("escape", "close", "Back", id="history.back", tooltip="Leave the history"),
    ]

    def __init__(self, *, exports_dir: Path | None = None) -> None:
        super().__init__()
        self.exports_dir = exports_dir
        self.load_error: str | None = None
        """Why the records could not be read, shown instead of crashing the app."""
        self._corrected: set[date] = set()

    def _read_recent(self) -> None:
        """The last RECENT_NIGHTS nights (all of them for a shorter diary)."""
        source = services(self).diary
        self.today = source.tonight()
        try:
            self.first_night = min(source.first_night() or self.today, self.today)
            recent = max(self.first_night, self.today - timedelta(days=RECENT_NIGHTS - 1))
            self.diary = source.load(start=recent)
        except CoachError as exc:
            self.load_error = str(exc)
            self.first_night = recent = self.today
            self.diary = Diary([], tuple(step.id for step in source.settings.enabled_steps))
        self.complete = recent == self.first_night
        """True once the diary holds every night, not only the recent ones."""

    def compose(self) -> ComposeResult:
        self._read_recent()
        yield Static("", id="flags")
        with Horizontal(id="top"):
            yield Heatmap(self.diary, self.first_night, self.today, id="heatmap")
            yield Static("", id="night")
        with VerticalScroll(id="figures"), Horizontal(id="figures-row"):
            yield Static("", id="summary")
            with Vertical(id="cramps"):
                yield Static("", id="cramps-title")
                yield Sparkline([], id="chart")
                yield Static("", id="severity-title")
                yield Sparkline([], id="severity-chart")
                yield Static("", id="cramps-figures")
                yield Static("", id="stretch-question")
        yield CoachFooter(compact=True)

    def on_mount(self) -> None:
        self.title = "History"
        self._refresh_figures()
        self._show_night(self.query_one(Heatmap).cursor)
        self.query_one(Heatmap).focus()
        if self.load_error is not None:
            self._show_problem(self.load_error)
        elif self.complete:
            self._show_red_flags()
        else:
            # After the first frame, so the recent nights show before the old ones load.
            self.call_after_refresh(
                self.run_worker, self._load_all, thread=True, group="history-load"
            )

    def _load_all(self) -> None:
        """Read every night (a worker thread): the best streak and old red flags need them."""
        try:
            diary = services(self).diary.load(start=self.first_night)
        except CoachError as exc:
            self.app.call_from_thread(self._show_problem, str(exc))
            return
        self.app.call_from_thread(self._loaded, diary)

    def _loaded(self, diary: Diary) -> None:
        if not self.is_attached:
            return  # the user left before the thread finished
        # A correction made while the thread read may be missing from what it read.
        source = services(self).diary
        for night in self._corrected:
            diary.reload_night(source.store, source.settings, night, source.now())
        self.diary = diary
        self.complete = True
        heatmap = self.query_one(Heatmap)
        heatmap.diary = diary
        heatmap.refresh()
        self._refresh_figures()
        self._show_night(heatmap.cursor)
        self._show_red_flags()

    # --- the panels ---------------------------------------------------------------------

    def _refresh_figures(self) -> None:
        diary = self.diary
        titles = {step.id: step.title for step in services(self).settings.routine.steps}
        streaks = diary.streaks()
        lines = Text()
        lines.append("Streak ", style="bold")
        lines.append(f"{streaks.current} night{'s' if streaks.current != 1 else ''}")
        lines.append(f" (best {streaks.best})\n" if self.complete else " (best: counting...)\n")
        lines.append("Habit strength ", style="bold")
        lines.append(f"{diary.habit_strength()}/100\n\n")

        lines.append(
            f"{'Steps done':<22}" + "".join(f"{d:>5}d" for d in WINDOWS) + "\n", style="bold"
        )
        by_window = [diary.adherence(days) for days in WINDOWS]
        for index, step in enumerate(diary.required):
            cells = []
            for items in by_window:
                rate = items[index].rate
                cells.append("    -" if rate is None else f"{rate:>5.0%}")
            lines.append(f"{_clip(titles.get(step, step), 21):<22}" + " ".join(cells) + "\n")
        lines.append("\n" + STRENGTH_EXPLANATION + " " + STREAK_EXPLANATION, style="dim")
        self.query_one("#summary", Static).update(lines)

        # The last week is this calendar week, from Monday, even before anything is logged.
        weeks = diary.cramp_weeks(CHART_WEEKS, end=self.today)
        rates = [week.per_week or 0.0 for week in weeks]
        self.query_one("#chart", Sparkline).data = rates
        self.query_one("#severity-chart", Sparkline).data = [
            week.mean_severity or 0.0 for week in weeks
        ]
        self.query_one("#severity-title", Static).update(
            Text("Worst pain, weekly mean (0-10)", style="bold")
        )
        self.query_one("#cramps-title", Static).update(
            Text(f"Cramps per week, last {CHART_WEEKS} weeks", style="bold")
        )
        last = weeks[-1] if weeks else None
        if last is None or last.nights_logged == 0:
            figures = "This week: nothing logged yet."
        else:
            # The counts first: a rate from one or two logged nights is a guess, and says so.
            severity = last.mean_severity
            figures = (
                f"This week so far: {_count(last.cramps, 'cramp')} on "
                f"{_count(last.nights_logged, 'logged night')}"
                + (f" ({last.per_week:.1f} a week at that rate)" if last.nights_logged < 7 else "")
                + (f", worst pain {severity:.1f}/10 on average" if severity is not None else "")
            )
        logged = [w for w in weeks if w.nights_logged]
        if logged:
            peak = max(logged, key=lambda w: w.per_week or 0.0)
            figures += f"\nHighest: {peak.per_week:.1f} a week (week of {peak.start:%d %b})"
        self.query_one("#cramps-figures", Static).update(figures)
        self.query_one("#stretch-question", Static).update(
            Text.assemble(("Does stretching help you? ", "bold"), self._experiment_line())
        )

    def _experiment_line(self) -> str:
        """Where the personal experiment stands; the answer itself is on its own screen."""
        try:
            protocol = load_protocol(services(self).diary.store)
        except CoachError as exc:
            return str(exc)
        if protocol is None:
            return (
                "nights you chose to stretch cannot be fairly compared with nights you did "
                "not; a personal experiment can tell (e on Tonight)."
            )
        assigned = assignment(protocol, self.today)
        if protocol.stopped is not None:
            return "your experiment was stopped; its figures are on its screen (e on Tonight)."
        if assigned is None:
            return "your experiment is over: its answer is on its screen (e on Tonight)."
        if assigned.phase == "run-in":
            return "your experiment is in its run-in (e on Tonight)."
        return (
            f"your experiment is in period {assigned.period} of {assigned.periods}; the "
            "answer comes at the end (e on Tonight)."
        )

    def _show_night(self, night: date) -> None:
        facts = self.diary.night(night)
        titles = {step.id: step.title for step in services(self).settings.routine.steps}
        text = Text()
        text.append(f"{night:%a %d %b %Y}\n", style="bold")
        if facts is None:
            text.append("Nothing recorded.")
        else:
            label = {
                "complete": "every step done",
                "partial": f"{facts.done} of {len(facts.required)} steps done",
                "none": "no steps done",
                "paused": "reminders paused",
                "pending": "in progress",
            }[facts.status]
            text.append(label + "\n")
            for step, outcome in facts.steps.items():
                mark = OUTCOME_MARKS.get(outcome, " ")
                style = "green" if outcome == "done" else "dim"
                text.append(f" {mark} {titles.get(step, step)}\n", style=style)
            text.append(f"Cramps: {describe_cramps(facts.cramps)}")
            for line in describe_episodes(facts.episodes):
                text.append("\n" + line)
            if facts.cramps is not None and facts.cramps.notes:
                text.append(f"\nNote: {facts.cramps.notes}", style="italic")
        self.query_one("#night", Static).update(text)

    def _show_problem(self, message: str) -> None:
        panel = self.query_one("#flags", Static)
        panel.update(Text.assemble(("Cannot read your records: ", "bold"), message))
        panel.display = True

    def _show_red_flags(self) -> None:
        source = services(self).diary
        flags = source.unshown_flags(find_red_flags(self.diary))
        panel = self.query_one("#flags", Static)
        if not flags:
            panel.display = False
            return
        text = Text()
        for flag in flags:
            text.append(f"{flag.pattern.urgency.upper()}: ", style="bold")
            text.append(flag.line() + "\n")
        text.append("This note is shown once; the report lists it too.", style="dim")
        panel.update(text)
        panel.display = True
        try:
            source.mark_flags_shown(flags)
        except CoachError as exc:
            # Shown now but not remembered: it will show again, which is the safe side.
            self.notify(f"Could not save that the note was shown: {exc}", severity="warning")

    # --- events -------------------------------------------------------------------------

    @on(Heatmap.Moved)
    def _moved(self, event: Heatmap.Moved) -> None:
        self._show_night(event.night)

    @on(Heatmap.Chosen)
    def _chosen(self, event: Heatmap.Chosen) -> None:
        facts = self.diary.night(event.night)
        if facts is None:
            self.notify("Nothing to correct on a night before your first record.")
            return
        night = event.night

        def corrected(changed: bool | None) -> None:
            if changed:
                self._reload(night)

        self.app.push_screen(CorrectNight(facts), corrected)

    def _reload(self, night: date) -> None:
        """Re-read one night after a change and redraw what shows it."""
        source = services(self).diary
        self._corrected.add(night)
        self.diary.reload_night(source.store, source.settings, night, source.now())
        self._refresh_figures()
        self._show_night(self.query_one(Heatmap).cursor)
        self.query_one(Heatmap).refresh()

    def action_undo(self) -> None:
        stone = services(self).undo()
        if stone is not None:
            self._reload(stone.night)

    def action_trends(self) -> None:
        from screens.trends import TrendScreen

        self.app.push_screen(TrendScreen(self.diary, complete=self.complete))

    def action_export(self) -> None:
        self.notify("Making the report...", timeout=3)
        # In a thread: the first PDF of a session loads the chart and page libraries.
        self.run_worker(self._export, thread=True, group="history-export", exclusive=True)

    def _export(self) -> None:
        source = services(self).diary
        try:
            report, csv = source.export(self.exports_dir or source.exports_dir)
        except (CoachError, OSError) as exc:
            self.app.call_from_thread(
                self.notify, f"Could not export: {exc}", severity="error", timeout=10
            )
            return
        self.app.call_from_thread(
            self.notify,
            f"Saved {report.name} (print it for your doctor) and {csv.name} in {report.parent}",
            timeout=10,
        )

    def action_close(self) -> None:
        self.dismiss(None)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
