"""The heatmap drawn from a diary that holds only its recent nights, as History's is before
the older ones arrive: each held night in its cell, the rest blank, the grid as wide as
its columns and no wider."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from textual.app import App, ComposeResult
from textual.geometry import Region

from coach.diary.nights import Diary, NightFacts
from coach.records.store import CrampLog
from screens.heatmap import Heatmap

STEPS = ("stretch", "hydration")
LAST = date(2026, 11, 22)  # a Sunday: the last row of the last column
FIRST = LAST - timedelta(days=59)
HELD = 10


def _night(night: date, cramps: int) -> NightFacts:
    at = datetime(2026, 11, 23, 7, tzinfo=UTC)
    log = CrampLog(night=night, cramps=cramps, at=at, origin="test", id=f"c{night}")
    return NightFacts(
        night=night,
        steps=dict.fromkeys(STEPS, "done"),
        required=STEPS,
        cramps=log,
    )


class GridApp(App[None]):
    def compose(self) -> ComposeResult:
        nights = [
            _night(LAST - timedelta(days=back), cramps=1 if back == 3 else 0)
            for back in range(HELD - 1, -1, -1)
        ]
        yield Heatmap(Diary(nights, STEPS), FIRST, LAST, id="heatmap")


def _lines(app: GridApp) -> list[str]:
    heatmap = app.query_one(Heatmap)
    width, height = heatmap.outer_size
    return [strip.text for strip in heatmap.render_lines(Region(0, 0, width, height))]


async def test_held_nights_fill_their_cells_and_the_others_stay_blank() -> None:
    app = GridApp()
    async with app.run_test(size=(40, 12)) as pilot:
        lines = _lines(app)
        rows = {line[:2]: line[3:].rstrip() for line in lines[1:8]}
        # Nine columns (60 nights from a Monday); the last two hold the ten nights.
        assert rows["Su"].endswith("█ ◆")  # the cursor on the last night, no cramps
        assert rows["Th"].endswith("  █•")  # the night three back had cramps
        assert rows["Mo"].strip() == "█"  # Monday the 9th is not held, the 16th is
        assert rows["Fr"].endswith("█ █")  # Friday the 13th is the first night held
        assert all(len(row) <= 2 * 9 for row in rows.values())
        assert all(set(row[: 2 * 7]) <= {" "} for row in rows.values())  # not held: blank
        assert lines[8].startswith("█ all done")
        await pilot.press("home")  # to the first night, which the diary does not hold
        assert app.query_one(Heatmap).cursor == FIRST
        assert "◆" not in "".join(_lines(app))
