"""Records on a real TinyDB file: what is kept, what wins, and what a damaged file does."""

from __future__ import annotations

import json
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from coach.clock import FakeClock
from coach.errors import CoachError, StoreError
from coach.records import files as db_files
from coach.session import Session
from coach.system.paths import Paths

NIGHT = date(2026, 11, 22)


def test_outcomes_are_kept_and_the_latest_wins(ctx: Session, clock: FakeClock) -> None:
    store = ctx.store
    store.record_step(NIGHT, "stretch", "skipped", reason="too tired")
    clock.advance(60)
    store.record_step(NIGHT, "stretch", "done", detail={"holds": 12})
    store.record_step(NIGHT, "hydration", "done")
    latest = store.latest_outcomes(NIGHT, NIGHT)
    assert latest[(NIGHT, "stretch")].outcome == "done"
    assert latest[(NIGHT, "stretch")].detail == {"holds": 12}
    assert latest[(NIGHT, "hydration")].origin.startswith("test@")
    history = [(r.step, r.outcome, r.reason) for r in store.step_records(NIGHT, NIGHT)]
    assert history == [
        ("stretch", "skipped", "too tired"),
        ("stretch", "done", None),
        ("hydration", "done", None),
    ]


def test_a_second_store_on_the_same_folder_sees_every_write(ctx: Session) -> None:
    other = Session(ctx.paths, kind="daemon", clock=ctx.clock)
    ctx.store.record_step(NIGHT, "stretch", "done")
    assert other.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "stretch")].outcome == "done"
    other.store.record_step(NIGHT, "stretch", "skipped")
    assert ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "stretch")].outcome == "skipped"


def test_cramp_logs_and_their_limits(ctx: Session, clock: FakeClock) -> None:
    store = ctx.store
    store.record_cramps(NIGHT, 2, severity=6, minutes=3, leg="left", disturbance=4, notes="x")
    clock.advance(5)
    store.record_cramps(NIGHT, 1, severity=3)
    assert store.cramp_logs(NIGHT, NIGHT)[NIGHT].cramps == 1
    for kwargs, problem in [
        ({"count": -1}, "0 to 50"),
        ({"count": 1, "severity": 11}, "0 to 10"),
        ({"count": 1, "leg": "middle"}, "left, right, both"),
        ({"count": 1, "minutes": -2.0}, "0 to 1440"),
    ]:
        with pytest.raises(CoachError, match=problem):
            store.record_cramps(NIGHT, **kwargs)  # type: ignore[arg-type]
    assert store.cramp_logs(NIGHT, NIGHT)[NIGHT].cramps == 1


def test_records_on_disk_are_objects_with_their_keys(ctx: Session) -> None:
    # Records are NamedTuples, which `json` would write as lists; the file keeps objects,
    # and a cramp log keeps the key "count" (the field is `cramps`).
    store = ctx.store
    log = store.record_cramps(NIGHT, 2, severity=6, leg="left", notes="calf")
    store.record_step(NIGHT, "stretch", "done", detail={"holds": 12})
    store.add_event(NIGHT, "cramp-episode", {"minutes": 2})
    store.take_back(NIGHT, "forget", [log.id], "the cramp log")
    tables = json.loads((ctx.paths.db_dir / "2026-11.json").read_bytes())
    [cramps] = tables["cramps"].values()
    common = {"night", "at", "origin", "id", "hlc"}
    assert set(cramps) == common | {
        "count",
        *("severity", "minutes", "leg", "disturbance", "notes", "muscle", "band"),
    }
    assert (cramps["count"], cramps["severity"], cramps["leg"]) == (2, 6, "left")
    [outcome] = tables["outcomes"].values()
    assert set(outcome) == common | {"step", "outcome", "reason", "late", "detail"}
    assert outcome["detail"] == {"holds": 12}
    [event] = tables["events"].values()
    assert set(event) == common | {"kind", "data"}
    assert event["data"] == {"minutes": 2}
    [stone] = tables["tombstones"].values()
    assert set(stone) == common | {"action", "targets", "what"}
    assert stone["targets"] == [log.id]
    assert isinstance(outcome["hlc"], list) and outcome["night"] == "2026-11-22"


def test_each_month_of_nights_is_its_own_small_file(ctx: Session) -> None:
    ctx.store.record_step(date(2026, 10, 31), "stretch", "done")
    ctx.store.record_step(date(2026, 11, 1), "stretch", "done")
    names = sorted(p.name for p in ctx.paths.db_dir.glob("*.json"))
    assert names == ["2026-10.json", "2026-11.json"]
    both = ctx.store.latest_outcomes(date(2026, 10, 31), date(2026, 11, 1))
    assert len(both) == 2
    assert ctx.store.first_night() == date(2026, 10, 31)


