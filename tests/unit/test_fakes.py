"""The fakes in tests/support keep the contracts of the real parts they stand in for.

The real parts' own behaviour is tested beside them: PlyerNotifier in test_notify.py and,
against a real notification server, tests/e2e/test_fakes_against_real.py; AudioCues in
test_voice.py and tests/e2e/test_e2e_sound.py. FakeClock stays in coach.clock, as the
injected-time contract the benchmarks use too; it is checked against SystemClock here.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from coach.clock import FakeClock, SystemClock
from coach.desktop.notify import Delivery, PlyerNotifier
from coach.desktop.voice import AudioCues
from tests.support.fakes import RecordingNotifier, RecordingSpeaker
from tests.support.reminder_support import ShiftedClock


def _shape(method: Callable[..., object]) -> list[tuple[str, object]]:
    signature = inspect.signature(method)
    return [(p.name, p.annotation) for p in signature.parameters.values()] + [
        ("return", signature.return_annotation)
    ]


def test_the_recording_notifier_is_called_and_answers_as_plyer_notifier() -> None:
    assert _shape(RecordingNotifier.notify) == _shape(PlyerNotifier.notify)
    assert isinstance(RecordingNotifier().notify("Stretch", "now"), Delivery)


def test_a_failing_recording_notifier_fails_as_the_real_one_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The real backend with no session bus: not shown, and a reason the user can read.
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/nonexistent-runtime-dir")
    real = PlyerNotifier().notify("Stretch", "now")
    fake = RecordingNotifier(ok=False).notify("Stretch", "now")
    assert (real.ok, fake.ok) == (False, False)
    assert real.detail and fake.detail


def test_the_recording_speaker_takes_cues_as_audio_cues_does() -> None:
    for method in ("cue", "close"):
        assert _shape(getattr(RecordingSpeaker, method)) == _shape(getattr(AudioCues, method))


def test_the_test_clocks_tell_time_as_the_system_clock_does() -> None:
    real = SystemClock()
    start = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
    fake, shifted = FakeClock(start), ShiftedClock.starting_at(start)
    for clock in (fake, shifted):
        for method in ("now", "monotonic"):
            assert _shape(getattr(type(clock), method)) == _shape(getattr(SystemClock, method))
        assert clock.now().utcoffset() == real.now().utcoffset() == timedelta(0)
    # Both wall clocks move with their monotonic one, as the real clock does while awake.
    fake.advance(2.5)
    assert fake.now() - start == timedelta(seconds=2.5)
    before, mono = shifted.now(), shifted.monotonic()
    time.sleep(0.3)
    wall, passed = (shifted.now() - before).total_seconds(), shifted.monotonic() - mono
    assert abs(wall - passed) < 0.1 and passed >= 0.3
