"""`coach calendar`, read back by a second, independent parser: the file is unfolded and
split here by hand, its VTIMEZONE is read by dateutil's `tzical` and its RRULEs expanded by
dateutil's `rrulestr` (not the icalendar library that wrote it). Every step's time on 14
consecutive nights, across a daylight-saving change, must equal `coach plan`'s.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from dateutil import rrule
from dateutil import tz as dateutil_tz

from coach.cli.main import main
from coach.clock import FakeClock
from coach.session import Session
from tests.support import BERLIN

CONFIG = """timezone = "Europe/Berlin"
bedtime = "22:30"
[bedtime_by_weekday]
fri = "23:30"
sat = "00:30"
[steps.hydration]
enabled = false
"""
FIRST_NIGHT = date(2026, 10, 19)  # a Monday; clocks go back on Sunday 25 October
NIGHTS = 14


def unfold(text: str) -> list[str]:
    """RFC 5545 3.1: a line starting with a space continues the one before."""
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        if raw.startswith((" ", "\t")) and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def components(lines: list[str], name: str) -> list[list[str]]:
    """The content lines of each component called `name`, BEGIN and END included."""
    found: list[list[str]] = []
    current: list[str] | None = None
    depth = 0
    for line in lines:
        if line == f"BEGIN:{name}":
            current, depth = [], 0
        if current is not None:
            current.append(line)
            depth += line.startswith("BEGIN:") - line.startswith("END:")
            if depth == 0:
                found.append(current)
                current = None
    return found


def prop(component: list[str], name: str) -> tuple[dict[str, str], str]:
    """(parameters, value) of the first property `name` at the component's own level."""
    depth = 0
    for line in component:
        depth += line.startswith("BEGIN:") - line.startswith("END:")
        head, _, value = line.partition(":")
        key, *params = head.split(";")
        if depth == 1 and key == name:
            return dict(p.split("=", 1) for p in params), value
    raise KeyError(name)


def unescape(text: str) -> str:
    return text.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


def occurrences(text: str, start: datetime, end: datetime) -> dict[str, set[datetime]]:
    """Step id -> every instant (UTC) an event of that step starts in [start, end)."""
    lines = unfold(text)
    (zone_lines,) = components(lines, "VTIMEZONE")
    zones = dateutil_tz.tzical(io.StringIO("\n".join(zone_lines) + "\n"))
    found: dict[str, set[datetime]] = {}
    for event in components(lines, "VEVENT"):
        uid = prop(event, "UID")[1]
        step = uid.removeprefix("coach-").rsplit("@", 1)[0]
        step = "-".join(part for part in step.split("-") if part not in DAY_NAMES)
        params, value = prop(event, "DTSTART")
        zone = zones.get(params["TZID"])
        dtstart = datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=zone)
        rule = rrule.rrulestr(prop(event, "RRULE")[1], dtstart=dtstart)
        skipped = set()
        for line in event:  # EXDATE: instants the rule leaves out
            head, _, value = line.partition(":")
            if head.split(";")[0] == "EXDATE":
                skipped |= {
                    datetime.strptime(v, "%Y%m%dT%H%M%S").replace(tzinfo=zone)
                    for v in value.split(",")
                }
        for at in rule.between(start, end, inc=True):
            if at in skipped:
                continue
            found.setdefault(step, set()).add(at.astimezone(dateutil_tz.UTC))
    return found


DAY_NAMES = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}


