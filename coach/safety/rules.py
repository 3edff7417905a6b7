"""The red flags of CONTENT.md: one rule set, run on every save and by every reader.

The app does not diagnose. A finding means "this pattern is in your log", and the advice
is CONTENT.md's: contact a health professional, as urgently as CONTENT.md says (the
emergency number, the same day, or soon).

Where the rules look:
- the night's morning log (count, longest cramp, sleep disturbance, leg, notes) and its
  "cramping now" episodes (a timed episode over 10 minutes);
- the notes, read by `coach.safety.notes` (negations, typos, medicine names);
- the check-in's weekly questions (walking pain that eases with rest, cramps elsewhere);
- the frequency rule, over the rolling 14 nights up to a night: each half (7 nights) had
  cramps on 3 or more nights, or on at least 3/7 of its logged nights when 3 or more were
  logged (a night not logged is unknown, not cramp-free), or sleep disturbed (5 or more of
  10) on 2 or more nights. Whether the routine was kept does not matter.

`check_after_save` is what every write path calls: it stores the new flags (see
`coach.safety.flags`) and returns them for the caller to show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, Protocol

from coach.diary.episodes import cramp_episodes
from coach.diary.nights import ANSWERS_EVENT, Diary, NightFacts
from coach.planner import current_night
from coach.records.store import Event, Store
from coach.safety.flags import (
    ACTION_TEXT,
    FLAG_EVENT,
    Action,
    Level,
    RaisedFlag,
    flags_from,
    raise_flags,
    remember,
)
from coach.settings.model import Settings

__all__ = ["FLAG_EVENT", "RaisedFlag", "check_after_save", "find_red_flags"]

Urgency = Level
LONG_MINUTES = 10.0
FREQUENT_NIGHTS = 3
"""Cramp nights in 7 that make a frequent week (CONTENT.md: 3 or more nights a week)."""
WINDOW_NIGHTS = 14
"""The frequency rule looks at the rolling 14 nights (2 weeks) up to a night."""
MIN_LOGGED_FOR_SHARE = 3
"""Logged nights a week needs before its share of cramp nights counts."""
DISTURBED = 5
"""Sleep disturbance (0-10) from which a night counts as badly disturbed."""
DISTURBED_NIGHTS = 2
"""Badly disturbed nights in a week that make it a disturbed week."""
QUESTIONS_EVERY_DAYS = 7
"""The check-in asks its safety questions at most once a week."""


class Rule(NamedTuple):
    """One red-flag rule: what it is called, how urgent, and the advice shown."""

    id: str
    level: Level
    action: Action
    title: str
    advice: str
    content: str
    """The CONTENT.md red-flag line this rule rests on (a test checks they all have one)."""

    @property
    def urgency(self) -> Level:
        return self.level


Pattern = Rule

CONTENT_RED_FLAGS: tuple[str, ...] = (
    "a swollen, painful calf together with breathlessness or chest pain: emergency number "
    "now (possible clot in the lung, NHS DVT guidance)",
    "a cramp that lasts more than 10 minutes and does not ease when the leg is moved",
    "one calf swollen, red, warm or tender (possible blood clot: same day)",
    "cramps after contact with a toxin or after a dirty wound (tetanus)",
    "cramps that are frequent or disturb sleep week after week (for example on 3 or more "
    "nights a week for 2 weeks or more), whether or not the routine was kept; nights not "
    "logged are unknown, not cramp-free",
    "cramps in other parts of the body, or muscle twitching with weakness",
    "numbness, tingling, swelling, or muscles getting weaker or thinner",
    "cramps that began after starting a new medicine",
    "leg pain when walking that eases with rest",
    "pregnancy: ask a midwife or doctor before following the routine",
)
"""CONTENT.md's red flags, word for word (a test compares them with the file)."""

RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule(
            id="clot-lung",
            level="urgent",
            action="emergency",
            title="A swollen or painful calf with breathlessness or chest pain",
            advice="Together these can mean a blood clot in the lung.",
            content=CONTENT_RED_FLAGS[0],
        ),
        Rule(
            id="breath",
            level="urgent",
            action="same-day",
            title="Breathlessness or chest pain",
            advice="coach raises its emergency flag for breathlessness or chest pain together "
            "with a swollen or painful calf. On its own it is more than coach can judge: do not "
            "wait, ask a doctor today, or call your emergency number if it is sudden or severe.",
            content=CONTENT_RED_FLAGS[0],
        ),
        Rule(
            id="long-cramp",
            level="urgent",
            action="same-day",
            title="A cramp lasted more than 10 minutes",
            advice="A cramp that lasts more than 10 minutes and does not ease when you move the "
            "leg needs a health professional promptly (now, if it is still going on).",
            content=CONTENT_RED_FLAGS[1],
        ),
        Rule(
            id="clot-calf",
            level="urgent",
            action="same-day",
            title="One calf swollen, red, warm or tender",
            advice="This can be a blood clot in the leg.",
            content=CONTENT_RED_FLAGS[2],
        ),
        Rule(
            id="tetanus",
            level="urgent",
            action="same-day",
            title="Cramps after contact with a toxin or after a dirty wound",
            advice="This can be a sign of tetanus.",
            content=CONTENT_RED_FLAGS[3],
        ),
        Rule(
            id="frequent",
            level="soon",
            action="soon",
            title="Cramps on 3 or more nights a week, or sleep disturbed, for 2 weeks",
            advice="Cramps that are frequent or disturb your sleep week after week are worth "
            "discussing with a health professional, whether or not you kept the routine.",
            content=CONTENT_RED_FLAGS[4],
        ),
        Rule(
            id="elsewhere",
            level="soon",
            action="soon",
            title="Cramps elsewhere in the body, or twitching with weakness",
            advice="Cramps in other parts of the body, or muscle twitching with weakness, are "
            "worth discussing with a health professional.",
            content=CONTENT_RED_FLAGS[5],
        ),
        Rule(
            id="numbness",
            level="soon",
            action="soon",
            title="Numbness or tingling",
            advice="Numbness or tingling is worth discussing with a health professional.",
            content=CONTENT_RED_FLAGS[6],
        ),
        Rule(
            id="swelling",
            level="soon",
            action="soon",
            title="Swelling",
            advice="Swelling is worth discussing with a health professional. If one calf is "
            "swollen, red, warm or tender, get help the same day.",
            content=CONTENT_RED_FLAGS[6],
        ),
        Rule(
            id="weakness",
            level="soon",
            action="soon",
            title="Muscles weaker or thinner",
            advice="Muscles getting weaker or thinner are worth discussing with a health "
            "professional.",
            content=CONTENT_RED_FLAGS[6],
        ),
        Rule(
            id="new-medicine",
            level="soon",
            action="soon",
            title="Cramps after starting a new medicine",
            advice="Raise it with your doctor or pharmacist (see \u201cThings to ask a "
            "pharmacist\u201d in the help).",
            content=CONTENT_RED_FLAGS[7],
        ),
        Rule(
            id="claudication",
            level="soon",
            action="soon",
            title="Leg pain when walking that eases with rest",
            advice="Pain on walking that eases with rest is different from a night cramp, and "
            "worth discussing with a health professional.",
            content=CONTENT_RED_FLAGS[8],
        ),
        Rule(
            id="pregnancy",
            level="soon",
            action="soon",
            title="Pregnancy",
            advice="Ask a midwife or doctor before following the routine.",
            content=CONTENT_RED_FLAGS[9],
        ),
    )
}
PATTERNS = RULES

RULES_SUMMARY = (
    "a swollen or painful calf with breathlessness or chest pain; breathlessness or chest "
    "pain alone; a cramp over 10 minutes; "
    "one calf swollen, red, warm or tender; cramps after a toxin or a dirty wound; cramps "
    "on 3 or more nights a week, or sleep disturbed, for 2 weeks; cramps elsewhere in the "
    "body or twitching with weakness; numbness, tingling, swelling or weakness; a new "
    "medicine; leg pain on walking that eases with rest; pregnancy"
)
"""What the rules watch for, in one line (for "none found")."""


