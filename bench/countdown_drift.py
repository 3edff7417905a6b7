"""Countdown drift over one 60-second hold in the real stretch player (target: under 100 ms).

The player runs headless on the real clock, with a busy event loop (a callback blocks it
for 40 ms twice a second, as a slow redraw might). Every 0.1 s a probe compares the time
the player shows as left with the true time left since the hold began. Anchor, in the
same run and the same loop: a countdown that sleeps 0.1 s and subtracts 0.1 s, as a naive
player would. Also reported: how late the switch to rest came after the hold's true end.

    python bench/countdown_drift.py [--seconds 60] [--voice]

With --voice the player speaks and chimes for real (espeak-ng and paplay into a private
PulseAudio server, as tests/e2e/test_e2e_sound.py starts it): the target must hold with voice on.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.clock import SystemClock  # noqa: E402
from coach.desktop.voice import AudioCues, Speaker  # noqa: E402
from coach.session import Session  # noqa: E402
from coach.settings.model import SoundSettings, VoiceSettings  # noqa: E402
from coach.system.paths import Paths  # noqa: E402
from screens.app import CoachApp  # noqa: E402
from screens.stretch_player import StretchScreen  # noqa: E402
from tests.support.fakes import RecordingNotifier  # noqa: E402

PROBE_SECONDS = 0.01
NAIVE_TICK = 0.1
LOAD_EVERY = 0.5
LOAD_BLOCK = 0.040


async def measure(hold: int, speaker: Speaker | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        (home / "config.toml").write_text(
            'timezone = "UTC"\n[stretch]\n'
            f'hold_seconds = {hold}\nrest_seconds = 10\nreps = 1\nvariant = "seated"\n'
            "bell = false\n"
        )
        ctx = Session(Paths.resolve(home), kind="tui", clock=SystemClock())
        app = CoachApp(ctx, RecordingNotifier())
        async with app.run_test(size=(80, 24)) as pilot:
            player = StretchScreen(date.today(), speaker=speaker)
            app.push_screen(player)
            await pilot.pause()
            session = player.session
            assert session is not None
            player.action_start()
            began = time.monotonic()
            naive = [float(hold)]
            worst = [0.0]
            naive_worst = [0.0]
            switched: list[float] = []

            async def naive_countdown() -> None:
                while naive[0] > 0:
                    await asyncio.sleep(NAIVE_TICK)
                    naive[0] -= NAIVE_TICK
                    true_left = hold - (time.monotonic() - began)
                    naive_worst[0] = max(naive_worst[0], abs(naive[0] - true_left))

            def probe() -> None:
                true_left = hold - (time.monotonic() - began)
                if session.phase == "hold" and true_left > 0:
                    worst[0] = max(worst[0], abs(session.remaining() - true_left))
                elif session.phase != "hold" and not switched:
                    switched.append(time.monotonic())

            def load() -> None:
                time.sleep(LOAD_BLOCK)  # stands in for a slow redraw blocking the loop

            app.set_interval(PROBE_SECONDS, probe)
            app.set_interval(LOAD_EVERY, load)
            naive_task = asyncio.create_task(naive_countdown())
            while not switched or not naive_task.done():
                await asyncio.sleep(0.05)
            return {
                "deadline_drift_ms": worst[0] * 1000,
                "switch_late_ms": (switched[0] - began - hold) * 1000,
                "naive_drift_ms": naive_worst[0] * 1000,
            }


def with_voice(hold: int) -> tuple[dict[str, float], str]:
    import os

    from tests.support.sound_support import SoundServer

    with tempfile.TemporaryDirectory() as folder:
        server = SoundServer(Path(folder))
        server.start()
        os.environ.update(server.env)
        problems: list[str] = []
        speaker = AudioCues(
            VoiceSettings(enabled=True),
            SoundSettings(),
            chimes=True,
            on_problem=problems.append,
            bell=lambda: problems.append("bell"),
        )
        try:
            result = asyncio.run(measure(hold, speaker))
        finally:
            speaker.close()
            speaker.join(3)
            server.stop()
    said = f"engine {speaker.engine}, player {speaker.player}"
    return result, said + (f"; problems: {problems}" if problems else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of the hold")
    parser.add_argument("--voice", action="store_true", help="speak and chime for real")
    args = parser.parse_args()
    if args.voice:
        result, said = with_voice(args.seconds)
        print(f"voice on: {said}")
    else:
        result = asyncio.run(measure(args.seconds))
    drift, late, naive = (
        result["deadline_drift_ms"],
        result["switch_late_ms"],
        result["naive_drift_ms"],
    )
    print(
        f"hold: {args.seconds} s on the real clock, loop blocked {LOAD_BLOCK * 1000:.0f} ms "
        f"every {LOAD_EVERY} s"
    )
    print(f"player (deadline on the monotonic clock): max error of time left {drift:8.3f} ms")
    print(f"  switch to rest after the true end:                     {late:8.1f} ms")
    print(f"anchor (sleep 0.1 s, subtract 0.1 s): max error           {naive:8.1f} ms")
    ratio = drift / naive if naive else 0.0
    print(
        f"ratio player/anchor {ratio:.4f}; target: drift under 100 ms: "
        f"{'ok' if drift < 100 else 'OVER'}"
    )


if __name__ == "__main__":
    main()
