"""Every view of every night tells one story, whatever a messy diary went through.

A stateful hypothesis test drives random sequences through the real command line into the
real TinyDB files: steps, cramps logged at night (`coach cramp --now`), morning logs, undo,
redo, forget, a merge of a second copy whose clock runs ahead or behind, and the clock
stepping forward and back. After each step, for every night, the diary API, the morning
check-in's prefill, `coach history --format json`, the CSV export and the report's counts
must agree; no view shows fewer cramps than the night's episodes, and a night with neither
a log nor an episode is unknown (never "no cramps").
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from coach.cli.main import main
from coach.clock import FakeClock
from coach.diary.checkin import prefill
from coach.diary.nights import Diary
from coach.errors import CoachError
from coach.session import Session
from coach.system.paths import Paths
from tests.support import BERLIN

START = datetime(2026, 11, 10, 9, 0, tzinfo=BERLIN)
FIRST = date(2026, 11, 9)
STEPS = ("stretch", "hydration")
CONFIG = 'timezone = "Europe/Berlin"\nbedtime = "22:30"\n'
PERIOD = re.compile(r"^- Period: \w{3} (\d\d \w{3} \d{4}) to \w{3} (\d\d \w{3} \d{4})", re.M)
WHOLE = re.compile(r"^\| \*\*Whole period\*\* \| (\d+) of (\d+) \| (\d+|-) \| (\d+|-) \|", re.M)


def quiet(ctx: Session, *argv: str) -> int:
    """Run a command as the user would, its output swallowed."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(list(argv), context=ctx)


def output(ctx: Session, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(argv), context=ctx)
    return code, out.getvalue()


