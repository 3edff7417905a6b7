"""`coach serve`'s web server: the app in a browser, on this computer only, behind a token.

Each browser tab opens a websocket; each websocket runs one coach app process with Textual's
web driver (textual-serve's `AppService` speaks its protocol), so the app, its records, its
sound and its voice stay on this computer and the browser only shows the screen and sends
keys. textual-serve's own server is not used: as shipped it has no login, no origin check and
loads a font from a third-party server. Here:

- it listens on 127.0.0.1 unless told otherwise, and answers only requests whose `Host` is
  the address it listens on (a web page cannot reach it through a name of its own that
  resolves to 127.0.0.1, "DNS rebinding");
- the link it prints carries a token that works once: it becomes a session cookie
  (HttpOnly, SameSite=Lax) and the browser is sent on to the page without it. Every request
  without that cookie gets 403: the page, its files, the websocket and downloads;
- the websocket also needs an `Origin` of this server's own page: a page from any other
  origin (another port on 127.0.0.1 included, which the cookie alone would not stop) is
  refused before an app starts;
- every file the page loads comes from here (textual-serve's script, style and font,
  coach's page), and a Content-Security-Policy forbids anything else;
- files the app delivers (the doctor's report) are downloads from this server.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hmac
import ipaddress
import json
import re
import secrets
import signal
import string
from collections.abc import Awaitable, Callable, Sequence
from html import escape
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from coach.errors import CoachError

LOOPBACK = "127.0.0.1"
WILDCARDS = ("0.0.0.0", "::", "")
"""Addresses that mean "every address of this computer"."""
MAX_APPS = 4
"""Browser tabs with an app at once; each is a process."""
STOP_SECONDS = 10.0
"""How long an app may take to quit once told to, before it is killed."""
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
"""Ctrl+C, a stop, and the terminal `coach serve` runs in closed."""
EXIT_SECONDS = 2.0
"""How long an app whose output has ended may take to exit, before it is killed."""
SIZE_LIMIT = (1, 1000)
"""The fewest and most columns or rows a browser may ask for."""

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
"""xterm.js writes its own style elements (hence inline styles, which the refusal's page
uses too); nothing else is inline, and nothing comes from elsewhere."""

REFUSED = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>coach: open the link first</title>
<style>
body { background: #000; color: #fff; font: 1.5rem/1.6 sans-serif; max-width: 36em;
       margin: 2em auto; padding: 0 1em; }
code { font-size: 1em; color: #ff0; }
</style></head>
<body>
<h1>coach needs the link it printed</h1>
<p>This page opens with the link that <code>coach serve</code> printed when it started.</p>
<p>The link works once, in one browser. To open coach in another browser, stop
<code>coach serve</code> (Ctrl+C) and start it again: it prints a new link.</p>
</body></html>
"""
"""What a browser without the session is shown: large, white on black, like coach."""


def _refused() -> web.HTTPForbidden:
    return web.HTTPForbidden(text=REFUSED, content_type="text/html")


class ServeConfig(NamedTuple):
    """How to serve: where to listen, what to run for each tab, how big the text starts."""

    command: Sequence[str]
    """The app process for one browser tab (argv; run through a shell with `exec`)."""
    host: str = LOOPBACK
    port: int = 0
    """0: a free port, chosen when the server starts."""
    font_size: int = 16
    """The terminal's text size in the page, in CSS pixels (browser zoom scales it)."""


