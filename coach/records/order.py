"""The order of records: which one was written last, independent of the wall clock.

Every record carries a hybrid logical clock stamp `hlc = (micros, counter)`. A store gives a
new record a stamp above every stamp already in the data folder (every month's file, merged
records included: undo and "latest" compare records of any month), and otherwise the
wall-clock time in microseconds. So on one machine the record written last wins even after
the clock steps back or a record dated 2099 was merged in; and since the stamp travels
with the record, two copies merged in either order agree. Ties between machines fall to
the origin, then the id: a total order, the same everywhere. The wall time (`at`) stays
for display.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeVar

from coach.errors import CoachError
from coach.records.schema import MAX_COUNTER, STAMP_MICROS

Stamp = tuple[int, int]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Ordered(Protocol):
    @property
    def hlc(self) -> Stamp: ...
    @property
    def origin(self) -> str: ...
    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=Ordered)
K = TypeVar("K", bound=Hashable)


def micros(at: datetime) -> int:
    """Microseconds since the epoch of an aware time."""
    return (at - EPOCH) // timedelta(microseconds=1)


def next_stamp(now: datetime, highest: Stamp | None) -> Stamp:
    """The stamp of a record written at `now` into a file whose highest stamp is `highest`:
    after it in write order, and one the schema takes (coach.records.schema.stamp). A
    counter already at its limit (only a copy with a wrong clock or an edited file puts one
    there) moves on to the next microsecond; past the last one (2200), CoachError says
    what to do rather than writing what could not be read back."""
    wall = micros(now)
    if highest is None or wall > highest[0]:
        return (wall, 0)
    if highest[1] < MAX_COUNTER:
        return (highest[0], highest[1] + 1)
    if highest[0] + 1 < STAMP_MICROS[1]:
        return (highest[0] + 1, 0)
    raise CoachError(
        "a record in this data folder is stamped as late as coach can stamp (from a copy "
        "with a wrong clock, or an edited file), so nothing can be written after it; "
        "`coach restore --list` shows the backups to go back to"
    )


def is_foreign(origin: str) -> bool:
    """Whether a record's origin ("cli@host") names another machine: it came in by a merge
    (or the restore of another copy), and its text is shown marked as such."""
    import os

    return origin.rpartition("@")[2] not in ("", os.uname().nodename or "localhost")


def order_key(record: Ordered) -> tuple[int, int, str, str]:
    """Sorts records in write order; the same for every copy of the data."""
    return (record.hlc[0], record.hlc[1], record.origin, record.id)


def latest(records: Iterable[R], key: Callable[[R], K]) -> dict[K, R]:
    """For each key, the record written last. The one rule of "latest" for every kind."""
    winners: dict[K, R] = {}
    for record in records:
        k = key(record)
        current = winners.get(k)
        if current is None or order_key(record) > order_key(current):
            winners[k] = record
    return winners


def in_write_order(records: Iterable[R]) -> list[R]:
    return sorted(records, key=order_key)
