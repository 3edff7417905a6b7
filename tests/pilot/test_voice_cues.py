"""The stretch player's cues for a whole session, through an injected speaker.

Beside these fakes: tests/unit/test_voice.py drives the real AudioCues worker, and
tests/e2e/test_e2e_sound.py records a real engine through a real sound server.
"""

from __future__ import annotations

from datetime import date

from coach.clock import FakeClock
from coach.session import Session
from coach.stretch.cues import Cue
from screens.app import CoachApp
from screens.stretch_player import StretchScreen
from screens.tonight import TonightScreen
from tests.support.apps import MakeApp
from tests.support.fakes import RecordingSpeaker

NIGHT = date(2026, 11, 22)


def _app(ctx: Session, make_app: MakeApp) -> CoachApp:
    ctx.paths.config_file.write_text(
        'timezone = "Europe/Berlin"\n[stretch]\nhold_seconds = 4\nrest_seconds = 2\nreps = 2\n'
        'variant = "standing"\n'
    )
    return make_app(settings=ctx.reload_settings())


class Heard:
    """What the speaker got since the last look."""

    def __init__(self, speaker: RecordingSpeaker) -> None:
        self.speaker = speaker
        self.seen = 0

    def new(self) -> list[tuple[str, bool]]:
        cues = self.speaker.cues[self.seen :]
        self.seen = len(self.speaker.cues)
        return [(cue.text, cue.chime) for cue in cues]


async def test_a_whole_session_with_pause_skip_add_time_and_a_variant_switch(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    speaker = RecordingSpeaker()
    heard = Heard(speaker)
    app = _app(ctx, make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        player = StretchScreen(NIGHT, speaker=speaker)
        app.push_screen(player)
        await pilot.pause()

        def run(seconds: float) -> None:
            for _ in range(int(seconds * 2)):  # the screen ticks often; here every 0.5 s
                clock.advance(0.5)
                player.tick()

        await pilot.press("space")
        assert heard.new() == [("Calf stretch standing, left leg. Hold.", False)]
        run(4)
        assert heard.new() == [("three", False), ("two", False), ("one", False), ("Rest.", True)]
        run(2)
        assert heard.new() == [("Hold, rep 2.", True)]

        await pilot.press("space")
        run(30)  # paused: time passes, nothing is said
        await pilot.press("space")
        assert heard.new() == [("Paused.", False), ("Carry on.", False)]
        run(4)
        assert heard.new() == [
            ("three", False),
            ("two", False),
            ("one", False),
            ("Rest. Then switch legs.", True),
        ]
        run(2)
        assert heard.new() == [("Switch legs: right leg. Hold.", True)]

        await pilot.press("plus")
        run(11)  # 14 s of hold: the count starts at 3 s left, not at 3 s in
        assert heard.new() == [("10 more seconds.", False), ("three", False)]
        await pilot.press("n")
        assert heard.new() == [
            (
                "Skipped. Next: Hamstring stretch standing, left leg. Get into position.",
                False,
            )
        ]
        run(2)
        assert heard.new() == [("Hamstring stretch standing, left leg. Hold.", True)]

        await pilot.press("v")
        assert heard.new() == [
            (
                "Seated stretches. Next: Hamstring and calf stretch seated, left leg. "
                "Get into position.",
                False,
            )
        ]
        run(2 + 4 + 2 + 4 + 2)
        assert heard.new() == [
            ("Hamstring and calf stretch seated, left leg. Hold.", True),
            ("three", False),
            ("two", False),
            ("one", False),
            ("Rest.", True),
            ("Hold, rep 2.", True),
            ("three", False),
            ("two", False),
            ("one", False),
            ("Rest. Then switch legs.", True),
            ("Switch legs: right leg. Hold.", True),
        ]
        run(4 + 2 + 4)
        # Two calf holds before the switch count in both numbers, with the four seated ones.
        assert heard.new()[-2:] == [("one", False), ("Done, 6 of 6 holds.", True)]
        await pilot.pause()
        assert isinstance(app.screen, TonightScreen)
    assert speaker.closed
    record = ctx.store.latest_outcomes(NIGHT, NIGHT)[(NIGHT, "stretch")]
    assert record.detail["holds_done"] == 6


async def test_a_late_tick_says_only_where_it_landed(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    speaker = RecordingSpeaker()
    app = _app(ctx, make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        player = StretchScreen(NIGHT, speaker=speaker)
        app.push_screen(player)
        await pilot.pause()
        await pilot.press("space")
        clock.advance(4 + 2 + 0.5)  # a hold, a rest and half a second of the next hold at once
        player.tick()
    assert speaker.cues[1:] == [Cue(text="Hold, rep 2.", chime=True)]


async def test_without_a_speaker_factory_the_player_rings_the_bell(
    ctx: Session, clock: FakeClock, make_app: MakeApp
) -> None:
    app = _app(ctx, make_app)
    rings: list[None] = []
    app.bell = lambda: rings.append(None)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        player = StretchScreen(NIGHT)
        app.push_screen(player)
        await pilot.pause()
        await pilot.press("space")  # the user started it: no ring
        clock.advance(3)
        player.tick()  # "two": spoken only, no ring
        clock.advance(1)
        player.tick()  # rest: a ring
    assert len(rings) == 1
