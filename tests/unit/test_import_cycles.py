"""No import cycle anywhere in the project: not between packages, not between modules, and
not through a lazy import inside a function or one made for type checking only.

The layers themselves are import-linter's `layers` contract (pyproject.toml, run by
`lint-imports`); this test also catches a cycle inside one package, which layers allow.
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp
import pytest

PACKAGES = ("coach", "screens", "routines")


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The import cycles of the graph: each strongly connected group of modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in graph.modules:
                continue  # outside the project
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_back() -> None:
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=False)
    assert len(graph.modules) > 100
    assert cycles(graph) == []


def test_a_lazy_import_that_closes_a_cycle_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check sees imports inside functions and type-checking blocks: a cycle closed
    by either fails it."""
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text("def f():\n    from cyclic import high\n")
    (package / "high.py").write_text("import cyclic.low\n")
    (package / "typed.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import cyclic.other\n"
    )
    (package / "other.py").write_text("import cyclic.typed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        graph = grimp.build_graph("cyclic", exclude_type_checking_imports=False, cache_dir=None)
    finally:
        sys.modules.pop("cyclic", None)
    assert sorted(cycles(graph)) == [
        ["cyclic.high", "cyclic.low"],
        ["cyclic.other", "cyclic.typed"],
    ]