class Finding(NamedTuple):
    """One rule met on one night, with what showed it."""

    rule: Rule
    night: date
    detail: str = ""

    @property
    def id(self) -> str:
        return f"{self.rule.id}-{self.night.isoformat()}"

    def text(self) -> str:
        """The words the user is shown: what, when, why, and what to do."""
        detail = f" ({self.detail})" if self.detail else ""
        return (
            f"{self.rule.title}{detail}, night of {self.night:%a %d %b %Y}. "
            f"{self.rule.advice} {ACTION_TEXT[self.rule.action]}"
        )

    def raised(self) -> RaisedFlag:
        return RaisedFlag(
            id=self.id,
            rule=self.rule.id,
            level=self.rule.level,
            action=self.rule.action,
            night=self.night,
            text=self.text(),
            detail=self.detail,
        )


# --- one night -------------------------------------------------------------------------


def _lasted(minutes: float) -> str:
    """'12 min', or minutes and seconds ('10 min 5 s') when timed to the second."""
    seconds = round(minutes * 60)
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds // 60} min {seconds % 60} s"


def night_findings(facts: NightFacts) -> list[Finding]:
    """The rules met by one night's log, episodes, notes and answers (not frequency)."""
    log = facts.cramps
    note = log.notes if log is not None else ""
    # The note reader loads on the first night read (its word lists and patterns take
    # tens of milliseconds): the check-in that imports this module does not wait for it.
    from coach.safety.note_rules import note_findings

    found = note_findings(note, log.leg if log is not None else None, answered_signs(facts.answers))

    longest = facts.longest_minutes
    if longest is not None and longest > LONG_MINUTES:
        banded = log is not None and log.band is not None and log.minutes is None
        found["long-cramp"] = (
            f"logged as {log.band} min" if banded and log is not None else _lasted(longest)
        )
    if "elsewhere" not in found and facts.answers.get("elsewhere") is True:
        found["elsewhere"] = "your answer in the check-in"
    if "claudication" not in found and facts.answers.get("walking_pain") is True:
        found["claudication"] = "your answer in the check-in"
    order = list(RULES)
    return [
        Finding(rule=RULES[rule], night=facts.night, detail=detail)
        for rule, detail in sorted(found.items(), key=lambda item: order.index(item[0]))
    ]


def merged_answers(events: Sequence[Event]) -> dict[date, dict[str, Any]]:
    """Each night's answers (the weekly questions, the urgent signs), the latest of each
    question winning: one event may hold the questions and a later one the signs."""
    answers: dict[date, dict[str, Any]] = {}
    for event in events:
        if event.kind == ANSWERS_EVENT:
            answers.setdefault(event.night, {}).update(event.data)
    return answers


def answered_signs(answers: Mapping[str, Any]) -> frozenset[str]:
    """The urgent signs the user said they have on a night (the checklist, `--sign`)."""
    given = answers.get("signs")
    if not isinstance(given, list | tuple):
        return frozenset()
    from coach.safety.note_rules import SIGNS

    return frozenset(s for s in given if isinstance(s, str) and s in SIGNS)


# --- frequency over 14 nights ----------------------------------------------------------


def _frequent_week(nights: Sequence[NightFacts]) -> bool:
    logged = [f for f in nights if f.logged]
    cramp_nights = sum(1 for f in logged if (f.cramp_count or 0) > 0)
    if cramp_nights >= FREQUENT_NIGHTS:
        return True
    if len(logged) >= MIN_LOGGED_FOR_SHARE and cramp_nights * 7 >= FREQUENT_NIGHTS * len(logged):
        return True
    disturbed = sum(
        1
        for f in logged
        if f.cramps is not None
        and f.cramps.disturbance is not None
        and f.cramps.disturbance >= DISTURBED
    )
    return disturbed >= DISTURBED_NIGHTS


def frequent_at(diary: Diary, end: date) -> bool:
    """True when both weeks of the 14 nights up to `end` were frequent or disturbed."""
    first = diary.window(end - timedelta(days=WINDOW_NIGHTS - 1), end - timedelta(days=7))
    second = diary.window(end - timedelta(days=6), end)
    return len(first) == 7 and len(second) == 7 and _frequent_week(first) and _frequent_week(second)


