"""Commands anyone can use about themselves: status, vacation, skip, prompts, privacy."""

from __future__ import annotations

import json

from sqlalchemy import delete, select

from bot import planner, reports
from bot.commands import ast as A
from bot.context import Context
from bot.domain import PromptAudience
from bot.handlers.cadences import find
from bot.messages import Para, Quote, Reply
from storage.models import Answer, Checkin, OutboxMessage, ScheduleSlot, Vacation


def _say(*lines: str) -> list[Reply]:
    return [Reply(tuple(Para(line) for line in lines))]


def prompts(ctx: Context, cmd: A.Prompts) -> list[Reply]:
    locale = ctx.person.locale
    if cmd.set is None:
        lines = ["*Prompt sets*"]
        for s in ctx.library.sets():
            lines.append(f"• *{s.name}* ({len(s.prompts)}) — {s.description_for(locale)}")
        lines.append("See the questions of one set with `prompts <set>`.")
        return _say(*lines)
    if not ctx.library.has_set(cmd.set):
        names = ", ".join(s.name for s in ctx.library.sets())
        return _say(f"There is no prompt set called *{cmd.set}*. Available: {names}.")
    prompt_set = ctx.library.set(cmd.set)
    lines = [f"*{prompt_set.name}* — {prompt_set.description_for(locale)}"]
    for audience, title in (
        (PromptAudience.MANAGER, "For managers"),
        (PromptAudience.MEMBER, "For team members"),
    ):
        chosen = prompt_set.for_audience(audience)
        if chosen:
            lines.append(f"*{title}*")
            lines.extend(f"• {p.text_for(locale)} _({p.kind.value}, {p.intent.value})_" for p in chosen)
    return _say(*lines)


def vacation(ctx: Context, cmd: A.Vacation) -> list[Reply]:
    ctx.session.add(Vacation(person_id=ctx.person.id, start=cmd.start, end=cmd.end))
    ctx.session.flush()
    planner.refresh_slots(ctx.session, person=ctx.person, now=ctx.now)
    return _say(
        f"Enjoy your time off! No check-ins from {cmd.start:%a %d %b} to {cmd.end:%a %d %b %Y}. "
        "`vacation clear` removes it."
    )


def vacation_clear(ctx: Context, _cmd: A.VacationClear) -> list[Reply]:
    ctx.session.execute(delete(Vacation).where(Vacation.person_id == ctx.person.id))
    ctx.session.flush()
    planner.refresh_slots(ctx.session, person=ctx.person, now=ctx.now)
    return _say("Your vacations are cleared; check-ins resume as scheduled.")


def skip(ctx: Context, cmd: A.Skip) -> list[Reply]:
    cadence = find(ctx, cmd.cadence)
    if cadence is None:
        return _say(f"There is no cadence called *{cmd.cadence}*. `status` lists yours.")
    slot = ctx.session.scalar(
        select(ScheduleSlot).where(
            ScheduleSlot.cadence_id == cadence.id, ScheduleSlot.person_id == ctx.person.id
        )
    )
    if slot is None or slot.next_local_date is None:
        return _say(f"You have no upcoming *{cadence.name}* check-in to skip.")
    skipped = slot.next_local_date
    planner.skip_next(ctx.session, cadence=cadence, person=ctx.person, now=ctx.now)
    after = f" The next one is on {slot.next_local_date:%a %d %b}." if slot.next_local_date else ""
    return _say(f"Skipped your *{cadence.name}* check-in of {skipped:%a %d %b}.{after}")


def status(ctx: Context, _cmd: A.Status) -> list[Reply]:
    return [Reply(reports.status_parts(ctx.session, ctx.person, now=ctx.now, library=ctx.library))]


def privacy(ctx: Context, cmd: A.Privacy) -> list[Reply]:
    if cmd.action == "export":
        data = reports.export(ctx.session, ctx.person, library=ctx.library)
        return [
            Reply(
                (
                    Para("Everything Coachbot stores about you, as JSON:"),
                    Quote(json.dumps(data, indent=1, ensure_ascii=False, default=str)),
                )
            )
        ]
    if cmd.action == "delete":
        return _delete_mine(ctx)
    return [Reply(reports.privacy_parts(ctx.session, ctx.person))]


def _delete_mine(ctx: Context) -> list[Reply]:
    """Delete the person's check-ins and answers; team results already sent stay, as they name nobody."""
    session, person = ctx.session, ctx.person
    ids = list(session.scalars(select(Checkin.id).where(Checkin.person_id == person.id)))
    answers = 0
    if ids:
        answers = len(list(session.scalars(select(Answer.id).where(Answer.checkin_id.in_(ids)))))
        session.execute(delete(OutboxMessage).where(OutboxMessage.checkin_id.in_(ids)))
        session.execute(delete(Answer).where(Answer.checkin_id.in_(ids)))
        session.execute(delete(Checkin).where(Checkin.id.in_(ids)))
    session.execute(delete(Vacation).where(Vacation.person_id == person.id))
    session.flush()
    return _say(
        f"Deleted {len(ids)} check-ins and {answers} answers, and your vacations. Team results that were "
        "already shared stay, because they never named you. Your team membership stays until an admin "
        "changes it."
    )


def history(ctx: Context, cmd: A.History) -> list[Reply]:
    """`history [cadence]`: my own past check-ins and answers (to be implemented)."""
    raise NotImplementedError
