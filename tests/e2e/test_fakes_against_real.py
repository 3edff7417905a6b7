"""RecordingNotifier beside the real PlyerNotifier on a real desktop: what the fake keeps is
what a real notification server shows, and both say it was delivered."""

from __future__ import annotations

import pytest

from coach.desktop.notify import PlyerNotifier
from tests.support.desktop import Desktop
from tests.support.fakes import RecordingNotifier

SENT = (
    ("Screens off: 60 minutes to bedtime", "Time to put screens away and dim the lights."),
    ("Stretch", "Time for your calf and hamstring stretches."),
)


def test_what_the_fake_keeps_is_what_dunst_shows(
    desktop: Desktop, monkeypatch: pytest.MonkeyPatch
) -> None:
    desktop.start_dunst()
    for name, value in desktop.env.items():
        monkeypatch.setenv(name, value)
    real, fake = PlyerNotifier(), RecordingNotifier()
    real_deliveries = [real.notify(title, body) for title, body in SENT]
    fake_deliveries = [fake.notify(title, body) for title, body in SENT]
    assert [d.ok for d in real_deliveries] == [d.ok for d in fake_deliveries] == [True, True]
    shown = [(n["summary"], n["body"]) for n in desktop.received()]
    assert shown == fake.sent == list(SENT)
