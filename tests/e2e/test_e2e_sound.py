"""End to end, with real parts: a private PulseAudio server with a null sink, the real
espeak-ng and paplay, and what reached the sink recorded from its monitor with parec.

Skipped locally without those Debian packages; on CI (CI=true) a missing one fails.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.desktop.voice import AudioCues, check_audio, speaking_notifier
from coach.settings.model import SoundSettings, VoiceSettings
from coach.stretch.cues import Cue
from tests.support.fakes import RecordingNotifier
from tests.support.reminder_support import (
    base_env,
    coach_argv,
    faketime_env,
    require_tools,
    spawn,
    stop,
    wait_for_text,
)
from tests.support.sound_support import (
    SoundServer,
    crossings_per_second,
    sound_spans,
    stop_recording,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SoundServer]:
    require_tools("pulseaudio", "pactl", "parec", "paplay", "espeak-ng")
    root = tmp_path / "pulse"
    root.mkdir()
    sound = SoundServer(root)
    try:
        sound.start()
        yield sound
    finally:
        sound.stop()


def test_voice_test_speaks_through_the_sound_server(server: SoundServer, tmp_path: Path) -> None:
    home = tmp_path / "coach-home"
    home.mkdir()
    (home / "config.toml").write_text('timezone = "Europe/Berlin"\n')
    recording = server.record(tmp_path / "voice.raw")
    env = {**base_env(home), **server.env}
    result = subprocess.run(
        coach_argv("voice-test"), env=env, capture_output=True, text=True, timeout=60, check=False
    )
    time.sleep(0.3)
    samples = stop_recording(recording, tmp_path / "voice.raw")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Spoke a test line with espeak-ng through pulseaudio")
    assert lines[1] == "Played the stretch player's chime with paplay."
    spans = sound_spans(samples)
    heard = sum(end - start for start, end in spans)
    # "This is coach. If you can hear this, spoken cues will reach you." at 150 words a
    # minute: about 4 s of speech; the recording proves it reached the server.
    assert 2.0 <= heard <= 8.0, spans


def test_the_players_cues_reach_the_sound_server_as_a_chime_then_speech(
    server: SoundServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in server.env.items():
        monkeypatch.setenv(key, value)
    found = check_audio()
    assert (found.voice, found.player) == ("espeak-ng", "paplay"), found
    problems: list[str] = []
    rings: list[str] = []
    recording = server.record(tmp_path / "cues.raw")
    cues = AudioCues(
        VoiceSettings(enabled=True),
        SoundSettings(volume=80),
        chimes=True,
        on_problem=problems.append,
        bell=lambda: rings.append("bell"),
    )
    cues.cue(Cue(text="Calf stretch, left leg. Hold.", chime=True))
    time.sleep(3.5)
    cues.close()
    assert cues.join(3)
    time.sleep(0.2)
    samples = stop_recording(recording, tmp_path / "cues.raw")
    assert problems == [] and rings == []
    assert (cues.engine, cues.player) == ("espeak-ng", "paplay")
    spans = sound_spans(samples, gap=0.1)
    assert spans, "nothing reached the sound server"
    first_start = spans[0][0]
    # The chime first: a tone near A5 (880 Hz, so about 1760 zero crossings a second).
    pitch = crossings_per_second(samples, first_start + 0.01, 0.08) / 2
    assert 780 <= pitch <= 980, pitch
    # Then the words, after the chime's gap: at least a second of sound in all.
    heard = sum(end - start for start, end in spans)
    assert heard >= 1.2, spans
    assert spans[-1][1] - first_start >= 1.5, spans


def test_a_new_cue_cuts_the_speech_short(
    server: SoundServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in server.env.items():
        monkeypatch.setenv(key, value)
    recording = server.record(tmp_path / "cut.raw")
    cues = AudioCues(
        VoiceSettings(enabled=True),
        SoundSettings(),
        chimes=False,
        on_problem=lambda text: None,
        bell=lambda: None,
    )
    long_line = "Hamstring and calf stretch, seated, left leg. " * 4
    cues.cue(Cue(text=long_line))
    time.sleep(1.0)
    cues.cue(Cue(text="Rest."))
    time.sleep(1.5)
    cues.close()
    assert cues.join(3)
    samples = stop_recording(recording, tmp_path / "cut.raw")
    heard = sum(end - start for start, end in sound_spans(samples))
    # The long line alone takes over 8 s; cut after 1 s, all sound is over within ~2.5 s.
    assert 0.5 <= heard <= 2.5, sound_spans(samples)


def test_a_reminder_speaks_its_title_through_the_sound_server(
    server: SoundServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in server.env.items():
        monkeypatch.setenv(key, value)
    inner = RecordingNotifier()
    notifier = speaking_notifier(inner, lambda: (VoiceSettings(enabled=True), SoundSettings()))
    recording = server.record(tmp_path / "reminder.raw")
    delivery = notifier.notify("Stretches: 10 minutes to bedtime", "Time for the stretches.")
    time.sleep(3.0)
    samples = stop_recording(recording, tmp_path / "reminder.raw")
    assert delivery.ok and delivery.detail == "spoken by espeak-ng"
    assert inner.sent == [("Stretches: 10 minutes to bedtime", "Time for the stretches.")]
    heard = sum(end - start for start, end in sound_spans(samples))
    assert 1.0 <= heard <= 3.0, sound_spans(samples)


def test_the_daemon_speaks_a_due_reminder_with_voice_on(
    server: SoundServer, tmp_path: Path
) -> None:
    home = tmp_path / "daemon-home"
    home.mkdir()
    (home / "config.toml").write_text(
        'timezone = "Europe/Berlin"\nbedtime = "22:30"\n[voice]\nenabled = true\n'
    )
    recording = server.record(tmp_path / "daemon.raw")
    # 21:29:58 in Berlin: screens-off (T-60) is due in two seconds. No desktop session: the
    # notification falls back to the bell, and the title is spoken all the same.
    env = {**base_env(home), **server.env, **faketime_env("2026-11-22 20:29:58")}
    daemon = spawn(coach_argv("daemon"), env)
    log_path = home / "logs" / "daemon.log"
    try:
        wait_for_text(log_path, "reminder screens-off")
        time.sleep(3.0)
    finally:
        code, _, err = stop(daemon)
    samples = stop_recording(recording, tmp_path / "daemon.raw")
    assert code == 0, err
    log = log_path.read_text()
    assert "'Screens off: 60 minutes to bedtime' sent via terminal-bell" in log
    assert "spoken by espeak-ng" in log
    heard = sum(end - start for start, end in sound_spans(samples))
    assert heard >= 1.0, sound_spans(samples)
