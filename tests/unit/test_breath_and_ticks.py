"""Every urgent sign the user ticks, and chest pain or breathlessness written in a note, is
kept: `coach flags` lists it with its advice, the report's safety block shows it, and the
history export holds the tick. A doctor reading the report is never told "no red flag"
about a night the patient said had chest pain."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pytest

from coach.cli.main import main
from coach.safety.note_rules import SIGNS
from coach.session import Session

NIGHT = "2026-11-21"
ALONE = "On its own it is more than coach can judge: do not wait, ask a doctor today"


def coach(*argv: str) -> str:
    """Run coach as the user does: a process on the data folder of $COACH_HOME."""
    done = subprocess.run(
        [sys.executable, "-m", "coach", *argv], capture_output=True, text=True, check=True
    )
    return done.stdout


def run(ctx: Session, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv), context=ctx) == 0
    return capsys.readouterr().out


def test_a_ticked_chest_pain_is_kept_listed_reported_and_exported(coach_home: Path) -> None:
    said = coach("cramp", "--count", "1", "--sign", "chest-pain")
    assert "URGENT: Breathlessness or chest pain (your answer: chest pain)" in said
    assert ALONE in said
    listed = coach("flags")
    assert "No open red flags" not in listed
    assert "URGENT: Breathlessness or chest pain (your answer: chest pain)" in listed
    assert ALONE in listed and "Contact a doctor or an urgent care service today." in listed
    flags = json.loads(coach("flags", "--json"))
    assert [f["id"][: -len(NIGHT)] for f in flags] == ["breath-"]
    assert flags[0]["level"] == "urgent"
    report = coach("report")
    assert "No red flag was raised or found" not in report
    assert "| urgent | Breathlessness or chest pain | your answer: chest pain |" in report
    nights = json.loads(coach("history", "--format", "json"))
    assert [n["signs"] for n in nights if n["cramps"]] == [["chest-pain"]]


COMBINATIONS = [frozenset(c) for size in (1, 2, len(SIGNS)) for c in combinations(SIGNS, size)]


@pytest.mark.parametrize("signs", COMBINATIONS, ids=lambda s: "+".join(sorted(s)))
def test_every_ticked_sign_is_in_the_flags_and_the_export_whatever_the_combination(
    ctx: Session, capsys: pytest.CaptureFixture[str], signs: frozenset[str]
) -> None:
    argv = ["cramp", "--count", "1", "--night", NIGHT]
    for sign in sorted(signs):
        argv += ["--sign", sign]
    run(ctx, capsys, *argv)
    flags = json.loads(run(ctx, capsys, "flags", "--json"))
    assert flags and all(f["level"] == "urgent" for f in flags)
    said = " ".join(f["text"] for f in flags)
    for sign in signs:
        assert SIGNS[sign] in said, (sign, said)
    ids = {f["id"][: -len(NIGHT) - 1] for f in flags}
    calf = signs & {"calf-swollen", "calf-red-warm"}
    breath = signs & {"breathless", "chest-pain"}
    # urgent combinations as before: a calf sign with breath is the emergency
    assert ("clot-lung" in ids) == bool(calf and breath)
    assert ("breath" in ids) == bool(breath and not calf)
    if calf and breath:
        assert "Call your emergency number now." in said
    report = run(ctx, capsys, "report")
    assert "No red flag was raised or found" not in report
    nights = json.loads(run(ctx, capsys, "history", "--format", "json"))
    exported = [n["signs"] for n in nights if n["night"] == NIGHT]
    assert exported == [[s for s in SIGNS if s in signs]]


@pytest.mark.parametrize(
    "note",
    [
        "crushing pain in my chest",
        "chest pain",
        "SOB",
        "can't catch my breath",
        "breathless climbing stairs",
    ],
)
def test_chest_pain_or_breathlessness_in_a_note_gets_the_ticks_advice_and_record(
    ctx: Session, capsys: pytest.CaptureFixture[str], note: str
) -> None:
    said = run(ctx, capsys, "cramp", "--count", "1", "--night", NIGHT, "--note", note)
    assert "URGENT: Breathlessness or chest pain (note:" in said
    assert ALONE in said
    listed = run(ctx, capsys, "flags")
    assert "No open red flags" not in listed
    assert f"[breath-{NIGHT}]" in listed
    assert "| urgent | Breathlessness or chest pain |" in run(ctx, capsys, "report")


@pytest.mark.parametrize(
    "note",
    [
        "no chest pain, no breathlessness",
        "my wife is short of breath with her asthma",
        "was breathless years ago before my heart op, fine now",
        "a bit breathless after running for the bus",
        "the GP asked if I was short of breath, I'm not",
    ],
)
def test_breath_denied_past_or_someone_elses_raises_nothing(
    ctx: Session, capsys: pytest.CaptureFixture[str], note: str
) -> None:
    said = run(ctx, capsys, "cramp", "--count", "1", "--night", NIGHT, "--note", note)
    assert "URGENT" not in said
    assert "No open red flags" in run(ctx, capsys, "flags")


@pytest.mark.parametrize(
    "note",
    [
        "calf was swollen last week, now fine",
        "calf was swollen last week. Now fine.",
        "left calf swollen and red, gone now",
        "swollen calf, it has settled now",
        "chest pain yesterday, all gone now",
        "calf swollen and hot, now settled",
    ],
)
def test_a_sign_said_to_be_over_in_a_clause_of_its_own_raises_nothing(
    ctx: Session, capsys: pytest.CaptureFixture[str], note: str
) -> None:
    said = run(ctx, capsys, "cramp", "--count", "1", "--night", NIGHT, "--note", note)
    assert "URGENT" not in said
    assert "No open red flags" in run(ctx, capsys, "flags")


@pytest.mark.parametrize(
    "note",
    [
        "calf swollen and red, cramp gone now",  # the cramp is over, not the swelling
        "left calf swollen, gone down a bit",
        "left calf swollen, not gone",
        "Left calf swollen and red. Ok.",  # a bare "ok" may answer something else
        "left calf swollen, fine otherwise",
        "calf swollen. Pain gone now.",
    ],
)
def test_a_sign_not_said_to_be_over_stays_urgent(
    ctx: Session, capsys: pytest.CaptureFixture[str], note: str
) -> None:
    said = run(ctx, capsys, "cramp", "--count", "1", "--night", NIGHT, "--note", note)
    assert "URGENT: One calf swollen, red, warm or tender" in said
    assert f"[clot-calf-{NIGHT}]" in run(ctx, capsys, "flags")
