"""The desktop around coach: notifications, voice and sound, wake-ups after sleep and
clock changes, autostart at login, and the checks `coach doctor` runs on them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach import lazy_exports

if TYPE_CHECKING:
    from coach.desktop.autostart import daemon_argv as daemon_argv
    from coach.desktop.autostart import systemd_unit as systemd_unit
    from coach.desktop.notify import BellNotifier as BellNotifier
    from coach.desktop.notify import Delivery as Delivery
    from coach.desktop.notify import Notifier as Notifier
    from coach.desktop.notify import PlyerNotifier as PlyerNotifier
    from coach.desktop.voice import AudioCues as AudioCues
    from coach.desktop.voice import BellSpeaker as BellSpeaker
    from coach.desktop.voice import Speaker as Speaker
    from coach.desktop.voice import check_audio as check_audio
    from coach.desktop.voice import speak as speak
    from coach.desktop.voice import speaking_notifier as speaking_notifier
    from coach.desktop.wake import Watch as Watch
    from coach.desktop.wake import WatchUnavailable as WatchUnavailable
    from coach.desktop.wake import start_clock_watch as start_clock_watch
    from coach.desktop.wake import start_file_watch as start_file_watch

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "coach.desktop.notify": ("Delivery", "Notifier", "PlyerNotifier", "BellNotifier"),
        "coach.desktop.voice": (
            "Speaker",
            "BellSpeaker",
            "AudioCues",
            "check_audio",
            "speak",
            "speaking_notifier",
        ),
        "coach.desktop.wake": (
            "Watch",
            "WatchUnavailable",
            "start_clock_watch",
            "start_file_watch",
        ),
        "coach.desktop.autostart": ("systemd_unit", "daemon_argv"),
    },
)
