"""One schema per record kind, checked on every way in: read, merge and restore.

A record is a JSON object in one of the record tables of a month file. Its known fields are
decoded by name and type-checked here; fields this version does not know (a newer coach
may add some) are kept in the file and ignored. A record that does not fit its schema is a
misfit: the store sets it aside (coach.records.store, "quarantine") and reports it once; it never
stops the rest of the diary from loading.

To add a record kind (a new table), call `register_table(TableSchema(...))` at import of
the module that writes it; to give an event kind rules for its `data`, call
`register_event(kind, {field: Check})`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, get_args

Check = Callable[[Any], str | None]
"""Returns what is wrong with a value, or None if it fits."""

Outcome = Literal["done", "skipped", "missed"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
Leg = Literal["left", "right", "both"]
LEGS: tuple[Leg, ...] = get_args(Leg)
MAX_TEXT = 10_000
MAX_INT = 2**53
MAX_DEPTH = 24
"""Records nest a level or two; a file nested deeper is not one coach wrote."""


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether a JSON value nests containers more than `limit` levels deep."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((v, depth + 1) for v in children if v and isinstance(v, dict | list))
    return False


def text(*, empty: bool = True, limit: int = MAX_TEXT) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return "is not text"
        if not empty and not value:
            return "is empty"
        if len(value) > limit:
            return f"is longer than {limit} characters"
        return None

    return check


def one_of(*allowed: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value in allowed else f"is not one of {', '.join(allowed)}"

    return check


def whole(low: int = 0, high: int = MAX_INT) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, int) or isinstance(value, bool):
            return "is not a whole number"
        if not low <= value <= high:
            return f"is not from {low} to {high}"
        return None

    return check


def number(low: float, high: float) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return "is not a number"
        if not math.isfinite(value) or not low <= value <= high:
            return f"is not from {low:g} to {high:g}"
        return None

    return check


def boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "is not true or false"


def mapping(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "is not an object"
    return "is nested too deeply" if value and too_deep(value, MAX_DEPTH - 3) else None


FIRST_NIGHT, LAST_NIGHT = date(2000, 1, 1), date(2100, 12, 31)
"""The nights the command line accepts; a record outside them was not written by coach."""
FIRST_TIME, LAST_TIME = datetime(1970, 1, 2, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC)


def a_date(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) != 10:
        return "is not a date (YYYY-MM-DD)"
    try:
        night = date.fromisoformat(value)
    except ValueError:
        return "is not a date (YYYY-MM-DD)"
    if not FIRST_NIGHT <= night <= LAST_NIGHT:
        return f"is not from {FIRST_NIGHT} to {LAST_NIGHT}"
    return None


def a_time(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > 40:
        return "is not a time"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return "is not a time"
    if parsed.tzinfo is None:
        return "is a time without zone"
    # Far from now, converting to another zone for display could overflow.
    if not FIRST_TIME <= parsed <= LAST_TIME:
        return "is not a time between 1970 and 9000"
    return None


LAST_STAMP_TIME = datetime(2200, 1, 1, tzinfo=UTC)
"""Write stamps stand at a wall time from 1970 to this (later ones could not be
followed by another write: micros must stay below 2^53)."""
STAMP_MICROS = (
    0,
    (LAST_STAMP_TIME - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1),
)
MAX_COUNTER = 2**31
"""A stamp's counter counts writes within one microsecond, or after a stamp ahead of the
clock: far below this. Higher, and later writes to its file could run out of stamps."""


def stamp(value: Any) -> str | None:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or type(value[0]) is not int  # a bool (or another int subclass) is no stamp
        or type(value[1]) is not int
    ):
        return "is not a write stamp [micros, counter]"
    low, high = STAMP_MICROS
    if not low <= value[0] < high:
        return f"is not a write stamp between 1970 and {LAST_STAMP_TIME.year}"
    if not 0 <= value[1] <= MAX_COUNTER:
        return f"has a counter outside 0 to {MAX_COUNTER}"
    return None


def optional(check: Check) -> Check:
    def inner(value: Any) -> str | None:
        return None if value is None else check(value)

    return inner


class TableSchema(NamedTuple):
    """The fields of one record kind: `required` must be there, `optional` may be."""

    table: str
    required: Mapping[str, Check]
    optional: Mapping[str, Check] = MappingProxyType({})
    rule: Callable[[Mapping[str, Any]], str | None] | None = None
    """A check across fields, run once every field fits."""

    @property
    def checks(self) -> Mapping[str, Check]:
        found = _CHECKS.get(self.table)
        if found is None or found[0] is not self:
            found = _CHECKS[self.table] = (self, {**self.required, **self.optional})
        return found[1]


_CHECKS: dict[str, tuple[TableSchema, dict[str, Check]]] = {}


_ID_TEXT = text(empty=False, limit=64)


def ident(value: Any) -> str | None:
    """An id: text of 1 to 64 characters, none of them a control or a space (ids are
    matched, never cleaned up for display)."""
    problem = _ID_TEXT(value)
    if problem is not None:
        return problem
    if not value.isprintable() or " " in value:
        return "is not an id (letters, digits and signs)"
    return None


COMMON: dict[str, Check] = {
    "id": ident,
    "night": a_date,
    "at": a_time,
    "origin": text(limit=200),
}
"""The fields every record has: who wrote it and when (for display)."""
ORDER: dict[str, Check] = {"hlc": stamp}
"""Where it stands in the write order; a record without one (written by hand or by another
tool) is ordered by its wall time, as schema 1 was."""

TABLES: dict[str, TableSchema] = {}
EVENT_DATA: dict[str, tuple[Mapping[str, Check], Mapping[str, Check]]] = {}
"""Rules for the `data` of an event kind (required, optional); other fields of `data`, and
other kinds, pass."""


def register_table(schema: TableSchema) -> None:
    TABLES[schema.table] = schema


def register_event(
    kind: str, required: Mapping[str, Check], optional: Mapping[str, Check] | None = None
) -> None:
    EVENT_DATA[kind] = (required, optional or {})


BANDS = ("under 1", "1-5", "5-10", "over 10")
"""Cramp length in minutes as a band, when the user did not time it (issue 11's forms)."""


def _cramp_rule(doc: Mapping[str, Any]) -> str | None:
    details = ("severity", "minutes", "leg", "band")
    if doc["count"] == 0 and any(doc.get(k) is not None for k in details):
        return "a night without cramps has severity, minutes, leg or band"
    if doc.get("band") is not None and doc.get("minutes") is not None:
        return "it has both a band and exact minutes"
    return None


def texts(limit: int) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, list) or len(value) > limit:
            return f"is not a list of at most {limit} ids"
        for item in value:
            problem = ident(item)
            if problem:
                return f"holds an id that {problem}"
        return None

    return check


