"""coach in a browser (`coach serve`): a local web server, behind a one-time link, that runs
the app in one process per browser tab.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach import lazy_exports

if TYPE_CHECKING:
    from coach.web.server import CoachServer as CoachServer
    from coach.web.server import ServeConfig as ServeConfig

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "coach.web.server": ("CoachServer", "ServeConfig"),
    },
)
