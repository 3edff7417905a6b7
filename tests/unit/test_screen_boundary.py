"""Screens go through the session: none writes config.toml itself, none reaches for the
store the session holds (whatever re-exports it).

Where screens sit among the layers is import-linter's `app-above-core` contract
(pyproject.toml), run by `lint-imports` in the test command.
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
        "config changes go through Session.change_settings"
    )


@pytest.mark.parametrize("path", SCREENS, ids=lambda p: p.name)
def test_no_screen_reaches_the_store(path: Path) -> None:
    """`session.store` would get round the session (and its after-save checks); screens
    ask the session instead."""
    tree = ast.parse(path.read_text(), str(path))
    reached = [node.lineno for node in ast.walk(tree) if _reaches_store(node)]
    assert reached == [], f"{path.name} reaches the store on lines {reached}"


def _reaches_store(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in ("store", "_store")


def test_the_check_catches_an_offender(tmp_path: Path) -> None:
    """The rules above fail on a screen that does what they forbid."""
    offender = "from coach.settings.model import config_set\n"
    tree = ast.parse(offender)
    assert "coach.settings.model.config_set" in _imports(tree)
    reaching = ast.parse("protocol = load_protocol(app.session.store)\n")
    assert any(_reaches_store(node) for node in ast.walk(reaching))
