"""The heatmap's glyph for a night says what the night's status and share of steps say."""

from __future__ import annotations

import itertools
from datetime import date

from coach.diary.nights import NightFacts, StepStatus
from screens.heatmap import night_glyph

STEPS = ("last-meal", "hydration", "stretch")
STATUSES: tuple[StepStatus, ...] = ("done", "skipped", "missed", "pending")


def _expected(facts: NightFacts) -> str:
    status = facts.status
    if status == "partial":
        return "most" if facts.fraction >= 0.6 else "some"
    return status


def test_every_kind_of_night_gets_the_glyph_of_its_status() -> None:
    seen = set()
    for required in (STEPS, STEPS[:1], ()):
        for outcomes in itertools.product(STATUSES, repeat=len(STEPS)):
            for paused, over in itertools.product((False, True), repeat=2):
                facts = NightFacts(
                    night=date(2026, 11, 1),
                    steps=dict(zip(STEPS, outcomes, strict=True)),
                    required=required,
                    paused=paused,
                    over=over,
                )
                glyph = night_glyph(facts)
                assert glyph == _expected(facts), facts
                seen.add(glyph)
    assert seen == {"complete", "most", "some", "none", "paused", "pending"}
