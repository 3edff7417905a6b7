"""The core and the routine data never load Textual: checked in a fresh interpreter each."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import coach
import routines


def _core_modules() -> list[str]:
    names = []
    for package in (coach, routines):
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            names.append(info.name)
    return sorted(name for name in names if name not in ("coach.cli.main", "coach.__main__"))


CORE = _core_modules()


def test_the_core_is_all_there() -> None:
    for expected in (
        "coach.planner",
        "coach.records.store",
        "coach.settings.model",
        "coach.records.files",
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
    code = (
        "import sys; import coach.cli.main; "
        "print(any(m.startswith('textual') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# What `coach` must not load before Tonight's first paint: each is loaded on first use
# (a command's parser, another screen, the reminder service, a write, the statistics).
NOT_AT_STARTUP = (
    "argparse",
    "apscheduler",
    "coach.desktop.autostart",
    "coach.cli.args",
    "coach.cli.calendar",
    "coach.cli.config",
    "coach.cli.data",
    "coach.cli.diary",
    "coach.cli.doctor",
    "coach.cli.experiment",
    "coach.cli.flags",
    "coach.cli.history",
    "coach.cli.plan",
    "coach.cli.record",
    "coach.cli.reminders",
    "coach.cli.report",
    "coach.cli.voice",
    "coach.reminders.daemon",
    "coach.records.tinydb_storage",
    "coach.diary.export",
    "coach.desktop.notify",
    "coach.reminders.service",
    "coach.report.build",
    "coach.diary.nights",
    "coach.experiment.protocol",
    "fpdf",
    "importlib.metadata",
    "matplotlib",
    "plotext",
    "plyer",
    "screens.checkin",
    "screens.correct_night",
    "screens.cramp",
    "screens.heatmap",
    "screens.help",
    "screens.history",
    "screens.messages",
    "screens.settings",
    "screens.step_card",
    "screens.stretch_player",
    "screens.trends",
    "statistics",
    "textual_plotext",
    "tinydb",
    "tomlkit",
    "zipfile",
)

PROBE = """
import sys
from pathlib import Path
import screens.app
from screens.tonight import TonightScreen

class Probe(screens.app.CoachApp):
    def run(self, **kwargs):
        return super().run(headless=True, size=(80, 24))

    def on_ready(self):
        self.call_after_refresh(self.report)

    def report(self):
        painted = isinstance(self.screen, TonightScreen)
        print("tonight" if painted else type(self.screen).__name__)
        print(",".join(sorted(m for m in sys.argv[2].split(",") if m in sys.modules)))
        self.exit()

screens.app.CoachApp = Probe
from coach.cli.main import main
sys.exit(main(["--data-dir", sys.argv[1]]))
"""


def test_opening_the_app_loads_only_what_tonight_needs(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('timezone = "Europe/Berlin"\n')
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path), ",".join(NOT_AT_STARTUP)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    painted, loaded = result.stdout.splitlines()
    assert painted == "tonight"
    assert loaded == "", f"loaded before the first paint: {loaded}"


@pytest.mark.parametrize("collecting", [True, False])
def test_loading_the_app_freezes_what_it_loaded_and_leaves_the_collector_as_it_was(
    collecting: bool,
) -> None:
    """screens.app loads with the collector off and freezes what it loaded (see its top)."""
    code = (
        f"import gc; {'gc.enable()' if collecting else 'gc.disable()'}; import screens.app; "
        "print(gc.isenabled(), gc.get_freeze_count() > 10_000)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == [str(collecting), "True"]


# --- the packages' own surface ----------------------------------------------------------

PACKAGES = sorted(
    info.name for info in pkgutil.iter_modules(coach.__path__, prefix="coach.") if info.ispkg
)


def test_coach_holds_at_most_a_dozen_top_level_modules() -> None:
    modules = [info.name for info in pkgutil.iter_modules(coach.__path__) if not info.ispkg]
    assert len(modules) <= 12, modules


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_says_what_it_is_for_and_exports_its_surface(package: str) -> None:
    """A docstring, and an `__all__` whose every name resolves (loaded on first use)."""
    module = importlib.import_module(package)
    assert module.__doc__ and len(module.__doc__.split()) >= 10, f"{package}: no docstring"
    assert module.__all__, f"{package} exports nothing"
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{package}.{name}"
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018


@pytest.mark.parametrize(
    ("package", "heavy"),
    [
        ("coach.report", ("fpdf", "matplotlib")),
        ("coach.experiment", ("scipy", "numpy")),
        *((package, ("textual",)) for package in PACKAGES),
    ],
)
def test_importing_a_package_loads_nothing_heavy(package: str, heavy: tuple[str, ...]) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({package!r}); "
        f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"{package} loaded {result.stdout.strip()}"
