"""coach serve's gate, on a real aiohttp server on 127.0.0.1: the one-time link becomes a
cookie, and nothing is served without it, to another Host or, for the websocket, to another
Origin. (The app behind it, in a real browser: tests/e2e/test_serve_browser.py.)"""

from __future__ import annotations

import logging
import re
import socket
import sys
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from yarl import URL

from coach.cli.main import main
from coach.session import Session
from coach.web.server import CSP, REFUSED, CoachServer, Gate, ServeConfig, is_loopback


class Running:
    def __init__(self, coach: CoachServer, test_server: TestServer) -> None:
        self.coach = coach
        self.server = test_server
        self.base = f"http://127.0.0.1:{test_server.port}"

    def session(self) -> aiohttp.ClientSession:
        # Cookies for an IP address are kept only by an "unsafe" jar.
        return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


@pytest.fixture
async def running() -> AsyncIterator[Running]:
    coach = CoachServer(
        ServeConfig(command=[sys.executable, "-c", "pass"]), Gate(token="the-token")
    )
    test_server = TestServer(coach.application(), host="127.0.0.1", port=0)
    await test_server.start_server()
    coach.port = test_server.port or 0
    try:
        yield Running(coach, test_server)
    finally:
        await test_server.close()


async def _signed_in(running: Running, session: aiohttp.ClientSession) -> None:
    async with session.get(f"{running.base}/?token=the-token") as page:
        assert page.status == 200


async def test_the_link_becomes_a_cookie_once_and_leaves_the_address(running: Running) -> None:
    async with running.session() as session:
        async with session.get(f"{running.base}/?token=the-token", allow_redirects=False) as answer:
            assert answer.status == 302
            assert answer.headers["Location"] == "/"
            cookie = answer.cookies[running.coach.cookie_name]
            assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
            assert cookie.value != "the-token"
        async with session.get(f"{running.base}/") as page:
            assert page.status == 200
            assert f'data-session-websocket-url="ws://127.0.0.1:{running.server.port}/ws"' in (
                await page.text()
            )
        # The same browser opening the link again (it was opened for the user, who then
        # clicks it in the terminal too) goes on to the page.
        async with session.get(f"{running.base}/?token=the-token", allow_redirects=False) as again:
            assert again.status == 302 and again.headers["Location"] == "/"
            assert running.coach.cookie_name not in again.cookies  # the same session kept
    # Used once, the link is refused to anyone else, a later look at the history included.
    async with (
        running.session() as other,
        other.get(f"{running.base}/?token=the-token") as again,
    ):
        assert again.status == 403
        assert "works once" in await again.text()


async def test_a_wrong_token_is_refused_and_does_not_use_up_the_link(running: Running) -> None:
    async with running.session() as session:
        async with session.get(f"{running.base}/?token=guess") as wrong:
            assert wrong.status == 403
        await _signed_in(running, session)


@pytest.mark.parametrize(
    "path", ["/", "/page.js", "/page.css", "/static/js/textual.js", "/download/key", "/nothing"]
)
async def test_without_the_cookie_everything_is_403(running: Running, path: str) -> None:
    async with running.session() as session, session.get(running.base + path) as answer:
        assert answer.status == 403


async def test_the_websocket_needs_the_cookie_and_the_page_s_own_origin(
    running: Running,
) -> None:
    url = f"{running.base}/ws"
    own = {"Origin": running.base}
    async with running.session() as stranger:
        with pytest.raises(aiohttp.WSServerHandshakeError) as no_cookie:
            await stranger.ws_connect(url, headers=own)
        assert no_cookie.value.status == 403
    async with running.session() as session:
        await _signed_in(running, session)
        for origin in ("http://127.0.0.1:1", "http://evil.example", "null"):
            with pytest.raises(aiohttp.WSServerHandshakeError) as elsewhere:
                await session.ws_connect(url, headers={"Origin": origin})
            assert elsewhere.value.status == 403, origin
        with pytest.raises(aiohttp.WSServerHandshakeError) as no_origin:
            await session.ws_connect(url)
        assert no_origin.value.status == 403


async def test_a_name_that_only_resolves_here_is_refused(running: Running) -> None:
    """DNS rebinding: a page on evil.example, its name pointed at 127.0.0.1, reaches this
    port with its own Host; even with the cookie it gets nothing."""
    async with running.session() as session:
        await _signed_in(running, session)
        cookie = {
            running.coach.cookie_name: session.cookie_jar.filter_cookies(URL(running.base))[
                running.coach.cookie_name
            ].value
        }
        for host in (f"evil.example:{running.server.port}", "127.0.0.1:1"):
            async with session.get(
                f"{running.base}/", headers={"Host": host}, cookies=cookie
            ) as answer:
                assert answer.status == 403, host
        async with session.get(
            f"{running.base}/", headers={"Host": f"localhost:{running.server.port}"}
        ) as local:
            assert local.status == 200
        # The websocket too, its Origin matching the name it came by.
        evil = f"evil.example:{running.server.port}"
        with pytest.raises(aiohttp.WSServerHandshakeError) as rebound:
            await session.ws_connect(
                f"{running.base}/ws",
                headers={"Host": evil, "Origin": f"http://{evil}"},
            )  # the session's cookie goes along: the jar keeps it for 127.0.0.1
        assert rebound.value.status == 403


