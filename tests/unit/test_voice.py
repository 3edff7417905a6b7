"""The cue speaker's worker (coach.desktop.voice.AudioCues) and the speaking reminders, with fake
engines; tests/e2e/test_e2e_sound.py runs the real engine and player into a real sound server."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from coach.clock import SystemClock
from coach.desktop.voice import AudioCheck, AudioCues, SpeakingNotifier, chime_wav, voice_argv
from coach.session import Session
from coach.settings.model import SoundSettings, VoiceSettings
from coach.stretch.cues import Cue
from screens.stretch_player import StretchScreen
from tests.support.apps import MakeApp
from tests.support.fakes import RecordingNotifier

ON = VoiceSettings(enabled=True)
FOUND = AudioCheck(voice="espeak-ng", player="paplay", server="pulseaudio 16.1")
NOTHING = AudioCheck(
    voice=None,
    player=None,
    server=None,
    problems=("no speech engine: install x", "no sound player: install y"),
)


class FakeSound:
    """A sound that lasts `seconds` unless stopped; its engine takes `start_delay` to start."""

    def __init__(self, log: list[str], what: str, seconds: float) -> None:
        self.log = log
        self.what = what
        self.ends = time.monotonic() + seconds
        self.stopped = False
        log.append(f"start {what}")

    def running(self) -> bool:
        return not self.stopped and time.monotonic() < self.ends

    def stop(self) -> None:
        if self.running():
            self.log.append(f"cut {self.what}")
        self.stopped = True


def slow_engine(log: list[str], start_delay: float = 0.4, seconds: float = 2.0):  # type: ignore[no-untyped-def]
    def speak(text: str) -> FakeSound:
        time.sleep(start_delay)  # a slow engine blocks its caller: it must be the worker
        return FakeSound(log, text, seconds)

    return speak


def wait_for(condition, timeout: float = 3.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert condition()


def test_a_cue_returns_at_once_and_the_next_cuts_the_last_short() -> None:
    log: list[str] = []
    cues = AudioCues(
        ON,
        SoundSettings(),
        chimes=True,
        on_problem=log.append,
        bell=lambda: log.append("bell"),
        speak=slow_engine(log),
        play=lambda path: FakeSound(log, f"chime {path.name}", 0.45),
    )
    began = time.monotonic()
    cues.cue(Cue(text="Rest.", chime=True))
    cues.cue(Cue(text="three"))
    took = time.monotonic() - began
    assert took < 0.05  # the engine's 0.4 s start happens on the worker
    wait_for(lambda: "start three" in log)
    cues.cue(Cue(text="two"))
    wait_for(lambda: "start two" in log)
    cues.close()
    assert cues.join(3)
    # "Rest." was never spoken: "three" came during the chime's gap and replaced it.
    assert log == [
        "start chime chime.wav",
        "cut chime chime.wav",
        "start three",
        "cut three",
        "start two",
        "cut two",
    ]


def test_no_voice_is_said_once_and_chimes_carry_the_changes() -> None:
    problems: list[str] = []
    played: list[str] = []
    cues = AudioCues(
        ON,
        SoundSettings(),
        chimes=False,
        on_problem=problems.append,
        bell=lambda: played.append("bell"),
        check=lambda: AudioCheck(voice=None, player="paplay", server="x", problems=("no",)),
        play=lambda path: FakeSound(played, "chime", 0.1),
    )
    for text in ("Rest.", "Hold, rep 2.", "Rest."):
        cues.cue(Cue(text=text, chime=True))
        time.sleep(0.05)
    cues.cue(Cue(text="three"))  # not a change: no chime
    cues.close()
    assert cues.join(3)
    assert len(problems) == 1 and problems[0].startswith("No voice available for spoken cues")
    assert "espeak-ng" in problems[0]
    assert played.count("start chime") == 3


def test_no_sound_at_all_falls_back_to_the_bell() -> None:
    problems: list[str] = []
    rings: list[str] = []
    cues = AudioCues(
        VoiceSettings(),
        SoundSettings(),
        chimes=True,
        on_problem=problems.append,
        bell=lambda: rings.append("bell"),
        check=lambda: NOTHING,
    )
    cues.cue(Cue(text="Rest.", chime=True))
    cues.cue(Cue(text="three"))
    cues.close()
    assert cues.join(3)
    assert rings == ["bell"]
    assert problems == [
        "No sound for chimes (no sound player: install y); the terminal bell instead."
    ]


def test_the_chime_is_a_short_non_silent_wav_scaled_by_volume(tmp_path: Path) -> None:
    import array
    import io
    import wave

    def peak(volume: int) -> tuple[float, int]:
        with wave.open(io.BytesIO(chime_wav(volume))) as wav:
            frames = wav.readframes(wav.getnframes())
            seconds = wav.getnframes() / wav.getframerate()
        return seconds, max(abs(s) for s in array.array("h", frames))

    seconds, loud = peak(100)
    assert 0.3 <= seconds <= 0.6 and loud > 10000
    assert peak(50)[1] < loud * 0.6
    assert peak(0)[1] == 0


def test_the_engine_gets_rate_and_volume() -> None:
    argv = voice_argv("espeak-ng", "Rest.", VoiceSettings(rate=130), SoundSettings(volume=60))
    assert argv == ["espeak-ng", "-s", "130", "-a", "60", "--", "Rest."]


def test_reminders_speak_their_title_only_with_voice_on_and_a_server() -> None:
    inner = RecordingNotifier()
    spoken: list[tuple[str, str]] = []
    settings = [(VoiceSettings(), SoundSettings())]
    found = [FOUND]
    notifier = SpeakingNotifier(
        inner,
        lambda: settings[0],
        check=lambda: found[0],
        speak=lambda engine, text: spoken.append((engine, text)),  # type: ignore[arg-type,func-returns-value]
    )
    assert notifier.notify("Stretches: 10 minutes to bedtime", "body").detail == ""
    assert spoken == []
    settings[0] = (ON, SoundSettings())
    delivery = notifier.notify("Stretches: 10 minutes to bedtime", "body")
    assert delivery.ok and delivery.detail == "spoken by espeak-ng"
    assert spoken == [("espeak-ng", "Stretches: 10 minutes to bedtime")]
    found[0] = AudioCheck(voice="espeak-ng", player=None, server=None, problems=("no server",))
    assert notifier.notify("Sleep position", "body").detail == "not spoken: no server"
    assert len(spoken) == 1
    assert [title for title, _ in inner.sent] == [
        "Stretches: 10 minutes to bedtime",
        "Stretches: 10 minutes to bedtime",
        "Sleep position",
    ]


async def test_a_slow_speaker_does_not_change_the_players_timing(
    ctx: Session, make_app: MakeApp
) -> None:
    """Real clock: every cue's engine takes 0.4 s to start and speaks 2 s, yet each phase
    changes within a tick of its deadline."""
    ctx.paths.config_file.write_text(
        'timezone = "Europe/Berlin"\n[stretch]\nhold_seconds = 1\nrest_seconds = 1\n'
        'reps = 2\nvariant = "seated"\n[voice]\nenabled = true\n'
    )
    log: list[str] = []
    speaker = AudioCues(
        ON,
        SoundSettings(),
        chimes=True,
        on_problem=log.append,
        bell=lambda: None,
        speak=slow_engine(log),
        play=lambda path: FakeSound(log, "chime", 0.45),
    )
    app = make_app(settings=ctx.reload_settings(), clock=SystemClock())
    changes: list[tuple[float, str]] = []
    async with app.run_test(size=(100, 30)) as pilot:
        player = StretchScreen(date(2026, 11, 22), speaker=speaker)
        app.push_screen(player)
        await pilot.pause()
        session = player.session
        assert session is not None

        def probe() -> None:
            if session.phase != (changes[-1][1] if changes else None):
                changes.append((time.monotonic(), session.phase))

        started: list[float] = []
        start = session.start

        def timed_start() -> None:
            started.append(time.monotonic())
            start()

        session.start = timed_start  # type: ignore[method-assign]
        app.set_interval(0.005, probe)
        await pilot.press("space")
        began = started[0]
        for _ in range(200):
            await pilot.pause(0.05)
            if session.finished:
                break
    phases = [phase for _, phase in changes]
    # Four holds (two per leg) with a rest between each: 7 s in all ("hold" from mount).
    assert phases == ["hold", "rest", "hold", "rest", "hold", "rest", "hold", "done"]
    ideal = [1, 2, 3, 4, 5, 6, 7]
    late = [at - began - due for (at, _), due in zip(changes[1:], ideal, strict=True)]
    assert min(late) >= 0
    assert max(late) < 0.25, late  # the screen ticks every 0.1 s; the voice adds nothing
    assert any(entry.startswith("cut ") for entry in log)  # speech was cut short by cues


def test_voice_without_a_sound_server_is_said_once() -> None:
    problems: list[str] = []
    cues = AudioCues(
        ON,
        SoundSettings(),
        chimes=False,
        on_problem=problems.append,
        bell=lambda: None,
        check=lambda: AudioCheck(
            voice="espeak-ng", player=None, server=None, problems=("no sound player: install y",)
        ),
        speak=lambda text: FakeSound([], text, 0.1),
    )
    cues.cue(Cue(text="Rest.", chime=True))
    cues.cue(Cue(text="three"))
    cues.close()
    assert cues.join(3)
    assert problems == [
        "No sound server for spoken cues (no sound player: install y); they may not be heard."
    ]
