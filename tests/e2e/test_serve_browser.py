"""`coach serve` in a real headless Chromium: the link opens Tonight and keys record steps;
without the link nothing is served; a page from elsewhere cannot drive the app; nothing is
fetched from outside this computer; Ctrl+C stops the server and every app it ran."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.browser import (
    Network,
    Served,
    chromium,
    require_browser,
    wait_for,
)
from tests.support.desktop import coach_home_in
from tests.support.reminder_support import base_env, coach_argv, faketime_env, require_tools
from tests.support.sound_support import SoundServer, sound_spans, stop_recording

if TYPE_CHECKING:
    from selenium.webdriver import Chrome


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    require_browser()
    home = coach_home_in(tmp_path)
    # A Sunday evening in Berlin, the clock running on from there: tonight's steps are
    # ahead, and Saturday night is logged, so no morning check-in comes first.
    env = base_env(home, **faketime_env("2026-11-22 17:00:00"))
    server = Served(home, env)
    server.coach("cramp", "--none", "--night", "2026-11-21")
    try:
        yield server
    finally:
        server.kill()


def _done_steps(served: Served) -> list[str]:
    nights = json.loads(served.coach("history", "--days", "2", "--format", "json"))
    return [step for night in nights for step, state in night["steps"].items() if state == "done"]


def _press(driver: Chrome, keys: str) -> None:
    """Keys typed at the page as it is, with no click into it first: they go to whatever
    the page has focused."""
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(keys).perform()


def _type(driver: Chrome, keys: str) -> None:
    from selenium.webdriver.common.by import By

    field = driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
    field.send_keys(keys)


def test_the_link_opens_tonight_a_key_records_a_step_and_ctrl_c_stops_it_all(
    served: Served, tmp_path: Path
) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with chromium(tmp_path / "profile") as driver:
        network = Network(driver)
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        driver.get(served.link)
        # The token became a cookie and left the address bar.
        assert driver.current_url == f"{served.origin}/"
        cookies = {cookie["name"]: cookie for cookie in driver.get_cookies()}
        cookie = cookies[f"coach-session-{served.port}"]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        network.wait_until(lambda text: "coach — Tonight" in text, "Tonight")
        assert len(served.app_processes()) == 1
        assert _done_steps(served) == []
        # The keys are listed at the bottom before any is pressed, and the first one typed
        # reaches the app without a click into the page.
        network.wait_until(lambda text: "Cramping now" in text, "the keys at the bottom")

        _press(driver, "d")
        wait_for(lambda: len(_done_steps(served)) == 1, "a step recorded as done")

        # The doctor's report, made in the app, arrives as the browser's download.
        _type(driver, "h")
        network.wait_until(lambda text: "Habit strength" in text, "the history")
        _type(driver, "x")
        wait_for(lambda: any(downloads.glob("*.pdf")), "the report's download", timeout=90)
        report = next(downloads.glob("*.pdf"))
        wait_for(lambda: report.read_bytes().startswith(b"%PDF"), "a whole PDF")

        network.poll()
        assert network.off_machine() == []
        assert any(url.startswith(f"ws://127.0.0.1:{served.port}/ws") for url in network.urls)

    code, out, err = served.interrupt()
    assert code == 0, err
    assert "stopped" in out
    assert "Traceback" not in out
    assert err == ""  # no warning either (a tab's app killed as it exited used to give one)
    assert served.app_processes() == []


def test_without_the_link_page_files_and_websocket_get_403(served: Served, tmp_path: Path) -> None:
    for path in ("/", "/static/js/textual.js", "/page.js", "/download/anything"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(served.origin + path, timeout=10)
        assert refused.value.code == 403, path
    assert _websocket_status(served.origin, headers={"Origin": served.origin}) == 403

    # A browser without the cookie is shown the refusal, not the app; so is a browser
    # with a guessed token, or the right one short of a letter.
    almost = served.link.split("token=")[1][:-1]
    with chromium(tmp_path / "profile") as driver:
        network = Network(driver)
        for address in ("/", "/?token=guessed", f"/?token={almost}"):
            driver.get(served.origin + address)
            assert "the link that <code>coach serve</code> printed" in driver.page_source, address
        assert not any(c["name"].startswith("coach-") for c in driver.get_cookies())
        network.poll()
        assert not any("/ws" in url for url in network.urls)
    assert served.app_processes() == []

    # The link works once: whoever reads it later (history, scrollback) gets 403.
    with chromium(tmp_path / "first") as driver:
        driver.get(served.link)
        assert driver.current_url == f"{served.origin}/"
    with pytest.raises(urllib.error.HTTPError) as spent:
        urllib.request.urlopen(served.link, timeout=10)
    assert spent.value.code == 403


def test_a_page_from_another_origin_cannot_open_the_websocket(
    served: Served, tmp_path: Path
) -> None:
    other = _other_site(served.port)
    try:
        with chromium(tmp_path / "profile") as driver:
            driver.get(served.link)  # this browser has the cookie
            network = Network(driver)
            network.wait_until(lambda text: "coach — Tonight" in text, "Tonight")
            assert len(served.app_processes()) == 1
            # Another port on 127.0.0.1 is the same site, so the browser sends the cookie
            # along: only the Origin check stands between that page and the diary.
            driver.get(f"http://127.0.0.1:{other.server_address[1]}/")
            wait_for(lambda: driver.title in ("opened", "refused"), "the other page's attempt")
            assert driver.title == "refused"
            cookie = next(c for c in driver.get_cookies() if c["name"].startswith("coach-"))
    finally:
        other.shutdown()
        other.server_close()
    wait_for(lambda: served.app_processes() == [], "the first tab's app to end")
    # The same refusal, seen from outside the browser: the right cookie, the wrong origin.
    bad = {"Origin": "http://127.0.0.1:1", "Cookie": f"{cookie['name']}={cookie['value']}"}
    assert _websocket_status(served.origin, headers=bad) == 403
    assert served.app_processes() == []


def test_a_name_pointed_at_this_computer_gets_nothing_even_with_the_cookie(
    served: Served, tmp_path: Path
) -> None:
    """DNS rebinding: a site's owner points its name at 127.0.0.1, so that its page, still
    open in the browser, reaches coach as its own site. Here the page is given the session
    cookie too (which a browser would not send to another name), so that it is the name
    alone that is refused: the page, and the websocket, and no app starts for it."""
    attacker = f"http://rebind.test:{served.port}"
    with chromium(tmp_path / "profile", names={"rebind.test": "127.0.0.1"}) as driver:
        driver.get(served.link)  # the user's own tab
        Network(driver).wait_until(lambda text: "coach — Tonight" in text, "Tonight")
        cookie = next(c for c in driver.get_cookies() if c["name"].startswith("coach-"))
        driver.get(attacker + "/")
        assert "the link that <code>coach serve</code> printed" in driver.page_source
        driver.add_cookie({"name": cookie["name"], "value": cookie["value"], "path": "/"})
        network = Network(driver)
        answers = driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            fetch("/", {credentials: "include"}).then((page) => {
                const socket = new WebSocket(`ws://${location.host}/ws?width=80&height=24`);
                socket.onopen = () => done([page.status, "opened"]);
                socket.onerror = () => done([page.status, "refused"]);
            });
            """
        )
        assert answers == [403, "refused"]
        network.poll()
        assert f"{attacker}/" in network.urls  # asked, under its own name, and refused
        assert len(served.app_processes()) <= 1  # the user's tab alone, if still open
    wait_for(lambda: served.app_processes() == [], "the user's tab's app to end")


