"""Everything read back is checked (issue 23): the experiment plan in state.json, write
stamps, each record's month against its file, backups. What does not fit is set aside in
quarantine/ and reported, never fatal; `coach experiment stop` and `restore` always work."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from coach.cli.main import main
from coach.clock import FakeClock
from coach.session import Session
from coach.system.paths import Paths
from tests.support import BERLIN

NIGHT = date(2026, 11, 22)
A_PLAN: dict[str, Any] = {
    "created": "2026-11-01T20:00:00+01:00",
    "run_in_start": "2026-11-01",
    "start": "2026-11-15",
    "arms": ["stretch", "no-stretch", "no-stretch", "stretch"],
    "period_nights": 14,
    "washout_nights": 3,
    "run_in_rate": 0.5,
    "stopped": None,
    "version": 2,
    "first_look": 2,
    "look_every": 1,
    "stop_probability": 0.995,
    "futility_probability": 0.05,
    "helps_probability": 0.97,
    "looked": 0,
    "ended": None,
}


def run(ctx: Session, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), context=ctx)
    out, err = capsys.readouterr()
    return code, out, err


def fresh(ctx: Session) -> Session:
    """A new command's context on the same folder (each command is its own process)."""
    return Session(ctx.paths, kind="cli", clock=ctx.clock)


# --- case 2: a damaged experiment plan ---------------------------------------------------


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"period_nights": 0}, "its 'period_nights' is not from 1 to 60"),
        ({"stop_probability": float("inf")}, "its 'stop_probability' is not from 0.5 to 1"),
        ({"start": "9999-01-01"}, "its 'start' is not from 2000-01-01 to 2100-12-31"),
        ({"arms": ["stretch", "no-stretch"] * 500_000}, "its 'arms' is not an even list"),
        ({"looked": -3}, "its 'looked' is not from 0 to 2"),
        ({"arms": ["stretch", "stretch"]}, "a pair of its 'arms' is not one stretch and one"),
    ],
)
def test_a_damaged_plan_is_set_aside_and_daily_use_goes_on(
    ctx: Session, capsys: pytest.CaptureFixture[str], change: dict[str, Any], why: str
) -> None:
    ctx.store.set_state("experiment", {**A_PLAN, **change})
    commands = [
        ("plan",),
        ("cramp", "--count", "1"),
        ("history",),
        ("report", "--output", str(ctx.paths.data_dir / "r.html")),
        ("experiment", "status"),
        ("experiment", "stop"),
    ]
    said = []
    for argv in commands:
        code, out, err = run(fresh(ctx), capsys, *argv)
        assert "unexpected error" not in err and "Traceback" not in err
        said.append(err)
        if argv != ("experiment", "stop"):
            assert code == 0, (argv, err)
    assert f"the stored experiment plan does not fit ({why}" in said[0]
    assert "set aside in" in said[0] and "quarantine" in said[0]
    assert all("experiment plan" not in err for err in said[1:])  # said once
    # Set aside, whole: nothing is lost, and the usual routine is back.
    kept = json.loads(next(ctx.paths.data_dir.glob("quarantine/state-experiment-*")).read_text())
    assert kept["why"].startswith("the stored experiment plan does not fit")
    assert fresh(ctx).store.get_state("experiment") is None
    code, out, _ = run(fresh(ctx), capsys, "plan", "--json")
    assert "stretch" in [step["id"] for step in json.loads(out)["steps"]]


