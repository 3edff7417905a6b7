"""The core and the routine data never load Textual: checked in a fresh interpreter each."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import coach
import routines


def _core_modules() -> list[str]:
    names = []
    for package in (coach, routines):
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            names.append(info.name)
    return sorted(name for name in names if name not in ("coach.cli", "coach.__main__"))


CORE = _core_modules()


def test_the_core_is_all_there() -> None:
    for expected in (
        "coach.planner",
        "coach.records",
        "coach.settings",
        "coach.storage",
        "routines.evening",
    ):
        assert expected in CORE


@pytest.mark.parametrize("module", CORE)
def test_importing_a_core_module_loads_no_textual(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')); "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"{module} loaded {result.stdout.strip()}"


def test_the_cli_loads_textual_only_to_start_the_tui() -> None:
    code = "import sys; import coach.cli; print(any(m.startswith('textual') for m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
