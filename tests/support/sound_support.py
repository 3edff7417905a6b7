"""A private PulseAudio server with a null sink whose monitor is recorded: a real sound
server to play into, in tests and benchmarks, without touching the machine's own audio."""

from __future__ import annotations

import array
import itertools
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import IO

RATE = 16000
WINDOW = 0.01
"""Seconds per loudness window."""
QUIET = 300
"""RMS (of 32767) below which a window counts as silence."""


class SoundServer:
    """`pulseaudio` in `root` with one null sink, 'rec'; `env` reaches it (PULSE_SERVER)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.socket = root / "pulse.sock"
        self.env = {
            "PULSE_SERVER": f"unix:{self.socket}",
            "XDG_RUNTIME_DIR": str(root),
            "HOME": str(root),
        }
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, timeout: float = 15.0) -> None:
        argv = [
            "pulseaudio",
            "-n",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--disable-shm=yes",
            "--use-pid-file=no",
            "--system=no",
            "-L",
            f"module-native-protocol-unix socket={self.socket} auth-anonymous=1",
            "-L",
            # norewinds: a stream cut short must not take back audio the monitor has had.
            "module-null-sink sink_name=rec norewinds=1",
        ]
        log = (self.root / "pulseaudio.log").open("wb")
        self.processes.append(
            subprocess.Popen(argv, env={**os.environ, **self.env}, stdout=log, stderr=log)
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pactl("info").returncode == 0:
                return
            time.sleep(0.1)
        raise AssertionError(
            "pulseaudio did not start: " + (self.root / "pulseaudio.log").read_text()
        )

    def pactl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["pactl", *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )

    def record(self, path: Path) -> subprocess.Popen[bytes]:
        """Start recording what the sink plays, as raw 16 kHz mono 16-bit, into `path`."""
        process = self.monitor(path.open("wb"), latency_ms=20)
        self.processes.append(process)
        time.sleep(0.3)  # let the stream connect before anything plays
        return process

    def monitor(self, out: IO[bytes] | int, latency_ms: int) -> subprocess.Popen[bytes]:
        """parec on the sink's monitor, raw 16 kHz mono 16-bit samples to `out`."""
        return subprocess.Popen(
            [
                "parec",
                "-d",
                "rec.monitor",
                "--format=s16le",
                f"--rate={RATE}",
                "--channels=1",
                "--raw",
                # Small fragments, so what is read keeps pace with what plays.
                f"--latency-msec={latency_ms}",
            ],
            env={**os.environ, **self.env},
            stdout=out,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()


def stop_recording(process: subprocess.Popen[bytes], path: Path) -> array.array[int]:
    """End a recording and return its samples."""
    process.send_signal(signal.SIGINT)  # parec writes out what it holds, then exits
    process.wait(5)
    data = path.read_bytes()
    return array.array("h", data[: len(data) // 2 * 2])


def loud_windows(samples: array.array[int]) -> list[bool]:
    """For each WINDOW of the recording: was it louder than QUIET?"""
    size = int(RATE * WINDOW)
    flags: list[bool] = []
    for start in range(0, len(samples) - size + 1, size):
        chunk = samples[start : start + size]
        rms = (sum(s * s for s in chunk) / size) ** 0.5
        flags.append(rms > QUIET)
    return flags


def sound_spans(samples: array.array[int], gap: float = 0.25) -> list[tuple[float, float]]:
    """(start, end) in seconds of each stretch of sound; silences under `gap` are bridged."""
    spans: list[tuple[float, float]] = []
    for index, loud in enumerate(loud_windows(samples)):
        if not loud:
            continue
        at = index * WINDOW
        if spans and at - spans[-1][1] <= gap:
            spans[-1] = (spans[-1][0], at + WINDOW)
        else:
            spans.append((at, at + WINDOW))
    return spans


def crossings_per_second(samples: array.array[int], start: float, seconds: float) -> float:
    """Zero crossings per second in a stretch: twice the pitch of a pure tone."""
    chunk = samples[int(start * RATE) : int((start + seconds) * RATE)]
    crossings = sum(1 for a, b in itertools.pairwise(chunk) if (a < 0) != (b < 0))
    return crossings / seconds
