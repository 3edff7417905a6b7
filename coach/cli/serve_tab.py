"""One browser tab's app under `coach serve`: `python -m coach.cli.serve_tab [--data-dir DIR]`.

A module of its own, which `coach serve` names on the command line rather than imports, so
the command modules never import the parser that registers them.
"""

from __future__ import annotations

import os
import sys


def _app_process(argv: list[str]) -> int:
    """One browser tab's app: in a process group of its own, so a Ctrl+C typed at
    `coach serve` reaches the server alone, which then tells each app to quit."""
    from coach.cli.main import main

    os.setpgrp()
    return main(argv)


if __name__ == "__main__":
    raise SystemExit(_app_process(sys.argv[1:]))
