"""The built-in evening routine. Every sentence here rests on shared CONTENT.md."""

from __future__ import annotations

from routines.model import Evidence, Exercise, Routine, StepDef

STEPS: tuple[StepDef, ...] = (
    StepDef(
        id="last-meal",
        title="Last meal",
        offset_minutes=-180,
        what=("Finish your last main meal now. A light snack later is fine."),
        why=(
            "A large meal close to bedtime can disturb sleep. The two-to-three-hour gap "
            "is common sleep advice; it has not been tested as a cramp treatment."
        ),
        evidence=Evidence.CONVENTION,
        notification="Finish your last main meal now; a light snack later is fine.",
        cutoff=True,
    ),
    StepDef(
        id="hydration",
        title="Hydration",
        offset_minutes=-120,
        what=(
            "Drink a glass of water now. Through the day, drink normally; from now on, "
            "drink less, to spare night-time trips to the bathroom. If a doctor has set "
            "you a fluid limit, or you have heart, kidney or liver disease, follow your "
            "doctor's advice instead of this step (Settings can turn it off)."
        ),
        why=(
            "Dehydration is a suspected contributor to night cramps. The hour to taper "
            "off is a convention, not a tested figure."
        ),
        evidence=Evidence.CONVENTION,
        notification=(
            "Drink a glass of water now, then drink less for the night. Skip this if a "
            "doctor limits how much you drink."
        ),
        cutoff=True,
    ),
    StepDef(
        id="screens-off",
        title="Screens off",
        offset_minutes=-60,
        what="Put screens away and dim the lights.",
        why=(
            "Sleep specialists advise devices off 30 to 60 minutes before bed: their "
            "light can delay sleep and melatonin. This is sleep advice, not a cramp "
            "treatment."
        ),
        evidence=Evidence.SLEEP_ADVICE,
        notification="Time to put screens away and dim the lights.",
        cutoff=True,
    ),
    StepDef(
        id="stretch",
        title="Calf and hamstring stretches",
        offset_minutes=-10,
        what=(
            "Guided calf and hamstring stretches: move into a moderate stretch, hold, "
            "return and rest, a few times on each leg. Breathe normally. For the standing "
            "ones, hold on to a wall, a chair back or a rail; stop if it hurts rather "
            "than pulls."
        ),
        why=(
            "In one trial of adults over 55, stretching just before sleep every night "
            "for 6 weeks meant fewer and milder night cramps; another trial found no "
            "benefit. It may help some people; results are mixed. Try it nightly for 6 "
            "weeks, then look at your cramp log."
        ),
        evidence=Evidence.TRIAL_MIXED,
        timed=True,
        notification="Time for your calf and hamstring stretches.",
    ),
    StepDef(
        id="sleep-position",
        title="Sleep position",
        offset_minutes=0,
        what=(
            "Loosen the covers at the foot of the bed so they don't push your toes down. "
            "Lie on your side with a pillow between your knees, or on your back with "
            "your feet supported. Avoid lying face down with your toes pointed."
        ),
        why=(
            "Sleeping with the toes pointed is a suspected contributor to cramps. This "
            "advice is plausible and low-risk, but unproven."
        ),
        evidence=Evidence.PLAUSIBLE,
        notification="Loosen the covers at your feet and settle on your side or back.",
    ),
    StepDef(
        id="slow-breathing",
        title="Slow breathing",
        offset_minutes=-5,
        what="A few minutes of slow, relaxed breathing in bed.",
        why=(
            "Not part of the tested routine: there is no evidence that it prevents "
            "cramps. Turn it on only if you like it."
        ),
        evidence=Evidence.PLAUSIBLE,
        enabled=False,
        notification="A few minutes of slow, relaxed breathing.",
    ),
)

EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        id="calf-standing",
        name="Calf stretch (standing)",
        variant="standing",
        instructions=(
            "Face a wall, hands on it at chest height, arms straight: it holds you steady.",
            "Step the leg to stretch back: back knee straight, heel down on the floor.",
            "Lean in until you feel a moderate stretch in the calf, not pain. Breathe normally.",
        ),
    ),
    Exercise(
        id="hamstring-standing",
        name="Hamstring stretch (standing)",
        variant="standing",
        instructions=(
            "Hold a chair back or a rail. Rest the heel of the leg to stretch on a low "
            "step, knee straight.",
            "Keep your back straight and lean forward from the hips.",
            "Stop at a moderate stretch behind the thigh, not pain. Breathe normally.",
        ),
    ),
    Exercise(
        id="calf-hamstring-seated",
        name="Hamstring and calf stretch (seated)",
        variant="seated",
        instructions=(
            "Sit on the edge of a chair, the leg to stretch straight out, heel on the floor.",
            "Pull your toes toward your shin and lean forward from the hips.",
            "Stop at a moderate stretch in the calf and thigh. Breathe normally.",
        ),
    ),
)

STRETCH_NOTIFICATION = "Time for your calf and hamstring stretches (about {minutes} minutes)."
"""The stretch reminder; the minutes follow the variant and the hold, rest and reps set."""

SLEEP_POSITION_PREGNANT = StepDef(
    id="sleep-position",
    title="Sleep position",
    offset_minutes=0,
    what=(
        "Loosen the covers at the foot of the bed so they don't push your toes down. "
        "Go to sleep on your side, with a pillow between your knees: from about 28 weeks "
        "of pregnancy, side-sleeping is advised, not lying on your back. Avoid lying with "
        "your toes pointed."
    ),
    why=(
        "From about 28 weeks of pregnancy, going to sleep on the back is linked to a "
        "higher risk of stillbirth, so the NHS and Tommy's advise going to sleep on the "
        "side. Keeping the toes from pointing is plausible and low-risk for cramps, but "
        "unproven."
    ),
    evidence=Evidence.PLAUSIBLE,
    notification="Loosen the covers at your feet and go to sleep on your side.",
)
"""The sleep-position step for someone pregnant (CONTENT.md: who should adapt the routine)."""

EVENING = Routine(steps=STEPS, exercises=EXERCISES)