def _frequent_detail(diary: Diary, end: date) -> str:
    nights = diary.window(end - timedelta(days=WINDOW_NIGHTS - 1), end)
    cramp_nights = sum(1 for f in nights if (f.cramp_count or 0) > 0)
    logged = sum(1 for f in nights if f.logged)
    return f"cramps on {cramp_nights} of {logged} logged nights in 14"


# --- the diary, for History and the report --------------------------------------------


def find_findings(diary: Diary, start: date, end: date) -> list[Finding]:
    """Every finding of nights start..end, oldest first; frequency once per night it holds."""
    findings: list[Finding] = []
    for facts in diary.window(start, end):
        findings.extend(night_findings(facts))
        if frequent_at(diary, facts.night):
            findings.append(
                Finding(
                    rule=RULES["frequent"],
                    night=facts.night,
                    detail=_frequent_detail(diary, facts.night),
                )
            )
    return findings


class RedFlag(NamedTuple):
    """A rule met in the log, with the nights that show it (for History and the report)."""

    pattern: Rule
    nights: tuple[date, ...]

    @property
    def id(self) -> str:
        return self.pattern.id

    @property
    def last(self) -> date:
        return self.nights[-1]

    def line(self) -> str:
        """One line for a notice: the rule, when, the advice, what to do."""
        return (
            f"{self.pattern.title} ({self.when()}). {self.pattern.advice} "
            + (ACTION_TEXT[self.pattern.action])
        )

    def when(self) -> str:
        if len(self.nights) > 3:
            return f"{len(self.nights)} nights, the latest {self.last:%d %b %Y}"
        return ", ".join(f"{n:%d %b %Y}" for n in self.nights)


def find_red_flags(
    diary: Diary, start: date | None = None, end: date | None = None
) -> list[RedFlag]:
    """Every rule met in nights start..end (default: the whole diary), urgent first."""
    if not diary.nights:
        return []
    start = start or diary.nights[0].night
    end = end or diary.nights[-1].night
    found: dict[str, set[date]] = {}
    for finding in find_findings(diary, start, end):
        if finding.rule.id == "frequent":
            # The cramp nights of the 14 that made it frequent, not the window's end.
            window = diary.window(finding.night - timedelta(days=WINDOW_NIGHTS - 1), finding.night)
            nights = {f.night for f in window if (f.cramp_count or 0) > 0 and f.night >= start}
            found.setdefault("frequent", set()).update(nights or {finding.night})
        else:
            found.setdefault(finding.rule.id, set()).add(finding.night)
    order = list(RULES)
    flags = [
        RedFlag(pattern=RULES[rule], nights=tuple(sorted(nights))) for rule, nights in found.items()
    ]
    flags.sort(key=lambda f: (f.pattern.level != "urgent", order.index(f.id)))
    return flags


# --- on every save ---------------------------------------------------------------------


def _cramp_diary(store: Store, start: date, end: date, events: Sequence[Event]) -> Diary:
    """The nights start..end with what the rules read (morning logs, episodes, answers),
    and not the steps: no rule depends on them, and they are most of a night's records.
    `events`: the events of those nights at least (others are left out)."""
    logs = store.cramp_logs(start, end)
    events = [e for e in events if start <= e.night <= end]
    episodes: dict[date, list[Event]] = {}
    for event in cramp_episodes(events):
        episodes.setdefault(event.night, []).append(event)
    answers = merged_answers(events)
    nights = []
    night = start
    while night <= end:
        nights.append(
            NightFacts(
                night=night,
                steps={},
                required=(),
                cramps=logs.get(night),
                episodes=tuple(episodes.get(night, ())),
                answers=answers.get(night, {}),
            )
        )
        night += timedelta(days=1)
    return Diary(nights=nights, required=())


