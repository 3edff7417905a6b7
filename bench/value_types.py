"""Value types: NamedTuple against msgspec.Struct(frozen=True, kw_only=True), on coach's own
classes. An evaluation (issue 20), not a bound: it prints figures and exits 0.

1. Defining the classes the app has defined by Tonight's first paint (found in a child that
   starts the app headless on an empty data folder), as NamedTuples and as Structs with
   the same fields and annotations, after `import textual.app`. Counted in instructions
   under callgrind when valgrind is there (they repeat to within 0.5%), else timed.
2. Per record, the history screen's work: building ten years of cramp logs (3,652) and
   outcomes (18,260) by keyword, reading fields, one replace, equality.
3. The traps, as each kind behaves.

    python bench/value_types.py [--no-callgrind]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import timeit
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

FIND_CHILD = """
import json, sys
import screens.app
from screens.tonight import TonightScreen

class Probe(screens.app.CoachApp):
    def run(self, **kwargs):
        return super().run(headless=True, size=(80, 24))

    def on_ready(self):
        self.call_after_refresh(self.report)

    def report(self):
        found = []
        for name, module in sorted(sys.modules.items()):
            if name.split(".")[0] not in ("coach", "screens", "routines"):
                continue
            for value in list(vars(module).values()):
                if (
                    isinstance(value, type) and issubclass(value, tuple)
                    and hasattr(value, "_fields") and value.__module__ == name
                ):
                    notes = value.__dict__.get("__annotations__", {})
                    found.append({
                        "name": f"{name}.{value.__qualname__}",
                        "fields": [[f, str(notes.get(f, "object"))] for f in value._fields],
                        "defaults": sorted(value._field_defaults),
                    })
        print("FOUND " + json.dumps(found))
        self.exit()

screens.app.CoachApp = Probe
from coach.cli.main import main
sys.exit(main(["--data-dir", sys.argv[1]]))
"""


def start_path_classes() -> list[dict[str, Any]]:
    """The NamedTuples defined in coach, screens and routines by Tonight's first paint."""
    with tempfile.TemporaryDirectory() as home:
        (Path(home) / "config.toml").write_text('timezone = "Europe/Berlin"\n')
        out = subprocess.run(
            [sys.executable, "-c", FIND_CHILD, home],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            timeout=120,
        ).stdout
    line = next(x for x in out.splitlines() if x.startswith("FOUND "))
    found: list[dict[str, Any]] = json.loads(line[len("FOUND ") :])
    return found


def source(classes: list[dict[str, Any]], kind: str) -> str:
    """The classes' definitions as `kind` ("namedtuple" or "struct"), annotations as
    strings (coach's modules use `from __future__ import annotations`)."""
    lines = ["from typing import NamedTuple", "import msgspec" if kind == "struct" else ""]
    for i, cls in enumerate(classes):
        base = "NamedTuple" if kind == "namedtuple" else "msgspec.Struct, frozen=True, kw_only=True"
        lines.append(f"class C{i}({base}):")
        for field, note in cls["fields"]:
            default = " = None" if field in cls["defaults"] else ""
            lines.append(f"    {field}: {note!r}{default}")
        if not cls["fields"]:
            lines.append("    pass")
    return "\n".join(lines) + "\n"


def callgrind(code: str) -> int:
    """Instructions of `import textual.app`, then `code`, in a fresh interpreter."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cg.out"
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}",
                sys.executable,
                "-c",
                "import textual.app\n" + code,
            ],
            capture_output=True,
            check=True,
            cwd=tmp,  # not a checkout: nothing of coach on sys.path
        )
        text = out.read_text()
    match = re.search(r"^summary: (\d+)", text, re.M) or re.search(r"^totals: (\d+)", text, re.M)
    assert match is not None
    return int(match.group(1))


def definition_cost(classes: list[dict[str, Any]], use_callgrind: bool) -> None:
    nt, st = source(classes, "namedtuple"), source(classes, "struct")
    print(f"start-path value types: {len(classes)} classes")
    if use_callgrind:
        base = callgrind("")
        with_nt = callgrind(nt) - base
        with_import = callgrind("import msgspec") - base
        with_st = callgrind(st) - base
        print(f"  NamedTuple                 {with_nt / 1e6:7.1f} M instructions  (1.00x)")
        print(
            f"  msgspec.Struct, with import {with_st / 1e6:6.1f} M instructions  "
            f"({with_st / with_nt:.2f}x; the import alone {with_import / 1e6:.1f} M)"
        )
        return
    import textual.app  # noqa: F401  (the baseline the app has before its classes)

    def define(code: str) -> float:
        compiled = compile(code, "<classes>", "exec")
        return min(timeit.repeat(lambda: exec(compiled, {}), number=1, repeat=15))

    t_nt, t_st = define(nt), define(st)
    print(f"  NamedTuple      {t_nt * 1e3:6.2f} ms  (1.00x)")
    print(f"  msgspec.Struct  {t_st * 1e3:6.2f} ms  ({t_st / t_nt:.2f}x; import not counted)")


PER_RECORD = """
from typing import NamedTuple
import msgspec

