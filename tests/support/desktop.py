"""A headless desktop for the end-to-end tests: Xvfb, a private D-Bus session and dunst,
and what dunst received, read back with `dunstctl`."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

# A session bus of our own, without the system's service files: nothing can start a
# notification server behind our back (dunst ships a D-Bus activation file).
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir={tmp}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class Desktop:
    """A headless desktop session: its environment, and its dunst if started."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.processes: list[subprocess.Popen[bytes]] = []
        self.env: dict[str, str] = {}

    def _start(self, argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def start_bus(self) -> None:
        config = self.root / "bus.conf"
        config.write_text(BUS_CONFIG.format(tmp=self.root))
        bus = self._start(
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
            dict(os.environ),
        )
        assert bus.stdout is not None
        address = bus.stdout.readline().decode().strip()
        assert address, "dbus-daemon did not start"
        self.env["DBUS_SESSION_BUS_ADDRESS"] = address

    def start_x(self) -> None:
        xvfb = self._start(
            ["Xvfb", "-displayfd", "1", "-screen", "0", "800x600x24", "-nolisten", "tcp"],
            dict(os.environ),
        )
        assert xvfb.stdout is not None
        display = xvfb.stdout.readline().decode().strip()
        assert display, "Xvfb did not start"
        self.env["DISPLAY"] = f":{display}"

    def start_dunst(self) -> None:
        env = {**os.environ, **self.env, "XDG_CONFIG_HOME": str(self.root / "config")}
        self._start(["dunst"], env)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.dunstctl("is-paused").returncode == 0:
                return
            time.sleep(0.1)
        raise AssertionError("dunst did not come up on the session bus")

    def dunstctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["dunstctl", *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )

    def received(self) -> list[dict[str, str]]:
        """Every notification dunst got, oldest first: summary, body and app name."""
        # dunst keeps a notification in its history once it is closed.
        self.dunstctl("close-all")
        time.sleep(0.2)
        result = self.dunstctl("history")
        assert result.returncode == 0, result.stderr
        data: Any = json.loads(result.stdout)["data"][0]
        found = [
            {key: entry[key]["data"] for key in ("summary", "body", "appname")} for entry in data
        ]
        return list(reversed(found))  # dunst lists the newest first

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()


def coach_home_in(tmp_path: Path) -> Path:
    """A data folder for a coach process, with the tests' config (Berlin, 22:30)."""
    home = tmp_path / "coach-home"
    home.mkdir()
    (home / "config.toml").write_text('timezone = "Europe/Berlin"\nbedtime = "22:30"\n')
    return home
