"""`coach voice-test`: say one line and tell which engine spoke, registered by `register`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.cli.args import NoOptions, Subparsers
    from coach.session import Session

TEST_LINE = "This is coach. If you can hear this, spoken cues will reach you."


def run(options: NoOptions, ctx: Session) -> int:
    from coach.desktop.voice import check_audio, speak

    found = check_audio()
    settings = ctx.settings
    if found.voice is None:
        print(f"No voice: {found.problems[0]}.")
        return 1
    where = f" through {found.server}" if found.server else ""
    if found.server is None:
        print(f"Warning: {found.problems[-1]}; the voice may not be heard.")
    playback = speak(found.voice, TEST_LINE, settings.voice, settings.sound)
    if not playback.wait(30):
        playback.stop()
        print(f"{found.voice} did not finish speaking within 30 s; stopped it.")
        return 1
    code = playback.process.returncode
    if code != 0:
        print(f"{found.voice} failed (exit status {code}).")
        return 1
    print(f"Spoke a test line with {found.voice}{where}: it worked.")
    print(_chime(found.player, found.problems, settings.sound.volume))
    if not settings.voice.enabled:
        print("Spoken cues are off; turn them on with `coach config set voice.enabled true`.")
    return 0


def _chime(player: str | None, problems: tuple[str, ...], volume: int) -> str:
    """Play the stretch player's chime once; one line on what happened."""
    import tempfile
    from pathlib import Path

    from coach.desktop.voice import ProcessPlayback, chime_wav, player_argv

    if player is None:
        why = next((p for p in problems if "speech" not in p), "no sound player")
        return f"No chime: {why}; the stretch player rings the terminal bell instead."
    with tempfile.TemporaryDirectory(prefix="coach-chime-") as folder:
        path = Path(folder) / "chime.wav"
        path.write_bytes(chime_wav(volume))
        playback = ProcessPlayback(player_argv(player, path))
        if not playback.wait(5) or playback.process.returncode != 0:
            playback.stop()
            return f"The chime with {player} did not play."
    return f"Played the stretch player's chime with {player}."


def register(sub: Subparsers) -> None:
    """Add `voice-test` to coach's commands."""
    from coach.cli.args import NoOptions, command

    command(
        sub,
        run,
        NoOptions,
        "voice-test",
        help="say a test line now",
        description="Say one line now with the speech engine spoken cues would use, and "
        "say which one it was and whether it worked (exit 1 if it did not).",
    )
