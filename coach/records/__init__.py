"""The records on disk: the store and its record types, their schema, the month files and
their TinyDB storage, the write order, and the daily backups.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach import lazy_exports

if TYPE_CHECKING:
    from coach.records.backup import Backups as Backups
    from coach.records.files import DamagedFile as DamagedFile
    from coach.records.store import CrampLog as CrampLog
    from coach.records.store import Event as Event
    from coach.records.store import StepRecord as StepRecord
    from coach.records.store import Store as Store
    from coach.records.store import Tombstone as Tombstone
    from coach.records.store import open_store as open_store

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "coach.records.store": (
            "Store",
            "open_store",
            "StepRecord",
            "CrampLog",
            "Event",
            "Tombstone",
        ),
        "coach.records.backup": ("Backups",),
        "coach.records.files": ("DamagedFile",),
    },
)
