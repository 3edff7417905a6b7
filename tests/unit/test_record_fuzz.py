"""Hundreds of generated bad month files, bad zips and bad merge folders: each gives one
clear line (an error, or a note that records were set aside), never "unexpected error",
and every healthy record stays readable."""

from __future__ import annotations

import io
import json
import random
import shutil
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from coach.cli.main import main
from coach.clock import FakeClock
from coach.session import Session
from coach.system.paths import Paths

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
NOVEMBER = date(2026, 11, 20)
CASES = 110

ODD_VALUES: list[Any] = [
    None,
    "",
    "abc",
    "²",
    "٣",
    -1,
    0,
    51,
    10**30,
    1e308,
    float("nan"),
    float("inf"),
    True,
    [],
    {},
    [1, 2],
    {"step": 3},
    "2026-13-45",
    "0001-01-01",
    "9999-12-31",
    "2026-11-20T21:00:00",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+23:59",
    "x" * 5000,
    json.loads("[" * 27 + "]" * 27),
    [2**60, 0],
    [1, -1],
    ["1", "2"],
]
ODD_IDS = ["0001", "²", "-1", "1.0", "", "abc", "99999999999999999999", " 1", "1 "]
EXTRA_FIELDS = ["mood", "data", "detail", "hlc", "kind", "count", "step", "night", "at", "id"]


def healthy(ctx: Session) -> dict[str, Any]:
    """What October holds: it must read the same after anything done to November."""
    outcomes = ctx.store.latest_outcomes(*OCTOBER)
    logs = ctx.store.cramp_logs(*OCTOBER)
    return {
        "outcomes": {(n, s): r.outcome for (n, s), r in outcomes.items()},
        "cramps": {n: log.cramps for n, log in logs.items()},
    }


def seed_diary(ctx: Session) -> None:
    for day in (3, 4, 5):
        ctx.store.record_step(date(2026, 10, day), "stretch", "done")
        ctx.store.record_cramps(date(2026, 10, day), day - 3)
    ctx.store.record_step(NOVEMBER, "stretch", "done")
    ctx.store.record_step(NOVEMBER, "hydration", "skipped", reason="late dinner")
    ctx.store.record_cramps(NOVEMBER, 2, severity=5, minutes=3, leg="left")
    ctx.store.add_event(NOVEMBER, "reminder", {"step": "stretch", "repeat": 0, "status": "sent"})
    ctx.store.add_event(NOVEMBER, "snooze", {"step": "stretch", "until": "2026-11-20T22:40+01:00"})
    ctx.store.add_event(NOVEMBER, "pause", {"paused": True})
    ctx.store.add_event(NOVEMBER, "cramp-episode", {"started": "x", "minutes": 1.5})


def mutate(rng: random.Random, raw: bytes) -> bytes:
    """One to three changes of the kinds a newer version, a sync tool or a hand edit make."""
    data = json.loads(raw)
    as_bytes: list[Callable[[bytes], bytes]] = []
    for _ in range(rng.randint(1, 3)):
        tables = [n for n in ("outcomes", "cramps", "events") if isinstance(data.get(n), dict)]
        if not tables:
            break
        name = rng.choice(tables)
        table = data[name]
        doc_id = rng.choice(sorted(table)) if table else "1"
        doc = table.get(doc_id)
        kind = rng.randrange(12)
        if kind == 0 and isinstance(doc, dict) and doc:
            doc[rng.choice(sorted(doc))] = rng.choice(ODD_VALUES)
        elif kind == 1 and isinstance(doc, dict) and doc:
            del doc[rng.choice(sorted(doc))]
        elif kind == 2 and isinstance(doc, dict):
            doc[rng.choice(EXTRA_FIELDS)] = rng.choice(ODD_VALUES)
        elif kind == 3 and doc is not None:
            table[rng.choice(ODD_IDS)] = table.pop(doc_id)
        elif kind == 4:
            data[name] = rng.choice(ODD_VALUES)
        elif kind == 5:
            table[doc_id] = rng.choice(ODD_VALUES)
        elif kind == 6:
            data["_meta"] = rng.choice(
                [{"1": {"app": "coach", "schema": v}} for v in (0, 3, "2", None, 2.0)]
                + [{"1": {"app": "other", "schema": 2}}, [], {"2": {}}]
            )
        elif kind == 7 and name == "events" and isinstance(doc, dict):
            doc["kind"] = rng.choice(["reminder", "snooze", "pause", "cramp-episode"])
            doc["data"] = rng.choice([{}, {"step": 1}, {"until": "soon"}, [], {"started": []}])
        elif kind == 8:
            cut = rng.randrange(len(raw))
            as_bytes.append(lambda b, cut=cut: b[:cut])
        elif kind == 9:
            pos = rng.randrange(len(raw))
            flip = rng.randrange(256)
            as_bytes.append(
                lambda b, p=pos, f=flip: b[:p] + bytes([b[p % len(b)] ^ f]) + b[p + 1 :]
            )
        elif kind == 10:
            depth = rng.choice([30, 2000, 200_000])
            as_bytes.append(lambda b, d=depth: b[:-1] + b',"deep":' + b"[" * d + b"]" * d + b"}")
        else:
            # The same key twice: json would keep the second and drop a record silently.
            as_bytes.append(lambda b: b[:-1] + b',"outcomes":{}}')
    out = json.dumps(data, allow_nan=True).encode()
    for change in as_bytes:
        out = change(out)
    return out


