"""The history screen: a heatmap of nights (weeks by weekday), the figures that matter, and
each night's detail with a way to correct it.

The screen reads the last RECENT_NIGHTS nights before it first draws and the rest in a
worker thread, each in one pass over the store; after that it only reads its diary. Moving
the cursor redraws the visible weeks and one night's detail; the figures come from the
diary's per-window cache; a correction re-reads one night.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Sparkline, Static

from coach.diary.nights import (
    STREAK_EXPLANATION,
    STRENGTH_EXPLANATION,
    WINDOWS,
    CrampWeek,
    Diary,
)
from coach.diary.trends import MIN_RATE_NIGHTS
from coach.diary.wording import describe_night, pause_text
from coach.errors import CoachError
from coach.experiment.protocol import assignment
from coach.records.order import is_foreign
from coach.safety.rules import find_red_flags
from coach.session import describe_episodes
from screens.base import CoachFooter, services
from screens.correct_night import OUTCOME_MARKS, CorrectNight
from screens.heatmap import Heatmap

RECENT_NIGHTS = 400
"""Nights read before the screen first draws; the rest follow in a worker thread. This is
more than every window shown needs, and habit strength from them is within 0.01 points of
the full figure (a night 400 nights back weighs at most (41/42)^400 < 0.0001)."""
CHART_WEEKS = 12


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


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
            tooltip="Save the doctor's report (a one-page PDF) and a CSV in your documents",
        ),
        Binding(
            "o",
            "open_report",
            "Open PDF",
            id="history.open",
            tooltip="Open the report just saved, to read or print it",
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            id="history.undo",
            show=False,
            tooltip="Take back the latest change (a step, a cramp log, a cramp)",
        ),
        Binding(
            "U",
            "redo",
            "Redo",
            id="history.redo",
            show=False,
            tooltip="Put back what undo took",
        ),
        Binding("escape", "close", "Back", id="history.back", tooltip="Leave the history"),
    ]

    def __init__(self, *, exports_dir: Path | None = None) -> None:
        super().__init__()
        self.exports_dir = exports_dir
        self.load_error: str | None = None
        """Why the records could not be read, shown instead of crashing the app."""
        self._corrected: set[date] = set()
        self.report: Path | None = None
        self.pauses: list[tuple[date, date]] = []
        """The report saved last (x), which o opens."""

    def _read_recent(self) -> None:
        """The last RECENT_NIGHTS nights (all of them for a shorter diary)."""
        source = services(self).session
        self.today = source.tonight()
        try:
            self.first_night = min(source.first_night() or self.today, self.today)
            recent = max(self.first_night, self.today - timedelta(days=RECENT_NIGHTS - 1))
            self.diary = source.load(start=recent)
            # Pauses for a while, one still running included (read once: nothing here
            # changes them).
            self.pauses = source.pauses(recent, self.today)
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
            diary = services(self).session.load(start=self.first_night)
        except CoachError as exc:
            self.app.call_from_thread(self._show_problem, str(exc))
            return
        self.app.call_from_thread(self._loaded, diary)

    def _loaded(self, diary: Diary) -> None:
        if not self.is_attached:
            return  # the user left before the thread finished
        # A correction made while the thread read may be missing from what it read.
        source = services(self).session
        for night in self._corrected:
            diary.replace_night(source.night(night))
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
        # Before the older nights arrive, a run back to the first night read may go on.
        partial = not self.complete and streaks.from_first and streaks.current > 0
        lines.append("at least " if partial else "")
        lines.append(f"{streaks.current} night{'s' if streaks.current != 1 else ''}")
        lines.append(f" (best {streaks.best})\n" if self.complete else " (best: counting...)\n")
        lines.append("Habit strength ", style="bold")
        lines.append(f"{diary.habit_strength()}/100\n")
        for paused_from, paused_to in self.pauses:
            lines.append(pause_text(paused_from, paused_to) + "\n", style="dim")
        lines.append("\n")

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
        # On a Monday morning the last night slept is Sunday's, of last week: say which
        # week the figures are of rather than "this week".
        app = services(self)
        today = app.clock.now().astimezone(app.settings.tz).date()
        current = last is not None and last.start <= today <= last.end
        which = "This week so far" if current or last is None else f"Week of {last.start:%a %d %b}"
        if last is None or last.nights_logged == 0:
            figures = f"{'This week' if current or last is None else which}: nothing logged yet."
        else:
            # The counts first: a rate from one or two logged nights is a guess, and says so.
            severity = last.mean_severity
            rated = last.nights_logged >= MIN_RATE_NIGHTS and last.nights_logged < 7
            figures = (
                f"{which}: {_count(last.cramps, 'cramp')} on "
                f"{_count(last.nights_logged, 'logged night')}"
                + (f"; at that rate {_rate(last)}" if rated else "")
                + (f", worst pain {severity:.1f}/10 on average" if severity is not None else "")
            )
        # No rate, and no "highest", from fewer than MIN_RATE_NIGHTS logged nights: noise.
        logged = [w for w in weeks if w.nights_logged >= MIN_RATE_NIGHTS]
        if logged:
            peak = max(logged, key=lambda w: w.per_week or 0.0)
            figures += f"\nHighest: {_rate(peak)}, week of {peak.start:%d %b}"
        self.query_one("#cramps-figures", Static).update(figures)
        self.query_one("#stretch-question", Static).update(
            Text.assemble(("Does stretching help you? ", "bold"), self._experiment_line())
        )

    def _experiment_line(self) -> str:
        """Where the personal experiment stands; the answer itself is on its own screen."""
        try:
            protocol = services(self).session.experiment()
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
        if protocol.ended is not None:
            return "your experiment ended early: its answer is on its screen (e on Tonight)."
        if assigned is None:
            return "your experiment is over: its answer is on its screen (e on Tonight)."
        if assigned.phase == "run-in":
            return "your experiment is in its run-in (e on Tonight)."
        return (
            f"your experiment is in period {assigned.period} of {assigned.periods}; the "
            "answer comes at the end, or sooner once it is clear (e on Tonight)."
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
            text.append(f"Cramps: {describe_night(facts, services(self).settings.tz)}")
            for line in describe_episodes(facts.episodes, services(self).settings.tz):
                text.append("\n" + line)
            if facts.cramps is not None and facts.cramps.notes:
                where = (
                    " (from another copy of the data)" if is_foreign(facts.cramps.origin) else ""
                )
                text.append(f"\nNote{where}: {facts.cramps.notes}", style="italic")
        self.query_one("#night", Static).update(text)

    def _show_problem(self, message: str) -> None:
        panel = self.query_one("#flags", Static)
        panel.update(Text.assemble(("Cannot read your records: ", "bold"), message))
        panel.display = True

    def _show_red_flags(self) -> None:
        source = services(self).session
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
        source = services(self).session
        self._corrected.add(night)
        self.diary.replace_night(source.night(night))
        self._refresh_figures()
        self._show_night(self.query_one(Heatmap).cursor)
        self.query_one(Heatmap).refresh()

    def action_undo(self) -> None:
        stone = services(self).undo()
        if stone is not None:
            self._reload(stone.night)

    def action_redo(self) -> None:
        stone = services(self).redo()
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
        from coach.report.output import export_files  # the page libraries load here
        from coach.system.paths import report_folder

        source = services(self).session
        try:
            folder = self.exports_dir or report_folder(source.settings.report.folder)
            report, csv = export_files(source, folder)
        except (CoachError, OSError) as exc:
            self.app.call_from_thread(
                self.notify, f"Could not export: {exc}", severity="error", timeout=10
            )
            return
        self.app.call_from_thread(self._exported, report, csv)

    def _exported(self, report: Path, csv: Path) -> None:
        saved = f"Saved {report.name} (print it for your doctor) and {csv.name} in {report.parent}"
        if self.app.is_web:
            # In a browser (`coach serve`) the data folder is out of reach: the report is
            # also handed to the browser, as a download.
            self.app.deliver_binary(report, open_method="download", mime_type="application/pdf")
            saved += "; the report is also in your browser's downloads"
        else:
            self.report = report
            saved += ". Press o to open it, to read or print."
            self.refresh_bindings()
        self.notify(saved, timeout=20)
        services(self).tie_notice(self, saved)  # it goes with History, not over the next screen

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_report":
            return self.report is not None  # shown once there is a report to open
        return True

    def action_open_report(self) -> None:
        """Open the report saved last with the desktop's viewer (xdg-open, open, ...)."""
        report = self.report
        if report is None:
            return
        why = services(self).open_file(report)
        if why is None:
            self.notify(f"Opening {report.name}...", timeout=5)
        else:
            self.notify(
                f"Could not open the report: {why}. It is at {report}.",
                severity="warning",
                timeout=20,
            )

    def action_close(self) -> None:
        self.dismiss(None)


def _rate(week: CrampWeek) -> str:
    """Cramps per 7 nights with its 95% interval, from the nights logged (at least 4)."""
    from coach.report.build import poisson_interval

    scale = 7 / week.nights_logged
    low, high = poisson_interval(week.cramps)
    return f"{week.cramps * scale:.1f} a week (95% CI {low * scale:.1f}-{high * scale:.1f})"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
