"""How `coach daemon` starts at login: its command line and the systemd user unit.

`coach daemon --print-systemd-unit` prints the unit; `coach doctor --print-autostart` builds
its XDG autostart entry from the same command line. Neither needs the daemon itself.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from coach.system.paths import HOME_ENV


def chosen_data_dir(data_dir: str | None) -> str | None:
    """The data folder this run was given (--data-dir, else $COACH_HOME), if any: a unit
    started outside this shell must name it."""
    return data_dir or os.environ.get(HOME_ENV) or None


def daemon_argv(data_dir: str | None, command: Callable[[], list[str]] | None = None) -> list[str]:
    """The command line that starts this coach's daemon on `data_dir` (if one was chosen)."""
    argv = (command or _own_command)()
    if data_dir:
        argv += ["--data-dir", str(Path(data_dir).expanduser().absolute())]
    argv.append("daemon")
    return argv


def systemd_unit(data_dir: str | None, command: Callable[[], list[str]] | None = None) -> str:
    """A systemd user unit that starts `coach daemon` at login."""
    argv = daemon_argv(data_dir, command)
    return (
        "# Save as ~/.config/systemd/user/coach.service, then run:\n"
        "#   systemctl --user daemon-reload\n"
        "#   systemctl --user enable --now coach.service\n"
        "# Logs: journalctl --user -u coach.service (and daemon.log in coach's data folder)\n"
        "[Unit]\n"
        "Description=coach: bedtime routine reminders\n"
        "After=graphical-session.target\n"
        "\n"
        "[Service]\n"
        "Type=simple\n"
        f"ExecStart={shlex.join(argv)}\n"
        "Restart=on-failure\n"
        "RestartSec=30\n"
        "\n"
        "[Install]\n"
        "WantedBy=default.target\n"
    )


def _own_command() -> list[str]:
    """How to start this very coach: its script if it is on PATH, else this Python."""
    found = shutil.which("coach")
    if found:
        return [str(Path(found).absolute())]
    return [sys.executable, "-m", "coach"]


AUTOSTART_PATH = "~/.config/autostart/coach.desktop"
"""Where an XDG autostart entry goes."""


def autostart_entry(data_dir: str | None, command: Callable[[], list[str]] | None = None) -> str:
    """An XDG autostart entry that starts `coach daemon` when the desktop session starts."""
    argv = daemon_argv(data_dir, command)
    return (
        f"# Save as {AUTOSTART_PATH}; it starts with your next desktop login.\n"
        "# Logs: daemon.log in coach's data folder.\n"
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=coach reminders\n"
        "Comment=Desktop reminders for the bedtime routine\n"
        f"Exec={' '.join(_desktop_quote(arg) for arg in argv)}\n"
        "Terminal=false\n"
        "NoDisplay=true\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def _desktop_quote(arg: str) -> str:
    """Quote one argument of an Exec line by the Desktop Entry rules."""
    if arg and not any(ch in arg for ch in " \t\n\"'\\><~|&;$*?#()`%="):
        return arg
    escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
    return f'"{escaped.replace("%", "%%")}"'
