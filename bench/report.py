"""Benchmark: the doctor's PDF report with ten years of history vs six weeks, in one run.

Target (issue 16): ten years at most 1.5x six weeks, since the report reads only its own
weeks (and the first week logged) from the store.

    python bench/report.py

Prints, for each data set, the median time to build the report and render its PDF (libraries
already loaded), the ratio, and the first report's import cost: the time a fresh
interpreter spends loading the PDF and chart modules (fpdf2, matplotlib) that nothing else
in coach loads, and the whole `coach report --format pdf` command in a fresh interpreter.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from history_open import TONIGHT, setup

from coach.clock import FakeClock
from coach.records.store import Store
from coach.report.build import make_report
from coach.report.output import render
from coach.session import Session
from coach.settings.model import Settings
from coach.system.paths import Paths

ROUNDS = 7
TARGET = 1.5
IMPORT_PROBE = (
    "import time, coach.report.build; t = time.perf_counter(); "
    "import coach.report.pdf, coach.report.chart; print(time.perf_counter() - t)"
)


def time_pdf(store: Store, settings: Settings, clock: FakeClock) -> tuple[float, int]:
    """Seconds to make the report and render it as a PDF, from a cold store cache; the
    PDF's size."""
    store.forget_reads()  # a fresh process reads the files (and digests) again
    start = time.perf_counter()
    data = render(make_report(_session(store, settings, clock), 6), "pdf")
    return time.perf_counter() - start, len(data)


def _session(store: Store, settings: Settings, clock: FakeClock) -> Session:
    """The session the command would use, on the bench's store (db/ in its data folder)."""
    paths = Paths.resolve(store.db_dir.parent)
    return Session(paths, store=store, settings=settings, clock=clock)


def fresh(args: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=True, env=env)
    return time.perf_counter() - start, done.stdout


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        weeks = setup(Path(tmp) / "weeks", TONIGHT - timedelta(days=42))
        decade = setup(Path(tmp) / "decade", TONIGHT - timedelta(days=3652))
        print(f"records: six weeks {weeks[3]}, ten years {decade[3]}")
        render(make_report(_session(*weeks[:3]), 6), "pdf")  # load the libraries
        # Interleaved, so a burst of load from elsewhere on the machine hits both alike.
        shorts, longs = [], []
        for _ in range(ROUNDS):
            shorts.append(time_pdf(*weeks[:3]))
            longs.append(time_pdf(*decade[:3]))
        short, short_size = statistics.median(t for t, _ in shorts), shorts[0][1]
        long, long_size = statistics.median(t for t, _ in longs), longs[0][1]
        ratio = long / short
        print(
            f"report as PDF: six weeks {short * 1000:6.1f} ms ({short_size // 1024} kB)   "
            f"ten years {long * 1000:6.1f} ms ({long_size // 1024} kB)   ratio {ratio:4.2f}x "
            f"(target {TARGET}x)"
        )
        imports = [float(fresh([sys.executable, "-c", IMPORT_PROBE])[1]) for _ in range(3)]
        print(f"first report's import cost (fpdf2, matplotlib): {min(imports) * 1000:6.1f} ms")
        env = dict(os.environ, COACH_HOME=str(Path(tmp) / "decade"))
        out = Path(tmp) / "report.pdf"
        command = [sys.executable, "-m", "coach", "report", "--format", "pdf", "--output", str(out)]
        walls = [fresh(command, env)[0] for _ in range(3)]
        print(
            f"`coach report --format pdf` on ten years, fresh interpreter (real clock): "
            f"{min(walls) * 1000:6.1f} ms"
        )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
