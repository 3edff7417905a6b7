"""The command line: the parser and one module per command, each with its typed options
and its handler. The composition root: it alone may import `screens` (lazily, to start the
app) and the reminder daemon.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach import lazy_exports

if TYPE_CHECKING:
    from coach.cli.main import build_parser as build_parser
    from coach.cli.main import main as main

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "coach.cli.main": ("main", "build_parser"),
    },
)