def run(args: list[str], ctx: Session, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(args, context=ctx) == 0
    return capsys.readouterr().out


@pytest.fixture
def autumn(ctx: Session, clock: FakeClock) -> Session:
    ctx.paths.config_file.write_text(CONFIG)
    ctx.reload_settings()
    clock.jump(datetime(2026, 10, 19, 17, 0, tzinfo=BERLIN))
    return ctx


def test_every_step_on_14_nights_across_a_dst_change_matches_coach_plan(
    autumn: Session, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "coach.ics"
    said = run(["calendar", "--output", str(out)], autumn, capsys)
    assert said.startswith(f"Calendar written to {out}: ")
    nights = [FIRST_NIGHT + timedelta(days=n) for n in range(NIGHTS)]
    planned: dict[str, set[datetime]] = {}
    for night in nights:
        plan = json.loads(run(["plan", "--date", night.isoformat(), "--json"], autumn, capsys))
        for step in plan["steps"]:
            at = datetime.fromisoformat(step["at"]).astimezone(dateutil_tz.UTC)
            planned.setdefault(step["id"], set()).add(at)
    window = (
        datetime(2026, 10, 19, 12, 0, tzinfo=BERLIN),
        datetime.combine(nights[-1] + timedelta(days=1), datetime.min.time(), BERLIN)
        + timedelta(hours=12),
    )
    from_calendar = occurrences(out.read_text(), *window)

    assert sorted(from_calendar) == sorted(planned)
    assert "hydration" not in from_calendar  # turned off in the config
    for step, instants in planned.items():
        assert from_calendar[step] == instants, step
        assert len(instants) == NIGHTS
    # The change of clocks is really in range: the same wall time, two UTC offsets.
    offsets = {at.astimezone(BERLIN).utcoffset() for at in planned["stretch"]}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}
    # Saturday's 00:30 bedtime puts its sleep-position reminder on Sunday morning.
    sunday = datetime(2026, 10, 25, 0, 30, tzinfo=BERLIN).astimezone(dateutil_tz.UTC)
    assert sunday in from_calendar["sleep-position"]


def test_each_event_has_an_alarm_and_the_step_in_words(
    autumn: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    text = run(["calendar"], autumn, capsys)
    events = components(unfold(text), "VEVENT")
    stretch = [e for e in events if prop(e, "UID")[1].startswith("coach-stretch-")]
    # Weeknights and Sundays at 22:20, Fridays at 23:20, Saturdays at 00:20 the next day.
    assert sorted(prop(e, "RRULE")[1] for e in stretch) == [
        "FREQ=WEEKLY;BYDAY=FR",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,SU",
        "FREQ=WEEKLY;BYDAY=SU",
    ]
    for event in stretch:
        assert prop(event, "SUMMARY")[1] == autumn.settings.routine.step("stretch").title
        assert unescape(prop(event, "DESCRIPTION")[1]).startswith(
            autumn.settings.routine.step("stretch").what
        )
        (alarm,) = components(event, "VALARM")
        assert prop(alarm, "ACTION")[1] == "DISPLAY"
        assert prop(alarm, "TRIGGER")[1] in ("P0D", "PT0S", "PT0M")


def test_running_it_again_keeps_every_uid_so_a_phone_replaces_the_events(
    autumn: Session, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run(["calendar"], autumn, capsys)
    clock.advance(3 * 86400)
    second = run(["calendar"], autumn, capsys)

    def uids(text: str) -> list[str]:
        return sorted(prop(e, "UID")[1] for e in components(unfold(text), "VEVENT"))

    assert uids(first) == uids(second)
    assert len(set(uids(first))) == len(uids(first))


def test_a_folder_or_a_missing_folder_is_a_one_line_error(
    autumn: Session, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["calendar", "--output", str(tmp_path)], context=autumn) == 1
    assert "is a folder; give a file name" in capsys.readouterr().err
    assert main(["calendar", "--output", str(tmp_path / "no" / "c.ics")], context=autumn) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err


def test_during_an_experiment_the_phone_stays_silent_on_no_stretch_nights(
    autumn: Session, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from coach.experiment.protocol import Protocol

    arms = ("no-stretch", "stretch", "stretch", "no-stretch")
    protocol = Protocol(
        created="test",
        run_in_start=FIRST_NIGHT - timedelta(days=14),
        start=FIRST_NIGHT + timedelta(days=2),
        arms=arms,
        period_nights=7,
        washout_nights=2,
    )
    autumn.store.set_state("experiment", protocol.to_state())
    out = tmp_path / "coach.ics"
    said = run(["calendar", "--output", str(out)], autumn, capsys)
    assert "no stretch reminder on its 14 no-stretch nights" in said
    assert "run `coach calendar` again and import the new file" in said
    window = (
        datetime(2026, 10, 19, 12, 0, tzinfo=BERLIN),
        datetime(2026, 11, 30, 12, 0, tzinfo=BERLIN),
    )
    stretch = occurrences(out.read_text(), *window)["stretch"]
    # A night is named by its evening: Saturday's 00:30 bedtime puts its stretch on Sunday.
    nights = {(at.astimezone(BERLIN) - timedelta(hours=12)).date() for at in stretch}
    for offset in range(42):
        night = FIRST_NIGHT + timedelta(days=offset)
        plan = json.loads(run(["plan", "--date", night.isoformat(), "--json"], autumn, capsys))
        told = "stretch" in [step["id"] for step in plan["steps"]]
        # The calendar says what `coach plan` says, night by night: no alarm on a
        # no-stretch night, the usual one before the plan, in stretch periods and after.
        assert (night in nights) == told, night
    assert FIRST_NIGHT + timedelta(days=2) not in nights  # the plan's first night
    assert FIRST_NIGHT + timedelta(days=9) in nights  # a stretch period
    assert FIRST_NIGHT + timedelta(days=30) in nights  # after the plan
