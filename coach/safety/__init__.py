"""Safety: the red-flag rules of CONTENT.md, the flags raised and acknowledged, the
reading of free-text notes, and the medicines linked to cramps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach import lazy_exports

if TYPE_CHECKING:
    from coach.safety.flags import RaisedFlag as RaisedFlag
    from coach.safety.flags import acknowledge as acknowledge
    from coach.safety.flags import open_flags as open_flags
    from coach.safety.flags import urgent_unacknowledged as urgent_unacknowledged
    from coach.safety.notes import read_note as read_note
    from coach.safety.rules import RedFlag as RedFlag
    from coach.safety.rules import check_after_save as check_after_save
    from coach.safety.rules import find_red_flags as find_red_flags

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "coach.safety.rules": ("RedFlag", "check_after_save", "find_red_flags"),
        "coach.safety.flags": ("RaisedFlag", "open_flags", "acknowledge", "urgent_unacknowledged"),
        "coach.safety.notes": ("read_note",),
    },
)
