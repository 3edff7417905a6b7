"""Red flags on the command line: `URGENT:`/`SOON:` after "Recorded", and `coach flags`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from coach.cli.main import main
from coach.safety.flags import ACK_EVENT
from coach.session import Session
from coach.system.paths import Paths


def run(ctx: Session, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), context=ctx)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_issue_example_prints_two_urgent_lines(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        ctx,
        capsys,
        "cramp",
        "--count",
        "1",
        "--minutes",
        "45",
        "--note",
        "left calf swollen, red and hot",
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == [
        "Recorded: 1 cramp, longest 45 min, night of Sat 21 Nov 2026.",
        "Note: left calf swollen, red and hot",
    ]
    lines = lines[1:]  # the URGENT lines come after "Recorded" and its note
    assert lines[1].startswith("URGENT: One calf swollen, red, warm or tender")
    assert "Contact a doctor or an urgent care service today." in lines[1]
    assert lines[1].endswith("[clot-calf-2026-11-21]")
    assert lines[2].startswith("URGENT: A cramp lasted more than 10 minutes (45 min)")
    assert "coach flags --ack ID" in lines[3]
    # Saving the same night again raises nothing new.
    code, out, _ = run(
        ctx, capsys, "cramp", "--count", "1", "--minutes", "45", "--night", "2026-11-21"
    )
    assert "URGENT" not in out


def test_an_emergency_names_the_emergency_number(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(
        ctx, capsys, "cramp", "--count", "1", "--note", "calf swollen and short of breath"
    )
    urgent = [line for line in out.splitlines() if line.startswith("URGENT:")]
    assert len(urgent) == 1
    assert "Call your emergency number now." in urgent[0]


def test_soon_lines_and_a_step_save_that_completes_nothing(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(ctx, capsys, "cramp", "--count", "2", "--note", "started simvastatin")
    assert [line.split(":")[0] for line in out.splitlines()[2:3]] == ["SOON"]
    assert "Make an appointment with a doctor or other health professional soon." in out
    _, out, _ = run(ctx, capsys, "done", "stretch")
    assert len(out.splitlines()) == 1  # "Recorded ..." and nothing else


def test_flags_json_lists_the_open_ones_and_ack_closes_one(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(ctx, capsys, "flags", "--json")[1].strip() == "[]"
    run(ctx, capsys, "cramp", "--count", "1", "--minutes", "12", "--note", "foot numb")
    code, out, _ = run(ctx, capsys, "flags", "--json")
    assert code == 0
    flags = json.loads(out)
    assert [(f["id"], f["level"], f["night"]) for f in flags] == [
        ("long-cramp-2026-11-21", "urgent", "2026-11-21"),
        ("numbness-2026-11-21", "soon", "2026-11-21"),
    ]
    assert all(set(f) == {"id", "level", "night", "text"} for f in flags)
    assert flags[1]["text"].startswith("Numbness or tingling")
    code, out, _ = run(ctx, capsys, "flags", "--ack", "long-cramp-2026-11-21")
    assert (code, out) == (0, "Acknowledged: long-cramp-2026-11-21.\n")
    assert [
        e.data for e in ctx.store.events(date(2026, 11, 21), date(2026, 11, 21), ACK_EVENT)
    ] == [{"flag": "long-cramp-2026-11-21"}]
    assert [f["id"] for f in json.loads(run(ctx, capsys, "flags", "--json")[1])] == [
        "numbness-2026-11-21"
    ]
    _, out, _ = run(ctx, capsys, "flags")
    assert out.startswith("SOON: Numbness or tingling")


def test_acknowledging_an_unknown_flag_is_one_line(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(ctx, capsys, "flags", "--ack", "nope")
    assert (code, out) == (1, "")
    assert err == "coach: no open red flag 'nope'; `coach flags` lists the open ones\n"


def test_a_real_process_prints_the_lines(coach_home: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "coach",
            "cramp",
            "--count",
            "1",
            "--note",
            "stepped on a rusty nail",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines()[2].startswith(
        "URGENT: Cramps after contact with a toxin or after a dirty wound"
    )
    listed = subprocess.run(
        [sys.executable, "-m", "coach", "flags", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert [f["level"] for f in json.loads(listed.stdout)] == ["urgent"]


def test_a_merge_raises_the_flags_the_other_copy_brings_for_recent_nights(
    ctx: Session, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Another copy written without the flag check (an older coach): a 45-minute cramp last
    # night, and one four weeks ago.
    other = Session(Paths.resolve(tmp_path / "other"), kind="test", clock=ctx.clock)
    other.store.record_cramps(date(2026, 11, 21), 1, minutes=45)
    other.store.record_cramps(date(2026, 10, 24), 1, minutes=30)
    code, out, _ = run(ctx, capsys, "merge", str(tmp_path / "other"))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Merged 2 records from ")
    urgent = [line for line in lines if line.startswith("URGENT:")]
    assert len(urgent) == 1 and "(45 min)" in urgent[0]
    assert urgent[0].endswith("[long-cramp-2026-11-21]")
    assert "coach flags --ack ID" in lines[-1]
    # Merging again adds nothing and raises nothing.
    code, out, _ = run(ctx, capsys, "merge", str(tmp_path / "other"))
    assert out.splitlines() == [f"Merged 0 records from {other.paths.db_dir}."]


@pytest.mark.parametrize(
    ("signs", "flag", "what"),
    [
        (["calf-swollen"], "clot-calf-2026-11-21", "One calf swollen, red, warm or tender"),
        (["calf-red-warm"], "clot-calf-2026-11-21", "One calf swollen, red, warm or tender"),
        (["calf-swollen", "breathless"], "clot-lung-2026-11-21", "Call your emergency number"),
        (["calf-red-warm", "chest-pain"], "clot-lung-2026-11-21", "Call your emergency number"),
        (["long-not-easing"], "long-cramp-2026-11-21", "A cramp lasted more than 10 minutes"),
        (["wound-or-toxin"], "tetanus-2026-11-21", "after a dirty wound"),
    ],
)
def test_each_sign_raises_its_flag_at_once(
    ctx: Session, capsys: pytest.CaptureFixture[str], signs: list[str], flag: str, what: str
) -> None:
    argv = ["cramp", "--count", "1"]
    for sign in signs:
        argv += ["--sign", sign]
    code, out, _ = run(ctx, capsys, *argv)
    assert code == 0
    urgent = [line for line in out.splitlines() if line.startswith("URGENT:")]
    assert len(urgent) == 1
    assert what in urgent[0] and urgent[0].endswith(f"[{flag}]")
    assert "your answer" in urgent[0]
    code, out, _ = run(ctx, capsys, "flags", "--json")
    assert [f["id"] for f in json.loads(out)] == [flag]


def test_breathless_alone_is_recorded_and_raises_its_own_flag(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    """Breathlessness or chest pain alone is more than coach can judge: it is said, kept and
    listed (CONTENT.md's emergency is a calf sign together with it)."""
    code, out, _ = run(ctx, capsys, "cramp", "--none", "--sign", "breathless")
    assert code == 0
    assert "Urgent signs: breathless." in out
    assert "URGENT: Breathlessness or chest pain (your answer: breathless)" in out
    assert "more than coach can judge: do not wait, ask a doctor today" in out
    code, out, _ = run(ctx, capsys, "flags", "--json")
    assert [f["id"] for f in json.loads(out)] == ["breath-2026-11-21"]
    # the calf sign said the next morning about the same night completes the emergency
    code, out, _ = run(
        ctx, capsys, "cramp", "--none", "--night", "2026-11-21", "--note", "right calf swollen"
    )
    assert "URGENT: A swollen or painful calf with breathlessness" in out


def test_an_unknown_sign_is_a_usage_error_listing_the_allowed(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(ctx, capsys, "cramp", "--count", "1", "--sign", "dizzy")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    for sign in (
        "calf-swollen",
        "calf-red-warm",
        "breathless",
        "chest-pain",
        "long-not-easing",
        "wound-or-toxin",
    ):
        assert sign in err
    assert ctx.cramp_log(date(2026, 11, 21)) is None


def test_the_signs_offered_are_the_rules_signs() -> None:
    from coach.cli.record import SIGN_CHOICES
    from coach.safety.note_rules import SIGNS

    assert tuple(SIGNS) == SIGN_CHOICES


def test_chest_pain_with_a_calf_sign_in_the_note_is_the_emergency_not_the_aside(
    ctx: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        ctx, capsys, "cramp", "--count", "1", "--note", "left calf swollen", "--sign", "chest-pain"
    )
    assert code == 0
    assert "URGENT: A swollen or painful calf with breathlessness or chest pain" in out
    assert "more than coach can judge" not in out
