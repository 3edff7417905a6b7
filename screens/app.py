"""The Textual application."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from coach.context import Context
from coach.planner import current_night, plan_night


class CoachApp(App[None]):
    """Tonight's routine."""

    TITLE = "coach"

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        settings = self.ctx.settings
        night = current_night(settings, self.ctx.clock.now())
        plan = plan_night(settings, night)
        lines = [f"{s.at.astimezone(settings.tz):%H:%M}  {s.title}" for s in plan.steps]
        yield Header()
        yield Static("\n".join(lines), id="timeline")
        yield Footer()


def run_tui(ctx: Context) -> int:
    ctx.kind = "tui"
    CoachApp(ctx).run()
    return 0
