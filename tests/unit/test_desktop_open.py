"""Opening things outside coach: the report in the desktop's viewer, the app in a terminal
(a reminder's Open button). The commands are checked; nothing is started."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from coach.desktop.autostart import open_in_terminal
from coach.desktop.opener import open_file


def only(*names: str) -> Callable[[str], str | None]:
    """A `which` that finds these programs alone."""
    return lambda name: f"/usr/bin/{name}" if name in names else None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="xdg-open is Linux's")
def test_the_report_opens_with_xdg_open(tmp_path: Path) -> None:
    started: list[list[str]] = []
    report = tmp_path / "coach-report.pdf"
    assert open_file(report, which=only("xdg-open"), start=started.append) is None
    assert started == [["/usr/bin/xdg-open", str(report)]]
    why = open_file(report, which=only(), start=started.append)
    assert why == "xdg-open was not found (Debian/Ubuntu: apt install xdg-utils)"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux terminals")
def test_open_starts_the_app_on_the_step_in_the_first_terminal_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TERMINAL", raising=False)
    started: list[list[str]] = []
    said = open_in_terminal(
        "stretch", tmp_path, which=only("gnome-terminal", "xterm"), start=started.append
    )
    assert said == "opened coach in gnome-terminal"
    argv = started[0]
    assert argv[:2] == ["/usr/bin/gnome-terminal", "--"]
    assert argv[-4:] == ["--data-dir", str(tmp_path), "open", "stretch"]
    monkeypatch.setenv("TERMINAL", "foot")
    started.clear()
    said = open_in_terminal("stretch", tmp_path, which=only("foot", "xterm"), start=started.append)
    assert said == "opened coach in foot" and started[0][:2] == ["/usr/bin/foot", "-e"]
    nothing = open_in_terminal("stretch", tmp_path, which=only(), start=started.append)
    assert nothing.startswith("no terminal found to open coach in; run: ")
    assert nothing.endswith(f"--data-dir {tmp_path} open stretch")