class Diaries(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="one-story-"))
        self.clock = FakeClock(START)
        self.ctx = self._session(self.root / "desk", self.clock, "cli")
        self.laptop_clock = FakeClock(START)
        self.laptop = self._session(self.root / "laptop", self.laptop_clock, "laptop")
        quiet(self.ctx, "done", "stretch", "--night", FIRST.isoformat())

    @staticmethod
    def _session(home: Path, clock: FakeClock, kind: str) -> Session:
        home.mkdir()
        (home / "config.toml").write_text(CONFIG)
        return Session(Paths.resolve(home), kind=kind, clock=clock)

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _night(self, back: int) -> str:
        tonight = self.ctx.tonight()
        return max(FIRST, tonight - timedelta(days=back)).isoformat()

    # --- what a user does --------------------------------------------------------------

    @rule(back=st.integers(0, 4), step=st.sampled_from(STEPS), done=st.booleans())
    def step(self, back: int, step: str, done: bool) -> None:
        quiet(self.ctx, "done" if done else "skip", step, "--night", self._night(back))

    @rule(minutes=st.none() | st.integers(1, 9), leg=st.sampled_from(["left", "right", ""]))
    def cramp_now(self, minutes: int | None, leg: str) -> None:
        argv = ["cramp", "--now"]
        if minutes is not None:
            argv += ["--minutes", str(minutes)]
        if leg:
            argv += ["--leg", leg]
        assert quiet(self.ctx, *argv) == 0

    @rule(back=st.integers(0, 4), count=st.integers(0, 4))
    def morning_log(self, back: int, count: int) -> None:
        night = self._night(back)
        args = ["--none"] if count == 0 else ["--count", str(count)]
        code = quiet(self.ctx, "cramp", *args, "--night", night)
        episodes = len(self.ctx.episodes(date.fromisoformat(night)))
        # Refused exactly when it would show fewer cramps than were logged at night.
        assert code == (1 if count < episodes else 0)

    @rule()
    def undo(self) -> None:
        assert quiet(self.ctx, "undo") == 0

    @rule()
    def redo(self) -> None:
        assert quiet(self.ctx, "redo") == 0

    @rule(back=st.integers(0, 4), cramps=st.booleans())
    def forget(self, back: int, cramps: bool) -> None:
        argv = ["forget", "--night", self._night(back)] + (["--cramps"] if cramps else [])
        assert quiet(self.ctx, *argv) in (0, 1)  # 1: nothing to forget, said

    @rule(
        hours=st.integers(-72, 72),
        back=st.integers(0, 4),
        count=st.integers(0, 3),
        episode=st.booleans(),
    )
    def merge_second_copy(self, hours: int, back: int, count: int, episode: bool) -> None:
        # The laptop's clock runs ahead or behind this machine's.
        self.laptop_clock.jump(self.clock.now() + timedelta(hours=hours))
        night = date.fromisoformat(self._night(back))
        with contextlib.suppress(CoachError):  # a night after the laptop's tonight, say
            if episode:
                self.laptop.log_episode(minutes=2)
            else:
                self.laptop.log_cramps(night, count)
        if self.laptop.store.first_night() is not None:
            assert quiet(self.ctx, "merge", str(self.root / "laptop")) == 0

    @rule(hours=st.integers(1, 30))
    def clock_forward(self, hours: int) -> None:
        self.clock.advance(hours * 3600)

    @rule(hours=st.integers(1, 30))
    def clock_back(self, hours: int) -> None:
        self.clock.jump(max(START, self.clock.now() - timedelta(hours=hours)))

    @precondition(lambda self: self.clock.now() < START + timedelta(days=12))
    @rule()
    def keep_the_window_small(self) -> None:
        pass

    # --- what every view shows ----------------------------------------------------------

    @invariant()
    def every_view_tells_one_story(self) -> None:
        ctx = self.ctx
        tonight = ctx.tonight()
        # A merged copy whose clock ran behind can hold nights before this one's first.
        first = min(FIRST, ctx.first_night() or FIRST)
        days = (tonight - first).days + 1
        diary = Diary.load(ctx.store, ctx.settings, ctx.clock.now(), start=first, end=tonight)
        api = {f.night.isoformat(): f.cramp_count for f in diary.nights}
        episodes = {f.night.isoformat(): len(f.episodes) for f in diary.nights}

        code, out = output(ctx, "history", "--days", str(days), "--format", "json")
        assert code == 0
        nights = json.loads(out)
        shown = {n["night"]: (n["cramps"] or {}).get("count") for n in nights}
        # History starts at the first record (or first use): nights before it are unknown.
        assert set(shown) <= set(api)
        assert {night: shown.get(night) for night in api} == api
        for n in nights:
            assert len(n["episodes"]) == episodes[n["night"]]
            assert (n["unknown"] is None) == (n["cramps"] is not None)
            assert n["cramps"] is None or n["cramps"]["count"] >= len(n["episodes"])

        code, out = output(ctx, "history", "--days", str(days), "--format", "csv")
        rows = {r["night"]: r for r in csv.DictReader(io.StringIO(out))}
        counts = {k: int(r["cramps"]) if r["cramps"] else None for k, r in rows.items()}
        assert set(counts) == set(shown)
        assert {night: counts.get(night) for night in api} == api

        for night, count in api.items():
            opened = prefill(ctx, date.fromisoformat(night))
            assert opened.cramps == count
            assert len(opened.episodes) == episodes[night]

        code, report = output(ctx, "report", "--format", "md")
        if code == 0:
            period = PERIOD.search(report)
            whole = WHOLE.search(report)
            assert period is not None and whole is not None, report
            start, end = (datetime.strptime(p, "%d %b %Y").date() for p in period.groups())
            inside = [c for n, c in api.items() if start <= date.fromisoformat(n) <= end]
            logged, of = int(whole.group(1)), int(whole.group(2))
            assert (logged, of) == (sum(c is not None for c in inside), len(inside))
            # Nothing logged: no count at all, never a 0 that reads as no cramps.
            with_cramps, cramps = whole.group(3, 4)
            if logged == 0:
                assert (with_cramps, cramps) == ("-", "-")
            else:
                assert int(with_cramps) == sum(1 for c in inside if c)
                assert int(cramps) == sum(c or 0 for c in inside)


Diaries.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=12,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_every_view_of_every_night_agrees = Diaries.TestCase