def test_experiment_stop_works_on_a_damaged_plan(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx.store.set_state("experiment", {**A_PLAN, "washout_nights": 14})
    code, out, err = run(fresh(ctx), capsys, "experiment", "stop")
    assert code == 0, err
    assert out.startswith("Experiment stopped: its stored plan could not be used")
    assert "its washout is not shorter than its periods" in err
    code, out, err = run(fresh(ctx), capsys, "experiment", "start", "--json")
    assert code == 0 and json.loads(out)["started"] is True


def test_a_good_plan_reads_as_it_was_stored(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx.store.set_state("experiment", A_PLAN)
    code, out, err = run(fresh(ctx), capsys, "plan", "--json")
    assert code == 0 and err == ""
    assert json.loads(out)["experiment"]["arm"] == "stretch"  # period 1 of the stored arms


def test_a_damaged_state_file_is_set_aside_and_the_diary_stays(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    run(ctx, capsys, "done", "stretch")
    ctx.store.set_state("experiment", A_PLAN)
    state = ctx.paths.db_dir / "state.json"
    state.write_text('{"_meta": {"1": {"app": "coach", "schema": 2}}, "state": [')
    code, out, err = run(fresh(ctx), capsys, "experiment", "stop")
    assert "unexpected error" not in err
    assert "small state file could not be used" in err and "set aside in" in err
    assert not state.exists() or json.loads(state.read_text())
    code, out, err = run(fresh(ctx), capsys, "history", "--format", "json", "--days", "1")
    assert code == 0 and err == ""
    assert json.loads(out)[0]["steps"]["stretch"] == "done"


# --- case 3: write stamps and months ------------------------------------------------------


def _other_copy(tmp_path: Path, clock: FakeClock) -> Session:
    other = Session(Paths.resolve(tmp_path / "other"), kind="test", clock=clock)
    other.store.record_step(NIGHT, "hydration", "done")
    return other


def _edit(path: Path, edit: Any) -> None:
    tables = json.loads(path.read_text())
    edit(tables)
    path.write_text(json.dumps(tables))


def test_a_merged_stamp_at_the_top_of_the_range_is_set_aside_and_writes_go_on(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = _other_copy(tmp_path, clock)
    other.store.record_step(NIGHT, "stretch", "skipped")

    def top_counter(tables: dict[str, Any]) -> None:
        for doc in tables["outcomes"].values():
            if doc["step"] == "stretch":
                doc["hlc"] = [doc["hlc"][0], 2**53 - 1]

    _edit(other.paths.db_dir / "2026-11.json", top_counter)
    code, out, err = run(fresh(ctx), capsys, "merge", str(other.paths.data_dir))
    assert code == 0 and out == f"Merged 1 record from {other.paths.db_dir}.\n"
    assert "1 record did not fit" in err and "has a counter outside 0 to 2147483648" in err
    # Every later write to the month works, undo included.
    for argv in (("done", "stretch"), ("undo",), ("skip", "stretch")):
        code, _, err = run(fresh(ctx), capsys, *argv)
        assert code == 0, (argv, err)
    outcomes = fresh(ctx).store.latest_outcomes(NIGHT, NIGHT)
    assert outcomes[(NIGHT, "stretch")].outcome == "skipped"
    assert outcomes[(NIGHT, "hydration")].outcome == "done"


def test_a_merge_into_a_damaged_month_of_this_copy_writes_nothing(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The other copy has November and October; this copy's October file is damaged: the
    merge stops before writing November, and says so (it merged November, then said the
    database was left untouched)."""
    from datetime import timedelta

    other = _other_copy(tmp_path, clock)
    other.store.record_step(NIGHT - timedelta(days=40), "stretch", "done")
    ctx.store.record_step(NIGHT, "stretch", "done")
    ctx.store.record_step(NIGHT - timedelta(days=40), "hydration", "done")
    october = ctx.paths.db_dir / "2026-10.json"
    october.write_bytes(october.read_bytes()[:40])
    november = (ctx.paths.db_dir / "2026-11.json").read_bytes()
    code, out, err = run(fresh(ctx), capsys, "merge", str(other.paths.data_dir))
    assert code == 1 and out == ""
    assert err.startswith(f"coach: {october}: the database is damaged") and err.count("\n") == 1
    assert err.endswith("; nothing was merged\n")
    assert (ctx.paths.db_dir / "2026-11.json").read_bytes() == november


def test_records_in_the_wrong_month_file_are_set_aside_and_reported(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = _other_copy(tmp_path, clock)
    month = other.paths.db_dir / "2026-11.json"
    (other.paths.db_dir / "2026-13.json").write_bytes(month.read_bytes())

    def december(tables: dict[str, Any]) -> None:
        doc = dict(next(iter(tables["outcomes"].values())))
        tables["outcomes"]["2"] = {**doc, "id": "d" * 32, "night": "2026-12-05"}

    _edit(month, december)
    code, out, err = run(fresh(ctx), capsys, "merge", str(other.paths.data_dir))
    assert code == 0 and out.startswith("Merged 1 record ")  # November's own record
    assert "2026-13.json: 1 record did not fit" in err
    assert "its night 2026-11-22 does not belong in the file of 2026-13" in err
    assert "its night 2026-12-05 does not belong in the file of 2026-11" in err
    assert len(list(ctx.paths.data_dir.glob("quarantine/2026-1*.json"))) == 2


def test_a_record_moved_into_another_months_file_here_is_set_aside_on_reading(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    run(ctx, capsys, "done", "stretch")
    path = ctx.paths.db_dir / "2026-11.json"
    path.rename(ctx.paths.db_dir / "2026-10.json")
    code, _, err = run(fresh(ctx), capsys, "history", "--days", "3")
    assert code == 0
    assert "2026-10.json: 1 record did not fit" in err


def test_a_backup_with_a_stamp_out_of_range_restores_without_it(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    run(ctx, capsys, "done", "stretch")
    clock.set(datetime(2026, 11, 23, 20, 0, tzinfo=BERLIN))
    run(fresh(ctx), capsys, "done", "hydration")  # the day's first write backs up the 22nd
    backup = next(ctx.paths.backups_dir.glob("coach-*.zip"))
    with zipfile.ZipFile(backup) as archive:
        tables = json.loads(archive.read("2026-11.json"))
    doc = next(iter(tables["outcomes"].values()))
    tables["outcomes"]["7"] = {**doc, "id": "e" * 32, "step": "screens-off", "hlc": [2**53, 0]}
    with zipfile.ZipFile(backup, "w") as archive:
        archive.writestr("2026-11.json", json.dumps(tables))
    code, out, err = run(fresh(ctx), capsys, "restore", "latest", "--yes")
    assert code == 0 and "Restored the database exactly as in" in out
    assert "is not a write stamp between 1970 and 2200" in err
    outcomes = fresh(ctx).store.latest_outcomes(NIGHT, NIGHT)
    assert set(outcomes) == {(NIGHT, "stretch")}
    assert run(fresh(ctx), capsys, "done", "screens-off")[0] == 0


# --- case 4: text from records is data ----------------------------------------------------

HOSTILE = "calf\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07 tight\x1b[2J\x1b[H\r\nURGENT: call 0900 666 666"


def test_merged_text_reaches_the_terminal_as_data_and_marked(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = _other_copy(tmp_path, clock)
    other.store.record_cramps(NIGHT, 2, severity=5, notes="started a new tablet")
    other.store.add_event(
        NIGHT,
        "red-flag",
        {"flag": "fake-2026-11-22", "level": "urgent", "action": "emergency", "text": HOSTILE},
    )

    def hostile(tables: dict[str, Any]) -> None:
        for table in ("outcomes", "cramps", "events"):
            for doc in tables[table].values():
                doc["origin"] = "cli@another-laptop"
                if table == "cramps":
                    doc["notes"] = HOSTILE

    _edit(other.paths.db_dir / "2026-11.json", hostile)
    assert run(fresh(ctx), capsys, "merge", str(other.paths.data_dir))[0] == 0
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    for argv in (("flags",), ("report",), ("history", "--plain"), ("history",)):
        code, out, err = run(fresh(ctx), capsys, *argv)
        assert code == 0, (argv, err)
        assert "\x1b" not in out + err and "\r" not in out + err and "\x07" not in out, argv
        assert not [line for line in out.splitlines() if line.startswith("URGENT: call")], argv
    _, flags, _ = run(fresh(ctx), capsys, "flags")
    assert (
        "URGENT (raised in another copy of the data, in its words): calf\ufffd tight\ufffd\ufffd"
        " URGENT: call 0900 666 666 [fake-2026-11-22]"
    ) in flags
    _, report, _ = run(fresh(ctx), capsys, "report")
    assert "(from another copy of the data) calf\ufffd tight\ufffd\ufffd URGENT: call" in report


def test_ids_with_control_characters_do_not_fit(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = _other_copy(tmp_path, clock)

    def bad_id(tables: dict[str, Any]) -> None:
        for doc in tables["outcomes"].values():
            doc["id"] = "\x1b[2J"

    _edit(other.paths.db_dir / "2026-11.json", bad_id)
    code, _, err = run(fresh(ctx), capsys, "merge", str(other.paths.data_dir))
    assert code == 0 and "its 'id' is not an id" in err and "\x1b" not in err


# --- cases 5 and 6: the data folder's trust rules, and --output ---------------------------


@pytest.mark.parametrize("folder", ["", "backups", "db", "digests"])
def test_a_folder_its_group_can_write_is_refused(
    ctx: Session, capsys: pytest.CaptureFixture[str], folder: str
) -> None:
    run(ctx, capsys, "done", "stretch")
    (ctx.paths.data_dir / folder).mkdir(exist_ok=True)
    (ctx.paths.data_dir / folder).chmod(0o770)
    code, out, err = run(fresh(ctx), capsys, "restore", "latest")
    assert code == 1 and out == ""
    assert "can be written by other users (its group)" in err and err.count("\n") == 1


@pytest.mark.parametrize("folder", ["backups", "digests", "quarantine", "logs"])
def test_a_folder_of_the_data_that_is_a_link_is_refused(
    ctx: Session, capsys: pytest.CaptureFixture[str], tmp_path: Path, folder: str
) -> None:
    """A link planted at backups/ (or digests/, ...) would have coach write health records
    elsewhere; coach follows none: it says so in one line and writes nothing there."""
    run(ctx, capsys, "done", "stretch")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = ctx.paths.data_dir / folder
    if target.exists():
        shutil.rmtree(target)
    target.symlink_to(elsewhere)
    code, out, err = run(fresh(ctx), capsys, "done", "hydration")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert f"{target}: this folder of coach's data is a link to another place" in err
    assert list(elsewhere.iterdir()) == []


def test_links_planted_in_the_data_folder_are_never_followed(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the neighbour's private key\n")
    run(ctx, capsys, "done", "stretch")
    quarantine = ctx.paths.data_dir / "quarantine"
    quarantine.mkdir(mode=0o700)
    (quarantine / "notices.txt").symlink_to(secret)
    code, out, err = run(fresh(ctx), capsys, "history", "--days", "1")
    assert code == 0 and "private key" not in out + err
    assert "notices.txt: a link was found there and removed" in err
    assert not (quarantine / "notices.txt").is_symlink()
    # A link at tomorrow's backup name is replaced by the real backup.
    clock.set(datetime(2026, 11, 23, 20, 0, tzinfo=BERLIN))
    ctx.paths.backups_dir.mkdir(mode=0o700, exist_ok=True)
    today = ctx.paths.backups_dir / "coach-2026-11-23.zip"
    today.symlink_to(secret)
    assert run(fresh(ctx), capsys, "done", "stretch")[0] == 0
    assert not today.is_symlink() and zipfile.is_zipfile(today)
    assert secret.read_text() == "the neighbour's private key\n"
    # A link at the config, a month file or the state file is refused, not read through.
    fresh(ctx).store.set_state("experiment", None)  # state.json is there
    for name in ("config.toml", "db/2026-11.json", "db/state.json"):
        path = ctx.paths.data_dir / name
        kept = path.read_bytes()
        path.unlink()
        path.symlink_to(secret)
        code, out, err = run(fresh(ctx), capsys, "history", "--days", "1")
        assert "private key" not in out + err and "unexpected error" not in err
        assert "a link, which coach does not follow" in err, name
        if path.is_symlink():
            path.unlink()
        else:  # state.json: set aside (the link itself moved to quarantine/)
            assert name == "db/state.json"
        path.write_bytes(kept)
    assert secret.read_text() == "the neighbour's private key\n"


@pytest.mark.parametrize("kind", ["fifo", "link", "folder-link"])
def test_output_goes_only_onto_a_regular_file_or_a_new_path(
    ctx: Session, capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    import os

    target = tmp_path / "out.html"
    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_text("keep me")
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "link":
        target.symlink_to(elsewhere)
    else:
        target.symlink_to(tmp_path)
    for argv in (("report", "--output", str(target)), ("calendar", "--output", str(target))):
        code, out, err = run(fresh(ctx), capsys, *argv)
        assert code == 1 and out == "" and err.count("\n") == 1, err
        assert f"cannot write {target}: it is " in err
    assert elsewhere.read_text() == "keep me"
    assert target.is_fifo() if kind == "fifo" else target.is_symlink()
    fresh_path = tmp_path / "new.ics"
    assert run(fresh(ctx), capsys, "calendar", "--output", str(fresh_path))[0] == 0
    assert run(fresh(ctx), capsys, "calendar", "--output", str(fresh_path))[0] == 0  # again


# --- case 8: the experiment's plan is written once ----------------------------------------


def test_two_starts_at_once_give_one_plan_and_both_show_the_stored_one(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    for trial in range(4):
        home = tmp_path / f"home{trial}"
        home.mkdir(mode=0o700)
        (home / "config.toml").write_text('timezone = "Europe/Berlin"\n')
        env = {**os.environ, "COACH_HOME": str(home)}
        argv = [sys.executable, "-m", "coach", "experiment", "start", "--json"]
        both = [
            subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        outs = [json.loads(p.communicate(timeout=60)[0]) for p in both]
        assert sorted(out["started"] for out in outs) == [False, True], outs
        stored = Session(Paths.resolve(home), kind="test").store.get_state("experiment")
        assert all(out["run_in_start"] == stored["run_in_start"] for out in outs)


def _plan(created: str, arms: list[str]) -> dict[str, Any]:
    return {**A_PLAN, "created": created, "arms": arms}


@pytest.mark.parametrize("theirs_older", [True, False])
def test_a_merge_of_two_different_plans_keeps_the_older_and_says_so(
    ctx: Session,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    theirs_older: bool,
) -> None:
    older = _plan("2026-11-01T20:00:00+01:00", ["no-stretch", "stretch"] * 2)
    newer = _plan("2026-11-01T21:00:00+00:00", ["stretch", "no-stretch"] * 2)
    other = _other_copy(tmp_path, clock)
    other.store.set_state("experiment", older if theirs_older else newer)
    ctx.store.set_state("experiment", newer if theirs_older else older)
    code, out, err = run(fresh(ctx), capsys, "merge", str(other.paths.data_dir))
    assert code == 0, err
    whose = "the other copy's" if theirs_older else "this copy's"
    assert f"the older one, {whose} (made 2026-11-01T20:00:00+01:00), is kept" in out
    assert fresh(ctx).store.get_state("experiment") == older
    # Merged again: the same plan is kept, and said again while the copies differ.
    code, out, _ = run(fresh(ctx), capsys, "merge", str(other.paths.data_dir))
    assert ("experiment" in out) is (not theirs_older)
    assert fresh(ctx).store.get_state("experiment") == older


def test_a_merge_of_one_plan_carried_on_in_two_copies_combines_its_progress(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = _other_copy(tmp_path, clock)
    other.store.set_state("experiment", {**A_PLAN, "stopped": "2026-11-20"})
    ctx.store.set_state("experiment", A_PLAN)
    code, out, _ = run(fresh(ctx), capsys, "merge", str(other.paths.data_dir))
    assert code == 0 and "experiment" not in out
    assert fresh(ctx).store.get_state("experiment")["stopped"] == "2026-11-20"
