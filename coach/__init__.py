"""coach: a bedtime coach for night-time leg cramps. The core knows nothing of Textual."""

from __future__ import annotations

from typing import TYPE_CHECKING

DISTRIBUTION = "bedtime-coach"
"""The name coach is installed under (pip, pipx); the command and the packages are coach."""


def installed_version() -> str:
    """The installed version, which pyproject.toml alone sets."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # a source tree run without installing it
        return "0+unknown"


if TYPE_CHECKING:
    __version__: str
else:

    def __getattr__(name: str) -> str:
        # Read on first use: importlib.metadata costs more at startup than coach may spend.
        if name == "__version__":
            return installed_version()
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
