"""Nothing from outside breaks the diary: every record is checked on read, merge and
restore; what does not fit is set aside and reported once; the rest loads."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from coach.cli.main import main
from coach.records.store import Store
from coach.session import Session

NIGHT = date(2026, 11, 20)
DATA = Path(__file__).parent / "data" / "v1"
META = {"_meta": {"1": {"app": "coach", "schema": 2}}}


def run(ctx: Session, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), context=ctx)
    out, err = capsys.readouterr()
    return code, out, err


def other_copy(tmp_path: Path, doc_changes: dict[str, object], table: str = "outcomes") -> Path:
    """Another machine's data folder with one healthy record and one changed one."""
    other = Store(tmp_path / "other" / "db", tmp_path / "other" / "db.lock", _clock(), "cli@b")
    other.record_step(NIGHT, "hydration", "done")
    if table == "outcomes":
        other.record_step(NIGHT, "stretch", "done")
    else:
        other.add_event(NIGHT, "reminder", {"step": "stretch", "repeat": 0, "status": "sent"})
    path = other.db_dir / "2026-11.json"
    data = json.loads(path.read_bytes())
    last = max(data[table], key=int)
    for key, value in doc_changes.items():
        if value is None:
            del data[table][last][key]
        elif key == "data":
            data[table][last]["data"].pop("step")
        else:
            data[table][last][key] = value
    path.write_text(json.dumps(data))
    return tmp_path / "other"


def _clock():  # type: ignore[no-untyped-def]
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from coach.clock import FakeClock

    return FakeClock(datetime(2026, 11, 20, 21, 0, tzinfo=ZoneInfo("Europe/Berlin")))