class LogNT(NamedTuple):
    night: str
    cramps: int
    severity: int | None = None
    minutes: float | None = None
    notes: str = ""
    at: str = ""

class LogST(msgspec.Struct, frozen=True, kw_only=True):
    night: str
    cramps: int
    severity: int | None = None
    minutes: float | None = None
    notes: str = ""
    at: str = ""

ROWS = [dict(night=f"2026-{i % 12 + 1:02d}-{i % 28 + 1:02d}", cramps=i % 4, severity=i % 10,
             minutes=None, notes="", at="2026-11-22T07:00:00+01:00") for i in range(21912)]
NT = [LogNT(**row) for row in ROWS]
ST = [LogST(**row) for row in ROWS]
NT2 = [LogNT(**row) for row in ROWS]
ST2 = [LogST(**row) for row in ROWS]
"""


def per_record() -> None:
    env: dict[str, Any] = {}
    exec(PER_RECORD, env)
    print("ten years of records (21,912), best of 7, ratio to NamedTuple:")
    cases = {
        "build by keyword": ("[LogNT(**r) for r in ROWS]", "[LogST(**r) for r in ROWS]"),
        "read two fields": (
            "sum(x.cramps + (x.severity or 0) for x in NT)",
            "sum(x.cramps + (x.severity or 0) for x in ST)",
        ),
        "one replace each": (
            "[x._replace(notes='n') for x in NT]",
            "[msgspec.structs.replace(x, notes='n') for x in ST]",
        ),
        "equality": ("NT == NT2", "ST == ST2"),
    }
    for what, (nt, st) in cases.items():
        t_nt = min(timeit.repeat(nt, globals=env, number=1, repeat=7))
        t_st = min(timeit.repeat(st, globals=env, number=1, repeat=7))
        print(f"  {what:18} {t_nt * 1e3:7.2f} ms vs {t_st * 1e3:7.2f} ms  ({t_st / t_nt:.2f}x)")


TRAPS = """
from typing import Any, NamedTuple
import msgspec

class ANT(NamedTuple):
    low: float
    high: float

class BNT(NamedTuple):
    low: float
    high: float

class RNT(NamedTuple):
    night: str
    data: dict[str, Any]

class AST(msgspec.Struct, frozen=True, kw_only=True):
    low: float
    high: float

class BST(msgspec.Struct, frozen=True, kw_only=True):
    low: float
    high: float

class RST(msgspec.Struct, frozen=True, kw_only=True):
    night: str
    data: dict[str, Any]

def hashes(value):
    try:
        hash(value)
        return "yes"
    except TypeError:
        return "no: TypeError"

def unpacks(value):
    try:
        low, high = value
        return "yes"
    except TypeError:
        return "no: TypeError"

for kind, a, b, r in (
    ("NamedTuple", ANT(low=1, high=2), BNT(low=1, high=2), RNT(night="x", data={})),
    ("Struct", AST(low=1, high=2), BST(low=1, high=2), RST(night="x", data={})),
):
    print(f"  {kind:10} two types equal: {a == b!s:5}  equal to (1, 2): {a == (1, 2)!s:5}  "
          f"unpacks: {unpacks(a):14} a record with a dict hashes: {hashes(r)}")
"""


def traps() -> None:
    print("the traps:")
    exec(TRAPS, {})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-callgrind", action="store_true", help="time instead of count")
    args = parser.parse_args()
    try:
        import msgspec  # noqa: F401
    except ImportError:
        print("msgspec is not installed (pip install msgspec): nothing to compare")
        return 0
    use_callgrind = not args.no_callgrind and shutil.which("valgrind") is not None
    os.environ.pop("PYTHONPATH", None)
    sys.path.insert(0, str(ROOT))
    classes = start_path_classes()
    definition_cost(classes, use_callgrind)
    per_record()
    traps()
    print(
        textwrap.fill(
            "No target: an evaluation; the choice and its figures are in "
            "bench/README.md (value_types).",
            92,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