async def test_pages_are_locked_to_this_server_and_only_read(running: Running) -> None:
    async with running.session() as session:
        await _signed_in(running, session)
        async with session.get(f"{running.base}/") as page:
            assert page.headers["Content-Security-Policy"] == CSP
            assert page.headers["X-Frame-Options"] == "DENY"
            assert page.headers["Referrer-Policy"] == "no-referrer"
        async with session.post(f"{running.base}/", data=b"x") as post:
            assert post.status == 405
        async with session.get(f"{running.base}/static/") as listing:
            assert listing.status in (403, 404)
        async with session.get(f"{running.base}/static/js/textual.js") as script:
            assert script.status == 200


def test_the_page_and_its_style_name_nothing_outside_this_server() -> None:
    package = resources.files("coach.web")
    for name in ("page.html", "page.css", "page.js"):
        text = package.joinpath(name).read_text()
        assert not re.search(r"(https?:)?//[a-z0-9]", text, re.IGNORECASE), name
    assert not re.search(r"(https?:)?//[a-z0-9]|src=|href=", REFUSED, re.IGNORECASE)
    assert "default-src 'none'" in CSP and "https:" not in CSP


def test_only_loopback_addresses_count_as_this_computer() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "::1", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.5", "::", "example.org"))


def test_a_port_in_use_is_one_line_and_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["--data-dir", str(tmp_path), "serve", "--no-browser", "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 1
    assert err == (
        f"coach: cannot listen on 127.0.0.1:{port}: the port is in use; choose another "
        "--port, or leave it out for a free one\n"
    )


def test_another_address_than_this_computer_is_served_only_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:  # a port in use, so that the run stops after the warning
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        argv = ["--data-dir", str(tmp_path), "serve", "--no-browser", "--port", str(port)]
        assert main([*argv, "--host", "0.0.0.0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("coach: warning: serving on 0.0.0.0: other computers on the network")


def test_serve_says_where_reminders_come_from(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    from coach.cli.serve import _announce
    from coach.system.locks import LOCK_NAME, SenderLock

    server = CoachServer(ServeConfig(command=["true"]), Gate(token="t"))
    server.port = 8150
    _announce(server, ctx)
    alone = capsys.readouterr().out
    assert "http://127.0.0.1:8150/?token=t" in alone
    assert "No `coach daemon` runs: reminders come from the app while a tab is open" in alone
    ctx.paths.data_dir.mkdir(parents=True, exist_ok=True)
    daemon = SenderLock(ctx.paths.data_dir / LOCK_NAME, "daemon")
    assert daemon.try_acquire()
    try:
        _announce(server, ctx)
    finally:
        daemon.release()
    assert "Reminders come from `coach daemon` (pid " in capsys.readouterr().out


async def test_a_tab_s_app_that_quits_is_collected_quietly_with_its_own_exit_status(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A tab closed: its app quits as told, and `coach serve` lets it finish: an app ends
    its output a moment before it exits (Python's shutdown), and it used to be killed in
    that moment, or, had it exited just then, collected behind asyncio's back ("Unknown
    child process pid ..., will report returncode 255" in the terminal)."""
    from textual_serve.app_service import AppService
    from textual_serve.download_manager import DownloadManager

    from coach.web.server import _shell_command, _stop

    # Says it is a Textual app, then ends its output and exits a moment later, as an app
    # told to quit does.
    app = [
        sys.executable,
        "-c",
        "import os, sys, time; sys.stdout.write('__GANGLION__\\n'); sys.stdout.flush(); "
        "os.close(1); time.sleep(0.3)",
    ]

    async def ignore(_: object) -> None:
        pass

    async def nothing() -> None:
        pass

    caplog.set_level(logging.WARNING, logger="asyncio")
    for _ in range(3):
        service = AppService(
            _shell_command(app),
            write_bytes=ignore,
            write_str=ignore,
            close=nothing,
            download_manager=DownloadManager(),
        )
        await service.start(80, 24)
        await _stop(service)
        process = service._process
        assert process is not None and process.returncode == 0
    assert [r.getMessage() for r in caplog.records if "child process" in r.getMessage()] == []