def _event_rule(doc: Mapping[str, Any]) -> str | None:
    rules = EVENT_DATA.get(doc["kind"])
    if rules is None:
        return None
    data = doc.get("data", {})
    required, optional_ = rules
    for name, check in required.items():
        problem = check(data[name]) if name in data else "is missing"
        if problem:
            return f"data.{name} of a {doc['kind']!r} event {problem}"
    for name, check in optional_.items():
        problem = check(data[name]) if name in data else None
        if problem:
            return f"data.{name} of a {doc['kind']!r} event {problem}"
    return None


register_table(
    TableSchema(
        table="outcomes",
        required={**COMMON, "step": text(empty=False, limit=100), "outcome": one_of(*OUTCOMES)},
        optional={**ORDER, "reason": optional(text()), "late": boolean, "detail": mapping},
    )
)
register_table(
    TableSchema(
        table="cramps",
        required={**COMMON, "count": whole(0, 50)},
        optional={
            **ORDER,
            "severity": optional(whole(0, 10)),
            "minutes": optional(number(0, 24 * 60)),
            "leg": optional(one_of(*LEGS)),
            "disturbance": optional(whole(0, 10)),
            "notes": text(),
            "muscle": optional(text(limit=200)),
            "band": optional(one_of(*BANDS)),
        },
        rule=_cramp_rule,
    )
)
register_table(
    TableSchema(
        table="events",
        required={**COMMON, "kind": text(empty=False, limit=100)},
        optional={**ORDER, "data": mapping},
        rule=_event_rule,
    )
)
register_event(
    "reminder",
    {"step": text(empty=False, limit=100)},
    {
        "repeat": whole(0, 1000),
        "status": one_of("sent", "late", "missed", "expired"),
        "due": a_time,
        "late_seconds": whole(-MAX_INT, MAX_INT),
        "phase": one_of("pending", "delivered"),
    },
)
register_table(
    TableSchema(
        table="tombstones",
        required={
            **COMMON,
            "action": one_of("undo", "forget", "redo"),
            "targets": texts(100_000),
        },
        optional={**ORDER, "what": text()},
    )
)
"""Undo, forget and redo: a record that takes back the records (or tombstones) whose ids
it names."""
register_event("snooze", {"step": text(empty=False, limit=100), "until": a_time})
register_event("pause", {}, {"paused": boolean, "span": text(limit=30)})
register_event("cramps-unknown", {})
"""A night's cramps asked about in the check-in and answered "don't remember"."""
register_event(
    "cramp-episode",
    {},
    {
        "started": text(limit=100),
        "minutes": optional(number(0, 24 * 60)),
        "severity": optional(whole(0, 10)),
        "leg": optional(one_of(*LEGS)),
        "muscle": optional(text(limit=100)),
        "cancelled": boolean,
    },
)