def check_one_line(code: int, err: str, what: str) -> None:
    lines = err.splitlines()
    assert all(line.startswith("coach: ") for line in lines), (what, err)
    assert "unexpected error" not in err and "Traceback" not in err, (what, err)
    problems = [line for line in lines if not line.startswith("coach: note: ")]
    notes = [line for line in lines if line.startswith("coach: note: ")]
    assert all("set aside" in note or "skipped" in note for note in notes), (what, err)
    if code == 0:
        assert problems == [], (what, err)
    else:
        assert code == 1 and len(problems) == 1, (what, code, err)


def fresh(tmp_path: Path, name: str) -> Session:
    home = tmp_path / name
    home.mkdir()
    (home / "config.toml").write_text('timezone = "Europe/Berlin"\nbedtime = "22:30"\n')
    from datetime import datetime
    from zoneinfo import ZoneInfo

    clock = FakeClock(datetime(2026, 11, 22, 18, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    return Session(Paths.resolve(home), kind="test", clock=clock)


def run(ctx: Session, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv), context=ctx)
    _, err = capsys.readouterr()
    return code, err


def test_bad_month_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = fresh(tmp_path, "template")
    seed_diary(template)
    good = (template.paths.db_dir / "2026-11.json").read_bytes()
    expected = healthy(template)
    rng = random.Random(10)
    for case in range(CASES):
        ctx = fresh(tmp_path, f"case{case}")
        shutil.copytree(template.paths.db_dir, ctx.paths.db_dir)
        bad = mutate(rng, good)
        (ctx.paths.db_dir / "2026-11.json").write_bytes(bad)
        for argv in (
            ("history", "--days", "60", "--format", "json"),
            ("report",),
            ("done", "stretch", "--night", "2026-11-20"),
            ("snooze", "stretch"),
        ):
            code, err = run(ctx, capsys, *argv)
            check_one_line(code if argv[0] != "snooze" else min(code, 1), err, f"{case} {argv}")
        assert healthy(ctx) == expected, case


def test_bad_merge_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = fresh(tmp_path, "template")
    seed_diary(template)
    good = (template.paths.db_dir / "2026-11.json").read_bytes()
    rng = random.Random(11)
    for case in range(CASES):
        ctx = fresh(tmp_path, f"mine{case}")
        ctx.store.record_step(date(2026, 10, 9), "hydration", "done")
        ctx.store.record_step(NOVEMBER, "last-meal", "done")
        mine = healthy(ctx)
        other = tmp_path / f"other{case}" / "db"
        shutil.copytree(template.paths.db_dir, other)
        (other / "2026-11.json").write_bytes(mutate(rng, good))
        code, err = run(ctx, capsys, "merge", str(other.parent))
        check_one_line(code, err, f"merge {case}")
        after = healthy(ctx)
        # Nothing of ours is lost; October gains the other copy's healthy records.
        assert mine["outcomes"].items() <= after["outcomes"].items(), case
        assert (NOVEMBER, "last-meal") in ctx.store.latest_outcomes(NOVEMBER, NOVEMBER), case
        code, err = run(ctx, capsys, "history", "--days", "60", "--format", "json")
        check_one_line(code, err, f"history after merge {case}")
        assert code == 0, (case, err)


def _zip(members: dict[str, bytes], how: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=how) as archive:
        for name, raw in members.items():
            archive.writestr(name, raw)
    return buffer.getvalue()


def test_bad_zips(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = fresh(tmp_path, "template")
    seed_diary(template)
    good = {p.name: p.read_bytes() for p in template.paths.db_dir.glob("*.json")}
    good_zip = _zip(good)
    rng = random.Random(12)
    for case in range(CASES):
        ctx = fresh(tmp_path, f"zip{case}")
        shutil.copytree(template.paths.db_dir, ctx.paths.db_dir)
        before = {p.name: p.read_bytes() for p in ctx.paths.db_dir.glob("*.json")}
        kind = case % 5
        if kind == 0:  # damaged bytes
            raw = bytearray(good_zip)
            for _ in range(rng.randint(1, 8)):
                raw[rng.randrange(len(raw))] = rng.randrange(256)
            archive = bytes(raw)
        elif kind == 1:  # cut short
            archive = good_zip[: rng.randrange(len(good_zip))]
        elif kind == 2:  # a damaged member
            archive = _zip({**good, "2026-11.json": mutate(rng, good["2026-11.json"])})
        elif kind == 3:  # members coach never writes
            name = rng.choice(["../2026-11.json", "/etc/x.json", "db/2026-11.json", "a" * 300])
            archive = _zip({**good, name: b"{}"})
        else:  # other compression, or the same member twice
            if rng.random() < 0.5:
                archive = _zip(good, rng.choice([zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]))
            else:
                archive = _zip(good)[:-22] + b""
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w") as twice:
                    twice.writestr("2026-11.json", good["2026-11.json"])
                    with pytest.warns(UserWarning):
                        twice.writestr("2026-11.json", b"{}")
                archive = buffer.getvalue()
        ctx.paths.backups_dir.mkdir()
        (ctx.paths.backups_dir / "coach-2026-11-21.zip").write_bytes(archive)
        code, err = run(ctx, capsys, "restore", "--list")
        check_one_line(code, err, f"list {case}")
        code, err = run(ctx, capsys, "restore", "2026-11-21")
        check_one_line(code, err, f"restore {case}")
        if code == 1:
            now = {p.name: p.read_bytes() for p in ctx.paths.db_dir.glob("*.json")}
            assert now == before, case
        code, err = run(ctx, capsys, "history", "--days", "60", "--format", "json")
        check_one_line(code, err, f"history after restore {case}")
