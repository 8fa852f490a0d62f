"""Public holidays as days off, per workspace (`holidays on|off`); issue 10, section 5.

The people and reporting lines an HR file brings are imported by `coachbot import`
(:mod:`bot.org_import`), not by a chat command: it is an operator's job, with a file at hand.
"""

from __future__ import annotations

from sqlalchemy import func, select

from bot import planner
from bot.commands import ast as A
from bot.config_warnings import live_cadences
from bot.context import Context
from bot.messages import Para, Reply
from storage.models import Person


def holidays(ctx: Context, cmd: A.Holidays) -> list[Reply]:
    t, ws = ctx.t, ctx.workspace
    with_country = int(
        ctx.session.scalar(
            select(func.count()).where(Person.workspace_id == ws.id, Person.country.is_not(None))
        )
        or 0
    )
    known = t.n_(
        "{n} person has a country set.",
        "{n} people have a country set.",
        with_country,
        n=with_country,
    )
    if cmd.on is None:
        state = (
            t._("Public holidays are days off.")
            if ws.public_holidays
            else t._("Public holidays are not days off.")
        )
        return _say(state, known)
    if cmd.on == ws.public_holidays:
        already = (
            t._("Public holidays are already days off.")
            if cmd.on
            else t._("Public holidays are already not days off.")
        )
        return _say(already)
    ws.public_holidays = cmd.on
    ctx.session.flush()
    for cadence in live_cadences(ctx.session, ws):  # nudges on holidays move, or move back
        planner.refresh_slots(ctx.session, cadence=cadence, now=ctx.now)
    if cmd.on:
        return _say(
            t._(
                "Public holidays are now days off: nobody is nudged or reminded on a public holiday of"
                " their country, and a nudge that falls on one moves to their next working day."
            ),
            known,
        )
    return _say(t._("Public holidays are no longer days off; check-ins follow the working days only."))


def _say(*lines: str) -> list[Reply]:
    return [Reply(tuple(Para(line) for line in lines))]
