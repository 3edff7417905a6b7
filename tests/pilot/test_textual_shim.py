"""The private Textual parts coach uses are the ones it was written for, and only the shim
uses any: a new Textual fails here, loudly, before it fails a user."""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import inspect
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from screens.base import CoachFooter
from screens.textual_shim import CHECKED_ON, FOOTER_SOURCES, INPUT_SOURCES, FooterKey

ROOT = Path(__file__).resolve().parents[2]
SHIM = ROOT / "screens" / "textual_shim.py"
RECHECK = (
    "screens/textual_shim.py and CoachFooter (screens/base.py) rely on Textual's private "
    "footer; check them against this Textual, then update CHECKED_ON / FOOTER_SOURCES"
)


def test_the_installed_textual_is_one_the_shim_was_checked_on() -> None:
    version = importlib.metadata.version("textual")
    major_minor = tuple(int(part) for part in version.split(".")[:2])
    first, last = CHECKED_ON
    assert first <= major_minor <= last, f"Textual {version} is new to coach: {RECHECK}"


def test_the_footer_code_coach_relies_on_is_unchanged() -> None:
    from textual.widgets import _footer

    for name, expected in FOOTER_SOURCES.items():
        owner, method = name.split(".")
        source = inspect.getsource(getattr(getattr(_footer, owner), method))
        digest = hashlib.sha256(source.encode()).hexdigest()[:12]
        assert digest == expected, f"Textual's {name} changed: {RECHECK}"
    assert "_bindings_ready" in Footer._reactives  # the flag mark_bindings_ready sets


def test_the_input_key_handler_coach_overrides_is_unchanged() -> None:
    from textual.widgets import Input

    for name, expected in INPUT_SOURCES.items():
        source = inspect.getsource(getattr(Input, name.split(".")[1]))
        digest = hashlib.sha256(source.encode()).hexdigest()[:12]
        assert digest == expected, f"Textual's {name} changed: check LetterPassingInput"


def test_only_the_shim_imports_private_textual_modules() -> None:
    offenders = []
    for folder in ("coach", "screens", "routines", "tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == SHIM:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                for name in names:
                    parts = name.split(".")
                    if parts[0] == "textual" and any(p.startswith("_") for p in parts[1:]):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert offenders == []


def test_only_the_shim_overrides_a_private_textual_method() -> None:
    """An override of a private method calls it through super(): only the shim may."""
    offenders = []
    for path in sorted((ROOT / "screens").rglob("*.py")):
        if path == SHIM:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name)
                and node.value.func.id == "super"
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} super().{node.attr}")
    assert offenders == []


class TwoKeys(App[None]):
    BINDINGS = [  # noqa: RUF012 - Textual's own idiom for a test app
        Binding("a", "bell", "Alpha", id="alpha"),
        Binding("b", "bell", "Beta", id="beta", show=False),
    ]

    def __init__(self, footer: Footer) -> None:
        super().__init__()
        self.footer = footer

    def compose(self) -> ComposeResult:
        yield self.footer


async def test_coach_footer_shows_the_same_keys_as_textuals() -> None:
    shown: list[list[tuple[str, str, bool]]] = []
    for footer in (Footer(compact=True), CoachFooter(compact=True)):
        app = TwoKeys(footer)
        async with app.run_test(size=(60, 5)) as pilot:
            await pilot.pause()
            keys = app.screen.query(FooterKey)
            shown.append([(k.key, k.description, k.has_class("-compact")) for k in keys])
    textual_keys, coach_keys = shown
    assert ("a", "Alpha", True) in coach_keys
    assert not any(key == "b" for key, *_ in coach_keys)
    assert coach_keys == textual_keys
