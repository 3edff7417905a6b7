"""`coach doctor`: each check's verdict and the exact fix, with a faked and a real set-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from coach.cli.doctor import render
from coach.cli.main import main
from coach.desktop.autostart import autostart_entry
from coach.desktop.doctor import Check, all_checks
from coach.desktop.voice import AudioCheck
from coach.session import Session
from coach.system.locks import LOCK_NAME, SenderLock

GOOD_ENV = "DISPLAY=:0\nDBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus\nHOME=/home/u\n"


def fake_run(stdout: str, code: int = 0) -> object:
    def run(argv: list[str]) -> subprocess.CompletedProcess[str]:
        assert argv == ["systemctl", "--user", "show-environment"]
        return subprocess.CompletedProcess(argv, code, stdout, "")

    return run


def checks(ctx: Session, **overrides: object) -> dict[str, list[Check]]:
    kwargs: dict[str, object] = {
        "which": lambda name: f"/usr/bin/{name}",
        "run": fake_run(GOOD_ENV),
        "probe": lambda: (True, "dunst"),
        "connect_system_bus": lambda: True,
        "audio": lambda: AudioCheck(voice="espeak-ng", player="paplay", server="PulseAudio 16.1"),
        "read": lambda path: (
            "0::/user.slice/user-1000.slice/user@1000.service/app.slice/coach.service\n"
        ),
    }
    kwargs.update(overrides)
    found: dict[str, list[Check]] = {}
    for check in all_checks(ctx, **kwargs):  # type: ignore[arg-type]
        found.setdefault(check.name, []).append(check)
    return found


@pytest.fixture
def private_home(ctx: Session) -> Session:
    ctx.paths.data_dir.chmod(0o700)
    ctx.store.record_step(__import__("datetime").date(2026, 11, 22), "stretch", "done")
    return ctx


def test_a_good_set_up_is_all_ok(private_home: Session) -> None:
    ctx = private_home
    daemon = SenderLock(ctx.paths.data_dir / LOCK_NAME, "daemon")
    assert daemon.try_acquire()
    try:
        found = checks(ctx)
    finally:
        daemon.release()
    verdicts = {name: [c.verdict for c in group] for name, group in found.items()}
    assert verdicts == {
        "notification server": ["ok"],
        "notify-send": ["ok"],
        "daemon": ["ok"],
        "systemd user session": ["ok"],
        "suspend and resume": ["ok"],
        "voice and sound": ["ok"],
        "data folder": ["ok"],
    }
    assert found["daemon"][0].text.endswith("started by systemd")
    assert found["notification server"][0].text == "dunst answers on the session bus"


def test_each_problem_comes_with_the_command_that_fixes_it(ctx: Session) -> None:
    ctx.paths.data_dir.chmod(0o755)
    found = checks(
        ctx,
        which=lambda name: None if name == "notify-send" else f"/usr/bin/{name}",
        run=fake_run("HOME=/home/u\nWAYLAND_DISPLAY=wayland-0\n"),
        probe=lambda: (False, "no notification service is running on the session bus"),
    )
    problems = {
        name: (c.text, c.fix)
        for name, group in found.items()
        for c in group
        if c.verdict == "problem"
    }
    assert problems["notify-send"][1] == "sudo apt install libnotify-bin"
    assert "dunst" in problems["notification server"][1]
    assert problems["daemon"] == (
        "not running: reminders come only while the coach app is open",
        "mkdir -p ~/.config/systemd/user && "
        "coach daemon --print-systemd-unit > ~/.config/systemd/user/coach.service && "
        "systemctl --user daemon-reload && systemctl --user enable --now coach.service",
    )
    assert problems["systemd user session"] == (
        "the user manager lacks DISPLAY, DBUS_SESSION_BUS_ADDRESS: a daemon started by "
        "systemd cannot reach your desktop",
        "systemctl --user import-environment DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS "
        "&& systemctl --user restart coach.service",
    )
    assert problems["data folder"] == (
        f"{ctx.paths.data_dir} can be read by other users; it holds health records",
        f"chmod -R go-rwx {ctx.paths.data_dir}",
    )
    text = render([c for group in found.values() for c in group])
    assert text.rstrip().endswith("5 problems found; each fix is one command.")
    assert "  PROBLEM  notify-send: not installed" in text


def test_a_missing_speech_engine_is_a_note_and_a_missing_sound_server_falls_back(
    ctx: Session,
) -> None:
    missing = AudioCheck(
        voice=None,
        player=None,
        server=None,
        problems=(
            "no speech engine: install espeak-ng (Debian/Ubuntu: apt install espeak-ng)",
            "no sound player: install pulseaudio-utils (Debian/Ubuntu: apt install "
            "pulseaudio-utils)",
        ),
    )
    speech, chimes = checks(ctx, audio=lambda: missing)["voice and sound"]
    # Spoken reminders are off by default: a note without a fix.
    assert (speech.verdict, speech.fix) == ("note", "")
    # The stretch chimes are on by default: what to install, and what happens meanwhile.
    assert (chimes.verdict, chimes.fix) == ("note", "sudo apt install pulseaudio-utils")
    assert chimes.text.endswith("the stretch chimes use the terminal bell meanwhile")


def test_a_daemon_started_by_hand_or_the_app_sending_are_told_apart(ctx: Session) -> None:
    lock = SenderLock(ctx.paths.data_dir / LOCK_NAME, "daemon")
    assert lock.try_acquire()
    try:
        by_hand = checks(ctx, read=lambda path: "0::/user.slice/session-2.scope\n")["daemon"][0]
    finally:
        lock.release()
    assert by_hand.verdict == "note" and "started by hand" in by_hand.text
    app = SenderLock(ctx.paths.data_dir / LOCK_NAME, "tui")
    assert app.try_acquire()
    try:
        found = checks(ctx)["daemon"][0]
    finally:
        app.release()
    assert found.verdict == "problem"
    assert "the coach app (pid" in found.text and "none come once it is closed" in found.text


def test_without_a_systemd_user_manager_the_autostart_entry_is_offered(ctx: Session) -> None:
    found = checks(ctx, run=fake_run("", code=1))
    session = found["systemd user session"][0]
    assert session.verdict == "note"
    autostart = (
        "mkdir -p ~/.config/autostart && "
        "coach doctor --print-autostart > ~/.config/autostart/coach.desktop"
    )
    assert session.fix == autostart
    # Nor is a systemd unit offered to start the daemon: it could not be started.
    daemon = found["daemon"][0]
    assert daemon.verdict == "problem" and daemon.fix == autostart
    assert "systemctl" not in render([c for group in found.values() for c in group])


def test_each_offered_start_command_works_in_a_fresh_account(tmp_path: Path) -> None:
    """The fixes run by a shell in a home with no ~/.config: each makes its folder."""
    import subprocess

    from coach.desktop.doctor import AUTOSTART_START, SYSTEMD_START

    home = tmp_path / "fresh"
    home.mkdir()
    for command, made in (
        (AUTOSTART_START, home / ".config/autostart/coach.desktop"),
        (SYSTEMD_START.split(" && systemctl")[0], home / ".config/systemd/user/coach.service"),
    ):
        shell = subprocess.run(
            ["sh", "-c", command.replace("coach ", f"{sys.executable} -m coach ")],
            env={**os.environ, "HOME": str(home)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert shell.returncode == 0, shell.stderr
        assert made.read_text().strip(), made


def test_a_read_only_data_folder_is_a_problem_with_its_fix(private_home: Session) -> None:
    ctx = private_home
    ctx.paths.db_dir.chmod(0o500)
    try:
        found = checks(ctx)["data folder"]
    finally:
        ctx.paths.db_dir.chmod(0o700)
    if all(c.verdict == "ok" for c in found):
        pytest.skip("running as root: every folder is writable")
    (problem,) = found
    assert problem.text == (
        f"{ctx.paths.db_dir} is read-only: reminders still come, but nothing is recorded"
    )


def test_the_autostart_entry_starts_this_coach_with_its_data_folder(tmp_path: Path) -> None:
    entry = autostart_entry(str(tmp_path / "my data"), command=lambda: ["/opt/coach/bin/coach"])
    assert f'Exec=/opt/coach/bin/coach --data-dir "{tmp_path}/my data" daemon\n' in entry
    assert "[Desktop Entry]\nType=Application\n" in entry
    assert entry.startswith("# Save as ~/.config/autostart/coach.desktop")


def test_print_autostart_from_the_command_line(
    coach_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor", "--print-autostart"]) == 0
    out = capsys.readouterr().out
    exec_line = out.split("Exec=")[1].splitlines()[0]
    assert exec_line.endswith(f" --data-dir {coach_home} daemon")
