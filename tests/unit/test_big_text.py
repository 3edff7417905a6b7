"""The big letters of the full-screen countdown, drawn without a terminal."""

from __future__ import annotations

from screens.big_text import BigCountdown


def test_a_long_exercise_name_wraps_in_big_letters_at_80_columns() -> None:
    big = BigCountdown()
    big.title, big.phase, big.seconds, big.status = (
        "Hamstring and calf stretch",
        "right leg get ready",
        "10",
        "Rep 2 of 3",
    )
    lines = big.lines(80, 23)
    assert len(lines) == 23 and all(len(line) <= 80 for line in lines)
    assert not any("Hamstring" in line for line in lines)  # drawn, not printed small
    assert lines[-1].strip() == "Rep 2 of 3"
    digits = [line for line in lines[9:-1] if "█" in line]
    assert len(digits) >= 10  # the seconds keep most of the height
