"""The parts one run of coach works with, built from a data folder and a clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from coach.backup import Backups
from coach.clock import Clock, SystemClock
from coach.paths import Paths
from coach.record_store import Store, open_store
from coach.settings import Settings, load_settings

if TYPE_CHECKING:
    from coach.diary import DiaryService


@dataclass
class Context:
    """Paths, clock, and (built on first use) settings, store and backups."""

    paths: Paths
    kind: str = "cli"
    """Which part of the app this is: 'cli', 'tui' or 'daemon'; stamped on records."""
    clock: Clock = field(default_factory=SystemClock)

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.paths.config_file)

    @cached_property
    def backups(self) -> Backups:
        return Backups(self.paths.db_dir, self.paths.backups_dir, self.clock)

    @cached_property
    def store(self) -> Store:
        store = open_store(self.paths.db_dir, self.paths.lock_file, self.clock, self.kind)
        self.backups.attach(store)
        return store

    @cached_property
    def diary(self) -> DiaryService:
        """The diary API on this folder's store, settings and clock."""
        from coach.diary import DiaryService

        return DiaryService(
            self.store, self.settings, self.clock, config_path=self.paths.config_file
        )

    def reload_settings(self) -> Settings:
        """Forget the cached settings (after `config set` or an edit) and read them again."""
        self.__dict__.pop("settings", None)
        self.__dict__.pop("diary", None)
        return self.settings