def test_an_unknown_field_from_a_newer_version_is_kept_and_ignored(
    ctx: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = other_copy(tmp_path, {"mood": "fine"})
    code, out, err = run(ctx, capsys, "merge", str(other))
    assert code == 0 and "Merged 2 records" in out, err
    for argv in (("history", "--format", "json"), ("report",), ("snooze", "stretch")):
        code, out, err = run(ctx, capsys, *argv)
        assert "unexpected error" not in err
    steps = json.loads(run(ctx, capsys, "history", "--format", "json")[1])
    assert [n["steps"]["stretch"] for n in steps if n["night"] == "2026-11-20"] == ["done"]
    # Kept in the file, for the newer version that wrote it.
    on_disk = json.loads((ctx.paths.db_dir / "2026-11.json").read_bytes())
    assert any(doc.get("mood") == "fine" for doc in on_disk["outcomes"].values())


def test_a_merged_record_stamped_at_the_last_counter_does_not_block_writes(
    ctx: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A copy with a wrong clock (or an edited file) stamps a record in 2199 with the last
    counter there is: later writes move on to the next microsecond and stay after it; a
    stamp of 2200 or later is set aside like any record that does not fit."""
    from coach.records.schema import MAX_COUNTER, STAMP_MICROS

    late = [STAMP_MICROS[1] - 1_000_000, MAX_COUNTER]
    other = other_copy(tmp_path, {"hlc": late})
    code, out, err = run(ctx, capsys, "merge", str(other))
    assert code == 0 and "Merged 2 records" in out, err
    for argv in (("done", "hydration"), ("skip", "stretch"), ("undo",)):
        code, _, err = run(ctx, capsys, *argv)
        assert (code, err) == (0, ""), argv
    stamps = sorted(r.hlc for r in ctx.store.step_records(NIGHT, date(2026, 11, 22)))
    assert stamps[-1] == (late[0] + 1, 0)  # after the late record, in write order
    assert (late[0], late[1]) in stamps

    last = other_copy(tmp_path / "again", {"hlc": [STAMP_MICROS[1], 0]})
    code, out, err = run(ctx, capsys, "merge", str(last))
    assert code == 0 and "set aside" in err and "between 1970 and 2200" in err


@pytest.mark.parametrize(
    ("change", "table", "why"),
    [
        ({"data": None}, "events", "data.step"),
        ({"outcome": "maybe"}, "outcomes", "'outcome'"),
        ({"night": None}, "outcomes", "no 'night'"),
        ({"at": "2026-11-20T21:00:00"}, "outcomes", "without zone"),
        ({"detail": [1, 2]}, "outcomes", "'detail'"),
    ],
)
def test_a_merged_record_that_does_not_fit_is_set_aside_and_reported_once(
    ctx: Session,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, object],
    table: str,
    why: str,
) -> None:
    other = other_copy(tmp_path, change, table)
    code, out, err = run(ctx, capsys, "merge", str(other))
    assert code == 0 and "Merged 1 record " in out
    assert err.count("\n") == 1 and "set aside" in err and why in err
    assert str(other / "db" / "2026-11.json") in err
    kept = list((ctx.paths.data_dir / "quarantine").iterdir())
    assert len(kept) == 1 and json.loads(kept[0].read_text())["records"][0]["why"]
    for argv in (("history", "--format", "json"), ("report",), ("snooze", "stretch")):
        code, _, err = run(ctx, capsys, *argv)
        assert "unexpected error" not in err and "set aside" not in err
    assert (NIGHT, "hydration") in ctx.store.latest_outcomes(NIGHT, NIGHT)


def test_a_hand_edited_count_is_set_aside_on_read_and_the_report_still_works(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(ctx, capsys, "cramp", "--count", "2", "--night", "2026-11-20")[0] == 0
    assert run(ctx, capsys, "cramp", "--count", "1", "--night", "2026-11-19")[0] == 0
    path = ctx.paths.db_dir / "2026-11.json"
    data = json.loads(path.read_bytes())
    data["cramps"]["1"]["count"] = "abc"
    path.write_text(json.dumps(data))
    code, _, err = run(ctx, capsys, "report")
    assert code == 0 and "unexpected error" not in err
    assert f"{path}: 1 record did not fit and was set aside" in err and "'count'" in err
    code, _, err = run(ctx, capsys, "report")
    assert code == 0 and err == ""  # reported once
    logs = ctx.store.cramp_logs(date(2026, 11, 1), date(2026, 11, 30))
    assert {night: log.cramps for night, log in logs.items()} == {date(2026, 11, 19): 1}


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b'{"_meta":{"1":{"app":"coach","schema":1}},"outcomes":{"1":' + b"[" * 50_000, "nested"),
        ('{"_meta":{"1":{"app":"coach","schema":1}},"outcomes":{"²":{}}}'.encode(), "malformed"),
        (b'{"_meta":{"1":{"app":"coach","schema":1}},"outcomes":{"1":{},"0001":{}}}', "malformed"),
    ],
)
def test_hand_edited_files_give_one_damaged_line_naming_the_file(
    ctx: Session, capsys: pytest.CaptureFixture[str], raw: bytes, why: str
) -> None:
    path = ctx.paths.db_dir / "2026-11.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(raw)
    for argv in (("history",), ("done", "stretch"), ("report",)):
        code, _, err = run(ctx, capsys, *argv)
        assert code == 1
        assert err.count("\n") == 1 and err.startswith(f"coach: {path}: the database is damaged")
        assert why in err
    assert path.read_bytes() == raw


def test_a_fifo_where_a_month_file_belongs_is_refused_without_hanging(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    ctx.paths.db_dir.mkdir(parents=True)
    os.mkfifo(ctx.paths.db_dir / "2026-11.json")
    for argv in (("history",), ("done", "stretch")):
        code, _, err = run(ctx, capsys, *argv)
        assert code == 1 and err.count("\n") == 1 and "not a regular file" in err


def test_files_written_by_schema_1_read_the_same_and_migrate_on_write(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(DATA / "db", ctx.paths.db_dir)
    store = ctx.store
    october, november = date(2026, 10, 30), date(2026, 11, 1)
    outcomes = store.latest_outcomes(october, date(2026, 11, 2))
    assert {(n.isoformat(), s): (r.outcome, r.reason) for (n, s), r in outcomes.items()} == {
        ("2026-10-30", "stretch"): ("done", None),
        ("2026-10-30", "hydration"): ("skipped", "travel"),
        ("2026-11-01", "stretch"): ("skipped", None),  # written after the "done"
        ("2026-11-02", "last-meal"): ("done", None),
        ("2026-11-02", "stretch"): ("missed", None),
    }
    logs = store.cramp_logs(october, november)
    assert {n: (log.cramps, log.leg) for n, log in logs.items()} == {
        october: (0, None),
        november: (2, "left"),
    }
    kinds = sorted(e.kind for e in store.events(october, date(2026, 11, 2)))
    assert kinds == ["cramp-episode", "pause", "reminder", "snooze"]
    assert store.paused_nights(october, date(2026, 11, 2)) == {date(2026, 11, 2)}
    # A write rewrites the month in schema 2, every record stamped, nothing lost.
    store.record_step(november, "stretch", "done")
    data = json.loads((ctx.paths.db_dir / "2026-11.json").read_bytes())
    assert data["_meta"]["1"]["schema"] == 2
    assert all("hlc" in doc for t in ("outcomes", "events", "cramps") for doc in data[t].values())
    assert store.latest_outcomes(november, november)[(november, "stretch")].outcome == "done"
    assert len(data["outcomes"]) == 5 and len(data["events"]) == 4
    assert not (ctx.paths.data_dir / "quarantine").exists()


def test_a_schema_1_backup_restores_exactly(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(DATA / "db", ctx.paths.db_dir)
    ctx.paths.backups_dir.mkdir()
    shutil.copy(DATA / "coach-2026-11-23.zip", ctx.paths.backups_dir)
    code, out, _ = run(ctx, capsys, "restore", "--list")
    assert out.splitlines() == [
        "coach-2026-11-23.zip  1 night, 1 record (2026-10-30 to 2026-10-30)"
    ]
    code, out, err = run(ctx, capsys, "restore", "2026-11-23", "--yes")
    assert code == 0 and "exactly" in out, err
    assert "removes 11 records written since" in out
    outcomes = ctx.store.latest_outcomes(date(2026, 10, 1), date(2026, 11, 30))
    assert list(outcomes) == [(date(2026, 10, 30), "stretch")]
    assert not (ctx.paths.db_dir / "2026-11.json").exists()
    before = [p for p in ctx.paths.backups_dir.iterdir() if p.name.startswith("before-restore")]
    with zipfile.ZipFile(before[0]) as archive:
        assert sorted(archive.namelist()) == ["2026-10.json", "2026-11.json"]


def test_records_the_daemon_set_aside_are_reported_by_the_next_command_once(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx.store.record_step(NIGHT, "stretch", "done")
    path = ctx.paths.db_dir / "2026-11.json"
    data = json.loads(path.read_bytes())
    data["outcomes"]["1"]["late"] = "very"
    path.write_text(json.dumps(data))
    daemon = Store(ctx.paths.db_dir, ctx.paths.lock_file, _clock(), "daemon@here")
    assert daemon.latest_outcomes(NIGHT, NIGHT) == {}  # set aside, told to nobody yet
    code, _, err = run(ctx, capsys, "plan")
    assert code == 0 and err.count("\n") == 1
    assert err.startswith(f"coach: note: {path}: 1 record did not fit") and "'late'" in err
    assert run(ctx, capsys, "plan")[2] == ""


def test_an_id_that_fits_is_shown_as_it_is() -> None:
    """Reading skips `printable` for ids (coach.records.store.decode, a hot path): every
    character `printable` would change makes an id a misfit, so nothing is skipped that
    would have been cleaned."""
    from coach.records.schema import ident
    from coach.system.text import _SUSPECT

    suspects = [chr(c) for c in range(0x110000) if _SUSPECT.match(chr(c))]
    assert len(suspects) >= 60  # the controls, the direction marks and the line breaks
    assert all(ident(f"ab{ch}cd") is not None for ch in suspects)
    assert ident("ab\u00e9cd") is None and printable_is_identity("ab\u00e9cd")


def test_every_value_read_as_stored_is_one_printable_would_leave() -> None:
    """`decode` skips `printable` for the keys in SAFE_AS_STORED: each table's check of
    such a key refuses every text with a character `printable` would change (a control, an
    escape, a direction mark, a line break), and any text at all but a listed word."""
    from coach.records.schema import TABLES
    from coach.records.store import SAFE_AS_STORED
    from coach.system.text import _SUSPECT

    suspects = [chr(c) for c in range(0x110000) if _SUSPECT.match(chr(c))]
    checked = set()
    for schema in TABLES.values():
        for key in SAFE_AS_STORED & schema.checks.keys():
            check = schema.checks[key]
            for ch in suspects:
                for value in (ch, f"ab{ch}cd", f"done{ch}", f"left{ch}"):
                    assert check(value) is not None, (schema.table, key, value)
            checked.add(key)
    # Every key is one some table has: none is listed by mistake or left over.
    assert checked == SAFE_AS_STORED


def printable_is_identity(value: str) -> bool:
    from coach.system.text import printable

    return printable(value) == value


def test_an_edited_stamps_cache_is_checked_and_its_bad_entry_read_again(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    """db/stamps.cache keeps each month file's highest stamp for the next write: an entry
    edited to a stamp no record could hold is dropped (its file read again), not obeyed."""
    assert run(ctx, capsys, "done", "stretch", "--night", "2026-10-20")[0] == 0
    assert run(ctx, capsys, "done", "stretch", "--night", "2026-11-20")[0] == 0
    cache = ctx.paths.db_dir / "stamps.cache"
    held = json.loads(cache.read_bytes())
    key, _ = held["2026-10.json"]
    held["2026-10.json"] = [key, [10**30, 0]]
    cache.write_text(json.dumps(held))
    code, _, err = run(ctx, capsys, "done", "hydration", "--night", "2026-11-20")
    assert (code, err) == (0, "")
    written = ctx.store.latest_outcomes(date(2026, 11, 20), date(2026, 11, 20))
    assert written[(date(2026, 11, 20), "hydration")].hlc[0] < 10**17  # this century's


def test_a_notice_left_in_the_folder_is_shown_as_data(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    """quarantine/notices.txt holds notes for the next command; a line holding an escape
    (an edited or planted file) shows it as a mark, not as terminal control."""
    quarantine = ctx.paths.data_dir / "quarantine"
    quarantine.mkdir(mode=0o700, parents=True, exist_ok=True)
    (quarantine / "notices.txt").write_text("hello \x1b]52;c;QQ==\x07\x1b[2Jthere\n")
    code, _, err = run(ctx, capsys, "history", "--days", "1")
    assert code == 0
    assert err == "coach: note: hello \ufffd\ufffdthere\n"
