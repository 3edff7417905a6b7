"""Start latency of each speech engine: from the call to its first sound at the server.

A private PulseAudio server with a null sink (tests/support/sound_support.py); its monitor is read
in 20 ms fragments, and the time the first loud fragment arrives after the engine was
started is the latency. Anchor, in the same run: paplay playing coach's chime WAV, the
floor any player pays. Also reported: how long after a stop the sound ends (cut short),
and how many of the runs made no sound at all. Target: the engine coach uses first
(espeak-ng) speaks within 250 ms (median) and is never silent.

    python bench/voice_latency.py [--runs 10]
"""

from __future__ import annotations

import argparse
import array
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.desktop.voice import chime_wav, speak  # noqa: E402
from coach.settings.model import SoundSettings, VoiceSettings  # noqa: E402
from tests.support.sound_support import QUIET, SoundServer  # noqa: E402

LINE = "Calf stretch, left leg. Hold."
LONG = "Hamstring and calf stretch, seated, left leg. " * 3


class Monitor:
    """Reads the sink's monitor live; notes when the first loud and last loud sound came."""

    def __init__(self, server: SoundServer) -> None:
        self.process = server.monitor(subprocess.PIPE, latency_ms=10)
        self.first: float | None = None
        self.last: float | None = None
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        time.sleep(0.4)

    def _read(self) -> None:
        assert self.process.stdout is not None
        while True:
            data = self.process.stdout.read1(320)  # type: ignore[attr-defined]
            if not data:
                return
            samples = array.array("h", data[: len(data) // 2 * 2])
            if samples and (sum(s * s for s in samples) / len(samples)) ** 0.5 > QUIET:
                now = time.monotonic()
                self.first = self.first or now
                self.last = now

    def reset(self) -> None:
        self.first = self.last = None

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(5)


def first_sound(
    monitor: Monitor, start: Callable[[], subprocess.Popen[bytes]], settle: float = 0.3
) -> float | None:
    monitor.reset()
    began = time.monotonic()
    process = start()
    deadline = began + 5
    while monitor.first is None and time.monotonic() < deadline:
        time.sleep(0.002)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    time.sleep(settle)
    return None if monitor.first is None else (monitor.first - began) * 1000


def cut_short(monitor: Monitor, start: Callable[[], subprocess.Popen[bytes]]) -> float | None:
    """ms from stopping a long line 1 s in to the last sound heard."""
    monitor.reset()
    process = start()
    time.sleep(1.0)
    stopped = time.monotonic()
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(5)
    time.sleep(1.0)
    return None if monitor.last is None else max(0.0, (monitor.last - stopped) * 1000)


def spd_stopped_by_coach(monitor: Monitor) -> float:
    """Like cut_short, through coach.desktop.voice.speak, whose stop also sends `spd-say -C`."""
    monitor.reset()
    playback = speak("spd-say", LONG, VoiceSettings(enabled=True), SoundSettings())
    time.sleep(1.0)
    stopped = time.monotonic()
    playback.stop()
    time.sleep(1.0)
    return 0.0 if monitor.last is None else max(0.0, (monitor.last - stopped) * 1000)


def spawn(argv: list[str] | str) -> Callable[[], subprocess.Popen[bytes]]:
    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            argv,
            shell=isinstance(argv, str),
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    return start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    missing = [t for t in ("pulseaudio", "pactl", "parec", "paplay") if not shutil.which(t)]
    if missing:
        print(f"skipped: needs {', '.join(missing)} (see .ci/run)")
        return
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        server = SoundServer(root)
        server.start()
        os.environ.update(server.env)
        chime = root / "chime.wav"
        chime.write_bytes(chime_wav(80))
        long_wav = root / "long.wav"
        # (start a short line, start a long one to cut short, seconds to let it settle)
        Start = Callable[[], subprocess.Popen[bytes]]
        candidates: dict[str, tuple[Start, Start | None, float]] = {
            "anchor: paplay chime.wav": (spawn(["paplay", str(chime)]), None, 0.3),
        }
        if shutil.which("espeak-ng"):
            subprocess.run(["espeak-ng", "-s", "150", "-w", str(long_wav), "--", LONG], check=True)
            candidates["anchor: paplay chime.wav"] = (
                spawn(["paplay", str(chime)]),
                spawn(["paplay", str(long_wav)]),
                0.3,
            )
            candidates["espeak-ng (own audio output)"] = (
                spawn(["espeak-ng", "-s", "150", "--", LINE]),
                spawn(["espeak-ng", "-s", "150", "--", LONG]),
                0.3,
            )
            candidates["espeak-ng --stdout | paplay"] = (
                spawn(f"espeak-ng -s 150 --stdout -- '{LINE}' | paplay"),
                spawn(f"espeak-ng -s 150 --stdout -- '{LONG}' | paplay"),
                0.3,
            )
        if shutil.which("spd-say"):
            candidates["spd-say -w (speech-dispatcher)"] = (
                spawn(["spd-say", "-w", LINE]),
                spawn(["spd-say", "-w", LONG]),
                0.3,
            )
        try:
            import pyttsx3  # noqa: F401

            code = f"import pyttsx3; e = pyttsx3.init(); e.say({LINE!r}); e.runAndWait()"
            # runAndWait returns before the sound ends: give each run time to fall silent.
            candidates["pyttsx3 (fresh process)"] = (
                spawn([sys.executable, "-c", code]),
                None,
                2.5,
            )
        except ImportError:
            pass
        monitor = Monitor(server)
        try:
            anchor = None
            print(f"{args.runs} runs each; first sound at the server after the start, in ms")
            cuts: list[str] = []
            verdict = "ok"
            for name, (start, long_start, settle) in candidates.items():
                cold = first_sound(monitor, start, settle)
                times = [first_sound(monitor, start, settle) for _ in range(args.runs)]
                heard = [t for t in times if t is not None]
                median = statistics.median(heard) if heard else float("nan")
                anchor = anchor or median
                silent = len(times) - len(heard)
                cold_text = f"{cold:7.0f}" if cold is not None else "silent"
                if name.startswith("espeak-ng (own") and (median > 250 or silent):
                    verdict = "OVER"
                print(
                    f"{name:34s} first call {cold_text:>7s}  median {median:6.0f}  "
                    f"max {max(heard, default=float('nan')):6.0f}  silent {silent}/{args.runs}  "
                    f"ratio {median / anchor:5.1f}x"
                )
                if long_start is not None:
                    stop = cut_short(monitor, long_start)
                    cuts.append(f"{name:34s} last sound {stop or 0:5.0f} ms after the stop")
            if shutil.which("spd-say"):
                cuts.append(
                    f"{'spd-say, stopped as coach does':34s} last sound "
                    f"{spd_stopped_by_coach(monitor):5.0f} ms after the stop"
                )
            print("stopped 1 s into a long line (the anchor plays the same line as a WAV):")
            print("\n".join(cuts))
            print(f"target: espeak-ng within 250 ms, never silent: {verdict}")
        finally:
            monitor.close()
            server.stop()
    if verdict != "ok":
        sys.exit(1)


if __name__ == "__main__":
    main()
