"""Speech and chimes through the desktop's own tools, off the caller's thread.

The voice is a speech engine run as a process per line (espeak-ng first: it starts
speaking in about 75 ms, needs no daemon, and stops the moment its process is ended;
speech-dispatcher's `spd-say` and macOS `say` next). The chime is a short WAV made here
and played by the sound server's own player (pw-play for PipeWire, paplay for PulseAudio,
aplay for bare ALSA). Neither blocks the caller: `AudioCues.cue` queues the cue for a
worker thread, and a new cue cuts the one still sounding short.

`check_audio()` tells what would speak and play here and what to install if nothing does.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import queue
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol

from coach.desktop.notify import Delivery, Notifier
from coach.settings.model import SoundSettings, VoiceSettings
from coach.stretch.cues import Cue

VOICE_ENGINES: tuple[str, ...] = ("espeak-ng", "spd-say", "say")
"""In order of preference. Measured (bench/voice_latency.py): espeak-ng speaks 108 ms after
its start (median, never silent) and is silent 9 ms after it is stopped; spd-say is
quicker once warm (78 ms) but takes 1.6 s on its first call and needs `spd-say -C` to stop;
pyttsx3 was silent in 2 of 8 runs and returns before its speech ends."""
PLAYERS: tuple[str, ...] = ("pw-play", "paplay", "aplay")
CHIME_GAP = 0.3
"""Seconds between a chime and the words after it, so they do not sound at once."""
PROBE_TIMEOUT = 2.0
INSTALL_VOICE = "install espeak-ng (Debian/Ubuntu: apt install espeak-ng)"
INSTALL_PLAYER = (
    "install a sound player: pulseaudio-utils (paplay), pipewire-bin (pw-play) "
    "or alsa-utils (aplay)"
)

Which = Callable[[str], str | None]


# --- what is there ----------------------------------------------------------------------


class AudioCheck(NamedTuple):
    """What can speak and play here, and what to install for what cannot."""

    voice: str | None
    """The speech engine that would speak: 'espeak-ng', 'spd-say', 'say', or None."""
    player: str | None
    """The player for chimes: 'pw-play', 'paplay', 'aplay', or None."""
    server: str | None
    """The sound server that answered ('pulseaudio 16.1', 'PipeWire'), if one did."""
    problems: tuple[str, ...] = ()
    """One line per missing part, saying what to install."""

    @property
    def ok(self) -> bool:
        return self.voice is not None and self.player is not None


def find_voice(which: Which = shutil.which) -> str | None:
    """The first speech engine installed, or None."""
    for engine in VOICE_ENGINES:
        if engine == "say" and sys.platform != "darwin":
            continue
        if which(engine):
            return engine
    return None


def _pulse_server(which: Which) -> str | None:
    """The PulseAudio-protocol server that answers (PipeWire's pulse layer too), if any."""
    pactl = which("pactl")
    if pactl is None:
        return None
    try:
        result = subprocess.run(
            [pactl, "info"],
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT,
            check=False,
            env=_c_locale(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    info = dict(line.split(":", 1) for line in result.stdout.splitlines() if ":" in line)
    name = info.get("Server Name", "a sound server").strip()
    version = info.get("Server Version", "").strip()
    return f"{name} {version}".strip()


def _pipewire_socket() -> bool:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    remote = os.environ.get("PIPEWIRE_REMOTE", "pipewire-0")
    return runtime is not None and (Path(runtime) / remote).exists()


def _alsa_device() -> bool:
    snd = Path("/dev/snd")
    return snd.is_dir() and any(entry.name.startswith("pcm") for entry in snd.iterdir())


def find_player(which: Which = shutil.which) -> tuple[str | None, str | None, str]:
    """(player, server, why not): the first player whose sound server answers."""
    if which("pw-play") and _pipewire_socket():
        return "pw-play", "PipeWire", ""
    server = _pulse_server(which) if which("paplay") else None
    if server is not None:
        return "paplay", server, ""
    if which("aplay") and _alsa_device():
        return "aplay", "ALSA", ""
    if not any(which(player) for player in PLAYERS):
        return None, None, f"no sound player: {INSTALL_PLAYER}"
    return None, None, "no sound server answered (PipeWire, PulseAudio) and no ALSA device"


def check_audio(which: Which = shutil.which) -> AudioCheck:
    """What would speak and chime here now; a few ms, at most PROBE_TIMEOUT."""
    voice = find_voice(which)
    player, server, why = find_player(which)
    problems: list[str] = []
    if voice is None:
        problems.append(f"no speech engine: {INSTALL_VOICE}")
    if player is None:
        problems.append(why)
    return AudioCheck(voice=voice, player=player, server=server, problems=tuple(problems))


def _c_locale() -> dict[str, str]:
    return {**os.environ, "LC_ALL": "C"}


# --- making sound -----------------------------------------------------------------------


def voice_argv(engine: str, text: str, voice: VoiceSettings, sound: SoundSettings) -> list[str]:
    """The command line that speaks `text` with `engine` at the configured rate and volume."""
    if engine == "espeak-ng":
        # -a is amplitude 0-200 (100 is espeak's own default); --punct off by default.
        return ["espeak-ng", "-s", str(voice.rate), "-a", str(sound.volume), "--", text]
    if engine == "spd-say":
        # -w waits until spoken, so ending the process means the line is over; -i is -100..100.
        rate, volume = _spd_rate(voice.rate), sound.volume * 2 - 100
        return ["spd-say", "-w", "-r", str(rate), "-i", str(volume), "--", text]
    if engine == "say":
        return ["say", "-r", str(voice.rate), "--", text]
    raise ValueError(f"unknown speech engine {engine!r}")


def _spd_rate(words_per_minute: int) -> int:
    # speech-dispatcher's rate runs -100..100 around its default of about 180 words a minute.
    return max(-100, min(100, round((words_per_minute - 180) / 1.8)))


def speak(engine: str, text: str, voice: VoiceSettings, sound: SoundSettings) -> ProcessPlayback:
    """Start saying `text` with `engine`; stopping the playback silences it."""
    cancel = ["spd-say", "-C"] if engine == "spd-say" else None
    return ProcessPlayback(voice_argv(engine, text, voice, sound), cancel=cancel)


def player_argv(player: str, path: Path) -> list[str]:
    """The command line that plays the WAV file at `path` once."""
    if player == "aplay":
        return ["aplay", "-q", str(path)]
    return [player, str(path)]


CHIME_RATE = 22050
CHIME_SECONDS = 0.45


def chime_wav(volume: int) -> bytes:
    """A soft two-note chime (A5 then E6, bell-like decay) as a mono 16-bit WAV."""
    peak = 0.6 * 32767 * max(0, min(100, volume)) / 100
    frames = int(CHIME_RATE * CHIME_SECONDS)
    second_at = int(CHIME_RATE * 0.12)
    samples = bytearray()
    for i in range(frames):
        t = i / CHIME_RATE
        value = math.sin(2 * math.pi * 880 * t) * math.exp(-t / 0.12)
        if i >= second_at:
            u = (i - second_at) / CHIME_RATE
            value += math.sin(2 * math.pi * 1318.5 * u) * math.exp(-u / 0.15)
        attack = min(1.0, i / (CHIME_RATE * 0.005))  # 5 ms fade-in: no click
        samples += struct.pack("<h", int(max(-1.0, min(1.0, value / 2)) * peak * 2 * attack))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(CHIME_RATE)
        wav.writeframes(bytes(samples))
    return out.getvalue()


class Playback(Protocol):
    """Sound that is playing; stopping it ends it at once."""

    def running(self) -> bool: ...

    def stop(self) -> None: ...


class ProcessPlayback:
    """A player or speech process in its own process group, so stopping ends all of it."""

    def __init__(self, argv: list[str], *, cancel: list[str] | None = None) -> None:
        self.cancel = cancel
        """A command that silences what the process started elsewhere (a speech daemon)."""
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def running(self) -> bool:
        return self.process.poll() is None

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` s for it to end by itself; True if it did."""
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        if self.cancel is not None:
            # speech-dispatcher speaks in its own daemon: ending the client is not enough.
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                subprocess.run(self.cancel, timeout=2, check=False, capture_output=True)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(0.5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# --- the cue speaker --------------------------------------------------------------------


class Speaker(Protocol):
    """Takes cues and sounds them without making the caller wait; never raises."""

    def cue(self, cue: Cue) -> None: ...

    def close(self) -> None: ...


@dataclass
class BellSpeaker:
    """No voice, no sound server: the terminal bell at each chimed cue (the old way)."""

    bell: Callable[[], object]
    chimes: bool = True

    def cue(self, cue: Cue) -> None:
        if cue.chime and self.chimes:
            self.bell()

    def close(self) -> None:
        pass


_CLOSE = object()


class AudioCues:
    """The real speaker: chimes and speech from a worker thread, each cue cutting the last.

    `speak(text)` and `play(path)` start sound and return a `Playback`; by default they
    run the engine and player that `check_audio` finds, on first use. What is missing is
    said once through `on_problem`; chimes then fall back to `bell` (the terminal bell).
    """

    def __init__(
        self,
        voice: VoiceSettings,
        sound: SoundSettings,
        *,
        chimes: bool,
        on_problem: Callable[[str], object],
        bell: Callable[[], object],
        check: Callable[[], AudioCheck] = check_audio,
        speak: Callable[[str], Playback] | None = None,
        play: Callable[[Path], Playback] | None = None,
    ) -> None:
        self.voice = voice
        self.sound = sound
        self.chimes = chimes
        self.on_problem = on_problem
        self.bell = bell
        self._check = check
        self._speak = speak
        self._play = play
        self.engine: str | None = None
        """The speech engine in use once known ('espeak-ng', or 'injected' for a fake)."""
        self.player: str | None = None
        self._chime: Path | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._sounding: list[Playback] = []
        self._queue: queue.Queue[object] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="coach-audio", daemon=True)
        self._thread.start()

    def cue(self, cue: Cue) -> None:
        self._queue.put(cue)

    def close(self) -> None:
        """Stop any sound and end the worker, without waiting for it (a UI calls this)."""
        self._queue.put(_CLOSE)

    def join(self, timeout: float) -> bool:
        """Wait up to `timeout` s for the worker to end after `close`; True if it did."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # --- the worker ---------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._set_up()
            pending: object = self._queue.get()
            while pending is not _CLOSE:
                pending = self._sound(pending)
        except Exception as exc:  # a broken engine must never take the player down
            self.on_problem(f"Spoken cues stopped: {exc} ({type(exc).__name__}).")
        finally:
            self._silence()
            if self._folder is not None:
                self._folder.cleanup()

    def _set_up(self) -> None:
        wants_voice = self.voice.enabled and self._speak is None
        wants_player = self._play is None and (self.chimes or self.voice.enabled)
        found = self._check() if wants_voice or wants_player else None
        if self._speak is not None:
            self.engine = "injected"
        elif self.voice.enabled and found is not None and found.voice is not None:
            engine = found.voice
            self.engine = engine
            self._speak = lambda text: speak(engine, text, self.voice, self.sound)
        elif self.voice.enabled:
            self.on_problem(f"No voice available for spoken cues ({INSTALL_VOICE}); chimes only.")
        if self._play is None and found is not None and found.player is not None:
            player = found.player
            self.player = player
            self._play = lambda path: ProcessPlayback(player_argv(player, path))
        elif self._play is None and wants_player:
            why = next((p for p in found.problems if "speech" not in p), "") if found else ""
            if self.chimes:
                self.on_problem(f"No sound for chimes ({why}); the terminal bell instead.")
            else:
                self.on_problem(f"No sound server for spoken cues ({why}); they may not be heard.")
        elif self._play is not None:
            self.player = self.player or "injected"

    def _sound(self, cue: object) -> object:
        """Sound one cue; returns the next item if one came while it waited (cut short)."""
        assert isinstance(cue, Cue)
        self._silence()
        # Without a voice, every change still needs a sound: chime even if chimes are off.
        chime = cue.chime and (self.chimes or self._speak is None)
        if chime:
            if self._play is not None:
                self._sounding.append(self._play(self._chime_path()))
            else:
                self.bell()
            if self._speak is not None:
                try:
                    return self._queue.get(timeout=CHIME_GAP)
                except queue.Empty:
                    pass
        if self._speak is not None and self.voice.enabled:
            self._sounding.append(self._speak(cue.text))
        return self._queue.get()

    def _silence(self) -> None:
        for playback in self._sounding:
            playback.stop()
        self._sounding.clear()

    def _chime_path(self) -> Path:
        if self._chime is None:
            self._folder = tempfile.TemporaryDirectory(prefix="coach-chime-")
            path = Path(self._folder.name) / "chime.wav"
            path.write_bytes(chime_wav(self.sound.volume))
            self._chime = path
        return self._chime


# --- reminders that speak ---------------------------------------------------------------


class SpeakingNotifier:
    """Wraps a notifier: after each notification, speaks its title if voice is on.

    `voice()` is read at each notification, so a change of settings applies at once. The
    title is spoken only when a speech engine and a sound server are found at that moment
    (a daemon started before the desktop's sound server comes up finds it later).
    """

    def __init__(
        self,
        inner: Notifier,
        voice: Callable[[], tuple[VoiceSettings, SoundSettings]],
        *,
        check: Callable[[], AudioCheck] = check_audio,
        speak: Callable[[str, str], Playback] | None = None,
    ) -> None:
        self.inner = inner
        self.voice = voice
        self._check = check
        self._speak = speak

    def notify(self, title: str, message: str) -> Delivery:
        return self._spoken(title, self.inner.notify(title, message))

    def notify_with_actions(
        self, title: str, message: str, actions: Sequence[tuple[str, str]], tag: object
    ) -> Delivery:
        """With buttons where the notifier has them (coach.desktop.actions); spoken too."""
        send = getattr(self.inner, "notify_with_actions", None)
        if send is None:
            return self.notify(title, message)
        delivery: Delivery = send(title, message, actions, tag)
        return self._spoken(title, delivery)

    def _spoken(self, title: str, delivery: Delivery) -> Delivery:
        voice, sound = self.voice()
        if not voice.enabled:
            return delivery
        spoken = self._say(title, voice, sound)
        detail = "; ".join(part for part in (delivery.detail, spoken) if part)
        return Delivery(ok=delivery.ok, backend=delivery.backend, detail=detail)

    def _say(self, title: str, voice: VoiceSettings, sound: SoundSettings) -> str:
        found = self._check()
        if found.voice is None or found.server is None:
            return "not spoken: " + "; ".join(found.problems or ("no sound server",))
        engine = found.voice
        try:
            if self._speak is not None:
                self._speak(engine, title)
            else:
                playback = speak(engine, title, voice, sound)
                # Reap it when it ends, without holding up the notification.
                threading.Thread(target=playback.wait, args=(60.0,), daemon=True).start()
        except OSError as exc:
            return f"not spoken: {exc.strerror or exc}"
        return f"spoken by {engine}"


def speaking_notifier(
    inner: Notifier, voice: Callable[[], tuple[VoiceSettings, SoundSettings]]
) -> Notifier:
    """`inner`, speaking each title when voice is on (see SpeakingNotifier)."""
    return SpeakingNotifier(inner, voice)
