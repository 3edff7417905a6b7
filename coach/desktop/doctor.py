"""The checks `coach doctor` runs on what reminders need: the notification server,
`notify-send`, the daemon (and whether systemd started it), the systemd user manager's
session variables, suspend and resume, voice and sound, and the data folder.

Each check gives a verdict ('ok', 'note' or 'problem'), one line that explains it and, for
a problem, the exact command that fixes it. The checks take their surroundings
(environment, `which`, a command runner) as arguments, so tests hand in their own; `coach
doctor` passes the real ones.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from coach.desktop.autostart import AUTOSTART_PATH

if TYPE_CHECKING:
    import subprocess

    from coach.desktop.voice import AudioCheck
    from coach.session import Session

Verdict = Literal["ok", "note", "problem"]
Run = Callable[[list[str]], "subprocess.CompletedProcess[str]"]
Which = Callable[[str], "str | None"]

UNIT_PATH = "~/.config/systemd/user/coach.service"
SESSION_VARS = ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")


class Check(NamedTuple):
    """One finding: what was checked, the verdict, why, and the command that fixes it."""

    name: str
    verdict: Verdict
    text: str
    fix: str = ""


def run_command(argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a short command with a time limit; a missing or hung one is a failed result."""
    import subprocess  # not for every command that only registers `doctor`

    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(argv, 127, "", str(exc))


# --- the checks ---------------------------------------------------------------------------


def check_notify_send(which: Which) -> Check:
    found = which("notify-send")
    if found:
        return Check(
            name="notify-send",
            verdict="ok",
            text=f"present ({found}); plyer sends notifications with it",
        )
    return Check(
        name="notify-send",
        verdict="problem",
        text="not installed: plyer needs it to show desktop notifications on Linux",
        fix="sudo apt install libnotify-bin",
    )


def check_notification_server(probe: Callable[[], tuple[bool, str]]) -> Check:
    ok, detail = probe()
    if ok:
        who = detail or "a notification server"
        return Check(
            name="notification server", verdict="ok", text=f"{who} answers on the session bus"
        )
    if "DBUS_SESSION_BUS_ADDRESS" in detail:
        return Check(
            name="notification server",
            verdict="problem",
            text=f"cannot be reached: {detail}; this shell is outside a desktop session",
            fix="run coach from a terminal inside your desktop session",
        )
    if "notify-send" in detail:
        return Check(
            name="notification server", verdict="note", text="not checked: notify-send is missing"
        )
    return Check(
        name="notification server",
        verdict="problem",
        text=f"not reachable: {detail}",
        fix="start your desktop's notification service, or install one: sudo apt install dunst",
    )


SYSTEMD_START = (
    f"mkdir -p {UNIT_PATH.rsplit('/', 1)[0]} && coach daemon --print-systemd-unit > {UNIT_PATH} "
    "&& systemctl --user daemon-reload && systemctl --user enable --now coach.service"
)
"""Start the daemon now and at every login, where a systemd user manager answers."""
AUTOSTART_START = (
    f"mkdir -p {AUTOSTART_PATH.rsplit('/', 1)[0]} && coach doctor --print-autostart > "
    f"{AUTOSTART_PATH}"
)
"""Start the daemon at every desktop login, where no systemd user manager answers."""


def systemd_answers(run: Run, which: Which) -> bool:
    """Whether a systemd user manager answers here (so a user unit can be started)."""
    if which("systemctl") is None:
        return False
    return run(["systemctl", "--user", "show-environment"]).returncode == 0


def check_daemon(ctx: Session, read: Callable[[Path], str], *, systemd: bool = True) -> Check:
    """Whether the daemon runs, and how to start it at login: a systemd unit where a user
    manager answers (`systemd`), else the desktop's autostart entry."""
    from coach.system.locks import LOCK_NAME, sender_holder

    holder = sender_holder(ctx.paths.data_dir / LOCK_NAME)
    start = SYSTEMD_START if systemd else AUTOSTART_START
    if holder is None:
        return Check(
            name="daemon",
            verdict="problem",
            text="not running: reminders come only while the coach app is open",
            fix=start,
        )
    if holder.kind != "daemon":
        return Check(
            name="daemon",
            verdict="problem",
            text=f"not running: the coach app (pid {holder.pid}) sends reminders while it is open, "
            "and none come once it is closed",
            fix=start,
        )
    try:
        cgroup = read(Path(f"/proc/{holder.pid}/cgroup"))
    except OSError:
        cgroup = ""
    if "coach.service" in cgroup:
        return Check(
            name="daemon", verdict="ok", text=f"running (pid {holder.pid}), started by systemd"
        )
    return Check(
        name="daemon",
        verdict="note",
        text=f"running (pid {holder.pid}), started by hand: it stops when you log out",
        fix=f"to start it at login instead: {start}",
    )