def test_files_are_user_only(ctx: Session) -> None:
    ctx.store.record_step(NIGHT, "stretch", "done")
    ctx.store.record_step(NIGHT, "stretch", "done")  # the second write takes the backup
    for path in [
        ctx.paths.db_dir / "2026-11.json",
        ctx.paths.lock_file,
        *ctx.paths.backups_dir.iterdir(),
    ]:
        assert path.stat().st_mode & 0o777 == 0o600, path
    for folder in [ctx.paths.db_dir, ctx.paths.backups_dir]:
        assert folder.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"outcomes": {"1": {"night": "2026-11-', "damaged"),
        (b'{"_default": {"1": {"name": "someone else"}}}', "not a coach database"),
        (b'{"_meta": {"1": {"app": "coach", "schema": 99}}}', "newer coach"),
        (b"\xff\xfe garbage", "damaged"),
        (b"", "the file is empty"),
        (b'{"_meta": {"1": {"app": "coach", "schema": 0}}}', "not a coach database"),
        (
            '{"_meta": {"1": {"app": "coach", "schema": 1}}, "outcomes": {"²": {}}}'.encode(),
            "malformed",
        ),
        (
            b'{"_meta": {"1": {"app": "coach", "schema": 1}}, "cramps": {"1": {}, "0001": {}}}',
            "malformed",
        ),
        (b'{"_meta": {"1": {"app": "coach", "schema": 1}}, "cramps": {"1": {}, "1": {}}}', "twice"),
        (b'{"_meta": {"1": {"app": "coach", "schema": 1}}, "x": ' + b"[" * 100_000, "nested"),
        (
            b'{"_meta": {"1": {"app": "coach", "schema": 1}}, "x": {"1": '
            + b"[" * 30
            + b"]" * 30
            + b"}}",
            "nested",
        ),
        (b'{"_meta": {"1": {"app": "coach", "schema": 1}}, "outcomes": []}', "is not a table"),
        (b'{"_meta": {"1": {"app": "coach", "schema": 1}}, "cramps": {"a": {}}}', "malformed"),
    ],
)
def test_a_bad_file_stops_with_a_clear_error_and_is_never_overwritten(
    ctx: Session, content: bytes, problem: str
) -> None:
    path = ctx.paths.db_dir / "2026-11.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(StoreError, match=problem) as caught:
        ctx.store.record_step(NIGHT, "stretch", "done")
    assert str(caught.value).startswith(str(path))
    assert "\n" not in str(caught.value)
    with pytest.raises(StoreError, match=problem):
        ctx.store.latest_outcomes(NIGHT, NIGHT)
    assert path.read_bytes() == content


def test_an_older_schema_is_migrated_on_read_and_written_back(
    ctx: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx.store.record_step(NIGHT, "stretch", "done")

    def rename_step(tables: db_files.Tables) -> db_files.Tables:
        for doc in tables.get("outcomes", {}).values():
            doc["step"] = doc["step"].upper()
        return tables

    monkeypatch.setattr(db_files, "SCHEMA_VERSION", 3)
    monkeypatch.setitem(db_files.MIGRATIONS, 2, rename_step)
    assert ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "STRETCH")].outcome == "done"
    ctx.store.record_step(NIGHT, "hydration", "done")
    on_disk = json.loads((ctx.paths.db_dir / "2026-11.json").read_bytes())
    assert on_disk["_meta"]["1"]["schema"] == 3


def test_daily_backups_keep_the_last_seven_and_a_merging_restore_brings_a_night_back(
    ctx: Session, clock: FakeClock
) -> None:
    store = ctx.store
    for day in range(10):
        store.record_step(NIGHT + timedelta(days=day), "stretch", "done")
        clock.advance(24 * 3600)
    names = sorted(p.name for p in ctx.paths.backups_dir.iterdir())
    assert len(names) == 7
    assert names[-1] == "coach-2026-12-01.zip"
    # The backup of 1 Dec was taken before that day's write: nights up to 30 Nov.
    with zipfile.ZipFile(ctx.paths.backups_dir / names[-1]) as archive:
        assert archive.namelist() == ["2026-11.json"]
        nights = json.loads(archive.read("2026-11.json"))["outcomes"].values()
        assert max(doc["night"] for doc in nights) == "2026-11-30"

    december = date(2026, 12, 1)
    store.record_step(december, "hydration", "done")  # after the backup, in a healthy month
    (ctx.paths.db_dir / "2026-11.json").write_bytes(b"")  # November is damaged
    ctx.backups.restore("2026-12-01", store, merge=True)
    november = store.latest_outcomes(NIGHT, date(2026, 11, 30))
    assert sorted(night.day for night, _ in november) == list(range(22, 31))
    # Nothing written since the backup in a healthy month is lost.
    assert store.latest_outcomes(december, december)[(december, "hydration")].outcome == "done"
    before = [p for p in ctx.paths.backups_dir.iterdir() if p.name.startswith("before-restore-")]
    with zipfile.ZipFile(before[0]) as archive:
        assert archive.read("2026-11.json") == b""  # the damaged file is kept as it was


