"""Write order across the whole data folder: undo takes back the change written last,
whatever the wall clock or the month of its night, in merged copies too; redo puts back
what undo took; two undos at once take back two different changes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from coach.cli.main import main
from coach.clock import FakeClock
from coach.session import Session
from coach.system.paths import Paths
from tests.support import BERLIN

DEC_5 = date(2026, 12, 5)
JAN_1_2020 = date(2020, 1, 1)


def run(ctx: Session, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), context=ctx)
    out, err = capsys.readouterr()
    return code, out, err


def test_undo_takes_back_the_2020_typo_written_last_not_the_later_dated_log(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    # The repro: a log written with the clock at 20 Dec, then (the clock right again,
    # 6 Dec) a step for a night typed as 2020.
    clock.set(datetime(2026, 12, 20, 12, 0, tzinfo=BERLIN))
    assert run(ctx, capsys, "cramp", "--count", "2", "--night", "2026-12-05")[0] == 0
    clock.jump(datetime(2026, 12, 6, 12, 0, tzinfo=BERLIN))
    assert run(ctx, capsys, "done", "stretch", "--night", "2020-01-01", "--yes")[0] == 0
    code, out, _ = run(ctx, capsys, "undo")
    assert code == 0
    assert out == "Undone: Calf and hamstring stretches done, night of Wed 01 Jan.\n"
    assert ctx.store.latest_outcomes(JAN_1_2020, JAN_1_2020) == {}
    log = ctx.cramp_log(DEC_5)
    assert log is not None and log.cramps == 2


def test_after_a_merge_undo_takes_back_this_copys_newest_change(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The other machine's clock ran two weeks ahead; its record is of another month.
    other_home = tmp_path / "other"
    other_home.mkdir()
    (other_home / "config.toml").write_text('timezone = "Europe/Berlin"\n')
    ahead = FakeClock(datetime(2026, 12, 20, 8, 0, tzinfo=BERLIN))
    other = Session(Paths.resolve(other_home), kind="laptop", clock=ahead)
    other.log_cramps(DEC_5, 3)
    clock.set(datetime(2026, 12, 6, 8, 0, tzinfo=BERLIN))
    assert run(ctx, capsys, "merge", str(other_home))[0] == 0
    run(ctx, capsys, "done", "stretch", "--night", "2026-11-30")
    out = run(ctx, capsys, "undo")[1]
    assert out == "Undone: Calf and hamstring stretches done, night of Mon 30 Nov.\n"
    out = run(ctx, capsys, "undo")[1]
    assert out == "Undone: the cramp log of the night of Sat 05 Dec (3 cramps).\n"


def test_redo_puts_back_what_undo_took_in_order_and_not_after_a_new_change(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    night = date(2026, 11, 22)
    for step in ("stretch", "hydration"):
        run(ctx, capsys, "done", step)
        clock.advance(60)
    assert run(ctx, capsys, "redo")[1] == "Nothing to redo.\n"
    assert run(ctx, capsys, "undo")[1] == "Undone: Hydration done, night of Sun 22 Nov.\n"
    assert run(ctx, capsys, "undo")[1].startswith("Undone: Calf and hamstring stretches done")
    assert ctx.outcomes(night, night) == {}
    assert run(ctx, capsys, "redo")[1].startswith("Redone: Calf and hamstring stretches done")
    assert set(ctx.outcomes(night, night)) == {(night, "stretch")}
    # Undo takes back the redo (the latest change), and redo puts it back again.
    assert run(ctx, capsys, "undo")[1].startswith("Undone: the redo of Calf and hamstring")
    assert ctx.outcomes(night, night) == {}
    assert run(ctx, capsys, "redo")[1].startswith("Redone: Calf and hamstring stretches done")
    assert run(ctx, capsys, "redo")[1] == "Redone: Hydration done, night of Sun 22 Nov.\n"
    assert set(ctx.outcomes(night, night)) == {(night, "stretch"), (night, "hydration")}
    assert run(ctx, capsys, "redo")[1] == "Nothing to redo.\n"
    # A new change after an undo: nothing to redo (the change would be lost under it).
    run(ctx, capsys, "undo")
    run(ctx, capsys, "skip", "screens-off")
    assert run(ctx, capsys, "redo")[1] == "Nothing to redo.\n"
    assert (night, "hydration") not in ctx.outcomes(night, night)


def test_undo_brings_back_what_forget_took(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    night = date(2026, 11, 22)
    run(ctx, capsys, "done", "stretch")
    run(ctx, capsys, "cramp", "--count", "1", "--night", "2026-11-22")
    code, out, _ = run(ctx, capsys, "forget", "--night", "2026-11-22")
    assert out.endswith("`coach undo` brings it back.\n")
    assert ctx.outcomes(night, night) == {} and ctx.cramp_log(night) is None
    code, out, _ = run(ctx, capsys, "undo")
    assert out == "Undone: forgetting every record of the night of Sun 22 Nov.\n"
    assert set(ctx.outcomes(night, night)) == {(night, "stretch")}
    assert ctx.cramp_log(night) is not None
    code, _, err = run(ctx, capsys, "forget", "--night", "2026-11-21")
    assert (code, err) == (1, "coach: nothing to forget: no record on the night of Sat 21 Nov\n")


def test_undos_at_once_take_back_different_changes(
    ctx: Session, coach_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = ("last-meal", "hydration", "screens-off", "stretch", "sleep-position")
    for night in ("2026-11-20", "2026-11-21"):
        for step in steps:
            run(ctx, capsys, "done", step, "--night", night)
    env = {**os.environ, "COACH_HOME": str(coach_home)}
    undos = [
        subprocess.Popen(
            [sys.executable, "-m", "coach", "undo"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    said = [p.communicate(timeout=120)[0].strip() for p in undos]
    assert all(line.startswith("Undone: ") for line in said), said
    assert len(set(said)) == 6
    left = ctx.outcomes(date(2026, 11, 20), date(2026, 11, 21))
    assert len(left) == 10 - 6
