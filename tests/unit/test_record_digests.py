"""The months' digests on a real data folder: what the diary reads of a month, kept beside
it. A fresh process must see exactly what the month files hold, whether the digest is
there, stale, damaged or tampered with."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from coach.clock import FakeClock
from coach.records.digest import Digest, digest_path, encode_digest
from coach.session import Session

NIGHT = date(2026, 10, 20)
"""A month before the fake clock's: the kind of month a digest serves."""
MONTH = "2026-10"


def _diary(ctx: Session) -> list[tuple[Any, ...]]:
    """What History would show of October (from its first night), read as a new process
    reads it."""
    ctx.store.forget_reads()
    diary = ctx.load(start=date(2026, 10, 1), end=date(2026, 10, 31))
    return [
        (n.night, dict(n.steps), n.cramp_count, n.paused, n.cramps and n.cramps.notes)
        for n in diary.nights
    ]


def _fill(ctx: Session, clock: FakeClock) -> None:
    store = ctx.store
    for offset in range(5):
        night = NIGHT + timedelta(days=offset)
        store.record_step(night, "stretch", "done")
        store.record_step(night, "hydration", "skipped", reason="not thirsty")
        clock.advance(30)
        store.record_cramps(night, offset % 3, severity=4 if offset % 3 else None, notes="calf")
    clock.advance(30)
    store.record_step(NIGHT, "hydration", "done")  # a correction: the latest wins
    store.record_cramps(NIGHT + timedelta(days=1), 0, notes="better")
    store.add_event(NIGHT + timedelta(days=2), "pause", {"paused": True})


def _digest(ctx: Session) -> Path:
    return digest_path(ctx.paths.db_dir, MONTH)


def test_a_month_read_whole_keeps_a_digest_and_the_next_read_agrees(
    ctx: Session, clock: FakeClock
) -> None:
    _fill(ctx, clock)
    from_files = _diary(ctx)
    assert _digest(ctx).is_file()
    assert _digest(ctx).stat().st_mode & 0o077 == 0  # health data: user-only
    held = json.loads(_digest(ctx).read_bytes())["body"]
    assert held["steps"][NIGHT.isoformat()] == {"stretch": "done", "hydration": "done"}
    from_digest = _diary(ctx)
    assert from_digest == from_files
    night = from_digest[0]
    assert night[1]["hydration"] == "done" and night[2] == 0
    assert from_digest[1][2] == 0 and from_digest[1][4] == "better"
    assert from_digest[2][3] is True  # paused


def test_a_digest_reads_back_the_very_records_of_the_file(ctx: Session, clock: FakeClock) -> None:
    """Every field of every morning log and event, the defaults a digest leaves out too."""
    _fill(ctx, clock)
    night = NIGHT + timedelta(days=3)
    ctx.store.record_cramps(night, 2, minutes=2.5, leg="both", disturbance=0, muscle="foot")
    ctx.store.record_cramps(night + timedelta(days=1), 1, band="1-5", notes="left calf")
    ctx.store.add_event(night, "red-flag-shown", {"flags": ["frequent"]})
    start, end = date(2026, 10, 1), date(2026, 10, 31)

    def read() -> tuple[object, ...]:
        ctx.store.forget_reads()
        return ctx.store.cramp_logs(start, end), ctx.store.events(start, end)

    from_files = read()
    assert _digest(ctx).is_file()
    held = json.loads(_digest(ctx).read_bytes())["body"]["cramps"]
    assert all("muscle" not in log for log in held if log["count"] == 0)  # a default
    from_digest = read()
    assert from_digest == from_files
    logs = from_digest[0]
    assert isinstance(logs, dict) and logs[night].muscle == "foot" and logs[night].minutes == 2.5
    assert len(logs) == 5  # the last two nights logged again


def test_a_write_to_the_month_makes_its_digest_stale(ctx: Session, clock: FakeClock) -> None:
    _fill(ctx, clock)
    _diary(ctx)
    clock.advance(60)
    ctx.store.record_step(NIGHT, "stretch", "skipped")
    assert _diary(ctx)[0][1]["stretch"] == "skipped"


def test_an_undo_in_the_month_is_seen_through_the_digest(ctx: Session, clock: FakeClock) -> None:
    _fill(ctx, clock)
    _diary(ctx)
    clock.advance(60)
    ctx.store.record_step(NIGHT, "stretch", "skipped")
    _diary(ctx)
    ctx.undo()
    assert _diary(ctx)[0][1]["stretch"] == "done"