def check_after_save(
    store: Store, settings: Settings, now: datetime, night: date
) -> list[RaisedFlag]:
    """Run the rules on a night just written; store and return the flags not raised before.

    The frequency rule is checked on every 14-night window the night belongs to; it is
    raised again only after 14 nights without it having been raised.
    """
    today = current_night(settings, now)
    end = max(night, min(night + timedelta(days=WINDOW_NIGHTS - 1), today))
    reach = timedelta(days=WINDOW_NIGHTS - 1)
    # One read of the events serves the rules and the flags already raised nearby.
    events = store.events(night - 2 * reach, end + reach)
    diary = _cramp_diary(store, night - reach, end, events)
    facts = diary.night(night)
    findings = night_findings(facts) if facts is not None else []
    for facts_end in diary.window(night, end):
        if frequent_at(diary, facts_end.night):
            findings.append(
                Finding(
                    rule=RULES["frequent"],
                    night=facts_end.night,
                    detail=_frequent_detail(diary, facts_end.night),
                )
            )
            break
    if not findings:
        return []
    existing = flags_from(events)
    have = {flag.id for flag in existing}
    met = {finding.id for finding in findings}
    merged = [flag for flag in existing if flag.id in met and flag.foreign]
    if merged:  # raised in another copy: into this folder's index (ours are there already)
        remember(store, merged)
    new: list[RaisedFlag] = []
    for finding in findings:
        if finding.id in have:
            continue
        if finding.rule.id == "frequent" and any(
            flag.rule == "frequent" and abs((flag.night - finding.night).days) < WINDOW_NIGHTS
            for flag in existing
        ):
            continue
        new.append(finding.raised())
    return raise_flags(store, new)


class StateAndEvents(Protocol):
    """What the weekly questions need: the store, or the diary (whose saves run hooks)."""

    def get_state(self, key: str, default: Any = None) -> Any: ...

    def set_state(self, key: str, value: Any) -> None: ...

    def add_event(self, night: date, kind: str, data: Mapping[str, Any] | None = None) -> Any: ...


def questions_due(store: StateAndEvents, today: date) -> bool:
    """True when the check-in should ask its weekly safety questions today."""
    asked = store.get_state(QUESTIONS_KEY)
    if not isinstance(asked, str):
        return True
    try:
        last = date.fromisoformat(asked)
    except ValueError:
        return True
    return (today - last).days >= QUESTIONS_EVERY_DAYS or today < last


QUESTIONS_KEY = "safety_questions_asked"


def record_answers(
    store: StateAndEvents,
    night: date,
    today: date,
    *,
    walking_pain: bool | None,
    elsewhere: bool | None,
) -> None:
    """Keep the weekly questions' answers on the night asked about, and when they were asked."""
    from coach.diary.nights import ANSWERS_EVENT

    store.add_event(night, ANSWERS_EVENT, {"walking_pain": walking_pain, "elsewhere": elsewhere})
    store.set_state(QUESTIONS_KEY, today.isoformat())


def record_signs(store: StateAndEvents, night: date, signs: Iterable[str]) -> str:
    """Keep the urgent signs answered for a night (the checklist, `coach cramp --sign`; an
    empty list: none of them). The save's red-flag check raises their flags at once.
    Returns them in words, for the line that confirms them."""
    from coach.safety.note_rules import SIGNS

    chosen = [sign for sign in SIGNS if sign in set(signs)]
    store.add_event(night, ANSWERS_EVENT, {"signs": chosen})
    return "; ".join(SIGNS[sign] for sign in chosen) or "none"


# --- History shows each finding once ---------------------------------------------------

SHOWN_KEY = "redflags_shown"


def unshown(store: Store, flags: Sequence[RedFlag]) -> list[RedFlag]:
    """The flags with a night later than the last one shown for their rule."""
    shown = _shown(store)
    return [f for f in flags if f.id not in shown or f.last.isoformat() > shown[f.id]]


def mark_shown(store: Store, flags: Sequence[RedFlag]) -> None:
    """Remember these flags as shown, so each finding reaches History's panel once."""
    if not flags:
        return
    shown = _shown(store)
    for flag in flags:
        shown[flag.id] = max(shown.get(flag.id, ""), flag.last.isoformat())
    store.set_state(SHOWN_KEY, shown)


def _shown(store: Store) -> dict[str, str]:
    value = store.get_state(SHOWN_KEY, {})
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}
