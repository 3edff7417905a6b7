"""Write order, not the wall clock, decides which record wins; two copies merge to the
same answer whichever way round."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.cli.main import main
from coach.clock import FakeClock
from coach.records.order import latest, next_stamp, order_key
from coach.records.store import StepRecord, Store
from coach.session import Session

BERLIN = ZoneInfo("Europe/Berlin")

NIGHT = date(2026, 11, 20)
NIGHTS = (date(2026, 11, 20), date(2026, 11, 21))
STEPS = ("stretch", "hydration")


def run(ctx: Session, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), context=ctx)
    out, err = capsys.readouterr()
    return code, out, err


def history_steps(ctx: Session, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, str]]:
    code, out, err = run(ctx, capsys, "history", "--days", "7", "--format", "json")
    assert code == 0, err
    return {night["night"]: night["steps"] for night in json.loads(out)}


def test_a_correction_after_the_clock_stepped_back_wins(
    ctx: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.jump(datetime(2026, 11, 20, 22, 0, tzinfo=BERLIN))
    assert run(ctx, capsys, "done", "stretch", "--night", "2026-11-20")[0] == 0
    clock.jump(datetime(2026, 11, 20, 21, 0, tzinfo=BERLIN))  # NTP, or a dead CMOS battery
    assert run(ctx, capsys, "skip", "stretch", "--night", "2026-11-20")[0] == 0
    clock.jump(datetime(2026, 11, 22, 18, 0, tzinfo=BERLIN))
    assert history_steps(ctx, capsys)["2026-11-20"]["stretch"] == "skipped"
    # The wall time is still what was written, for display.
    record = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "stretch")]
    assert record.at == datetime(2026, 11, 20, 21, 0, tzinfo=BERLIN)


def test_a_merged_record_dated_2099_does_not_outrank_later_corrections(
    ctx: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = Store(
        tmp_path / "other" / "db",
        tmp_path / "other" / "db.lock",
        FakeClock(datetime(2099, 1, 1, tzinfo=BERLIN)),
        "cli@broken-clock",
    )
    other.record_step(NIGHT, "stretch", "done")
    assert run(ctx, capsys, "merge", str(tmp_path / "other"))[0] == 0
    assert history_steps(ctx, capsys)["2026-11-20"]["stretch"] == "done"
    assert run(ctx, capsys, "skip", "stretch", "--night", "2026-11-20")[0] == 0
    assert history_steps(ctx, capsys)["2026-11-20"]["stretch"] == "skipped"


def test_next_stamp_follows_the_file_not_the_clock() -> None:
    now = datetime(2026, 11, 20, 21, 0, tzinfo=BERLIN)
    first = next_stamp(now, None)
    assert next_stamp(now - timedelta(hours=1), first) == (first[0], 1)
    assert next_stamp(now + timedelta(seconds=1), first) > first


def _store(root: Path, name: str, clock: FakeClock) -> Store:
    return Store(root / name / "db", root / name / "db.lock", clock, f"cli@{name}")


def _view(store: Store) -> dict[tuple[date, str], tuple[str, str]]:
    found = store.latest_outcomes(NIGHTS[0], NIGHTS[-1])
    return {key: (record.outcome, record.id) for key, record in found.items()}


def _nights(store: Store) -> tuple[object, ...]:
    """What a night shows: step outcomes, the morning log, whether it was paused."""
    logs = store.cramp_logs(NIGHTS[0], NIGHTS[-1])
    return (
        _view(store),
        {night: (log.cramps, log.id) for night, log in logs.items()},
        store.paused_nights(NIGHTS[0], NIGHTS[-1]),
    )


write = st.tuples(
    st.just("write"),
    st.sampled_from(("a", "b")),
    st.sampled_from(NIGHTS),
    st.sampled_from(STEPS),
    st.sampled_from(("done", "skipped")),
)
step_clock = st.tuples(
    st.just("clock"), st.sampled_from(("a", "b")), st.integers(-3 * 86400, 3 * 86400)
)
merge = st.tuples(st.just("merge"), st.sampled_from(("a", "b")))
cramps = st.tuples(
    st.just("cramps"), st.sampled_from(("a", "b")), st.sampled_from(NIGHTS), st.integers(0, 3)
)
pause = st.tuples(
    st.just("pause"), st.sampled_from(("a", "b")), st.sampled_from(NIGHTS), st.booleans()
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(st.one_of(write, step_clock, merge, cramps, pause), min_size=1, max_size=16))
def test_two_machines_with_wandering_clocks_converge_and_their_last_writes_win(
    ops: list[tuple[object, ...]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = datetime(2026, 11, 21, 21, 0, tzinfo=BERLIN)
        clocks = {"a": FakeClock(start), "b": FakeClock(start)}
        stores = {name: _store(root, name, clocks[name]) for name in ("a", "b")}
        for op in ops:
            match op:
                case ("write", str(who), date() as night, str(step), str(outcome)):
                    written = stores[who].record_step(night, step, outcome)
                    # The write just made wins on its own machine, whatever its clock says.
                    assert _view(stores[who])[(night, step)] == (outcome, written.id)
                case ("cramps", str(who), date() as night, int(count)):
                    log = stores[who].record_cramps(night, count)
                    assert stores[who].cramp_logs(night, night)[night].id == log.id
                case ("pause", str(who), date() as night, bool(paused)):
                    stores[who].add_event(night, "pause", {"paused": paused})
                    assert (night in stores[who].paused_nights(night, night)) is paused
                case ("clock", str(who), int(seconds)):
                    clocks[who].jump(clocks[who].now() + timedelta(seconds=seconds))
                case ("merge", str(into)):
                    source = "b" if into == "a" else "a"
                    if stores[source].db_dir.is_dir() and any(stores[source].db_dir.iterdir()):
                        stores[into].merge_from(stores[source].db_dir)
        # Merge the two copies either way round: the same nights, the same winners.
        for name in ("a", "b"):
            stores[name].db_dir.mkdir(parents=True, exist_ok=True)
        shutil.copytree(root / "a", root / "ab")
        shutil.copytree(root / "b", root / "ba")
        ab = _store(root, "ab", clocks["a"])
        ba = _store(root, "ba", clocks["b"])
        for into, source in ((ab, stores["b"]), (ba, stores["a"])):
            if any(source.db_dir.glob("*.json")):
                into.merge_from(source.db_dir)
        assert _nights(ab) == _nights(ba)
        # And the winner is the record that sorts last in the one write order.
        every = ab.step_records(NIGHTS[0], NIGHTS[-1])
        expected = latest(every, lambda r: (r.night, r.step))
        assert {k: (r.outcome, r.id) for k, r in expected.items()} == _view(ab)
        assert every == sorted(every, key=order_key)


def test_latest_is_the_one_rule_for_every_kind() -> None:
    at = datetime(2026, 11, 20, 21, 0, tzinfo=BERLIN)
    early = StepRecord(
        night=NIGHT,
        step="stretch",
        outcome="done",
        at=at + timedelta(days=1),
        origin="x",
        id="early",
        hlc=(5, 0),
    )
    late = StepRecord(
        night=NIGHT, step="stretch", outcome="skipped", at=at, origin="x", id="late", hlc=(5, 1)
    )
    assert latest([late, early], lambda r: r.step)["stretch"] is late
    assert latest([early, late], lambda r: r.step)["stretch"] is late