def _other_site(port: int) -> ThreadingHTTPServer:
    page = f"""<!DOCTYPE html><html><head><title>waiting</title></head><body><script>
const socket = new WebSocket("ws://127.0.0.1:{port}/ws?width=80&height=24");
socket.onopen = () => {{ document.title = "opened"; }};
socket.onerror = () => {{ document.title = "refused"; }};
</script></body></html>""".encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _websocket_status(origin: str, headers: dict[str, str]) -> int:
    import aiohttp

    async def attempt() -> int:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(f"{origin}/ws", headers=headers):
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    return asyncio.run(attempt())


def test_zoomed_to_200_percent_the_text_doubles_and_the_app_reflows(
    served: Served, tmp_path: Path
) -> None:
    """The larger-text path the README gives: the browser's zoom (Ctrl and +), which draws
    each CSS pixel as two, as a screen scaled by 2 does."""
    columns = {}
    for scale in (1, 2):
        with chromium(tmp_path / f"at-{scale}", width=1600, height=1000, scale=scale) as driver:
            network = Network(driver)
            if scale == 1:
                driver.get(served.link)
                cookie = next(c for c in driver.get_cookies() if c["name"].startswith("coach-"))
            else:  # the link works once: this browser is given the cookie it became
                driver.get(served.origin + "/favicon.ico")
                driver.add_cookie(cookie)
                driver.get(served.origin + "/")
            network.wait_until(lambda text: "coach — Tonight" in text, "Tonight")
            columns[scale] = network.sizes[-1][0] if network.sizes else 0
            # The whole terminal in the window, no scroll bar over its last column.
            bar, screen, window = driver.execute_script(
                "const area = document.querySelector('.xterm-viewport');"
                "return [area.offsetWidth - area.clientWidth,"
                " document.querySelector('.xterm-screen').offsetWidth, window.innerWidth];"
            )
            assert bar == 0 and screen <= window, (bar, screen, window)
            time.sleep(1.5)  # the last frames of the first paint, for the picture
            shot = tmp_path / f"zoom-{scale * 100}.png"
            driver.save_screenshot(str(shot))
            assert shot.read_bytes().startswith(b"\x89PNG")
            if pictures := os.environ.get("COACH_SCREENSHOTS"):
                shutil.copy(shot, Path(pictures) / shot.name)
    # Twice the size, half the columns: each letter twice as wide, the app laid out to fit.
    assert 0.45 < columns[2] / columns[1] < 0.55, columns


