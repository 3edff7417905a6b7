"""The app's longer words: help, cramp relief and red flags. Each rests on shared CONTENT.md."""

from __future__ import annotations

from coach.experiment.design import PERIOD_NIGHTS, WASHOUT_NIGHTS

_NOT_MEDICAL_ADVICE = (
    "coach offers general self-care information. It does not diagnose or treat anything. "
    "Results vary and the evidence is limited. See a doctor or other health professional "
    "for any of the warning signs {where}, and ask a midwife or doctor before following the "
    "routine if you are pregnant."
)
NOT_MEDICAL_ADVICE = _NOT_MEDICAL_ADVICE.format(where="listed in the help (press ?)")

RELIEF_STEPS: tuple[str, ...] = (
    "Stretch the cramped muscle: pull your toes up toward your shin.",
    "Or stand and put your weight on that leg. At night, switch a light on and hold on "
    "to something (the bed, a chair) before you stand.",
    "Massage the muscle gently.",
    "Walk around for a little while, holding on if you need to.",
    "Warmth can help the soreness afterwards (not on numb feet).",
)
NUMB_FEET_HEAT = (
    "No heat on numb feet: it can burn without you feeling it. Massage and a short walk "
    "can ease the soreness instead."
)


def relief_steps(numb_feet: bool) -> tuple[str, ...]:
    """The relief guide's steps; with numb feet, the heat advice becomes its caution."""
    if not numb_feet:
        return RELIEF_STEPS
    return (*RELIEF_STEPS[:-1], NUMB_FEET_HEAT)


CLOT_SIGNS = (
    "Pregnancy raises the risk of a blood clot. If one calf is swollen, red, warm or "
    "tender, get help the same day; with breathlessness or chest pain, call your "
    "emergency number."
)


def profile_card(*, pregnant: bool, hydration_off_for_profile: bool, numb_feet: bool) -> str:
    """Tonight's card for what the user told coach about themselves ('' for nothing)."""
    lines = []
    if pregnant:
        lines.append(
            "Pregnant: talk to your midwife or doctor before following this routine. "
            "From about 28 weeks, go to sleep on your side. " + CLOT_SIGNS
        )
    if hydration_off_for_profile:
        lines.append(
            "Hydration is off: you told coach a doctor limits your fluids, or you have "
            "heart, kidney or liver disease. Turn it on in Settings if your doctor agrees."
        )
    if numb_feet:
        lines.append("Numb feet: coach leaves out heat, which can burn without being felt.")
    return "\n".join(lines)


URGENT_RED_FLAG = (
    "This cramp has lasted more than 10 minutes. If it does not ease when you move the leg, "
    "contact a doctor or urgent care now. If one calf is swollen, red, warm or tender, get "
    "help the same day: it can be a blood clot. A swollen or painful calf with "
    "breathlessness or chest pain: call your emergency number now."
)

CRAMP_LIMIT_SECONDS = 10 * 60
"""Past this, a cramp is a red flag (CONTENT.md)."""