def test_a_digest_of_other_bytes_is_not_used(ctx: Session, clock: FakeClock) -> None:
    """A file edited by hand and given back its old size and time still has other bytes."""
    _fill(ctx, clock)
    before = _diary(ctx)
    path = ctx.paths.db_dir / f"{MONTH}.json"
    info = path.stat()
    raw = path.read_bytes()
    head, found, tail = raw.rpartition(b'"skipped"')  # the last night's hydration
    edited = head + b'"done"   ' + tail  # the same length, and still JSON
    assert found
    assert len(edited) == len(raw) and edited != raw
    path.write_bytes(edited)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    after = _diary(ctx)
    assert before[4][1]["hydration"] == "skipped"
    assert after[4][1]["hydration"] == "done"  # the old digest was not trusted


def test_a_damaged_or_tampered_digest_is_ignored_and_rebuilt(
    ctx: Session, clock: FakeClock
) -> None:
    _fill(ctx, clock)
    truth = _diary(ctx)
    raw = _digest(ctx).read_bytes()
    whole = json.loads(raw)
    source, body = whole["source"], whole["body"]

    def signed(**parts: Any) -> bytes:
        """A digest whose own check holds, with `parts` of its body replaced."""
        return encode_digest(Digest(**{**body, **parts}), source)

    count = b'"count":%d' % body["cramps"][1]["count"]
    assert raw.count(count) >= 1
    tampered = [
        b"{not json",
        b"[]",
        raw.replace(b'"format":4', b'"format":99'),
        # An edit that keeps the source: its own check no longer holds.
        raw.replace(count, b'"count":9', 1),
        raw.replace(b'"done"', b'"skipped"', 1),
        # Signed anew, and still refused by the checks of what it holds.
        signed(steps={NIGHT.isoformat(): {"stretch": "maybe"}}),
        signed(steps={"2026-09-30": {"stretch": "done"}}),
        signed(cramps=[{**body["cramps"][0], "count": 99}]),
        signed(cramps=body["cramps"] + body["cramps"][:1]),
        signed(events=[{"kind": "pause"}]),
        signed(events="x"),
    ]
    for forged in tampered:
        assert forged != raw
        _digest(ctx).write_bytes(forged)
        assert _diary(ctx) == truth, forged[:80]
        assert _digest(ctx).read_bytes() == raw  # written again from the file


def test_a_month_with_a_misfit_keeps_no_digest_until_it_is_set_aside(
    ctx: Session, clock: FakeClock
) -> None:
    _fill(ctx, clock)
    path = ctx.paths.db_dir / f"{MONTH}.json"
    tables = json.loads(path.read_bytes())
    tables["cramps"]["999"] = {"night": NIGHT.isoformat(), "count": "lots"}
    path.write_text(json.dumps(tables))
    diary = _diary(ctx)
    assert diary[0][2] == 0  # the misfit is not read as a log
    assert "999" not in json.loads(path.read_bytes())["cramps"]  # set aside on read
    assert any("did not fit" in notice for notice in ctx.store.take_notices())
    assert _diary(ctx) == diary
    assert _digest(ctx).is_file()


def test_no_digest_folder_is_no_problem(ctx: Session, clock: FakeClock) -> None:
    """A read-only place for digests: the diary is read from the files every time."""
    _fill(ctx, clock)
    folder = _digest(ctx).parent
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder")
    assert _diary(ctx) == _diary(ctx)
    steps = _diary(ctx)[0][1]
    assert (steps["stretch"], steps["hydration"]) == ("done", "done")


def test_a_link_planted_at_a_digest_is_not_followed(
    ctx: Session, clock: FakeClock, tmp_path: Path
) -> None:
    _fill(ctx, clock)
    truth = _diary(ctx)
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(_digest(ctx).read_bytes())
    _digest(ctx).unlink()
    _digest(ctx).symlink_to(elsewhere)
    assert _diary(ctx) == truth
    assert not _digest(ctx).is_symlink()  # replaced by a digest of its own
    assert elsewhere.read_bytes() == _digest(ctx).read_bytes()  # and the target untouched


def test_a_month_this_process_read_whole_keeps_a_digest_too(ctx: Session, clock: FakeClock) -> None:
    """The app reads whole records at start (Tonight, the red flags) before History asks
    for the diary: the next process still finds the months' digests."""
    _fill(ctx, clock)
    ctx.store.forget_reads()
    ctx.store.step_records(NIGHT, NIGHT)  # whole records: the month is read and held
    assert not _digest(ctx).exists()
    ctx.load(start=date(2026, 10, 1), end=date(2026, 10, 31))
    assert _digest(ctx).is_file()
    assert _diary(ctx) == _diary(ctx)
