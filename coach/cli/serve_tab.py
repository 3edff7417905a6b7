"""One browser tab's app under `coach serve`: `python -m coach.cli.serve_tab [--data-dir DIR]`.

A module of its own, which `coach serve` names on the command line rather than imports, so
the command modules never import the parser that registers them.
"""

from __future__ import annotations

import os
import sys

SERVER_CHECK_SECONDS = 1.0
"""How often a tab's app looks whether `coach serve` still runs."""


def _end_with_the_server(server: int) -> None:
    """`coach serve` tells each tab's app to quit when it stops. Killed (or crashed), it
    cannot: then the app, which no browser can reach any more, ends within a second or
    so, rather than run on unseen, holding the reminders."""
    import signal
    import threading
    import time

    def watch() -> None:
        while os.getppid() == server:
            time.sleep(SERVER_CHECK_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="coach-serve-watch", daemon=True).start()


def _app_process(argv: list[str]) -> int:
    """One browser tab's app: in a process group of its own, so a Ctrl+C typed at
    `coach serve` reaches the server alone, which then tells each app to quit."""
    from coach.cli.main import main

    os.setpgrp()
    _end_with_the_server(os.getppid())
    return main(argv)


if __name__ == "__main__":
    raise SystemExit(_app_process(sys.argv[1:]))
