"""The history screen, driven with Pilot: navigation across weeks and months, a night's
detail, correcting a record, red flags shown once, export, and the full load."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from textual.app import App
from textual.widgets import Static

from coach.cli.main import main
from coach.diary.nights import Diary
from coach.records.store import Store
from coach.safety import rules as redflags
from coach.session import Session
from screens.checkin import CheckinScreen
from screens.history import CorrectNight, Heatmap, HistoryScreen
from tests.support.apps import HistoryApp
from tests.support.diaries import write_diary

STEPS = ("last-meal", "hydration", "screens-off", "stretch", "sleep-position")
NOV = date(2026, 11, 1)


def november(store: Store) -> None:
    """Nov 1-21 complete except the stretch on Nov 18 (missed); 2 cramps logged on Nov 18."""
    for day in range(21):
        night = NOV + timedelta(days=day)
        for step in STEPS:
            if not (night == date(2026, 11, 18) and step == "stretch"):
                store.record_step(night, step, "done")
    store.record_cramps(date(2026, 11, 18), 2, severity=5)


def text(app: App[None], selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def test_keys_move_across_days_weeks_and_months(ctx: Session) -> None:
    november(ctx.store)
    app = HistoryApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        heatmap = app.screen.query_one(Heatmap)
        assert heatmap.cursor == date(2026, 11, 22)  # tonight, 18:00
        assert text(app, "#night").startswith("Sun 22 Nov 2026\nin progress")
        moves = [
            ("left", date(2026, 11, 15)),
            ("up", date(2026, 11, 14)),
            ("down", date(2026, 11, 15)),
            ("pageup", date(2026, 11, 1)),  # a month back is before the first night
            ("pagedown", date(2026, 11, 22)),  # and a month on is past tonight
            ("home", date(2026, 11, 1)),
            ("right", date(2026, 11, 8)),
            ("end", date(2026, 11, 22)),
        ]
        for key, expected in moves:
            await pilot.press(key)
            assert heatmap.cursor == expected, key
        await pilot.press("up", "up", "up", "up")
        night = text(app, "#night")
        assert night.startswith("Wed 18 Nov 2026\n4 of 5 steps done")
        assert "✗ Calf and hamstring stretches" in night
        assert "Cramps: 2 cramps, worst 5/10" in night


async def test_correcting_a_step_updates_the_store_and_the_figures(ctx: Session) -> None:
    november(ctx.store)
    app = HistoryApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        # Nov 1-17 is the best run; Nov 19-21 the current one.
        assert "Streak 3 nights (best 17)" in text(app, "#summary")
        await pilot.press("up", "up", "up", "up", "enter")
        assert isinstance(app.screen, CorrectNight)
        await pilot.press("down", "down", "down", "d", "escape")
        assert isinstance(app.screen, HistoryScreen)
        assert "Streak 21 nights (best 21)" in text(app, "#summary")
        assert text(app, "#night").startswith("Wed 18 Nov 2026\nevery step done")
    record = ctx.store.latest_outcomes(date(2026, 11, 18), date(2026, 11, 18))[
        (date(2026, 11, 18), "stretch")
    ]
    assert (record.outcome, dict(record.detail)) == ("done", {"by": "correction"})


async def test_correcting_the_cramp_log(ctx: Session) -> None:
    november(ctx.store)
    app = HistoryApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("up", "up", "up", "up", "enter", "l")
        assert isinstance(app.screen, CheckinScreen)
        assert app.screen.night == date(2026, 11, 18)
        await pilot.press("n", "n")  # no cramps; none of the urgent signs
        assert text(app, "#correct-cramps") == "Cramps: no cramps"
        await pilot.press("escape")
        assert "Cramps: no cramps" in text(app, "#night")
    log = ctx.store.cramp_logs(date(2026, 11, 18), date(2026, 11, 18))[date(2026, 11, 18)]
    assert log.cramps == 0


async def test_a_red_flag_is_shown_once(ctx: Session) -> None:
    ctx.store.record_cramps(date(2026, 11, 10), 1, minutes=15)
    app = HistoryApp(ctx)
    async with app.run_test(size=(100, 30)):
        flags = app.screen.query_one("#flags", Static)
        assert flags.display
        assert "URGENT: A cramp lasted more than 10 minutes (10 Nov 2026)" in str(flags.content)
    again = HistoryApp(ctx)
    async with again.run_test(size=(100, 30)):
        assert not again.screen.query_one("#flags", Static).display


async def test_export_saves_the_report_and_the_csv(ctx: Session) -> None:
    november(ctx.store)
    app = HistoryApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x")
        await app.workers.wait_for_complete()
    report = PdfReader(ctx.paths.exports_dir / "report-2026-11-22.pdf")
    assert len(report.pages) == 1
    text = " ".join((report.pages[0].extract_text() or "").split())
    assert "Night-time leg cramps: diary report" in text
    assert "Sun 01 Nov 2026 to Sat 21 Nov 2026" in text
    csv = (ctx.paths.exports_dir / "history-2026-11-22.csv").read_text().splitlines()
    assert csv[18].startswith("2026-11-18,done,done,done,missed,done,2,5,")


async def test_an_empty_store_shows_plain_zeros(ctx: Session) -> None:
    app = HistoryApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Streak 0 nights (best 0)" in text(app, "#summary")
        assert "a personal experiment can tell (e on Tonight)" in text(app, "#stretch-question")
        await pilot.press("enter")
        assert isinstance(app.screen, CorrectNight)  # tonight can be recorded already


async def test_old_nights_arrive_from_the_worker(ctx: Session) -> None:
    ctx.paths.db_dir.mkdir(parents=True)
    first = date(2025, 6, 1)  # 540 nights: more than the screen reads before drawing
    write_diary(ctx.paths.db_dir, first, date(2026, 11, 21))
    full = Diary.load(ctx.store, ctx.settings, ctx.clock.now())
    app = HistoryApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen) and screen.complete
        streaks = full.streaks()
        assert f"(best {streaks.best})" in text(app, "#summary")
        await pilot.press("home")
        assert screen.query_one(Heatmap).cursor == first
        assert text(app, "#night").startswith("Sun 01 Jun 2025\n")
        assert "Nothing recorded" not in text(app, "#night")


async def test_a_streak_longer_than_the_nights_read_first_says_at_least(
    ctx: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx.paths.db_dir.mkdir(parents=True)
    first = date(2025, 6, 1)  # 540 nights, every one complete (or paused)
    write_diary(ctx.paths.db_dir, first, date(2026, 11, 21), keen=1.0)
    full = Diary.load(ctx.store, ctx.settings, ctx.clock.now()).streaks()
    assert full.current > 400 and full.from_first
    monkeypatch.setattr(HistoryScreen, "_load_all", lambda self: None)  # old nights wait
    async with HistoryApp(ctx).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        summary = text(pilot.app, "#summary")
        assert not pilot.app.screen.complete
        # Only the last 400 nights are read: the run goes on past them.
        assert summary.startswith("Streak at least 3") and "(best: counting...)" in summary
        assert f"Streak at least {full.current} " not in summary
    monkeypatch.undo()
    app = HistoryApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        summary = text(app, "#summary")
        assert summary.startswith(f"Streak {full.current} nights (best {full.best})")


async def test_unreadable_records_are_shown_not_crashed_on(ctx: Session) -> None:
    ctx.paths.db_dir.mkdir(parents=True)
    (ctx.paths.db_dir / "2026-11.json").write_text("{ not json")
    app = HistoryApp(ctx)
    async with app.run_test(size=(100, 30)):
        problem = text(app, "#flags")
        assert problem.startswith("Cannot read your records: ")
        assert "2026-11.json: the database is damaged" in problem
        assert "coach restore latest" in problem


async def test_export_says_where_the_files_went(
    ctx: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    november(ctx.store)
    said: list[str] = []
    monkeypatch.setattr(HistoryScreen, "notify", lambda self, message, **kw: said.append(message))
    app = HistoryApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert said == [
        "Making the report...",
        "Saved report-2026-11-22.pdf (print it for your doctor) and history-2026-11-22.csv "
        f"in {ctx.paths.exports_dir}. Press o to open it, to read or print.",
    ]


async def test_the_report_goes_to_the_documents_folder_and_o_opens_it(
    ctx: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a folder chosen, the report is saved where a person looks for a file: the
    desktop's documents folder (XDG_DOCUMENTS_DIR, else ~/Documents)."""
    november(ctx.store)
    documents = tmp_path / "Dokumente"
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(documents))
    opened: list[Path] = []

    def opener(path: Path) -> str | None:
        opened.append(path)
        return None

    app = HistoryApp(ctx, exports_dir=None, opener=opener)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("o")  # nothing saved yet: nothing to open
        assert opened == []
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert f"history-2026-11-22.csv in {documents}. Press o to open it" in said[-1]
        await pilot.press("o")
        await pilot.pause()
    report = documents / "report-2026-11-22.pdf"
    assert report.read_bytes().startswith(b"%PDF")
    assert opened == [report]


