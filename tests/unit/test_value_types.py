"""coach's value types are NamedTuples (the choice and its figures: bench/README.md,
value_types). A NamedTuple is a tuple, and that has traps; their rules are checked here
rather than left to a README paragraph:

- no field hides a tuple method (a field `count` would replace `tuple.count`);
- defaults are immutable (one default object is shared by every instance), and NamedTuple
  never calls `__post_init__`, so none is written;
- fields are immutable types: a tuple, not a list; a `Mapping`, not a dict (allowed
  exceptions below, each with its reason);
- outside the module that defines it, a value type is built by keyword (a positional
  call keeps working, wrongly, when fields are reordered);
- never compared with a plain tuple (`Estimate(low=1, high=2) == (1, 2)` is true).

Two different value types comparing equal (`A(x=1) == B(x=1)` is true at run time) is
caught by mypy --strict (`strict_equality`: "Non-overlapping equality check").
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from datetime import date, time, timedelta
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

import coach
import routines
import screens

ROOT = Path(coach.__file__).resolve().parent.parent


def _modules() -> list[str]:
    names = []
    for package in (coach, routines, screens):
        names.append(package.__name__)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            names.append(info.name)
    return sorted(name for name in names if name != "coach.__main__")


def _value_types() -> dict[str, type[tuple[Any, ...]]]:
    """Every NamedTuple class defined in coach, screens and routines, by qualified name."""
    found: dict[str, type[tuple[Any, ...]]] = {}
    for name in _modules():
        module = importlib.import_module(name)
        for value in list(vars(module).values()):
            if (
                isinstance(value, type)
                and issubclass(value, tuple)
                and hasattr(value, "_fields")
                and value.__module__ == name
            ):
                found[f"{name}.{value.__qualname__}"] = value
    return found


VALUE_TYPES = _value_types()

MUTABLE_FIELDS = {
    "coach.cli.record.CrampOptions.signs": "argparse's `append` action gives a list",
    "coach.records.store.Month.valid": "a month file's tables as the store reads and writes them",
    "coach.records.store.Month.misfits": "the store's own working value, never kept",
    "coach.safety.notes._Lexicon.words": "built once and cached, read only",
    "coach.safety.notes._Lexicon.fuzzy": "built once and cached, read only",
    "coach.safety.notes._Lexicon.phrases": "built once and cached, read only",
    "coach.session.NightState.snoozes": "decoded from state.json, read only",
}
"""Fields typed as mutable containers, on purpose: a new one fails the test until its
reason is written here."""

MUTABLE = re.compile(r"\b(list|dict|set|bytearray|MutableMapping|MutableSequence|MutableSet)\b")
IMMUTABLE_SCALARS = (
    str,
    bytes,
    int,
    float,
    complex,
    bool,
    type(None),
    date,
    time,
    timedelta,
    Enum,
    range,
)


def _immutable(value: object) -> bool:
    if isinstance(value, IMMUTABLE_SCALARS):
        return True
    if isinstance(value, tuple | frozenset):
        return all(_immutable(item) for item in value)
    if isinstance(value, MappingProxyType):
        return all(_immutable(v) for v in value.values())
    return False


def test_every_value_type_is_found() -> None:
    for name in (
        "coach.settings.model.Settings",
        "coach.records.store.CrampLog",
        "coach.records.store.Event",
        "coach.experiment.estimate.Estimate",
    ):
        assert name in VALUE_TYPES
    assert len(VALUE_TYPES) >= 90


@pytest.mark.parametrize("name", sorted(VALUE_TYPES))
def test_no_field_hides_a_tuple_method(name: str) -> None:
    cls = VALUE_TYPES[name]
    assert not set(cls._fields) & set(dir(tuple)), f"{name}: a field hides a tuple method"  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(VALUE_TYPES))
def test_defaults_are_immutable_and_nothing_is_left_uncalled(name: str) -> None:
    cls = VALUE_TYPES[name]
    for field, default in cls._field_defaults.items():  # type: ignore[attr-defined]
        assert _immutable(default), f"{name}.{field}: a mutable default, shared by every value"
    assert "__post_init__" not in vars(cls), f"{name}: NamedTuple never calls __post_init__"


@pytest.mark.parametrize("name", sorted(VALUE_TYPES))
def test_fields_are_immutable_types(name: str) -> None:
    cls = VALUE_TYPES[name]
    for field, note in vars(cls).get("__annotations__", {}).items():
        where = f"{name}.{field}"
        if MUTABLE.search(str(note)) and where not in MUTABLE_FIELDS:
            pytest.fail(f"{where}: {note} (a tuple, frozenset or Mapping, or say why)")


def test_the_allowed_mutable_fields_are_still_there() -> None:
    fields = {
        f"{name}.{field}"
        for name, cls in VALUE_TYPES.items()
        for field in vars(cls).get("__annotations__", {})
    }
    assert set(MUTABLE_FIELDS) <= fields


def _sources() -> list[tuple[str, Path]]:
    """(module, file) of every module of the project."""
    found = []
    for package in ("coach", "screens", "routines"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append((module, path))
    return found


SOURCES = _sources()


def test_built_by_keyword_outside_their_module() -> None:
    defined_in: dict[str, set[str]] = {}
    for cls in VALUE_TYPES.values():
        defined_in.setdefault(cls.__name__, set()).add(cls.__module__)
    positional = []
    for module, path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            called = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            if called in defined_in and module not in defined_in[called]:
                positional.append(f"{path.relative_to(ROOT)}:{node.lineno} {called}(...)")
    assert positional == [], "built with positional arguments: " + ", ".join(positional)


def test_no_value_is_compared_with_a_plain_tuple() -> None:
    """`x == (a, b)` is true for a value type with those fields: compare fields or values."""
    found = []
    for _module, path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
                if isinstance(op, ast.Eq | ast.NotEq) and (
                    isinstance(left, ast.Tuple) != isinstance(right, ast.Tuple)
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    assert found == [], "compared with a tuple: " + ", ".join(found)


def test_the_checks_catch_the_traps() -> None:
    """The checks above on a value type that falls into each trap."""
    from typing import NamedTuple

    class Trap(NamedTuple):
        count: int  # type: ignore[assignment]
        seen: list[int]
        tags: dict[str, int] = {}  # noqa: RUF012

        def __post_init__(self) -> None: ...

    assert set(Trap._fields) & set(dir(tuple)) == {"count"}
    assert not _immutable(Trap._field_defaults["tags"])
    assert "__post_init__" in vars(Trap)
    notes = vars(Trap)["__annotations__"]
    assert [f for f, n in notes.items() if MUTABLE.search(str(n))] == ["seen", "tags"]
    compare = ast.parse("trap == (1, 2)").body[0].value  # type: ignore[attr-defined]
    assert isinstance(compare.comparators[0], ast.Tuple)
    assert Trap(count=1, seen=[]) == (1, [], {})  # the trap itself
