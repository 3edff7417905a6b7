"""The operating system underneath: crash-safe files, locks (the store's and the one
sender of reminders), the private log file, and the paths of a data folder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach import lazy_exports

if TYPE_CHECKING:
    from coach.system.files import atomic_write as atomic_write
    from coach.system.files import ensure_dir as ensure_dir
    from coach.system.files import read_regular as read_regular
    from coach.system.locks import FileLock as FileLock
    from coach.system.locks import SenderLock as SenderLock
    from coach.system.locks import sender_holder as sender_holder
    from coach.system.paths import Paths as Paths

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "coach.system.files": ("atomic_write", "read_regular", "ensure_dir"),
        "coach.system.locks": ("FileLock", "SenderLock", "sender_holder"),
        "coach.system.paths": ("Paths",),
    },
)
