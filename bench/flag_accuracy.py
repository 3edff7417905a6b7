"""How well the red-flag rules read notes: sensitivity per sign, and false alarms.

Each note of `bench/flag_corpus.tsv` is read as the morning log of one night (one cramp,
nothing else filled in), through `coach.safety.rules.night_findings`, the function every
save calls. A note of a category is caught when its rule is raised (for one calf's signs,
the emergency rule that includes them counts too). A harmless note raising an urgent rule
is a false alarm; so, for the second rate, is one raising anything.

Targets (issue 21): sensitivity at least 95% for each urgent category and 90% over all
signs; at most 2% of harmless notes raising anything urgent and 5% anything at all.
The corpus is a benchmark, not a tuning target: the holdout part (every 4th note of each
category) was fixed before the reader was built, and its figures are printed apart.

Specificity per sign is read on the harmless notes (a note of another category may rightly
raise a second sign): the share of them that do not raise it.

Run: python bench/flag_accuracy.py [--misses] [--split dev|holdout|fresh|probe|blind|probe2|all]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

from coach.diary.nights import NightFacts
from coach.records.store import CrampLog
from coach.safety.rules import RULES, night_findings

CORPUS = Path(__file__).with_name("flag_corpus.tsv")
NIGHT = date(2026, 11, 20)
URGENT = ("clot-lung", "long-cramp", "clot-calf", "tetanus")
URGENT_ALARMS_OF = frozenset({*URGENT, "breath"})
"""The urgent rules a harmless note may wrongly raise: breathlessness or chest pain alone
has no category of its own in the corpus, but raising it is an urgent false alarm."""
ALSO_CAUGHT_BY = {"clot-calf": {"clot-lung"}}
"""An emergency finding includes one calf's signs: it is the stronger answer, not a miss."""
SPLITS = ("dev", "holdout", "fresh", "probe", "blind", "probe2")
"""The corpus's parts, in the order they were written (see the corpus's header)."""
SENSITIVITY, OVERALL, URGENT_ALARMS, ANY_ALARMS = 0.95, 0.90, 0.02, 0.05


def read_corpus(path: Path = CORPUS) -> list[tuple[str, str, frozenset[str], str]]:
    """(category, split, expected rules, note) for every line but comments and the header."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("category\t"):
            continue
        category, split, expected, note = line.split("\t")
        rules = frozenset() if expected == "-" else frozenset(expected.split(","))
        unknown = rules - set(RULES)
        if unknown:
            raise SystemExit(f"{path.name}: unknown rule {sorted(unknown)} in {line!r}")
        rows.append((category, split, rules, note))
    return rows


def flags_for(note: str) -> set[str]:
    """The rules a morning log holding only this note raises."""
    at = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
    log = CrampLog(night=NIGHT, cramps=1, at=at, origin="bench", id="n", notes=note)
    facts = NightFacts(night=NIGHT, steps={}, required=(), cramps=log)
    return {finding.rule.id for finding in night_findings(facts)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list missed and false notes")
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    args = parser.parse_args(argv)
    rows = read_corpus()
    verdict = True
    for split in (*SPLITS, "all") if args.split == "all" else (args.split,):
        chosen = [r for r in rows if split == "all" or r[1] == split]
        ok = report(chosen, f"{split} ({len(chosen)} notes)", misses=args.misses and split != "all")
        if split == "all" or args.split != "all":
            verdict = ok
    return 0 if verdict else 1


def report(rows: list[tuple[str, str, frozenset[str], str]], title: str, *, misses: bool) -> bool:
    caught: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    missed: list[str] = []
    harmless = urgent_alarms = any_alarms = 0
    raised_on_harmless: dict[str, int] = defaultdict(int)
    false: list[str] = []
    for _category, _split, expected, note in rows:
        found = flags_for(note)
        if not expected:
            harmless += 1
            urgent = found & URGENT_ALARMS_OF
            urgent_alarms += bool(urgent)
            any_alarms += bool(found)
            for rule in found:
                raised_on_harmless[rule] += 1
            if found:
                false.append(f"  {sorted(found)}: {note}")
            continue
        for rule in expected:
            total[rule] += 1
            if found & ({rule} | ALSO_CAUGHT_BY.get(rule, set())):
                caught[rule] += 1
            else:
                missed.append(f"  {rule} (got {sorted(found)}): {note}")
    print(f"\n{title}")
    print(
        f"{'category':<14} {'level':<7} {'caught':>9} {'sensitivity':>12}"
        f"   {'harmless not raising it':>24} {'specificity':>11}"
    )
    ok = True
    for rule in RULES:
        if not total[rule]:
            continue
        share = caught[rule] / total[rule]
        level = RULES[rule].level
        bad = level == "urgent" and share < SENSITIVITY
        ok &= not bad
        mark = "  (below 95%)" if bad else ""
        quiet = harmless - raised_on_harmless[rule]
        specificity = f"{quiet:>11} / {harmless:<3} {quiet / harmless:>11.1%}" if harmless else ""
        print(
            f"{rule:<14} {level:<7} {caught[rule]:>4} / {total[rule]:<3} {share:>11.1%}"
            f"   {specificity}{mark}"
        )
    all_caught, all_total = sum(caught.values()), sum(total.values())
    overall = all_caught / all_total if all_total else 1.0
    ok &= overall >= OVERALL
    print(f"{'all signs':<22} {all_caught:>4} / {all_total:<3} {overall:>11.1%} (target 90%)")
    if harmless:
        urgent_rate, any_rate = urgent_alarms / harmless, any_alarms / harmless
        ok &= urgent_rate <= URGENT_ALARMS and any_rate <= ANY_ALARMS
        print(
            f"harmless notes: {harmless}; raising an urgent flag {urgent_alarms} "
            f"({urgent_rate:.1%}, target <= 2%), any flag {any_alarms} ({any_rate:.1%}, "
            "target <= 5%)"
        )
    if misses:
        print("missed:", *missed, sep="\n")
        print("false alarms:", *false, sep="\n")
    return ok


if __name__ == "__main__":
    sys.exit(main())
