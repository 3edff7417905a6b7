"""The real file under real processes: killed writers lose nothing acknowledged, and
concurrent writers lose nothing at all."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from coach.clock import SystemClock
from coach.records.store import Store
from coach.system.paths import Paths

WRITER = Path(__file__).parent.parent / "support" / "writer_proc.py"
ALL_NIGHTS = (date(2026, 10, 1), date(2026, 11, 30))

pytestmark = pytest.mark.slow


def _store(data_dir: Path) -> Store:
    paths = Paths.resolve(data_dir)
    return Store(paths.db_dir, paths.lock_file, SystemClock(), "checker")


def _written(store: Store) -> set[tuple[str, int]]:
    return {(r.detail["writer"], r.detail["n"]) for r in store.step_records(*ALL_NIGHTS)}


def _spawn(data_dir: Path, writer: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(data_dir), writer, str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigkill_at_random_moments_never_loses_an_acknowledged_write(tmp_path: Path) -> None:
    rng = random.Random(20261122)
    acknowledged: set[tuple[str, int]] = set()
    rounds = 30
    for round_no in range(rounds):
        writer = f"w{round_no}"
        proc = _spawn(tmp_path, writer, 0)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.06))
        proc.kill()
        out, _ = proc.communicate(timeout=10)
        acks = {int(line.split()[1]) for line in out.splitlines() if line.startswith("ack ")}
        acknowledged |= {(writer, n) for n in acks}
        # The database opens after every kill, and holds every acknowledged write so far.
        missing = acknowledged - _written(_store(tmp_path))
        assert not missing, f"round {round_no}: lost {sorted(missing)[:5]}"
    assert len(acknowledged) > rounds  # the kills really landed among writes
    assert list((tmp_path / "backups").glob("coach-*.zip"))  # the backup hook ran too


def test_four_processes_writing_250_records_each_lose_nothing(tmp_path: Path) -> None:
    writers = [_spawn(tmp_path, f"p{k}", -250) for k in range(4)]
    for proc in writers:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
    for proc in writers:  # start together
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in writers:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    written = _written(_store(tmp_path))
    assert written == {(f"p{k}", n) for k in range(4) for n in range(250)}
    records = _store(tmp_path).step_records(*ALL_NIGHTS)
    assert len(records) == 1000
