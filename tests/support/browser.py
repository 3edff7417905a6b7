"""A real headless Chromium (Debian's `chromium` and `chromium-driver`, through Selenium) and
a real `coach serve` process, for the browser's end-to-end tests."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from tests.support.reminder_support import coach_argv, require_tools

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

ESCAPES = re.compile(
    r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: titles, palette
    r"|\x1b[()][0-9A-Za-z]|\x1b[=>78DEHM]"
)


def require_browser() -> None:
    """Skip without Chromium and its driver (fail on CI, where .ci/run installs them)."""
    require_tools("chromium", "chromedriver")
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            require_tools(path)


class Served:
    """A `coach serve --no-browser` process on a data folder, and the link it printed."""

    def __init__(self, home: Path, env: dict[str, str]) -> None:
        self.home = home
        self.env = env
        self.process = subprocess.Popen(
            coach_argv("serve", "--no-browser"),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.printed: list[str] = []
        self.link = self._read_link()
        parts = urlsplit(self.link)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.port = parts.port or 80

    def _read_link(self) -> str:
        assert self.process.stdout is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.printed.append(line)
            found = re.search(r"(http://\S+/\?token=\S+)", line)
            if found:
                return found.group(1)
        self.process.kill()
        _, err = self.process.communicate(timeout=10)
        raise AssertionError(f"coach serve printed no link:\n{''.join(self.printed)}{err}")

    def interrupt(self, timeout: float = 30.0) -> tuple[int, str, str]:
        """Ctrl+C: SIGINT to the server alone, as a terminal's Ctrl+C reaches it."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, "".join(self.printed) + out, err

    def kill(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.communicate(timeout=10)

    def app_processes(self) -> list[int]:
        """The app processes (one per tab) running on this data folder."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"coach.cli.serve_tab" in argv and str(self.home).encode() in argv:
                pids.append(int(entry.name))
        return pids

    def coach(self, *args: str) -> str:
        """Run `coach ARGS` on the same data folder; its standard output."""
        done = subprocess.run(
            coach_argv(*args), env=self.env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout


@contextlib.contextmanager
def chromium(
    profile: Path,
    *,
    width: int = 1200,
    height: int = 800,
    scale: float = 1.0,
    names: dict[str, str] | None = None,
) -> Iterator[Chrome]:
    """Headless Chromium on a fresh profile that cannot resolve any name: a request for any
    host but 127.0.0.1 fails, and shows in its network log. `scale` draws each CSS pixel
    as that many, as the browser's zoom does (the window keeps its size in pixels).
    `names` resolves those names to those addresses, as a name's owner can make any name
    resolve to 127.0.0.1 ("DNS rebinding")."""
    require_browser()
    selenium = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = selenium.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless",
        "--no-sandbox",  # needed as root, harmless otherwise
        "--disable-gpu",
        # textual.js draws with WebGL2; without a GPU that is SwiftShader, which Chromium
        # no longer falls back to unasked. This browser only ever opens coach's own page.
        "--enable-unsafe-swiftshader",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        f"--user-data-dir={profile}",
        f"--window-size={int(width / scale)},{int(height / scale)}",
        f"--force-device-scale-factor={scale}",
        "--host-resolver-rules="
        + "".join(f"MAP {name} {address}, " for name, address in (names or {}).items())
        + "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = selenium.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


class Network:
    """What a browser asked for and what the app's websocket brought, from its log."""

    def __init__(self, driver: Chrome) -> None:
        self.driver = driver
        self.urls: list[str] = []
        self.received = bytearray()
        self.sizes: list[tuple[int, int]] = []
        """Each terminal size the page sent the app (columns, rows)."""

    def poll(self) -> None:
        entries: list[dict[str, Any]] = self.driver.get_log("performance")
        for entry in entries:
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message["method"] == "Network.requestWillBeSent":
                self.urls.append(params["request"]["url"])
            elif message["method"] == "Network.webSocketCreated":
                self.urls.append(params["url"])
            elif message["method"] == "Network.webSocketFrameReceived":
                frame = params["response"]
                data = frame["payloadData"]
                self.received += base64.b64decode(data) if frame["opcode"] == 2 else data.encode()
            elif message["method"] == "Network.webSocketFrameSent":
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    kind, size = json.loads(params["response"]["payloadData"])
                    if kind == "resize":
                        self.sizes.append((int(size["width"]), int(size["height"])))

    def screen_text(self) -> str:
        """Everything the app has drawn so far, escape codes removed."""
        return ESCAPES.sub("", self.received.decode("utf-8", "replace"))

    def wait_until(self, check: Callable[[str], bool], what: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.poll()
            text = self.screen_text()
            if check(text):
                return text
            time.sleep(0.2)
        raise AssertionError(f"the browser never showed {what}; it got:\n{self.screen_text()}")

    def off_machine(self) -> list[str]:
        """Requests for anything but 127.0.0.1 (the browser's own chrome:// and data: pages
        are not requests on the network)."""
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(url).hostname != "127.0.0.1"
        ]


def wait_for(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