def check_unit_environment(run: Run, which: Which) -> Check:
    """Whether the systemd user manager can hand the daemon a display and a session bus."""
    if which("systemctl") is None:
        return Check(
            name="systemd user session",
            verdict="note",
            text="no systemctl here: start the daemon at login with an autostart entry",
            fix=AUTOSTART_START,
        )
    result = run(["systemctl", "--user", "show-environment"])
    if result.returncode != 0:
        return Check(
            name="systemd user session",
            verdict="note",
            text="no systemd user manager answers: "
            "start the daemon at login with an autostart entry",
            fix=AUTOSTART_START,
        )
    names = {line.split("=", 1)[0] for line in result.stdout.splitlines() if "=" in line}
    missing = [name for name in SESSION_VARS if name not in names]
    has_display = "DISPLAY" in names or "WAYLAND_DISPLAY" in names
    if has_display and "DBUS_SESSION_BUS_ADDRESS" in names:
        return Check(
            name="systemd user session",
            verdict="ok",
            text="the user manager has a display and the session bus, so the unit can notify",
        )
    return Check(
        name="systemd user session",
        verdict="problem",
        text=f"the user manager lacks {', '.join(missing)}: a daemon started by systemd cannot "
        "reach your desktop",
        fix=f"systemctl --user import-environment {' '.join(SESSION_VARS)} "
        "&& systemctl --user restart coach.service",
    )


def check_resume(connect: Callable[[], object]) -> Check:
    """Whether a suspend and resume can be heard (logind on the system bus)."""
    try:
        connect()
    except Exception as exc:  # any failure to reach the bus: say it plainly
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return Check(
            name="suspend and resume",
            verdict="note",
            text=f"logind cannot be reached on the system bus ({reason}); on Linux coach still "
            "notices a resume, which the kernel reports as a clock change",
        )
    return Check(
        name="suspend and resume", verdict="ok", text="heard from logind on the system bus"
    )


def check_data_folder(ctx: Session) -> list[Check]:
    """The data folder exists, is ours, is private (health data) and can be written."""
    folder = ctx.paths.data_dir
    if not folder.exists():
        return [
            Check(
                name="data folder",
                verdict="note",
                text=f"{folder} does not exist yet; coach creates it",
            )
        ]
    info = folder.stat()
    checks: list[Check] = []
    if info.st_uid != os.geteuid():
        checks.append(
            Check(
                name="data folder",
                verdict="problem",
                text=f"{folder} belongs to another user",
                fix=f"sudo chown -R {os.geteuid()} {_quote(folder)}",
            )
        )
    if stat.S_IMODE(info.st_mode) & 0o077:
        checks.append(
            Check(
                name="data folder",
                verdict="problem",
                text=f"{folder} can be read by other users; it holds health records",
                fix=f"chmod -R go-rwx {_quote(folder)}",
            )
        )
    unwritable = [
        path
        for path in (folder, ctx.paths.db_dir)
        if path.exists() and not os.access(path, os.W_OK)
    ]
    if unwritable:
        checks.append(
            Check(
                name="data folder",
                verdict="problem",
                text=f"{unwritable[0]} is read-only: reminders still come, but nothing is recorded",
                fix=f"chmod -R u+rwX {_quote(folder)}",
            )
        )
    if not checks:
        checks.append(
            Check(name="data folder", verdict="ok", text=f"{folder} is private and writable")
        )
    return checks


def check_voice(ctx: Session, check: Callable[[], AudioCheck] | None = None) -> list[Check]:
    """Voice and sound: what speaks reminders and rings the stretch chimes, if turned on.

    A missing part is a problem only for spoken reminders that are turned on ([voice]
    enabled); chimes without sound fall back to the terminal bell, so those are notes.
    """
    from coach.desktop.voice import check_audio

    audio = (check or check_audio)()
    voice_on, bell_on = ctx.settings.voice.enabled, ctx.settings.stretch.bell
    checks = []
    for problem in audio.problems:
        speech = "speech" in problem or "voice" in problem
        verdict: Verdict = "problem" if speech and voice_on else "note"
        wanted = voice_on if speech else bell_on
        packages = re.search(r"apt install ([\w.+-]+(?: [\w.+-]+)*)", problem)
        fix = f"sudo apt install {packages.group(1)}" if packages and wanted else ""
        if not speech and wanted:
            problem += "; the stretch chimes use the terminal bell meanwhile"
        checks.append(Check(name="voice and sound", verdict=verdict, text=problem, fix=fix))
    if not checks:
        parts = [
            f"speech: {audio.voice}" if audio.voice else "",
            f"chimes: {audio.player}" if audio.player else "",
            f"sound server: {audio.server}" if audio.server else "",
        ]
        spoken = "on" if voice_on else "off ([voice] enabled = true turns it on)"
        text = f"{', '.join(p for p in parts if p)}; reminders spoken: {spoken}"
        checks.append(Check(name="voice and sound", verdict="ok", text=text))
    return checks


def all_checks(
    ctx: Session,
    *,
    which: Which = shutil.which,
    run: Run = run_command,
    probe: Callable[[], tuple[bool, str]] | None = None,
    connect_system_bus: Callable[[], object] | None = None,
    audio: Callable[[], AudioCheck] | None = None,
    read: Callable[[Path], str] = lambda path: path.read_text(),
) -> list[Check]:
    from coach.desktop.notify import probe_linux_notifications

    return [
        check_notification_server(probe or probe_linux_notifications),
        check_notify_send(which),
        check_daemon(ctx, read, systemd=systemd_answers(run, which)),
        check_unit_environment(run, which),
        check_resume(connect_system_bus or _connect_system_bus),
        *check_voice(ctx, audio),
        *check_data_folder(ctx),
    ]


def _connect_system_bus() -> object:
    from jeepney.io.blocking import open_dbus_connection

    conn = open_dbus_connection(bus="SYSTEM", enable_fds=False)
    conn.close()
    return True


def _quote(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))
