"""Experiments as the screen tests set them up: stored plans and their nights."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from coach.experiment.protocol import Protocol
from coach.session import Session
from screens.app import CoachApp
from tests.support.apps import MakeApp

TONIGHT = date(2026, 11, 22)


def logged_app(ctx: Session, make_app: MakeApp) -> MakeApp:
    """The make_app fixture, with last night logged and the morning round of Sun 22 Nov
    asked (it would ask about the nights of the past week not logged), so the morning
    check-in does not open over Tonight that day."""
    from coach.diary.checkin import ASKED_KEY

    def make(**kw: Any) -> CoachApp:
        if not ctx.store.cramp_logs(TONIGHT - timedelta(days=1), TONIGHT - timedelta(days=1)):
            ctx.store.record_cramps(TONIGHT - timedelta(days=1), 0)
        ctx.set_state(ASKED_KEY, TONIGHT.isoformat())
        kw.setdefault("first_run", False)
        return make_app(**kw)

    return make


# The screen tests' plans have 14-night periods, 3 settling-in nights and a first look
# after two pairs (as plans were stored before version 3), so a few weeks make a plan.


def finished_experiment(ctx: Session) -> Protocol:
    """Three pairs of 14 nights ending last night: fewer cramps on every stretch night."""
    arms = ("no-stretch", "stretch", "stretch", "no-stretch", "stretch", "no-stretch")
    start = TONIGHT - timedelta(days=len(arms) * 14)
    protocol = Protocol(
        created="test",
        run_in_start=start - timedelta(days=14),
        start=start,
        arms=arms,
        run_in_rate=1.5,
        period_nights=14,
        washout_nights=3,
        first_look=2,
    )
    ctx.store.set_state("experiment", protocol.to_state())
    for index in range(len(arms) * 14):
        night = start + timedelta(days=index)
        if index % 9 == 4:
            continue  # a morning not logged now and then
        stretch = arms[index // 14] == "stretch"
        ctx.store.record_cramps(night, (index % 2) if stretch else 2 + index % 2)
        if stretch:
            ctx.store.record_step(night, "stretch", "done")
    return protocol


def clear_after_three_pairs(
    ctx: Session, last: date = TONIGHT - timedelta(days=1), *, last_logged: bool = True
) -> Protocol:
    """A six-pair plan whose third pair ended on the night `last` (by default last
    night), every morning logged (the last one only if `last_logged`): far fewer cramps
    on stretch nights, so the look after three pairs ends it."""
    arms = ("no-stretch", "stretch", "stretch", "no-stretch", "no-stretch", "stretch")
    arms += ("stretch", "no-stretch") * 3
    start = last + timedelta(days=1) - timedelta(days=6 * 14)
    protocol = Protocol(
        created="test",
        run_in_start=start - timedelta(days=14),
        start=start,
        arms=arms,
        run_in_rate=1.5,
        period_nights=14,
        washout_nights=3,
        first_look=3,
    )
    ctx.store.set_state("experiment", protocol.to_state())
    for index in range(6 * 14 - (not last_logged)):
        night = start + timedelta(days=index)
        stretch = arms[index // 14] == "stretch"
        ctx.store.record_cramps(night, int(index % 5 == 0) if stretch else 2 + index % 3)
        if stretch:
            ctx.store.record_step(night, "stretch", "done")
    return protocol


def mid_no_stretch_period(ctx: Session) -> None:
    """A plan that began five nights ago with a no-stretch period: tonight is its sixth."""
    protocol = Protocol(
        created="test",
        run_in_start=TONIGHT - timedelta(days=20),
        start=TONIGHT - timedelta(days=5),
        arms=("no-stretch", "stretch", "stretch", "no-stretch"),
        run_in_rate=1.0,
        period_nights=14,
        washout_nights=3,
        first_look=2,
    )
    ctx.store.set_state("experiment", protocol.to_state())
