"""How coach starts from outside a terminal: `coach daemon` at login (its command line and
the systemd user unit), and the app in a new terminal (a reminder's Open button).

`coach daemon --print-systemd-unit` prints the unit; `coach doctor --print-autostart` builds
its XDG autostart entry from the same command line. Neither needs the daemon itself.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
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


TERMINALS: tuple[tuple[str, ...], ...] = (
    ("x-terminal-emulator", "-e"),  # Debian's choice of the user's terminal
    ("gnome-terminal", "--"),
    ("konsole", "-e"),
    ("xfce4-terminal", "-x"),
    ("kitty",),
    ("alacritty", "-e"),
    ("foot",),
    ("xterm", "-e"),
)
"""Terminals tried in order, each with the option that runs a command in it."""


def app_argv(
    step_id: str, data_dir: Path, command: Callable[[], list[str]] | None = None
) -> list[str]:
    """The command line that opens the app on a step (`coach open STEP`) on this folder."""
    return [*(command or _own_command)(), "--data-dir", str(data_dir), "open", step_id]


def open_in_terminal(
    step_id: str,
    data_dir: Path,
    *,
    which: Callable[[str], str | None] = shutil.which,
    start: Callable[[list[str]], object] | None = None,
) -> str:
    """Start the app on a step in a new terminal window; returns what happened, in words.

    $TERMINAL first (the user's own choice), then the usual terminals; on macOS,
    Terminal.app. Raises nothing: where no terminal is found it says how to open it by hand.
    """
    argv = app_argv(step_id, data_dir)
    launch = start or _detach
    candidates: list[tuple[str, ...]] = []
    own = os.environ.get("TERMINAL")
    if own:
        candidates.append((own, "-e"))
    candidates += TERMINALS
    if sys.platform == "darwin":
        script = shlex.join(argv).replace("\\", "\\\\").replace('"', '\\"')
        launch(["osascript", "-e", f'tell application "Terminal" to do script "{script}"'])
        return "opened coach in Terminal"
    for terminal, *run in candidates:
        found = which(terminal)
        if found is None:
            continue
        try:
            launch([found, *run, *argv])
        except OSError as exc:
            return f"could not start {terminal} ({exc.strerror or exc}); run: {shlex.join(argv)}"
        return f"opened coach in {terminal}"
    return f"no terminal found to open coach in; run: {shlex.join(argv)}"


def _detach(argv: list[str]) -> None:
    subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
