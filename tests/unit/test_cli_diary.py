"""Correcting the diary from the command line: undo, forget, a cramp log replaced aloud,
nights that can exist, and history from the first record. Each reads the store after."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from coach.cli.main import main
from coach.clock import FakeClock
from coach.diary.nights import Diary
from coach.session import Session
from tests.support import BERLIN

NIGHT = date(2026, 11, 22)  # the fixture's clock: Sun 22 Nov, 18:00


def run(ctx: Session, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), context=ctx)
    out, err = capsys.readouterr()
    return code, out, err


def test_undo_takes_back_the_latest_change_and_says_what(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    run(ctx, capsys, "done", "stretch")
    clock.advance(60)
    run(ctx, capsys, "skip", "stretch", "--reason", "tired")  # a correction of the same step
    clock.advance(60)
    run(ctx, capsys, "done", "hydration")
    clock.advance(60)

    code, out, _ = run(ctx, capsys, "undo")
    assert code == 0
    assert out.strip() == "Undone: Hydration done, night of Sun 22 Nov."
    assert (NIGHT, "hydration") not in ctx.store.latest_outcomes(NIGHT, NIGHT)

    # Again: the correction goes, and the stretch is done again, as before it.
    code, out, _ = run(ctx, capsys, "undo")
    assert out.strip() == "Undone: Calf and hamstring stretches skipped, night of Sun 22 Nov."
    assert ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "stretch")].outcome == "done"

    assert run(ctx, capsys, "undo")[1].startswith("Undone: Calf and hamstring stretches done")
    assert ctx.store.latest_outcomes(NIGHT, NIGHT) == {}
    assert run(ctx, capsys, "undo") == (0, "Nothing to undo.\n", "")


def test_undo_of_a_cramp_log_brings_back_the_one_it_replaced(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN))
    run(ctx, capsys, "cramp", "--count", "2", "--severity", "6", "--note", "new tablets")
    clock.advance(60)
    run(ctx, capsys, "cramp", "--none")
    _, out, _ = run(ctx, capsys, "undo")
    assert out.strip() == "Undone: the cramp log of the night of Sun 22 Nov (no cramps)."
    log = ctx.store.cramp_logs(NIGHT, NIGHT)[NIGHT]
    assert (log.cramps, log.severity, log.notes) == (2, 6, "new tablets")


def test_forget_a_step_the_cramps_or_the_whole_night(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN))
    for step in ("stretch", "hydration"):
        run(ctx, capsys, "done", step, "--night", "2026-11-22")
    run(ctx, capsys, "cramp", "--count", "1", "--minutes", "12")  # a red flag, logged wrongly

    code, out, _ = run(ctx, capsys, "forget", "--night", "2026-11-22", "--step", "stretch")
    assert code == 0
    assert out.startswith("Forgot Calf and hamstring stretches on the night of Sun 22 Nov")
    assert set(ctx.store.latest_outcomes(NIGHT, NIGHT)) == {(NIGHT, "hydration")}

    code, out, _ = run(ctx, capsys, "forget", "--night", "2026-11-22", "--cramps")
    assert code == 0
    assert ctx.store.cramp_logs(NIGHT, NIGHT) == {}
    # History, statistics and red flags read as if the log had never been written.
    _, out, _ = run(ctx, capsys, "history", "--days", "2", "--format", "json")
    nights = {n["night"]: n for n in json.loads(out)}
    assert nights["2026-11-22"]["cramps"] is None
    diary = Diary.load(ctx.store, ctx.settings, clock.now())
    assert diary.night(NIGHT) is not None and not diary.night(NIGHT).had_cramps  # type: ignore[union-attr]
    from coach.safety.rules import find_red_flags

    assert find_red_flags(diary) == []

    assert run(ctx, capsys, "forget", "--night", "2026-11-22")[0] == 0
    assert ctx.store.latest_outcomes(NIGHT, NIGHT) == {}
    # Nothing left: saying so is an error, and nothing is written.
    code, _, err = run(ctx, capsys, "forget", "--night", "2026-11-22", "--cramps")
    assert code == 1
    assert err.startswith("coach: nothing to forget")


def test_forget_is_undone_and_both_merge_into_another_copy(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    """The tombstone is a record: merged into a copy that has the record, it hides it there;
    the undo of the forget is one too, and brings the record back there as well."""
    from pathlib import Path

    from coach.system.paths import Paths

    other = Session(Paths.resolve(Path(str(tmp_path)) / "other"), kind="test", clock=clock)
    run(ctx, capsys, "done", "stretch")
    other.store.merge_from(ctx.paths.db_dir)  # the other machine has the record too
    assert (NIGHT, "stretch") in other.store.latest_outcomes(NIGHT, NIGHT)
    run(ctx, capsys, "forget", "--night", "tonight", "--step", "stretch")
    other.store.merge_from(ctx.paths.db_dir)
    assert other.store.latest_outcomes(NIGHT, NIGHT) == {}
    assert run(ctx, capsys, "undo")[1] == (
        "Undone: forgetting Calf and hamstring stretches on the night of Sun 22 Nov.\n"
    )
    assert (NIGHT, "stretch") in ctx.store.latest_outcomes(NIGHT, NIGHT)
    other.store.merge_from(ctx.paths.db_dir)
    assert (NIGHT, "stretch") in other.store.latest_outcomes(NIGHT, NIGHT)


def test_a_cramp_log_on_a_logged_night_is_replaced_aloud_keeping_its_note(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN))
    run(ctx, capsys, "cramp", "--count", "2", "--severity", "6", "--note", "new tablets for BP")
    code, out, _ = run(ctx, capsys, "cramp", "--count", "3", "--severity", "7")
    assert code == 0
    lines = out.splitlines()
    assert "replac" in lines[0].lower()
    assert lines[0] == (
        "Replaced the cramp log of the night of Sun 22 Nov 2026 (was: 2 cramps, worst 6/10)."
    )
    assert lines[1] == "Recorded: 3 cramps, worst 7/10, night of Sun 22 Nov 2026."
    log = ctx.store.cramp_logs(NIGHT, NIGHT)[NIGHT]
    assert (log.cramps, log.severity, log.notes) == (3, 7, "new tablets for BP")
    # A new note replaces the old one; an empty one clears it.
    run(ctx, capsys, "cramp", "--none", "--note", "")
    assert ctx.store.cramp_logs(NIGHT, NIGHT)[NIGHT].notes == ""


@pytest.mark.parametrize(
    "argv",
    [
        ["done", "stretch", "--night", "2027-01-05"],
        ["skip", "stretch", "--night", "2026-11-23"],
        ["cramp", "--none", "--night", "2026-12-01"],
        ["forget", "--night", "2026-11-30"],
    ],
)
def test_a_night_in_the_future_is_refused(
    ctx: Session, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = run(ctx, capsys, *argv)
    assert code == 1
    assert out == ""
    assert "is in the future" in err and err.count("\n") == 1
    assert ctx.store.first_night() is None  # nothing was recorded


def test_tonight_and_yesterday_name_nights(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))  # Monday morning: tonight is Sunday's
    _, out, _ = run(ctx, capsys, "done", "stretch", "--night", "yesterday")
    assert out.strip().endswith("night of Sat 21 Nov 2026.")
    run(ctx, capsys, "skip", "hydration", "--night", "tonight")
    outcomes = ctx.store.latest_outcomes(NIGHT - timedelta(days=1), NIGHT)
    assert set(outcomes) == {(NIGHT - timedelta(days=1), "stretch"), (NIGHT, "hydration")}
    code, _, err = run(ctx, capsys, "done", "stretch", "--night", "someday")
    assert code == 2 and "is not a night; use YYYY-MM-DD, tonight or yesterday" in err


def test_history_starts_at_the_first_record(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    run(ctx, capsys, "done", "stretch", "--night", "2026-11-20")
    _, out, _ = run(ctx, capsys, "history", "--days", "30", "--format", "json")
    nights = json.loads(out)
    # Nights before the first record were never kept: they are not "missed".
    assert [n["night"] for n in nights] == ["2026-11-20", "2026-11-21", "2026-11-22"]
    assert nights[0]["steps"]["stretch"] == "done"
    assert nights[0]["steps"]["hydration"] == "missed"
    # Forgetting the first record moves the start with it.
    run(ctx, capsys, "forget", "--night", "2026-11-20")
    _, out, _ = run(ctx, capsys, "history", "--days", "30", "--format", "json")
    assert json.loads(out) == []
    _, out, _ = run(ctx, capsys, "history")
    assert out == "Nothing recorded yet.\n"


def test_a_wrong_old_night_is_undone_and_history_does_not_start_there(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    run(ctx, capsys, "done", "stretch")
    clock.advance(30)
    code, _, err = run(ctx, capsys, "done", "stretch", "--night", "2020-01-01")  # a typo
    assert code == 1
    assert err == (
        "coach: the night of Wed 01 Jan 2020 is 6 years ago; if that is right, add --yes "
        "(nothing was recorded)\n"
    )
    assert ctx.store.first_night() == NIGHT
    run(ctx, capsys, "done", "stretch", "--night", "2020-01-01", "--yes")
    assert ctx.store.first_night() == date(2020, 1, 1)
    assert run(ctx, capsys, "undo")[1].strip() == (
        "Undone: Calf and hamstring stretches done, night of Wed 01 Jan."
    )
    assert ctx.store.first_night() == NIGHT
    _, out, _ = run(ctx, capsys, "history", "--days", "3650", "--format", "json")
    assert [n["night"] for n in json.loads(out)] == ["2026-11-22"]
