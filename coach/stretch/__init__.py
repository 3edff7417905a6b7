"""The guided stretch: the player's timeline (holds, reps, rests, on a monotonic deadline)
and its spoken and sounded cues. Knows nothing of Textual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach import lazy_exports

if TYPE_CHECKING:
    from coach.stretch.cues import Cue as Cue
    from coach.stretch.cues import SessionCues as SessionCues
    from coach.stretch.player import Slot as Slot
    from coach.stretch.player import StretchSession as StretchSession
    from coach.stretch.player import plan_slots as plan_slots

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "coach.stretch.player": ("StretchSession", "Slot", "plan_slots"),
        "coach.stretch.cues": ("Cue", "SessionCues"),
    },
)
