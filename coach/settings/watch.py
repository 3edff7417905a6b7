"""Following config.toml while coach runs: new settings only from a whole, valid file.

Editors save in several ways. Some replace the file at once (write a copy, rename it);
many truncate the file and write the new text a few milliseconds later. Read in between,
the file is empty (which parses as all the defaults) or half written. So a long-running
process (the reminder daemon, the app) takes new settings only when

- the file has stood still: the same size, time stamp and inode seen twice at least
  `settle` seconds apart (by the monotonic clock), and unchanged while it was read; and
- it parses and passes every check of `load_settings`.

Until then the last good settings stay in force. A file that has settled but is broken is
reported once (per version of the file), and its settings stay as they were.

    watcher = ConfigWatcher(path, clock, settings)   # `settings`: what is in force now
    ...                                              # from a timer, or on a file event:
    new = watcher.poll()          # new Settings, or None (no change, settling, or broken)
    problem = watcher.take_problem()   # the one-time text about a broken file, or None
    wait = watcher.recheck_in()   # seconds until poll() may have news, or None

`poll()` never raises for the file's content; it is cheap when nothing changed (one stat).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from coach.clock import Clock
from coach.errors import CoachError
from coach.settings.model import Settings, load_settings

SETTLE_SECONDS = 0.5
"""How long config.toml must stand still before it is read: editors that truncate and then
write take 5-50 ms between the two."""


class Signature(NamedTuple):
    """What tells one version of a file from another without reading it."""

    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int


def signature(path: Path) -> Signature | None:
    """The file's signature, or None when there is no file (or it cannot be looked at)."""
    try:
        stat = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return Signature(stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


class ConfigWatcher:
    """Turns changes of config.toml into new Settings once the file is whole and valid."""

    def __init__(
        self,
        path: Path,
        clock: Clock,
        settings: Settings,
        *,
        settle: float = SETTLE_SECONDS,
        load: Callable[[Path], Settings] = load_settings,
    ) -> None:
        """`settings`: the ones in force, read from the file as it is now. `load` reads
        and checks the file (raises CoachError); tests of the app may pass their own."""
        self.path = path
        self.clock = clock
        self.settings = settings
        self.settle = settle
        self.load = load
        self._accepted: Signature | None = signature(path)
        self._seen: Signature | None = self._accepted
        self._seen_at = clock.monotonic()
        self._rejected: Signature | None = None
        self._problem: str | None = None
        self._told = True

    @property
    def problem(self) -> str | None:
        """Why the file in place is not used (it is broken), or None."""
        return self._problem

    def take_problem(self) -> str | None:
        """The problem text the first time it is asked for after a new broken version
        appeared; None otherwise (so it is said once)."""
        if self._told or self._problem is None:
            return None
        self._told = True
        return self._problem

    def accept(self, settings: Settings) -> None:
        """The caller wrote the file itself (`config set`) and uses these settings now."""
        self.settings = settings
        self._accepted = self._seen = signature(self.path)
        self._seen_at = self.clock.monotonic()
        self._rejected, self._problem = None, None

    def recheck_in(self) -> float | None:
        """Seconds until `poll()` can tell whether a change seen is whole; None when no
        change is waiting."""
        if self._seen in (self._accepted, self._rejected):
            return None
        return max(0.0, self._seen_at + self.settle - self.clock.monotonic())

    def poll(self) -> Settings | None:
        """New settings when config.toml changed, has stood still and is valid; else None."""
        now = self.clock.monotonic()
        current = signature(self.path)
        if current != self._seen:
            self._seen, self._seen_at = current, now  # still changing: look again later
            return None
        if current in (self._accepted, self._rejected):
            return None
        if now - self._seen_at < self.settle:
            return None
        try:
            settings = self.load(self.path)
        except CoachError as exc:
            if signature(self.path) != current:  # written to while we read: wait again
                self._seen, self._seen_at = signature(self.path), now
                return None
            self._rejected = current
            if str(exc) != self._problem:
                self._problem, self._told = str(exc), False
            return None
        if signature(self.path) != current:
            self._seen, self._seen_at = signature(self.path), now
            return None
        self._accepted, self._rejected, self._problem = current, None, None
        if settings == self.settings:
            return None
        self.settings = settings
        return settings
