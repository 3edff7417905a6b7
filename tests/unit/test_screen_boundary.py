"""Screens go through the diary: none writes config.toml itself.

That no screen imports the store's modules is the import-linter contract
`screens-without-storage` (pyproject.toml), run by `lint-imports` in the test command.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SCREENS = sorted((Path(__file__).parents[2] / "screens").glob("*.py"))
CONFIG_WRITERS = ("config_set", "config_unset", "atomic_write", "write_text", "write_bytes")


def _imports(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def test_there_are_screens_to_check() -> None:
    assert {p.name for p in SCREENS} >= {"app.py", "checkin.py", "history.py", "tonight.py"}


@pytest.mark.parametrize("path", SCREENS, ids=lambda p: p.name)
def test_no_screen_writes_config_itself(path: Path) -> None:
    tree = ast.parse(path.read_text(), str(path))
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    names |= {n.rsplit(".", 1)[-1] for n in _imports(tree)}
    assert names.isdisjoint(CONFIG_WRITERS), (
        f"{path.name} uses {sorted(names & set(CONFIG_WRITERS))}; "
        "config changes go through DiaryService.change_settings"
    )


def test_the_check_catches_an_offender(tmp_path: Path) -> None:
    """The rule above fails on a screen that does what it forbids."""
    offender = "from coach.settings.model import config_set\n"
    tree = ast.parse(offender)
    assert "coach.settings.model.config_set" in _imports(tree)
