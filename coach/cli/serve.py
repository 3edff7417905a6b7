"""`coach serve`: the app in a web browser, on this computer, behind a one-time link.

Each browser tab's app runs as `python -m coach.cli.serve_tab [--data-dir DIR]` (see
coach.web.server).
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING, NamedTuple

from coach.errors import UsageError

if TYPE_CHECKING:
    from pathlib import Path

    from coach.cli.args import Subparsers
    from coach.session import Session
    from coach.web.server import CoachServer

OPEN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="0;url={link}"><title>coach</title></head>
<body><p><a href="{link}">Open coach</a></p></body></html>
"""
"""What the browser is given to open: a file of the user's own that sends it to the link, so
the token never appears on a command line other users can read (`ps`)."""


class ServeOptions(NamedTuple):
    port: int
    """0: a free port."""
    host: str | None
    """Another address to listen on than 127.0.0.1; None: 127.0.0.1."""
    no_browser: bool
    font_size: int


def run(options: ServeOptions, ctx: Session) -> int:
    import asyncio
    import tempfile

    from coach.web.server import LOOPBACK, CoachServer, ServeConfig, is_loopback, run_server

    host = LOOPBACK if options.host is None else options.host.strip("[]")
    if not host:
        raise UsageError("--host is empty; leave it out to serve on this computer only")
    if not is_loopback(host):
        print(
            f"coach: warning: serving on {host}: other computers on the network can reach "
            "this server. Only the link's token keeps them out, and the connection is not "
            "encrypted (http): anyone on the network can read the diary as it is shown.",
            file=sys.stderr,
        )
    command = [sys.executable, "-m", "coach.cli.serve_tab"]
    if ctx.paths.config_dir == ctx.paths.data_dir:  # --data-dir or COACH_HOME
        command += ["--data-dir", str(ctx.paths.data_dir)]
    config = ServeConfig(command=command, host=host, port=options.port, font_size=options.font_size)
    with tempfile.TemporaryDirectory(prefix="coach-serve-") as private:

        def ready(server: CoachServer) -> None:
            _announce(server, ctx)
            if not options.no_browser:
                _open_browser(server.link, os.path.join(private, "open-coach.html"))

        asyncio.run(run_server(CoachServer(config), ready))
    with contextlib.suppress(OSError):  # its terminal may be gone (closed: SIGHUP)
        print("coach serve: stopped.", flush=True)
    return 0


def _announce(server: CoachServer, ctx: Session) -> None:
    from coach.system.locks import LOCK_NAME, sender_holder
    from coach.web.server import is_loopback

    holder = sender_holder(ctx.paths.data_dir / LOCK_NAME)
    if holder is not None and holder.kind == "daemon":
        reminders = f"Reminders come from `coach daemon` (pid {holder.pid}), as usual."
    else:
        reminders = (
            "No `coach daemon` runs: reminders come from the app while a tab is open "
            "(`coach daemon` sends them when no tab is)."
        )
    print(
        f"coach is served at {server.origin}/"
        + (" on this computer.\n" if is_loopback(server.config.host) else ".\n")
        + f"Open this link once, in the browser you will use (it then stops working):\n"
        f"    {server.link}\n"
        "Sound and voice play on this computer. Larger text: Ctrl and + in the browser.\n"
        f"{reminders}\n"
        "Press Ctrl+C here to stop.",
        flush=True,
    )


def _open_browser(link: str, page: str) -> None:
    """Open the link in the desktop's browser, if there is a desktop: without one Python
    would start a text browser in this terminal, on top of the server's messages."""
    import webbrowser
    from html import escape
    from pathlib import Path

    if sys.platform != "darwin" and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return
    path: Path = Path(page)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(OPEN_PAGE.format(link=escape(link)))
    with contextlib.suppress(webbrowser.Error):  # the link is printed all the same
        webbrowser.open(path.as_uri())


def register(sub: Subparsers) -> None:
    """Add `serve` to coach's commands."""
    from coach.cli.args import command, int_range

    p = command(
        sub,
        run,
        ServeOptions,
        "serve",
        help="the app in your web browser, on this computer only",
        description="Run coach in your web browser. It listens on this computer only "
        "(127.0.0.1) and prints a link with a one-time token, which it opens in your "
        "browser; without it every request is refused. Larger text: Ctrl and + in the "
        "browser. Stop it with Ctrl+C.",
    )
    p.add_argument(
        "--port",
        type=int_range(0, 65535, "port"),
        default=0,
        metavar="N",
        help="the port to listen on (default: a free one)",
    )
    p.add_argument(
        "--host",
        metavar="ADDRESS",
        help="listen on ADDRESS instead of 127.0.0.1 (other computers could reach it; coach warns)",
    )
    p.add_argument(
        "--no-browser", action="store_true", help="print the link without opening a browser"
    )
    p.add_argument(
        "--font-size",
        type=int_range(8, 64, "font size"),
        default=18,
        metavar="PX",
        help="the text size in the page, in pixels (default 18)",
    )
