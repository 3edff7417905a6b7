"""The report as a PDF and as HTML, from a seeded six-week diary: the figures the diary
implies are in the page's text, the page count, the chart, and `coach report --format`.

The PDF's text is read back with pdftotext (poppler-utils) when it is installed and with
pypdf otherwise; CI installs poppler-utils, so both readers are exercised there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from coach.cli.main import main
from coach.clock import FakeClock
from coach.records.store import Store
from coach.report.build import make_report
from coach.report.output import render
from coach.session import Session
from coach.system.paths import Paths
from tests.support import BERLIN

STEPS = ("last-meal", "hydration", "screens-off", "stretch", "sleep-position")
MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)
PERIOD_START = date(2026, 10, 12)  # six weeks, Mon 12 Oct to Sun 22 Nov
WEEKS = [
    # (cramp counts of Mon..Sun; None = not logged)
    (2, 1, 1, 0, 2, 1, 1),  # 8 cramps, 7 logged
    (1, 1, 1, 1, 1, 0, 0),  # 5, 7 logged
    (1, 0, 1, None, None, None, None),  # 2, 3 logged: too few for a rate
    (1, 0, 0, 1, 0, 0, 1),  # 3, 7 logged
    (0, 1, 0, None, 0, 1, 0),  # 2, 6 logged
    (0, 0, 1, 0, 0, 0, 1),  # 2, 7 logged; Sun 22 Nov logged on Monday morning
]


def seed_six_weeks(store: Store) -> None:
    """Two weeks before the period (the first is the baseline: 14 cramps on 7 nights, pain
    6, sleep disturbed 5), then the six weeks above: every step done but the stretch on
    the first weekend; pain 5 and disturbance 3 on logged nights; a 12-minute cramp and a
    note about a new medicine on Sun 22 Nov."""
    first = PERIOD_START - timedelta(days=14)
    for day in range(14):
        night = first + timedelta(days=day)
        count = 2 if day < 7 else 1
        store.record_cramps(night, count, severity=6, disturbance=5, minutes=3)
    for week, counts in enumerate(WEEKS):
        for weekday, count in enumerate(counts):
            night = PERIOD_START + timedelta(days=7 * week + weekday)
            for step in STEPS:
                if not (step == "stretch" and week == 0 and weekday >= 5):
                    store.record_step(night, step, "done")
            if count is None:
                continue
            last = night == date(2026, 11, 22)
            store.record_cramps(
                night,
                count,
                severity=5 if count else None,
                minutes=(12 if last else 3) if count else None,
                disturbance=3,
                notes="started taking simvastatin last week" if last else "",
            )


def pdf_text(path: Path) -> str:
    """The text of every page, by pdftotext when installed, else pypdf."""
    if shutil.which("pdftotext"):
        done = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        )
        return done.stdout
    if os.environ.get("CI") == "true":
        pytest.fail("pdftotext (poppler-utils) is missing on CI")
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The six weeks written once, through the store, for every test here to copy."""
    home = tmp_path_factory.mktemp("seeded")
    (home / "config.toml").write_text('timezone = "Europe/Berlin"\nbedtime = "22:30"\n')
    source = Session(Paths.resolve(home), kind="test", clock=FakeClock(MONDAY_MORNING))
    seed_six_weeks(source.store)
    return source.paths.db_dir


@pytest.fixture
def morning(ctx: Session, clock: FakeClock, seeded: Path) -> Session:
    clock.set(MONDAY_MORNING)
    shutil.copytree(seeded, ctx.paths.db_dir, dirs_exist_ok=True)
    return ctx


@pytest.fixture
def pdf(morning: Session, tmp_path: Path) -> Path:
    out = tmp_path / "report.pdf"
    assert main(["report", "--format", "pdf", "--output", str(out)], context=morning) == 0
    return out


def test_the_pdf_is_one_page_with_the_chart(pdf: Path) -> None:
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    assert reader.metadata is not None and reader.metadata.title == (
        "Night-time leg cramps: diary report"
    )
    images = list(reader.pages[0].images)
    assert len(images) == 1  # the weekly chart
    width, height = images[0].image.size
    assert width > 1000 and height > 200  # drawn for print, not a thumbnail


def test_the_pdf_holds_the_figures_the_diary_implies(pdf: Path) -> None:
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    # The morning after: Sunday's night, logged on Monday at 10:00, is in the period.
    assert "Mon 12 Oct 2026 to Sun 22 Nov 2026 (42 nights" in flat
    assert "Nights logged 37 of 42 (a morning log or cramps logged at night)" in flat
    rows = {line.split("  ")[0].strip(): " ".join(line.split()) for line in text.splitlines()}
    # The baseline, before the period, labelled for what it is.
    assert "Baseline: first week logged," in flat
    assert "7 of 7 7 14 14.0 (7.7-23.5) 6.0 5.0" in flat
    assert rows["12 Oct - 18 Oct 2026"].endswith("7 of 7 6 8 8.0 (3.5-15.8) 5.0 3.0")
    # Three logged nights: the count, and no rate.
    assert rows["26 Oct - 01 Nov 2026"].endswith("3 of 7 2 2 none (<4 nights) 5.0 3.0")
    assert rows["16 Nov - 22 Nov 2026"].endswith("7 of 7 2 2 2.0 (0.2-7.2) 5.0 3.0")
    # 22 cramps on 37 logged nights: 4.2 per 7 nights.
    assert re.search(r"Whole period 37 of 42 20 22 4\.2 \(2\.6-6\.3\) 5\.0 3\.0", flat)
    stretch = next(line for line in text.splitlines() if "Calf and hamstring" in line)
    assert " ".join(stretch.split()).endswith("Calf and hamstring stretches 40 42 95%")
    assert "Safety: red flags and medicines" in flat
    assert "Medicine started or changed, 22 Nov 2026: simvastatin: a statin" in flat
    assert "coach reads notes for key words and can miss signs" in flat
    assert "Sun 22 Nov 2026: started taking simvastatin last week" in flat
    assert "regression to the mean" in flat
    assert "Not medical advice." in flat


