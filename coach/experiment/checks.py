"""The stored experiment plan, checked before it is used (issue 23).

`state.json` keeps the plan (coach.experiment.protocol, `Protocol.to_state`). A plan that
does not fit these rules (a period of 0 nights, a probability of Infinity, a start in the
year 9999, a million arms) was not written by coach: the store sets it aside in
quarantine/ and reports it (coach.records.store.Store.get_state), and the nights follow
the usual routine. The rules are registered with the store at import of this module.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

from coach.records.schema import FIRST_NIGHT, LAST_NIGHT, register_state

STATE_KEY = "experiment"
ARMS = ("stretch", "no-stretch")
MAX_PERIOD_NIGHTS = 60
MAX_ARMS = 2 * 40
"""Twice the most pairs any version has planned (20), with room to grow."""
VERDICTS = ("helps", "fewer, not by much", "no clear difference", "worse", "not enough data")
STOP_REASONS = ("benefit", "harm", "futility")
NIGHT_KEYS = ("stretch", "no_stretch", "washout", "unlogged")


def _night(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        raise _Bad("is not a date (YYYY-MM-DD)")
    try:
        night = date.fromisoformat(value)
    except ValueError:
        raise _Bad("is not a date (YYYY-MM-DD)") from None
    if not FIRST_NIGHT <= night <= LAST_NIGHT:
        raise _Bad(f"is not from {FIRST_NIGHT} to {LAST_NIGHT}")
    return night


def _whole(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise _Bad("is not a whole number")
        if not low <= value <= high:
            raise _Bad(f"is not from {low} to {high}")
        return value

    return check


def _number(low: float, high: float) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise _Bad("is not a number")
        if not math.isfinite(value) or not low <= value <= high:
            raise _Bad(f"is not from {low:g} to {high:g}")
        return float(value)

    return check


class _Bad(ValueError):
    """What is wrong with one value."""


def _field(doc: Mapping[str, Any], key: str, check: Callable[[Any], Any]) -> Any:
    """The checked value of `key` (None when absent or null: the plan's default applies)."""
    value = doc.get(key)
    if value is None:
        return None
    try:
        return check(value)
    except _Bad as bad:
        raise _Bad(f"its {key!r} {bad}") from None


def plan_problem(doc: Any) -> str | None:
    """What keeps a stored plan from being used, or None if it fits."""
    try:
        _check_plan(doc)
    except _Bad as bad:
        return f"the stored experiment plan does not fit ({bad})"
    return None


def _check_plan(doc: Any) -> None:
    if not isinstance(doc, Mapping):
        raise _Bad("it is not an object")
    _field(doc, "created", _text(100))
    run_in = _field(doc, "run_in_start", _night)
    if run_in is None:
        raise _Bad("it has no 'run_in_start'")
    start = _field(doc, "start", _night)
    stopped = _field(doc, "stopped", _night)
    if start is not None and start < run_in:
        raise _Bad("it starts before its run-in")
    if stopped is not None and stopped < run_in:
        raise _Bad("it was stopped before its run-in")
    arms = doc.get("arms", [])
    if not isinstance(arms, list) or len(arms) > MAX_ARMS or len(arms) % 2:
        raise _Bad(f"its 'arms' is not an even list of at most {MAX_ARMS}")
    for first, second in zip(arms[::2], arms[1::2], strict=True):
        if not isinstance(first, str) or not isinstance(second, str) or {first, second} != {*ARMS}:
            raise _Bad("a pair of its 'arms' is not one stretch and one no-stretch period")
    if (start is None) != (not arms):
        raise _Bad("its 'start' and its 'arms' disagree")
    period = _field(doc, "period_nights", _whole(1, MAX_PERIOD_NIGHTS)) or 14
    washout = _field(doc, "washout_nights", _whole(0, MAX_PERIOD_NIGHTS))
    if washout is not None and washout >= period:
        raise _Bad("its washout is not shorter than its periods")
    pairs = len(arms) // 2
    _field(doc, "run_in_rate", _number(0, 50))
    _field(doc, "version", _whole(1, 1000))
    _field(doc, "first_look", _whole(0, MAX_ARMS))
    _field(doc, "look_every", _whole(1, MAX_ARMS))
    _field(doc, "looked", _whole(0, max(pairs, 0)))
    _field(doc, "stop_probability", _number(0.5, 1))
    _field(doc, "futility_probability", _number(0, 0.5))
    _field(doc, "helps_probability", _number(0.5, 1))
    _field(doc, "harm_probability", _number(0.5, 1))
    _field(doc, "harm_hold", _number(0, 1))
    _field(doc, "power", _number(0, 1))
    _field(doc, "median_weeks", _whole(0, 1000))
    ended = doc.get("ended")
    if ended is not None:
        try:
            _check_ended(ended, pairs)
        except _Bad as bad:
            raise _Bad(f"its early end: {bad}") from None


def _check_ended(doc: Any, pairs: int) -> None:
    if not isinstance(doc, Mapping):
        raise _Bad("it is not an object")
    for key in ("night", "through", "pairs", "verdict", "reason", "log_ratio", "sd", "nights"):
        if doc.get(key) is None:
            raise _Bad(f"it has no {key!r}")
    _field(doc, "night", _night)
    _field(doc, "through", _night)
    _field(doc, "pairs", _whole(0, pairs))
    if doc["verdict"] not in VERDICTS or doc["reason"] not in STOP_REASONS:
        raise _Bad("its verdict or reason is not one coach gives")
    _field(doc, "log_ratio", _number(-50, 50))
    _field(doc, "sd", _number(0, 1000))
    _field(doc, "adherence", _number(0, 1))
    _field(doc, "df", _number(1, 1e6))
    _field(doc, "p_benefit", _number(0, 1))
    nights = doc["nights"]
    if not isinstance(nights, Mapping):
        raise _Bad("its 'nights' is not an object")
    for key in NIGHT_KEYS:
        if key not in nights:
            raise _Bad(f"its 'nights' has no {key!r}")
        _field(nights, key, _whole(0, MAX_ARMS * MAX_PERIOD_NIGHTS))


def _text(limit: int) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or len(value) > limit:
            raise _Bad(f"is not text of at most {limit} characters")
        return value

    return check


register_state(STATE_KEY, plan_problem)


def plan_lock(store: object) -> AbstractContextManager[object]:
    """The store's write lock, held while the plan is decided and written (a start, the
    draw after the run-in), so that it is written once: a second start, or a second
    process drawing at the same moment, finds the stored plan and shows that one. A store
    without a lock (the bench's, in memory) needs none."""
    locked = getattr(store, "locked", None)
    return locked() if callable(locked) else contextlib.nullcontext()


def _drawn_at(doc: Mapping[str, Any]) -> tuple[str, str]:
    """When a plan was made, to tell the older of two (in UTC; the run-in's first night
    breaks ties)."""
    from datetime import UTC, datetime

    created = str(doc.get("created", ""))
    try:
        made = datetime.fromisoformat(created)
        created = (made.astimezone(UTC) if made.tzinfo else made).isoformat()
    except ValueError:
        created = "9999"
    return created, str(doc.get("run_in_start", ""))


def _same_plan(mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> bool:
    return all(mine.get(k) == theirs.get(k) for k in ("created", "run_in_start"))


def _progress(mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> dict[str, Any]:
    """One plan as two copies carried it on: drawn in either, stopped at the earlier stop,
    looked at as far as either, ended where either ended it."""
    merged = dict(mine if mine.get("start") is not None or theirs.get("start") is None else theirs)
    stops = [d["stopped"] for d in (mine, theirs) if d.get("stopped") is not None]
    merged["stopped"] = min(stops) if stops else None
    merged["looked"] = max(int(mine.get("looked") or 0), int(theirs.get("looked") or 0))
    merged["ended"] = mine.get("ended") if mine.get("ended") is not None else theirs.get("ended")
    return merged


def merge_plan(store: Any, theirs_state: Any) -> str | None:
    """Bring the other copy's experiment plan (`theirs_state`: its state.json's state
    document) into this store, under the lock: the same plan's progress is combined; of
    two different plans the older is kept. Returns what to tell the user, or None."""
    theirs = theirs_state.get(STATE_KEY) if isinstance(theirs_state, Mapping) else None
    if theirs is None:
        return None
    problem = plan_problem(theirs)
    if problem is not None:
        return f"The other copy's experiment plan was not taken: {problem}."
    with plan_lock(store):
        mine = store.get_state(STATE_KEY)
        if mine == theirs:
            return None
        if mine is None:
            store.set_state(STATE_KEY, theirs)
            return (
                f"This copy had no experiment; the other copy's plan (made "
                f"{theirs.get('created', '?')}) is taken."
            )
        if _same_plan(mine, theirs):
            combined = _progress(mine, theirs)
            if combined != mine:
                store.set_state(STATE_KEY, combined)
            return None
        if _drawn_at(theirs) < _drawn_at(mine):
            store.set_state(STATE_KEY, theirs)
            older, newer, kept = theirs, mine, "the other copy's"
        else:
            older, newer, kept = mine, theirs, "this copy's"
        return (
            f"The two copies hold different experiment plans; the older one, {kept} (made "
            f"{older.get('created', '?')}), is kept, and the newer one (made "
            f"{newer.get('created', '?')}) is not: one experiment at a time keeps its answer "
            "honest. `coach experiment status` shows the plan kept."
        )
