"""Open a file with the desktop's own viewer: the report, to read or print it.

`xdg-open` on Linux and the BSDs, `open` on macOS, the file's association on Windows. The
viewer is started on its own and left running; a missing opener is said in one line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path


def opener_argv(path: Path, which: Callable[[str], str | None] = shutil.which) -> list[str] | None:
    """The command that opens `path` in the desktop's viewer here, or None if there is none."""
    if sys.platform == "darwin":
        found = which("open")
    elif sys.platform.startswith("win"):
        return None  # os.startfile, below
    else:
        found = which("xdg-open")
    return [found, str(path)] if found else None


def open_file(
    path: Path,
    *,
    which: Callable[[str], str | None] = shutil.which,
    start: Callable[[list[str]], object] | None = None,
) -> str | None:
    """Open `path` with the desktop's viewer; None when it was started, else why not."""
    if sys.platform.startswith("win") and start is None:
        try:
            os.startfile(path)  # type: ignore[attr-defined]  # Windows only
        except OSError as exc:
            return f"could not open it ({exc.strerror or exc})"
        return None
    argv = opener_argv(path, which)
    if argv is None:
        tool = "open" if sys.platform == "darwin" else "xdg-open"
        return f"{tool} was not found (Debian/Ubuntu: apt install xdg-utils)"
    try:
        (start or _detach)(argv)
    except OSError as exc:
        return f"could not start {Path(argv[0]).name} ({exc.strerror or exc})"
    return None


def _detach(argv: list[str]) -> None:
    subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