HELP_MARKDOWN = f"""\
# coach: help

coach walks you through an evening routine relative to your bedtime, keeps a record of
what you did, and keeps your cramp log. Everything stays on this computer.

> **Not medical advice.** {_NOT_MEDICAL_ADVICE.format(where='under "See a professional" below')}

## Keys

| Where | Key | What it does |
|---|---|---|
| everywhere | `c`, or `F2` in a text field | Cramping now: relief guide, timer, logs it |
| everywhere | `?` | This help |
| everywhere | `ctrl+p` | Command palette: every action, and changing the theme |
| Tonight | `↑` `↓`, `enter` | Choose a step, open it |
| Tonight | `d` / `x` | Mark the chosen step done / skipped |
| Tonight | `w` | Start my evening: each step still ahead, guided as its time comes |
| Tonight, History | `u` | Undo the latest change (a step, a cramp log, a cramp); says what |
| Tonight | `z` | Snooze the step a reminder just announced (3 times a night at most) |
| Tonight | `h` | History: adherence, streaks, cramps; correct a night; export |
| Tonight | `e` | Experiment: find out whether stretching helps you (see below) |
| Experiment | `s` / `k` / `escape` | Start / stop (asks first) / back |
| Tonight | `m` | Log last night's cramps, or edit the log (the morning check-in) |
| History | `enter` | Edit a night: `d` `s` `m` mark a step, `del` delete it, `l` cramp log |
| Night editor | `D` | Delete the night's cramp log and cramps (asks first; `u` undoes) |
| History | `t` | Trends: cramps and worst pain by week; `w` `m` `a` span, `n` table |
| History | `x` | Save the doctor's report (one-page PDF) and a CSV of every night in Documents |
| History | `o` | Open the report just saved, to read or print it |
| Tonight | `s` | Settings: bedtime, time zone, steps, stretch |
| Tonight | `q` | Quit |
| Step card | `d` / `x` / `escape` | Done / skip (with a reason if you like) / back |
| Stretch player | `space` | Start, pause and resume |
| Stretch player | `n` / `+` / `v` | Skip the exercise / add 10 seconds / standing or seated |
| Stretch player | `f` | Big countdown filling the terminal, to follow from across the room |
| Stretch player | `escape` | Stop: says what you did and asks how to record it |
| Cramping now | `e` | The cramp has eased: record how long and how bad |
| Cramping now | `escape` | Back, logging the time so far (within 10 s: nothing logged) |

The mouse works too: click a step, a button or a key in the footer. "Pause or skip tonight's
reminders" is in the command palette: it silences tonight without counting the night
against your streak.

When a step falls due, coach shows it here and, while no `coach daemon` is running, sends a
desktop notification too.

## Easier to see

Settings (`s`) has **Colours**: high contrast (white and yellow on black), or the
terminal's own colours, dark or light, which let a high-contrast palette of your terminal
or desktop through. For **larger text**, make the terminal's font larger (in most
terminals: Ctrl and +, or Ctrl, Shift and +); in a browser (`coach serve`): Ctrl and +.
coach lays itself out again for the room left. Without colour (`NO_COLOR`), a pointer `▶`
shows the chosen step, a dot the chosen answer, a tick `✓` a ticked sign, and a bar the
field you are typing in.

## What the steps are for, and how sure we are

- **Stretches** before sleep: one trial in adults over 55 found fewer and milder night
  cramps after six weeks; another found no benefit. They may help some people; results
  are mixed. Try them nightly for six weeks, then look at your cramp log.
- **Hydration**: a glass of water in the evening, because dehydration is a suspected
  contributor to cramps; drinking less after it spares night-time trips to the bathroom.
  The hour is a convention, not tested. Skip it if a doctor limits your fluids or you have
  heart, kidney or liver disease (Settings, "About you", turns it off).
- **Last meal, screens off**: common sleep advice; not tested as cramp treatments.
- **Sleep position**: plausible and low-risk, but unproven. If you are pregnant, from about
  28 weeks go to sleep on your side, not your back.
- **Standing stretches, and standing up at night**: hold on to a wall, a chair back or a
  rail; at night, switch a light on first. Stop if a stretch hurts rather than pulls.

**Does stretching help you?** Comparing nights you happened to stretch with nights you did
not cannot tell. The experiment (`e` on Tonight, or `coach experiment start`) can: after a
run-in of logged mornings, periods of stretch and no-stretch nights take turns in a random
order fixed in advance (the first {WASHOUT_NIGHTS} nights of each {PERIOD_NIGHTS}-night period
do not count), and a model made for cramp counts gives the answer with its uncertainty.
It cannot be blinded, and it is about you alone.

coach does not recommend quinine: regulators warn against it for leg cramps, as it can
cause serious blood disorders, which have caused deaths. Nor supplements, or any change to
your medicines: ask your doctor or pharmacist about those.

## Things to ask a pharmacist

Some kinds of medicine are linked to night cramps: long-acting inhalers for the lungs,
water tablets (diuretics), statins, some blood-pressure medicines, and a few others. If
your cramps began or got worse after starting one, ask a pharmacist or your doctor to
review your medicines with you. Nobody should stop a medicine on their own. A pharmacist
can also advise on a simple painkiller for soreness after a cramp.

## See a professional

At once, call your emergency number: a swollen, painful calf together with breathlessness
or chest pain.

The same day: a cramp that lasts more than 10 minutes and does not ease when you move the
leg; one calf swollen, red, warm or tender; cramps after contact with a toxin or after a
dirty wound.

Soon: cramps on 3 or more nights a week, or sleep disturbed, for 2 weeks or more, whether
or not you kept the routine; cramps in other parts of the body, or muscle twitching with
weakness; numbness, tingling, swelling, or muscles getting weaker or thinner; cramps that
began after starting a new medicine; leg pain when walking that eases with rest; and if you
are pregnant, ask a midwife or doctor before following the routine.

coach checks what you log for these signs each time you save, and says so at once. Each
morning log and the cramping-now guide end with a short checklist of the urgent signs
(`1`-`6` to tick, `n` when none applies; `coach cramp --sign` on the command line). coach
reads your notes for key words and can miss signs: act on any of these signs whatever
coach shows.
"""
