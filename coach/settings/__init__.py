"""Settings: the frozen model of config.toml, how it is read and checked, how keys are
changed (one atomic write), and the watcher that rereads it once a change is whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach import lazy_exports

if TYPE_CHECKING:
    from coach.settings.model import Settings as Settings
    from coach.settings.model import config_change as config_change
    from coach.settings.model import config_get as config_get
    from coach.settings.model import config_set as config_set
    from coach.settings.model import config_unset as config_unset
    from coach.settings.model import known_keys as known_keys
    from coach.settings.model import load_settings as load_settings
    from coach.settings.watch import ConfigWatcher as ConfigWatcher

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "coach.settings.model": (
            "Settings",
            "load_settings",
            "config_get",
            "config_set",
            "config_unset",
            "config_change",
            "known_keys",
        ),
        "coach.settings.watch": ("ConfigWatcher",),
    },
)