class Gate:
    """The one-time token and the session cookie it becomes."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token or secrets.token_urlsafe(32)
        self._session: str | None = None

    def exchange(self, offered: str) -> str | None:
        """The session cookie's value for the right token offered first; None otherwise."""
        if self._session is not None or not _same(offered, self.token):
            return None
        self._session = secrets.token_urlsafe(32)
        return self._session

    def admits(self, cookie: str | None) -> bool:
        return self._session is not None and cookie is not None and _same(cookie, self._session)


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8", "replace"), b.encode("utf-8", "replace"))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class CoachServer:
    """The aiohttp application of one `coach serve` run."""

    def __init__(self, config: ServeConfig, gate: Gate | None = None) -> None:
        self.config = config
        self.gate = gate or Gate()
        self.port = config.port
        self.downloads = DownloadManager()
        self._sockets: set[web.WebSocketResponse] = set()
        self._apps: set[asyncio.Task[None]] = set()
        import textual_serve

        self._statics = Path(textual_serve.__file__).parent / "static"
        self._page = string.Template(resources.files(__package__).joinpath("page.html").read_text())
        self._files = {
            "/page.css": (
                resources.files(__package__).joinpath("page.css").read_bytes(),
                "text/css",
            ),
            "/page.js": (
                resources.files(__package__).joinpath("page.js").read_bytes(),
                "text/javascript",
            ),
        }

    @property
    def cookie_name(self) -> str:
        # Cookies are not kept apart by port: the port in the name keeps two servers (and
        # any other local server) from reading or overwriting each other's.
        return f"coach-session-{self.port}"

    @property
    def origin(self) -> str:
        """This server's address for a browser on this computer."""
        host = self.config.host
        return f"http://{_host_port(LOOPBACK if host in WILDCARDS else host, self.port)}"

    @property
    def link(self) -> str:
        """The link to open once: the page, with the token."""
        return f"{self.origin}/?token={self.gate.token}"

    def allowed_hosts(self) -> set[str] | None:
        """The `Host` values answered; None: any (listening on every address)."""
        host = self.config.host
        if host in WILDCARDS:
            return None
        hosts = {_host_port(host, self.port)}
        if is_loopback(host):
            hosts |= {_host_port(name, self.port) for name in ("127.0.0.1", "localhost", "::1")}
        return hosts

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self._guard], client_max_size=64 * 1024)
        app.add_routes(
            [
                web.get("/", self._index),
                web.get("/page.css", self._page_file),
                web.get("/page.js", self._page_file),
                web.get("/favicon.ico", self._no_icon),
                web.get("/ws", self._websocket),
                web.get("/download/{key}", self._download),
                web.static("/static", self._statics, show_index=False, follow_symlinks=False),
            ]
        )
        app.on_response_prepare.append(self._headers)
        app.on_shutdown.append(self._close_sockets)
        return app

    @web.middleware
    async def _guard(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        hosts = self.allowed_hosts()
        if hosts is not None and request.host not in hosts:
            raise _refused()
        if request.method not in ("GET", "HEAD"):
            raise web.HTTPMethodNotAllowed(request.method, ["GET", "HEAD"])
        if request.path == "/" and "token" in request.query:
            if self.gate.admits(request.cookies.get(self.cookie_name)):
                # This browser has the session already (the link opened for it, then
                # clicked again in the terminal): on to the page.
                raise web.HTTPFound("/")
            session = self.gate.exchange(request.query["token"])
            if session is None:
                raise _refused()
            # On to the page without the token, so it stays out of the address bar, the
            # history and any bookmark; the cookie carries the session from here.
            found = web.HTTPFound("/")
            found.set_cookie(self.cookie_name, session, httponly=True, samesite="Lax", path="/")
            raise found
        if not self.gate.admits(request.cookies.get(self.cookie_name)):
            raise _refused()
        if request.path == "/ws" and request.headers.get("Origin") not in self._origins(request):
            raise web.HTTPForbidden(text="coach: a page from another site cannot use coach.\n")
        return await handler(request)

    def _origins(self, request: web.Request) -> set[str]:
        """The origins of this server's own page: the one the request came to."""
        return {f"http://{request.host}"}

    async def _headers(self, request: web.Request, response: web.StreamResponse) -> None:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"

    async def _index(self, request: web.Request) -> web.Response:
        html = self._page.substitute(
            websocket_url=escape(f"ws://{request.host}/ws"),
            font_size=str(self.config.font_size),
        )
        return web.Response(text=html, content_type="text/html")

    async def _page_file(self, request: web.Request) -> web.Response:
        body, content_type = self._files[request.path]
        return web.Response(body=body, content_type=content_type)

    async def _no_icon(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        if len(self._sockets) >= MAX_APPS:
            raise web.HTTPServiceUnavailable(
                text=f"coach: {MAX_APPS} tabs already run coach; close one first.\n"
            )
        socket = web.WebSocketResponse(heartbeat=15, max_msg_size=1024 * 1024)
        await socket.prepare(request)
        self._sockets.add(socket)
        task = asyncio.current_task()
        if task is not None:
            self._apps.add(task)
        service = AppService(
            _shell_command(self.config.command),
            write_bytes=socket.send_bytes,
            write_str=socket.send_str,
            close=_closer(socket),
            download_manager=self.downloads,
        )
        try:
            await service.start(
                _size(request.query.get("width")), _size(request.query.get("height"))
            )
            await self._relay(socket, service)
        finally:
            self._sockets.discard(socket)
            await _stop(service)
            if task is not None:
                self._apps.discard(task)
        return socket

    async def _relay(self, socket: web.WebSocketResponse, service: AppService) -> None:
        """The browser's keys, mouse, size and focus, to the app; anything else is ignored."""
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            match envelope:
                case ["stdin", str(data)]:
                    await service.send_bytes(data.encode("utf-8", "replace"))
                case ["resize", {"width": int(width), "height": int(height)}]:
                    await service.set_terminal_size(_clamp(width), _clamp(height))
                case ["ping", str(data)]:
                    await socket.send_json(["pong", data])
                case ["blur"]:
                    await service.blur()
                case ["focus"]:
                    await service.focus()

    async def _download(self, request: web.Request) -> web.StreamResponse:
        key = request.match_info["key"]
        try:
            meta = await self.downloads.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound(text="coach: that download has gone; save it again.\n") from None
        content_type = meta.mime_type + (f"; charset={meta.encoding}" if meta.encoding else "")
        response = web.StreamResponse(
            headers={
                "Content-Type": content_type,
                "Content-Disposition": f'attachment; filename="{_file_name(meta.file_name)}"',
            }
        )
        await response.prepare(request)
        async for chunk in self.downloads.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    async def _close_sockets(self, app: web.Application) -> None:
        """On stop: close every tab's websocket, which quits its app, and wait for them."""
        for socket in list(self._sockets):
            await socket.close(code=WSCloseCode.GOING_AWAY, message=b"coach serve stopped")
        if self._apps:
            await asyncio.wait(list(self._apps), timeout=STOP_SECONDS + 5)


def _closer(socket: web.WebSocketResponse) -> Callable[[], Awaitable[None]]:
    async def close() -> None:
        await socket.close()

    return close


def _shell_command(argv: Sequence[str]) -> str:
    import shlex

    # `exec`: the shell becomes the app, so stopping it stops the app itself.
    return "exec " + shlex.join(argv)


def _size(text: str | None) -> int:
    try:
        return _clamp(int(text or "80"))
    except ValueError:
        return 80


def _clamp(value: int) -> int:
    low, high = SIZE_LIMIT
    return max(low, min(high, value))


def _file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "coach-download"


async def _stop(service: AppService) -> None:
    """Tell the app to quit; kill it if it has not within STOP_SECONDS."""
    with contextlib.suppress(TimeoutError, OSError):
        await asyncio.wait_for(service.stop(), STOP_SECONDS)
    # AppService keeps its process to itself; an app that did not quit is killed here.
    process = getattr(service, "_process", None)
    if not isinstance(process, asyncio.subprocess.Process):
        return
    # An app that has just quit is collected by asyncio's watcher; killing it before the
    # watcher has seen the exit would collect it first (the kill looks before it signals),
    # and `coach serve` would print "Unknown child process pid ..." in the terminal.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(process.wait(), EXIT_SECONDS)
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()


async def run_server(
    server: CoachServer,
    on_ready: Callable[[CoachServer], None],
    stop: asyncio.Event | None = None,
) -> None:
    """Serve until SIGINT (Ctrl+C), SIGTERM or SIGHUP (its terminal closed), or `stop` is
    set; then close every tab and its app, which would otherwise outlive the server."""
    loop = asyncio.get_running_loop()
    stop = stop or asyncio.Event()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    runner = web.AppRunner(server.application(), handle_signals=False, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, server.config.host, server.config.port)
        try:
            await site.start()
        except OSError as exc:
            where = _host_port(server.config.host, server.config.port)
            if exc.errno == errno.EADDRINUSE:
                raise CoachError(
                    f"cannot listen on {where}: the port is in use; choose another --port, "
                    "or leave it out for a free one"
                ) from None
            raise CoachError(f"cannot listen on {where}: {exc.strerror or exc}") from None
        server.port = _bound_port(runner, server.config.port)
        on_ready(server)
        await stop.wait()
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)
        await runner.cleanup()


def _bound_port(runner: web.AppRunner, asked: int) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return asked