def test_restore_mends_a_damaged_database(ctx: Session, clock: FakeClock) -> None:
    ctx.store.record_step(NIGHT, "stretch", "done")
    clock.advance(24 * 3600)
    ctx.store.record_step(NIGHT, "hydration", "done")  # takes today's backup first
    (ctx.paths.db_dir / "2026-11.json").write_bytes(b"{broken")
    with pytest.raises(StoreError):
        ctx.store.record_step(NIGHT, "screens-off", "done")
    ctx.backups.restore("latest", ctx.store)
    outcomes = ctx.store.latest_outcomes(NIGHT, NIGHT)
    assert outcomes[(NIGHT, "stretch")].outcome == "done"
    assert (NIGHT, "hydration") not in outcomes  # written after the backup


def test_history_marks_missed_only_once_the_night_is_over(ctx: Session, clock: FakeClock) -> None:
    ctx.store.record_step(NIGHT, "stretch", "done")
    tonight = ctx.night(NIGHT)
    assert tonight.steps["stretch"] == "done"
    assert tonight.steps["hydration"] == "pending"
    clock.advance(20 * 3600)  # Monday 14:00: the night is over
    over = ctx.night(NIGHT)
    assert over.steps == {
        "last-meal": "missed",
        "hydration": "missed",
        "screens-off": "missed",
        "stretch": "done",
        "sleep-position": "missed",
    }


def test_two_copies_merge_without_conflict_and_merging_twice_adds_nothing(
    ctx: Session, clock: FakeClock, tmp_path: Path
) -> None:
    laptop = Session(Paths.resolve(tmp_path / "laptop"), kind="tui", clock=clock)
    ctx.store.record_step(NIGHT, "stretch", "skipped")
    ctx.store.record_cramps(NIGHT, 1, severity=5)
    clock.advance(60)
    laptop.store.record_step(NIGHT, "stretch", "done")  # later: it wins after the merge
    laptop.store.record_step(date(2026, 12, 1), "hydration", "done")

    assert ctx.store.merge_from(laptop.paths.db_dir) == 2
    assert ctx.store.merge_from(laptop.paths.db_dir) == 0
    assert laptop.store.merge_from(ctx.paths.db_dir) == 2  # back the other way
    for copy in (ctx, laptop):
        latest = copy.store.latest_outcomes(NIGHT, date(2026, 12, 1))
        assert latest[(NIGHT, "stretch")].outcome == "done"
        assert latest[(date(2026, 12, 1), "hydration")].outcome == "done"
        assert copy.store.cramp_logs(NIGHT, NIGHT)[NIGHT].severity == 5
        assert len(copy.store.step_records(NIGHT, date(2026, 12, 1))) == 3


def test_a_read_only_disk_is_one_line_and_loses_nothing(
    ctx: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from coach.cli.main import main
    from coach.system import files as safe_files

    ctx.store.record_step(NIGHT, "stretch", "done")
    ctx.store.record_step(NIGHT, "stretch", "done")  # today's backup is taken
    path = ctx.paths.db_dir / "2026-11.json"
    before = path.read_bytes()

    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(safe_files.os, "replace", read_only)
    assert main(["done", "hydration"], context=ctx) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Read-only file system" in err and "nothing was changed" in err
    assert path.read_bytes() == before
    assert not list(ctx.paths.db_dir.glob(".*.tmp"))


def test_a_damaged_other_copy_merges_nothing_and_says_whose_file_it_is(
    ctx: Session, tmp_path: Path
) -> None:
    other = tmp_path / "other" / "db"
    other.mkdir(parents=True)
    (other / "2026-10.json").write_bytes(
        b'{"_meta": {"1": {"app": "coach", "schema": 1}}, "outcomes": {"01": {"id": "x"}}}'
    )
    with pytest.raises(StoreError, match="in the other copy; nothing was merged") as caught:
        ctx.store.merge_from(other)
    assert "restore" not in str(caught.value)
    assert ctx.store.first_night() is None


def test_other_json_files_in_the_db_folder_do_not_block_writes(
    ctx: Session, clock: FakeClock
) -> None:
    ctx.store.record_step(NIGHT, "stretch", "done")
    (ctx.paths.db_dir / "notes.json").write_text("my own notes")
    clock.advance(24 * 3600)
    ctx.store.record_step(NIGHT, "hydration", "done")  # takes a daily backup
    with zipfile.ZipFile(ctx.paths.backups_dir / "coach-2026-11-23.zip") as archive:
        assert archive.namelist() == ["2026-11.json"]
