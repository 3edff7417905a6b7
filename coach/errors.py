"""Errors a user can act on. Each renders as one clear line; the CLI exits 1."""

from __future__ import annotations

from pathlib import Path


class CoachError(Exception):
    """An error with a message fit to show the user as it is."""


class ConfigError(CoachError):
    """config.toml holds something we cannot use."""

    def __init__(self, path: Path | str, key: str | None, problem: str) -> None:
        self.path = Path(path)
        self.key = key
        self.problem = problem
        # A key is read from the file: one with a control character in it (an escape that
        # would clear the screen, say) is shown escaped, never sent to the terminal.
        if key is not None and not key.isprintable():
            key = key.encode("unicode_escape").decode("ascii")
        where = f"{self.path}: {key}" if key else f"{self.path}"
        super().__init__(f"{where}: {problem}")


class UsageError(Exception):
    """Bad command-line input: one line on stderr, exit 2 (not 1, as a CoachError)."""


class StoreError(CoachError):
    """The database cannot be read or written; nothing was overwritten."""
