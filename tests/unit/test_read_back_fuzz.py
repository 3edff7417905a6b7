"""Fuzzing what coach reads back (issue 23): any state.json experiment plan, and any merged
copy of the data. Every command exits 0 or with one clear line (never "unexpected error",
never a traceback), and `coach experiment stop` always gets the usual routine back."""

from __future__ import annotations

import io
import json
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from datetime import datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.cli.main import main
from coach.clock import FakeClock
from coach.experiment.protocol import safe_protocol
from coach.session import Session
from coach.system.paths import Paths
from tests.support import BERLIN
from tests.unit.test_read_back import A_PLAN

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)
COMMANDS = (
    ("plan",),
    ("history", "--days", "30"),
    ("flags",),
    ("report",),
    ("experiment", "status"),
    ("experiment", "result"),
    ("cramp", "--count", "1"),
    ("experiment", "stop"),
)
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-11-15", "2026-13-01", "", "stretch"]),
    st.lists(st.sampled_from(["stretch", "no-stretch", "x"]), max_size=12),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _home() -> tempfile.TemporaryDirectory[str]:
    folder = tempfile.TemporaryDirectory(prefix="coach-fuzz-")
    Path(folder.name).chmod(0o700)
    (Path(folder.name) / "config.toml").write_text('timezone = "Europe/Berlin"\n')
    return folder


def _run(home: Path, *argv: str) -> tuple[int, str, str]:
    session = Session(Paths.resolve(home), kind="cli", clock=FakeClock(NOW))
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv), context=session)
    return code, out.getvalue(), err.getvalue()


def _every_command_is_clear(home: Path) -> None:
    for argv in COMMANDS:
        code, _, err = _run(home, *argv)
        assert "unexpected error" not in err and "Traceback" not in err, (argv, err)
        if code != 0:
            errors = [line for line in err.splitlines() if not line.startswith("coach: note:")]
            assert code == 1 and len(errors) == 1 and errors[0].startswith("coach: "), (argv, err)
            if argv == ("experiment", "stop"):
                assert "no experiment is running" in err, err
    # The way out worked: no experiment decides tonight's plan any more.
    protocol = safe_protocol(Session(Paths.resolve(home), kind="test", clock=FakeClock(NOW)).store)
    assert (
        protocol is None
        or protocol.over_from is not None
        or protocol.start is None
        or (protocol.end is not None and protocol.end < NOW.date())
    )


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.dictionaries(st.sampled_from(sorted(A_PLAN)), ODD, max_size=4))
def test_any_stored_plan_leaves_every_command_clear_and_stop_working(
    changes: dict[str, Any],
) -> None:
    with _home() as folder:
        home = Path(folder)
        Session(Paths.resolve(home), kind="test", clock=FakeClock(NOW)).store.set_state(
            "experiment", {**A_PLAN, **changes}
        )
        _every_command_is_clear(home)


RECORD = {
    "night": "2026-11-22",
    "at": "2026-11-22T21:00:00+01:00",
    "origin": "cli@another-laptop",
    "hlc": [1795377600000000, 0],
}
KINDS = {
    "outcomes": {"step": "stretch", "outcome": "done"},
    "cramps": {"count": 2, "severity": 5, "notes": "calf"},
    "events": {"kind": "red-flag", "data": {"flag": "f-2026-11-22", "level": "urgent"}},
    "tombstones": {"action": "undo", "targets": ["x1"]},
}


@st.composite
def merged_files(draw: st.DrawFn) -> dict[str, Any]:
    files: dict[str, Any] = {}
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(["2026-11", "2026-10", "2026-13", "1999-01", "2100-12"]))
        tables: dict[str, Any] = {"_meta": {"1": {"app": "coach", "schema": 2}}}
        for table, fields in KINDS.items():
            docs = {}
            for n in range(draw(st.integers(0, 2))):
                doc = {**RECORD, **fields, "id": f"{table[0]}{n}{draw(st.integers(0, 99))}"}
                for key in draw(st.lists(st.sampled_from(sorted(doc)), max_size=2)):
                    doc[key] = draw(ODD)
                docs[str(n + 1)] = doc
            tables[table] = docs
        files[name] = tables
    return files


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=merged_files(), plan=st.dictionaries(st.sampled_from(sorted(A_PLAN)), ODD))
def test_any_merged_copy_leaves_every_command_clear_and_stop_working(
    files: dict[str, Any], plan: dict[str, Any]
) -> None:
    with _home() as folder, tempfile.TemporaryDirectory() as other:
        home = Path(folder)
        db = Path(other) / "db"
        db.mkdir()
        for name, tables in files.items():
            (db / f"{name}.json").write_text(json.dumps(tables))
        state = {"_meta": {"1": {"app": "coach", "schema": 2}}}
        state["state"] = {"1": {"experiment": {**A_PLAN, **plan}}}  # type: ignore[dict-item]
        (db / "state.json").write_text(json.dumps(state))
        code, _, err = _run(home, "merge", other)
        assert "unexpected error" not in err and "Traceback" not in err, err
        assert code in (0, 1), err
        _every_command_is_clear(home)
