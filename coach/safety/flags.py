"""Red flags once raised: kept as events in the store, until the user acknowledges them.

A raised flag is a "red-flag" event on its night; its acknowledgement a "red-flag-ack"
event on the same night (so both live in one month file and merge like any record).
This module needs neither the rules nor the statistics: `coach flags` and the app's start
read it cheaply.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, NamedTuple

from coach.errors import CoachError
from coach.records.store import Event, Store, is_foreign
from coach.system.text import printable

Level = Literal["urgent", "soon"]
Action = Literal["emergency", "same-day", "soon"]
FLAG_EVENT = "red-flag"
ACK_EVENT = "red-flag-ack"
ALL_KEY = "redflags_all"
"""State key: every flag raised in this data folder (what, when, what showed it), so the
report lists flags and new medicines of any date without reading every month."""
OPEN_KEY = "redflags_open"
"""State key: the urgent flags not yet acknowledged, wherever raised (here, or merged or
restored: `reindex` reads them from the records after either), so the app's start shows
them again without reading every month of records."""

ACTION_TEXT: dict[str, str] = {
    "emergency": "Call your emergency number now.",
    "same-day": "Contact a doctor or an urgent care service today.",
    "soon": "Make an appointment with a doctor or other health professional soon.",
}
"""What to do, by how urgent it is (CONTENT.md: emergency number / same day / soon)."""

LIMITS = (
    "coach reads notes for key words and can miss signs: act on any warning sign "
    "whatever coach shows."
)
"""Said wherever coach reports finding nothing, and in the help and the report."""


class RaisedFlag(NamedTuple):
    """A red flag raised on a night, with the words the user was shown."""

    id: str
    rule: str
    level: Level
    action: Action
    night: date
    text: str
    acknowledged: bool = False
    detail: str = ""
    """What showed it: the patient's words ("note: ...", "your answer: ..."), a medicine."""
    foreign: bool = False
    """Raised in another copy of the data and merged here: its words are that copy's."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": self.level,
            "night": self.night.isoformat(),
            "text": self.text,
        }

    def line(self) -> str:
        """One line for the command line: `URGENT: ...` or `SOON: ...`."""
        where = " (raised in another copy of the data, in its words)" if self.foreign else ""
        text = printable(self.text, one_line=True)
        return f"{self.level.upper()}{where}: {text} [{printable(self.id, one_line=True)}]"


def _order(flags: Iterable[RaisedFlag]) -> list[RaisedFlag]:
    return sorted(flags, key=lambda f: (f.level != "urgent", f.night, f.id))


def raise_flags(store: Store, flags: Sequence[RaisedFlag]) -> list[RaisedFlag]:
    """Store each flag as raised; returns them, urgent first."""
    for flag in flags:
        store.add_event(flag.night, FLAG_EVENT, _data(flag))
    if flags:
        remember(store, flags)
    urgent = [flag for flag in flags if flag.level == "urgent"]
    if urgent:
        index = [doc for doc in _index(store) if doc["flag"] not in {f.id for f in urgent}]
        store.set_state(
            OPEN_KEY, index + [_data(f) | {"night": f.night.isoformat()} for f in urgent]
        )
    return _order(flags)


def _data(flag: RaisedFlag) -> dict[str, Any]:
    data = {
        "flag": flag.id,
        "rule": flag.rule,
        "level": flag.level,
        "action": flag.action,
        "text": flag.text,
    }
    if flag.detail:
        data["detail"] = flag.detail
    return data


def remember(store: Store, flags: Sequence[RaisedFlag]) -> None:
    """Add flags to the index of every flag raised (built from the records the first time);
    a flag raised in another copy of the data and merged here is added when the rules
    meet it again."""
    value = store.get_state(ALL_KEY)
    if isinstance(value, list):
        index = [doc for doc in value if isinstance(doc, dict) and isinstance(doc.get("flag"), str)]
    else:
        first = store.first_night()
        last = max(flag.night for flag in flags) + timedelta(days=2)
        index = [
            _data(f) | {"night": f.night.isoformat()}
            for f in (flags_in(store, first, last) if first is not None else [])
        ]
    have = {doc["flag"] for doc in index}
    new = [_data(f) | {"night": f.night.isoformat()} for f in flags if f.id not in have]
    if new or not isinstance(value, list):
        store.set_state(ALL_KEY, index + new)


def every_flag(store: Store, today: date) -> list[RaisedFlag]:
    """Every flag raised in this data folder, whatever its night, with whether it has been
    acknowledged; from the index, checked against the records of the flags' own nights."""
    value = store.get_state(ALL_KEY)
    if not isinstance(value, list):
        first = store.first_night()
        return flags_in(store, first, today + timedelta(days=2)) if first is not None else []
    nights: set[date] = set()
    for doc in value:
        try:
            nights.add(date.fromisoformat(str(doc.get("night"))))
        except (ValueError, AttributeError):
            continue
    found: dict[str, RaisedFlag] = {}
    for night in sorted(nights):
        for flag in flags_in(store, night, night):
            found.setdefault(flag.id, flag)
    return _order(found.values())