def test_coach_serve_opens_the_browser_without_the_token_on_its_command_line(
    tmp_path: Path,
) -> None:
    """Without --no-browser, `coach serve` opens the desktop's browser ($BROWSER here, a
    script that keeps what it was given) on a file of the user's own that leads to the
    link: the token never appears on a command line, which any user can read (`ps`)."""
    require_browser()
    home = coach_home_in(tmp_path)
    kept = tmp_path / "browser"
    kept.mkdir()
    browser = tmp_path / "browser.sh"
    browser.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > {kept}/argv\n'
        f'stat -c %a "${{1#file://}}" > {kept}/mode\n'
        f'cp "${{1#file://}}" {kept}/page.html\n'
    )
    browser.chmod(0o700)
    env = base_env(home, DISPLAY=":404", BROWSER=f"{browser} %s")
    process = subprocess.Popen(
        coach_argv("serve"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        link = ""
        while not link:
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else ""
            if found := re.search(r"(http://\S+/\?token=\S+)", line):
                link = found.group(1)
        wait_for(lambda: (kept / "page.html").exists(), "the browser to be started")
        token = link.split("token=")[1]
        argv = (kept / "argv").read_text()
        assert argv.startswith("file:///") and token not in argv
        assert (kept / "mode").read_text().strip() == "600"
        # The page the browser was given leads a browser to coach, signed in.
        origin = link.split("/?")[0]
        with chromium(tmp_path / "profile") as driver:
            driver.get((kept / "page.html").as_uri())
            wait_for(lambda: driver.current_url == f"{origin}/", "the page to lead to coach")
            Network(driver).wait_until(lambda text: "coach — Tonight" in text, "Tonight")
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out.endswith("coach serve: stopped.\n")
    # The page with the link is gone with the server.
    page = Path(argv.strip().removeprefix("file://"))
    assert not page.exists() and not page.parent.exists()


def test_the_stretch_player_opened_in_the_browser_speaks_on_this_computer(
    tmp_path: Path,
) -> None:
    """Sound and voice come from the tab's app, on this computer, not from the browser:
    the stretch player started with keys in the page says its first stretch into this
    computer's sound server (a private PulseAudio with a recorded null sink)."""
    require_browser()
    require_tools("pulseaudio", "pactl", "parec", "paplay", "espeak-ng")
    from selenium.webdriver.common.keys import Keys

    root = tmp_path / "pulse"
    root.mkdir()
    sound = SoundServer(root)
    sound.start()
    home = coach_home_in(tmp_path)
    with (home / "config.toml").open("a") as config:
        config.write("[voice]\nenabled = true\n")
    # A Sunday evening in Berlin; Saturday night logged, so Tonight comes first.
    env = {**base_env(home, **faketime_env("2026-11-22 17:00:00")), **sound.env}
    served = Served(home, env)
    served.coach("cramp", "--none", "--night", "2026-11-21")
    recording = sound.record(tmp_path / "tab.raw")
    try:
        with chromium(tmp_path / "profile") as driver:
            network = Network(driver)
            driver.get(served.link)
            network.wait_until(lambda text: "Cramping now" in text, "Tonight and its keys")
            time.sleep(0.5)
            # The stretches are the fourth step: to the top, three down, open, start.
            for key in (Keys.HOME, Keys.DOWN, Keys.DOWN, Keys.DOWN, Keys.ENTER):
                _press(driver, key)
                time.sleep(0.3)
            network.wait_until(lambda text: "Calf stretch" in text, "the stretch player")
            time.sleep(0.5)
            _press(driver, " ")
            time.sleep(4.0)
    finally:
        served.kill()
        samples = stop_recording(recording, tmp_path / "tab.raw")
        sound.stop()
    heard = sum(end - start for start, end in sound_spans(samples))
    # "Calf stretch standing, left leg. Hold the wall or a chair; stop if it hurts. Hold."
    assert heard >= 1.5, sound_spans(samples)


def test_a_new_user_fills_in_the_welcome_form_in_the_browser(tmp_path: Path) -> None:
    """The first start, in the browser: the welcome form has the keyboard at once, and
    Ctrl+S (which the page keeps from the browser's own "save page") saves it."""
    require_browser()
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    home = tmp_path / "new-home"
    home.mkdir()
    served = Served(home, base_env(home))
    try:
        with chromium(tmp_path / "profile") as driver:
            network = Network(driver)
            driver.get(served.link)
            network.wait_until(lambda text: "coach — Welcome" in text, "the welcome form")
            network.wait_until(lambda text: "Save" in text, "the form's keys")
            _press(driver, Keys.CONTROL + "a")
            _press(driver, "21:45")
            ActionChains(driver).key_down(Keys.CONTROL).send_keys("s").key_up(
                Keys.CONTROL
            ).perform()
            wait_for(lambda: (home / "config.toml").exists(), "the settings to be saved")
    finally:
        served.kill()
    assert served.coach("config", "get", "bedtime").strip() == "21:45"


def test_closing_the_terminal_of_coach_serve_ends_every_tab_s_app(
    served: Served, tmp_path: Path
) -> None:
    """A terminal window closed sends its programs SIGHUP: the server stops as on Ctrl+C
    and takes each tab's app (in a process group of its own) with it."""
    with chromium(tmp_path / "profile") as driver:
        driver.get(served.link)
        Network(driver).wait_until(lambda text: "coach — Tonight" in text, "Tonight")
        assert len(served.app_processes()) == 1
        served.process.send_signal(signal.SIGHUP)
        assert served.process.wait(timeout=30) == 0
        wait_for(lambda: served.app_processes() == [], "the tab's app to end")


def test_a_killed_server_s_tab_apps_end_too(served: Served, tmp_path: Path) -> None:
    """`coach serve` killed outright cannot tell its apps to quit: each ends on its own
    once its server is gone, rather than run on where no browser can reach it."""
    with chromium(tmp_path / "profile") as driver:
        driver.get(served.link)
        Network(driver).wait_until(lambda text: "coach — Tonight" in text, "Tonight")
        assert len(served.app_processes()) == 1
        served.process.kill()
        served.process.wait(timeout=30)
        wait_for(lambda: served.app_processes() == [], "the tab's app to end", timeout=10)