def misfit(table: str, doc: Any, month: str | None = None) -> str | None:
    """What keeps `doc` from being a record of `table`, or None if it fits (or the table
    is not a record table: other tables are not ours to judge). With `month` ("2026-11",
    the name of the file it is in), a record of another month's night does not fit: it
    would be looked for in another file and never found."""
    schema = TABLES.get(table)
    if schema is None:
        return None
    if not isinstance(doc, dict):
        return "it is not an object"
    if not schema.required.keys() <= doc.keys():
        missing = next(name for name in schema.required if name not in doc)
        return f"it has no {missing!r}"
    checks = schema.checks
    for name, value in doc.items():
        check = checks.get(name)
        if check is not None:
            problem = check(value)
            if problem:
                return f"its {name!r} {problem}"
        elif value and isinstance(value, dict | list) and too_deep(value, MAX_DEPTH - 3):
            return f"its {name!r} is nested too deeply"  # a newer version's field
    if month is not None and doc["night"][:7] != month:
        return f"its night {doc['night']} does not belong in the file of {month}"
    return schema.rule(doc) if schema.rule is not None else None


def record_tables() -> tuple[str, ...]:
    """Every table that holds records, the registered kinds included."""
    return tuple(TABLES)


register_event(
    "red-flag",
    {
        "flag": text(empty=False, limit=200),
        "level": one_of("urgent", "soon"),
        "text": text(),
    },
    {
        "rule": text(limit=100),
        "action": one_of("emergency", "same-day", "soon"),
        "detail": text(),
    },
)
"""Issue 12: a red flag raised by a save (coach.safety.flags)."""
register_event("red-flag-ack", {"flag": text(empty=False, limit=200)})
register_event(
    "safety-answers",
    {},
    {
        "walking_pain": optional(boolean),
        "elsewhere": optional(boolean),
        # ids of coach.safety.note_rules.SIGNS; an id this version does not know (a newer
        # version's) is kept and not read
        "signs": texts(20),
    },
)
"""Issue 12: the check-in's weekly questions (coach.safety.rules.record_answers); issue 21:
the urgent signs answered (the check-in's checklist, `coach cramp --sign`)."""


STATE_CHECKS: dict[str, Check] = {}
"""Rules for values of the small app state (state.json), by key: a value that does not
fit is set aside like a record (coach.records.store.Store.get_state)."""


def register_state(key: str, check: Check) -> None:
    """Give a key of state.json its rule (at import of the module that writes it)."""
    STATE_CHECKS[key] = check


def state_misfit(key: str, value: Any) -> str | None:
    """What keeps a state value from being used, in words that name it ("the stored
    experiment plan does not fit (...)"), or None if it fits (or has no rule)."""
    if value is None:
        return None
    check = STATE_CHECKS.get(key)
    if check is None:
        deep = isinstance(value, dict | list) and too_deep(value, MAX_DEPTH - 3)
        return f"the stored {key[:40]!r} is nested too deeply" if deep else None
    try:
        return check(value)
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        return f"the stored {key[:40]!r} cannot be read ({type(exc).__name__})"