def test_a_long_report_spills_only_notes_onto_a_second_page(
    morning: Session, tmp_path: Path
) -> None:
    for day in range(42):
        night = PERIOD_START + timedelta(days=day)
        if day % 3 == 0:
            morning.store.record_cramps(
                night, 1, severity=4, notes=f"walked {day} km in new shoes, slept badly after"
            )
    report = make_report(morning, 6)
    out = tmp_path / "long.pdf"
    out.write_bytes(render(report, "pdf"))
    pages = [page for page in pdf_text(out).split("\f") if page.strip()]
    assert "Safety: red flags and medicines" in pages[0]
    assert "walked 39 km in new shoes" in pages[-1]
    assert len(PdfReader(out).pages) == 2


def test_html_and_markdown_say_the_same(morning: Session, tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    md = tmp_path / "report.md"
    assert main(["report", "--format", "html", "--output", str(html)], context=morning) == 0
    assert main(["report", "--output", str(md)], context=morning) == 0
    page = html.read_text()
    assert page.startswith("<!DOCTYPE html>")
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert "3/7 logged" in chart  # the chart's labels are text, not drawn outlines
    assert "<td>none (&lt;4 nights)</td>" in page.replace(' class="r"', "")
    assert "| 26 Oct - 01 Nov 2026 | 3 of 7 | 2 | 2 | none (<4 nights) | 5.0 | 3.0 |" in (
        md.read_text()
    )
    assert html.stat().st_mode & 0o077 == 0


def test_a_pdf_is_not_printed_to_a_terminal(
    morning: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--format", "pdf"], context=morning) == 2
    assert "a PDF needs --output FILE" in capsys.readouterr().err


def test_the_letter_size_page_fits_too(morning: Session, tmp_path: Path) -> None:
    out = tmp_path / "letter.pdf"
    args = ["report", "--format", "pdf", "--paper", "letter", "--output", str(out)]
    assert main(args, context=morning) == 0
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    assert round(float(reader.pages[0].mediabox.height)) == 792  # 11 in


def test_not_cramps_answers_show_when_asked(morning: Session, tmp_path: Path) -> None:
    store = morning.store
    store.add_event(date(2026, 11, 2), "safety-answers", {"walking_pain": True, "elsewhere": False})
    store.add_event(date(2026, 11, 9), "safety-answers", {"walking_pain": False, "elsewhere": None})
    store.add_event(date(2026, 9, 1), "safety-answers", {"walking_pain": True})  # before
    out = tmp_path / "report.pdf"
    assert main(["report", "--format", "pdf", "--output", str(out)], context=morning) == 0
    flat = " ".join(pdf_text(out).split())
    assert "Pain in the calf when walking that eases with rest?" in flat
    assert "no on 09 Nov 2026; yes 1 of 2 times asked" in flat
    assert "no on 02 Nov 2026; yes 0 of 1 time asked" in flat  # cramps elsewhere
    assert "the app does not diagnose" in flat
    # The safety block first: the answer of 2 Nov is a red flag there (walking pain); the
    # answers' own table may follow on the second page, before the notes.
    pages = pdf_text(out).split("\f")
    first = " ".join(pages[0].split())
    assert "Leg pain when walking" in first.split("Cramps per week")[0]
    assert len([p for p in pages if p.strip()]) <= 2


def test_nothing_asked_means_no_such_section(pdf: Path) -> None:
    assert "Not cramps?" not in pdf_text(pdf)


def test_the_night_just_slept_waits_for_its_log(ctx: Session, clock: FakeClock) -> None:
    clock.set(MONDAY_MORNING)
    ctx.store.record_cramps(date(2026, 11, 20), 1)
    ctx.store.record_step(date(2026, 11, 22), "stretch", "done")
    report = make_report(ctx, 6)
    assert "to Sat 21 Nov 2026" in dict(report.facts)["Period"]
    ctx.store.record_cramps(date(2026, 11, 22), 0)
    report = make_report(ctx, 6)
    assert "to Sun 22 Nov 2026" in dict(report.facts)["Period"]


def test_notes_in_other_languages_keep_their_letters(morning: Session, tmp_path: Path) -> None:
    note = "Wadenkrämpfe \u2013 neue Wassertablette; судорога ночью; ½ Tablette"
    morning.store.record_cramps(date(2026, 11, 21), 1, severity=3, notes=note)
    out = tmp_path / "report.pdf"
    assert main(["report", "--format", "pdf", "--output", str(out)], context=morning) == 0
    assert note in " ".join(pdf_text(out).split())


def test_the_output_suffix_picks_the_format(morning: Session, tmp_path: Path) -> None:
    pdf, html, other = tmp_path / "r.PDF", tmp_path / "r.htm", tmp_path / "r.txt"
    for out in (pdf, html, other):
        assert main(["report", "--output", str(out)], context=morning) == 0
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert html.read_text().startswith("<!DOCTYPE html>")
    assert other.read_text().startswith("# Night-time leg cramps: diary report")
    # An explicit --format wins over the suffix.
    assert main(["report", "--format", "md", "--output", str(pdf)], context=morning) == 0
    assert pdf.read_text().startswith("# Night-time leg cramps")


def test_an_unknown_suffix_is_refused_not_filled_with_markdown(
    morning: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docx = tmp_path / "r.docx"
    assert main(["report", "--output", str(docx)], context=morning) == 2
    out, err = capsys.readouterr()
    assert out == "" and not docx.exists()
    assert err == (
        "coach: cannot write a report as .docx: coach writes PDF (.pdf), HTML (.html, .htm) "
        "or Markdown (.md, .markdown, .txt); or give --format pdf, html or md\n"
    )
    # Asked for by name, the format is the user's to choose; a file with no suffix is Markdown.
    assert main(["report", "--format", "html", "--output", str(docx)], context=morning) == 0
    assert docx.read_text().startswith("<!DOCTYPE html>")
    plain = tmp_path / "report"
    assert main(["report", "--output", str(plain)], context=morning) == 0
    assert plain.read_text().startswith("# Night-time leg cramps")


def test_the_experiment_goes_after_the_first_page_s_figures(
    morning: Session, tmp_path: Path
) -> None:
    from coach.experiment.protocol import Protocol

    protocol = Protocol(
        created="t",
        run_in_start=date(2026, 10, 12),
        start=date(2026, 10, 19),
        arms=("stretch", "no-stretch"),
        run_in_rate=1.0,
        period_nights=14,
        washout_nights=3,
    )
    morning.store.set_state("experiment", protocol.to_state())
    out = tmp_path / "report.pdf"
    assert main(["report", "--output", str(out)], context=morning) == 0
    pages = [page for page in pdf_text(out).split("\f") if page.strip()]
    assert len(pages) <= 2  # a second page only for the notes and the experiment
    first = " ".join(pages[0].split())
    for needed in ("Safety: red flags", "Cramps per week", "Longest cramps", "Evening routine"):
        assert needed in first
    flat = " ".join(" ".join(pages).split())
    assert "Personal experiment: does stretching help?" in flat
    assert "cannot be blinded" in flat
    # Each period's counts (its first 3 nights left out), a rate only from 4 nights or more,
    # shown once the plan is over.
    # CENT: the period sequence, adherence per period, and the model said.
    assert "in pairs (S stretch, N no-stretch; 14 nights each): SN." in flat
    assert "1 19 Oct - 01 Nov 2026 stretch 100% 7 4 0.57" in flat
    assert "2 02 Nov - 15 Nov 2026 no-stretch 0% 10 4 0.40" in flat  # stretched anyway
    assert "pair by pair" in flat


def test_flags_raised_on_saving_are_listed_with_when_and_acknowledgement(
    morning: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["cramp", "--count", "1", "--minutes", "12", "--night", "2026-11-21"]
    assert main(args, context=morning) == 0
    assert "URGENT:" in capsys.readouterr().out  # raised when saved
    out = tmp_path / "report.pdf"
    assert main(["report", "--output", str(out)], context=morning) == 0
    flat = " ".join(pdf_text(out).split())
    safety = flat.split("Safety: red flags and medicines")[1].split("Cramps per week")[0]
    assert "21 Nov 2026 urgent A cramp lasted more than" in safety
    assert "12 min NOT YET" in safety  # what showed it; not acknowledged
    assert len(PdfReader(out).pages) == 1


def test_profile_answers_say_yes_or_not_marked(
    coach_home: Path, clock: FakeClock, seeded: Path, tmp_path: Path
) -> None:
    (coach_home / "config.toml").write_text(
        'timezone = "Europe/Berlin"\nbedtime = "22:30"\n[profile]\nfluid_limit = true\n'
    )
    clock.set(MONDAY_MORNING)
    ctx = Session(Paths.resolve(coach_home), kind="test", clock=clock)
    shutil.copytree(seeded, ctx.paths.db_dir, dirs_exist_ok=True)
    out = tmp_path / "report.pdf"
    assert main(["report", "--output", str(out)], context=ctx) == 0
    flat = " ".join(pdf_text(out).split())
    assert "Profile marked: a fluid limit (or heart, kidney or liver disease, low sodium)." in flat
    assert "Not marked: pregnant; trouble standing or balancing; numb feet" in flat
    assert len(PdfReader(out).pages) == 1