def _index(store: Store) -> list[dict[str, Any]]:
    value = store.get_state(OPEN_KEY, [])
    if not isinstance(value, list):
        return []
    return [doc for doc in value if isinstance(doc, dict) and isinstance(doc.get("flag"), str)]


def reindex(store: Store, today: date) -> list[RaisedFlag]:
    """After a merge or a restore: read every flag from the records (this copy's, the
    merged ones, the restored ones), add those the index of every flag lacks, and make the
    index of open urgent flags the records' own. Returns the open urgent flags."""
    first = store.first_night()
    flags = flags_in(store, first, today + timedelta(days=2)) if first is not None else []
    if flags:
        remember(store, flags)
    urgent = [flag for flag in flags if flag.level == "urgent" and not flag.acknowledged]
    index = [_indexed(flag) for flag in urgent]
    if store.get_state(OPEN_KEY, []) != index:  # a restore that changed nothing stays so
        store.set_state(OPEN_KEY, index)
    return urgent


def _indexed(flag: RaisedFlag) -> dict[str, Any]:
    doc = _data(flag) | {"night": flag.night.isoformat()}
    if flag.foreign:
        doc["foreign"] = True
    return doc


def urgent_unacknowledged(store: Store) -> list[RaisedFlag]:
    """The urgent flags not yet acknowledged, raised here or merged or restored, from the
    small state file alone (what the app shows again at each start)."""
    found = []
    for doc in _index(store):
        try:
            night = date.fromisoformat(str(doc.get("night")))
        except ValueError:
            continue
        flag = _from_event(
            Event(night=night, kind=FLAG_EVENT, at=night_start(night), origin="", id="", data=doc),
            set(),
        )
        if flag is not None:
            found.append(flag._replace(foreign=doc.get("foreign") is True))
    return _order(found)


def night_start(night: date) -> datetime:
    return datetime.combine(night, datetime.min.time(), UTC)


def _from_event(event: Event, acked: set[str]) -> RaisedFlag | None:
    data = event.data
    flag_id, level, action = data.get("flag"), data.get("level"), data.get("action")
    if not isinstance(flag_id, str) or level not in ("urgent", "soon"):
        return None  # not one of ours; the record checks set such events aside
    return RaisedFlag(
        id=flag_id,
        rule=str(data.get("rule", "")),
        level=level,
        action=action if action in ACTION_TEXT else "soon",
        night=event.night,
        text=str(data.get("text", "")),
        acknowledged=flag_id in acked,
        detail=str(data.get("detail", "")),
        foreign=is_foreign(event.origin),
    )


def flags_in(store: Store, start: date, end: date) -> list[RaisedFlag]:
    """Every flag raised on nights start..end, acknowledged or not, urgent first."""
    return flags_from(store.events(start, end))


def flags_from(events: Sequence[Event]) -> list[RaisedFlag]:
    """Every flag raised in these events, acknowledged or not, urgent first."""
    acked = {str(e.data.get("flag")) for e in events if e.kind == ACK_EVENT and "flag" in e.data}
    found: dict[str, RaisedFlag] = {}
    for event in events:
        if event.kind == FLAG_EVENT:
            flag = _from_event(event, acked)
            if flag is not None:
                found.setdefault(flag.id, flag)
    return _order(found.values())


def open_flags(store: Store, today: date) -> list[RaisedFlag]:
    """The flags raised and not yet acknowledged, urgent first."""
    first = store.first_night()
    if first is None:
        return []
    # A night after today can hold a record too (a clock set back); look a little ahead.
    return [f for f in flags_in(store, first, today + timedelta(days=2)) if not f.acknowledged]


def flag_night(flag_id: str) -> date | None:
    """The night in a flag's id ("<rule>-YYYY-MM-DD"), or None if it has none."""
    try:
        return date.fromisoformat(flag_id[-10:])
    except ValueError:
        return None


def acknowledge(store: Store, flag_id: str) -> RaisedFlag:
    """Record that the user has read a flag; CoachError if it is not open."""
    night = flag_night(flag_id)
    flags = flags_in(store, night, night) if night is not None else []
    for flag in flags:
        if flag.id == flag_id and not flag.acknowledged:
            store.add_event(flag.night, ACK_EVENT, {"flag": flag.id})
            index = _index(store)
            if any(doc["flag"] == flag_id for doc in index):
                store.set_state(OPEN_KEY, [doc for doc in index if doc["flag"] != flag_id])
            return flag
    stale = _index(store)
    if any(doc["flag"] == flag_id for doc in stale):
        # Acknowledged in another copy of the data and merged here: the index forgets it.
        store.set_state(OPEN_KEY, [doc for doc in stale if doc["flag"] != flag_id])
    raise CoachError(f"no open red flag {flag_id!r}; `coach flags` lists the open ones")