async def test_report_folder_in_config_is_used_and_a_missing_viewer_says_where_the_file_is(
    ctx: Session, tmp_path: Path
) -> None:
    november(ctx.store)
    assert main(["config", "set", "report.folder", str(tmp_path / "for the doctor")]) == 0
    ctx.reload_settings()
    app = HistoryApp(
        ctx,
        exports_dir=None,
        opener=lambda path: "xdg-open was not found (Debian/Ubuntu: apt install xdg-utils)",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        said = [n.message for n in app._notifications]
    report = tmp_path / "for the doctor" / "report-2026-11-22.pdf"
    assert report.exists()
    assert said[-1] == (
        "Could not open the report: xdg-open was not found (Debian/Ubuntu: apt install "
        f"xdg-utils). It is at {report}."
    )


async def test_an_export_that_cannot_be_written_says_why(
    ctx: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    november(ctx.store)
    ctx.paths.exports_dir.parent.mkdir(parents=True, exist_ok=True)
    ctx.paths.exports_dir.write_text("a file where the folder should be")
    said: list[str] = []
    monkeypatch.setattr(HistoryScreen, "notify", lambda self, message, **kw: said.append(message))
    app = HistoryApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)  # the app carries on
    assert said[0] == "Making the report..."
    assert said[1].startswith("Could not export: ")
    assert ctx.paths.exports_dir.read_text() == "a file where the folder should be"


async def test_moving_the_cursor_reads_no_records(
    ctx: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    november(ctx.store)
    app = HistoryApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        reads: list[str] = []
        for name in ("latest_steps", "cramp_logs", "events"):
            original = getattr(Store, name)

            def counting(
                self: Store, *args: object, _name: str = name, _f: object = original
            ) -> object:
                reads.append(_name)
                return _f(self, *args)  # type: ignore[operator]

            monkeypatch.setattr(Store, name, counting)
        checks: list[date] = []
        check_after_save = redflags.check_after_save

        def uncounted_check(*args: Any) -> Any:
            # The red-flag check after each save reads its own 14 nights either side.
            before = len(reads)
            try:
                return check_after_save(*args)
            finally:
                checks.append(args[-1])
                del reads[before:]

        monkeypatch.setattr(redflags, "check_after_save", uncounted_check)
        await pilot.press("left", "left", "up", "pageup", "end", "home", "right")
        assert text(app, "#night").startswith("Sun 08 Nov 2026")
        assert reads == []  # the screen reads its diary, not the store, on every key
        # A correction reads the store once, to reload its night.
        await pilot.press("enter", "d", "escape")
        assert sorted(reads) == ["cramp_logs", "events", "latest_steps"]
        assert checks == [date(2026, 11, 8)]  # and the save was checked for red flags


async def test_this_weeks_cramps_show_their_counts_before_any_rate(ctx: Session) -> None:
    # The week of Mon 16 Nov: one night logged with 2 cramps, on Nov 18; tonight is Nov 22.
    november(ctx.store)
    app = HistoryApp(ctx)
    async with app.run_test(size=(120, 40)):
        figures = text(app, "#cramps-figures")
        # One logged night: the counts, and no rate (none from under 4 logged nights).
        assert figures.startswith(
            "This week so far: 2 cramps on 1 logged night, worst pain 5.0/10 on average"
        )
        assert "14.0" not in figures  # nor is that week the "highest"
        for line in figures.splitlines():
            if line.startswith("Highest:"):
                assert "a week (95% CI " in line  # a rate shows its interval


async def test_on_a_monday_morning_the_figures_name_last_week_not_this_week(
    ctx: Session, clock: Any
) -> None:
    from datetime import datetime

    from tests.support import BERLIN

    november(ctx.store)  # 2 cramps on Wed 18 Nov, of the week of Mon 16 Nov
    clock.set(datetime(2026, 11, 23, 7, 30, tzinfo=BERLIN))  # Monday, before noon
    app = HistoryApp(ctx)
    async with app.run_test(size=(120, 40)):
        figures = text(app, "#cramps-figures")
        assert figures.startswith("Week of Mon 16 Nov: 2 cramps on 1 logged night")
        assert "This week" not in figures
