"""Restore that means restore, honest outcomes, no lost race, and a data folder that cannot
be turned against the user."""

from __future__ import annotations

import errno
import json
import logging
import os
import stat
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coach.cli.main import main
from coach.clock import FakeClock
from coach.errors import CoachError
from coach.records.store import Store
from coach.session import Session
from coach.system import files as safe_files
from coach.system.locks import LOCK_NAME, SenderLock
from coach.system.paths import Paths

NIGHT = date(2026, 11, 22)
BERLIN = ZoneInfo("Europe/Berlin")


def run(ctx: Session, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), context=ctx)
    out, err = capsys.readouterr()
    return code, out, err


def coach(home: Path, *argv: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "COACH_HOME"}
    env.update(kwargs.pop("env", {}))  # type: ignore[arg-type]
    if "stdout" not in kwargs:
        kwargs["stdout"] = subprocess.PIPE
        kwargs["stderr"] = subprocess.PIPE
    return subprocess.run(
        [sys.executable, "-m", "coach", "--data-dir", str(home), *argv],
        text=True,
        timeout=60,
        env=env,
        **kwargs,  # type: ignore[call-overload]
    )


# --- restore ---------------------------------------------------------------------------


def test_restore_latest_takes_back_a_typo_and_says_when_nothing_changed(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    run(ctx, capsys, "done", "stretch")
    clock.advance(24 * 3600)
    run(ctx, capsys, "done", "hydration", "--night", "2026-11-22")  # takes today's backup
    run(ctx, capsys, "done", "stretch", "--night", "2020-01-01", "--yes")  # the typo
    # Not on a terminal: it says what the restore would remove, and needs --yes.
    code, out, err = run(ctx, capsys, "restore", "latest")
    assert code == 1
    assert out == (
        "Restoring coach-2026-11-23.zip removes 2 records written since Mon 23 Nov 18:00 "
        "and adds 0.\n"
    )
    assert err == (
        "coach: nothing was restored: it would remove 2 records written since the backup; "
        "add --yes to restore anyway, or --merge to keep them\n"
    )
    assert ctx.store.first_night() == date(2020, 1, 1)
    code, out, err = run(ctx, capsys, "restore", "latest", "--yes")
    assert code == 0 and "exactly as in coach-2026-11-23.zip" in out, err
    assert ctx.store.first_night() == NIGHT
    assert not (ctx.paths.db_dir / "2020-01.json").exists()
    assert (NIGHT, "hydration") not in ctx.store.latest_outcomes(NIGHT, NIGHT)
    before = sorted(p.name for p in ctx.paths.backups_dir.glob("before-restore-*"))
    assert len(before) == 1
    code, out, _ = run(ctx, capsys, "restore", "latest")
    assert code == 0 and out.startswith("Nothing changed")
    assert sorted(p.name for p in ctx.paths.backups_dir.glob("before-restore-*")) == before
    # The old merging restore is still there, under a name that says what it does.
    code, out, _ = run(ctx, capsys, "restore", "--merge", "latest")
    assert code == 0 and out.startswith("Nothing changed")


@pytest.mark.parametrize(
    ("member", "how", "why"),
    [
        ("../2026-11.json", zipfile.ZIP_DEFLATED, "not a coach database file"),
        ("2026-11.json", zipfile.ZIP_BZIP2, "compression method 12"),
        ("2026-11.json", zipfile.ZIP_LZMA, "compression method 14"),
    ],
)
def test_a_bad_backup_is_one_line_and_changes_nothing(
    ctx: Session, capsys: pytest.CaptureFixture[str], member: str, how: int, why: str
) -> None:
    run(ctx, capsys, "done", "stretch")
    ctx.paths.backups_dir.mkdir(exist_ok=True)
    bad = ctx.paths.backups_dir / "coach-2026-11-21.zip"
    with zipfile.ZipFile(bad, "w", compression=how) as archive:
        archive.writestr(member, json.dumps({"_meta": {"1": {"app": "coach", "schema": 2}}}))
    before = (ctx.paths.db_dir / "2026-11.json").read_bytes()
    code, _, err = run(ctx, capsys, "restore", "2026-11-21")
    assert code == 1 and err.count("\n") == 1 and why in err and str(bad) in err
    assert (ctx.paths.db_dir / "2026-11.json").read_bytes() == before
    _, out, _ = run(ctx, capsys, "restore", "--list")
    assert f"coach-2026-11-21.zip  damaged: {why}" in out or "damaged" in out


def test_an_encrypted_or_oversized_member_is_refused(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    run(ctx, capsys, "done", "stretch")
    ctx.paths.backups_dir.mkdir(exist_ok=True)
    encrypted = ctx.paths.backups_dir / "coach-2026-11-20.zip"
    with zipfile.ZipFile(encrypted, "w") as archive:
        archive.writestr("2026-11.json", b"{}")
    raw = bytearray(encrypted.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.index(signature)
        raw[at + offset] |= 0x1  # the "encrypted" flag, in both headers
    encrypted.write_bytes(bytes(raw))
    code, _, err = run(ctx, capsys, "restore", "2026-11-20")
    assert code == 1 and "is encrypted" in err and err.count("\n") == 1
    bomb = ctx.paths.backups_dir / "coach-2026-11-19.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("2026-11.json", b" " * (safe_files.MAX_FILE_BYTES + 10))
    code, _, err = run(ctx, capsys, "restore", "2026-11-19")
    assert code == 1 and "larger than" in err and err.count("\n") == 1


# --- honest outcomes -------------------------------------------------------------------


def test_a_failed_folder_sync_after_the_rename_is_reported_as_saved_and_a_retry_adds_nothing(
    ctx: Session, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(ctx, capsys, "done", "hydration")
    run(ctx, capsys, "done", "last-meal")  # the day's backup is taken

    def failing(path: Path) -> None:
        raise OSError(errno.EIO, "Input/output error", str(path))

    monkeypatch.setattr(safe_files, "fsync_dir", failing)
    code, _, err = run(ctx, capsys, "done", "stretch")
    assert code == 1 and err.count("\n") == 1
    assert "nothing was changed" not in err and "the record was saved" in err
    monkeypatch.undo()
    code, _, err = run(ctx, capsys, "done", "stretch")  # the user tries again
    assert code == 0, err
    records = [r for r in ctx.store.step_records(NIGHT, NIGHT) if r.step == "stretch"]
    assert len(records) == 1


def test_a_full_stdout_after_a_durable_write_says_the_record_was_saved(tmp_path: Path) -> None:
    home = tmp_path / "full"
    with open("/dev/full", "w") as full:
        done = coach(
            home, "done", "stretch", "--night", "2026-11-20", stdout=full, stderr=subprocess.PIPE
        )
    assert "Exception ignored" not in done.stderr and "unexpected" not in done.stderr
    assert done.stderr.startswith("coach: the record was saved") and done.returncode == 0
    assert done.stderr.count("\n") == 1
    history = coach(home, "history", "--days", "3650", "--format", "json")
    nights = [n for n in json.loads(history.stdout) if n["night"] == "2026-11-20"]
    assert nights[0]["steps"]["stretch"] == "done"


# --- races -----------------------------------------------------------------------------


def test_config_sets_at_once_all_land(tmp_path: Path) -> None:
    home = tmp_path / "racing"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "COACH_HOME"}
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    command = [sys.executable, "-m", "coach", "--data-dir", str(home), "config", "set"]
    for round_no in range(3):
        (home / "config.toml").write_text('timezone = "Europe/Berlin"\n')
        procs = [
            subprocess.Popen(
                [*command, f"bedtime_by_weekday.{day}", f"23:{10 + n}"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for n, day in enumerate(days)
        ]
        for proc in procs:
            assert proc.wait(timeout=60) == 0
        text = (home / "config.toml").read_text()
        lost = [day for n, day in enumerate(days) if f'{day} = "23:{10 + n}"' not in text]
        assert not lost, (round_no, lost, text)


def test_missed_is_not_written_over_a_done_that_landed_after_the_decision(
    ctx: Session, clock: FakeClock
) -> None:
    from coach.reminders.service import ReminderService

    clock.set(datetime(2026, 11, 22, 18, 0, tzinfo=BERLIN))
    service = ReminderService(ctx.settings, ctx.clock, on_due=lambda *a: None, store=ctx.store)
    service.pending()  # the service knows tonight's reminders
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=BERLIN))  # asleep all night
    user = Store(ctx.paths.db_dir, ctx.paths.lock_file, clock, "cli@elsewhere")
    real_add_event = ctx.store.add_event

    def user_writes_in_the_window(*args: object, **kwargs: object) -> object:
        # The user's `coach done stretch` lands after the service decided "missed" and
        # before it wrote that decision.
        if not user.latest_outcomes(NIGHT, NIGHT):
            user.record_step(NIGHT, "stretch", "done")
        return real_add_event(*args, **kwargs)  # type: ignore[arg-type]

    ctx.store.add_event = user_writes_in_the_window  # type: ignore[method-assign]
    handled = service.run_due()
    assert any(h.status == "missed" and h.reminder.step.id == "stretch" for h in handled)
    winner = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "stretch")]
    assert winner.outcome == "done"


def test_the_conditional_write_records_only_the_first_outcome(ctx: Session) -> None:
    first = ctx.store.record_step_unless_recorded(NIGHT, "stretch", "missed", late=True)
    assert first is not None and first.outcome == "missed"
    assert ctx.store.record_step_unless_recorded(NIGHT, "stretch", "missed") is None
    assert len(ctx.store.step_records(NIGHT, NIGHT)) == 1


# --- the data folder -------------------------------------------------------------------


def test_a_link_planted_at_the_reminder_lock_is_refused_and_its_target_untouched(
    tmp_path: Path,
) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    home = tmp_path / "planted"
    home.mkdir()
    (home / LOCK_NAME).symlink_to(target)
    with pytest.raises(CoachError, match="symbolic link"):
        SenderLock(home / LOCK_NAME, "daemon").try_acquire()
    assert target.read_text() == "keep me"


def test_a_dangling_database_lock_link_creates_nothing(
    ctx: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "made-by-coach"
    ctx.paths.data_dir.mkdir(exist_ok=True)
    ctx.paths.lock_file.symlink_to(target)
    code, _, err = run(ctx, capsys, "done", "stretch")
    assert code == 1 and "symbolic link" in err and err.count("\n") == 1
    assert not target.exists()


def test_the_log_refuses_a_planted_link_and_stays_user_only_after_rotation(
    tmp_path: Path,
) -> None:
    from coach.reminders.daemon import LOG_NAME, setup_logging
    from coach.system.logfile import PrivateRotatingFileHandler

    logs = tmp_path / "logs"
    logs.mkdir()
    target = tmp_path / "elsewhere.txt"
    target.write_text("")
    (logs / LOG_NAME).symlink_to(target)
    log = setup_logging(logs, open(os.devnull, "w"))  # noqa: SIM115
    log.info("a line that must not reach the link's target")
    assert target.read_text() == ""
    (logs / LOG_NAME).unlink()

    old = os.umask(0)
    try:
        handler = PrivateRotatingFileHandler(logs / LOG_NAME, max_bytes=200, backups=2)
        record = logging.LogRecord("t", logging.INFO, __file__, 1, "x" * 150, None, None)
        for _ in range(5):
            handler.emit(record)
        handler.close()
    finally:
        os.umask(old)
    files = sorted(logs.iterdir())
    assert len(files) == 3  # the log and two rotated ones
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}


def test_folders_are_user_only_under_umask_000_and_stale_backup_temps_go(
    tmp_path: Path, clock: FakeClock
) -> None:
    home = tmp_path / "new" / "home"
    old = os.umask(0)
    try:
        ctx = Session(Paths.resolve(home), kind="test", clock=clock)
        ctx.store.record_step(NIGHT, "stretch", "done")
        clock.advance(24 * 3600)
        ctx.store.record_step(NIGHT, "hydration", "done")  # the first backup
        # A backup killed mid-write leaves its temp file behind.
        stale = ctx.paths.backups_dir / ".coach-2026-11-24.zip.4f2a.tmp"
        stale.write_bytes(b"half a zip")
        clock.advance(24 * 3600)
        later = Session(Paths.resolve(home), kind="test", clock=clock)  # the next run
        later.store.record_step(NIGHT, "last-meal", "done")
    finally:
        os.umask(old)
    assert not stale.exists()
    assert (ctx.paths.backups_dir / "coach-2026-11-24.zip").exists()
    for path in (tmp_path / "new", home, ctx.paths.db_dir, ctx.paths.backups_dir):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    for path in (ctx.paths.db_dir / "2026-11.json", ctx.paths.lock_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_a_folder_others_can_write_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    code = main(["--data-dir", str(shared), "done", "stretch"])
    _, err = capsys.readouterr()
    assert code == 1 and "can be written by other users" in err and err.count("\n") == 1
    assert not (shared / "db").exists()


def test_an_empty_data_dir_and_a_bad_tz_are_clear_errors(tmp_path: Path) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    empty = subprocess.run(
        [sys.executable, "-m", "coach", "--data-dir", "", "done", "stretch"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )
    assert empty.returncode == 1 and "--data-dir is empty" in empty.stderr
    assert list(cwd.iterdir()) == []
    bad = coach(tmp_path / "tz", "done", "stretch", env={"TZ": "UTC+99"})
    assert bad.returncode == 1 and "TZ='UTC+99'" in bad.stderr
    assert bad.stderr.count("\n") == 1 and "unexpected" not in bad.stderr


def test_a_retried_cramp_log_is_not_duplicated(ctx: Session) -> None:
    ctx.store.record_cramps(NIGHT, 2, severity=4)
    ctx.store.record_cramps(NIGHT, 2, severity=4)
    assert len(ctx.store.cramp_logs(NIGHT, NIGHT)) == 1
    docs = json.loads((ctx.paths.db_dir / "2026-11.json").read_bytes())["cramps"]
    assert len(docs) == 1
    ctx.store.record_cramps(NIGHT, 3, severity=4)  # a real change is written
    assert ctx.store.cramp_logs(NIGHT, NIGHT)[NIGHT].cramps == 3


@pytest.mark.parametrize("kind", ["fifo", "deep"])
def test_a_fifo_or_a_deeply_nested_config_is_one_line(tmp_path: Path, kind: str) -> None:
    home = tmp_path / "cfg"
    home.mkdir()
    if kind == "fifo":
        os.mkfifo(home / "config.toml")
    else:
        (home / "config.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    done = coach(home, "plan")
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "config.toml" in done.stderr and "unexpected" not in done.stderr


def test_a_fifo_at_the_database_lock_is_refused_without_opening_it(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx.paths.data_dir.mkdir(exist_ok=True)
    os.mkfifo(ctx.paths.lock_file)
    code, _, err = run(ctx, capsys, "done", "stretch")
    assert code == 1 and err.count("\n") == 1 and "not a plain file" in err
    assert stat.S_ISFIFO(os.lstat(ctx.paths.lock_file).st_mode)
