"""Commands anyone can use about themselves: help, status, history, vacation, skip, prompts, privacy."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import delete, select

from bot import erasure, mydata, planner, reports
from bot import history as past
from bot.commands import CommandError, help_text
from bot.commands import ast as A
from bot.context import Context
from bot.domain import Intent, PromptAudience, PromptKind
from bot.handlers.cadences import find
from bot.i18n import N_
from bot.messages import Para, Quote, Reply
from bot.schedule import local_today
from storage.models import ScheduleSlot, Vacation

MAX_VACATION = timedelta(days=366)

KINDS = {
    PromptKind.TEXT: N_("written answer"),
    PromptKind.RATING: N_("rating 1–5"),
    PromptKind.CHECKLIST: N_("checklist"),
    PromptKind.SCORECARD: N_("private self-rating"),
}
INTENTS = {
    Intent.PRIORITIES: N_("priorities"),
    Intent.DECISIONS: N_("decisions"),
    Intent.OBSTACLES: N_("obstacles"),
    Intent.GROWTH: N_("growth"),
    Intent.RECOGNITION: N_("recognition"),
    Intent.WELLBEING: N_("wellbeing"),
    Intent.MANAGER_FEEDBACK: N_("feedback for the manager"),
}


def _say(*lines: str) -> list[Reply]:
    return [Reply(tuple(Para(line) for line in lines))]


def show_help(ctx: Context, cmd: A.Help) -> list[Reply]:
    try:
        return _say(help_text(cmd.topic, ctx.t))
    except CommandError as exc:
        return _say(exc.render(ctx.t))


def prompts(ctx: Context, cmd: A.Prompts) -> list[Reply]:
    t, locale = ctx.t, ctx.person.locale
    if cmd.set is None:
        lines = [t._("*Prompt sets*")]
        for s in ctx.library.sets():
            lines.append(
                t._(
                    "• *{name}* ({count}) — {description}",
                    name=s.name,
                    count=t.number(len(s.prompts)),
                    description=s.description_for(locale) or t._("your organisation's own prompts"),
                )
            )
        lines.append(t._("See the questions of one set with `prompts <set>`."))
        lines.append(t._("`prompts competencies` shows the competency map."))
        return _say(*lines)
    if not ctx.library.has_set(cmd.set):
        names = t.list(s.name for s in ctx.library.sets())
        return _say(
            t._("There is no prompt set called *{name}*. Available: {names}.", name=cmd.set, names=names)
        )
    prompt_set = ctx.library.set(cmd.set)
    lines = [
        t._(
            "*{name}* — {description}",
            name=prompt_set.name,
            description=prompt_set.description_for(locale) or t._("your organisation's own prompts"),
        )
    ]
    for audience, title in (
        (PromptAudience.MANAGER, N_("*For managers*")),
        (PromptAudience.MEMBER, N_("*For team members*")),
    ):
        chosen = prompt_set.for_audience(audience)
        if chosen:
            lines.append(t._(title))
            lines.extend(
                t._(
                    "• {text} _({kind}, {intent})_ `{id}`",
                    id=p.id,
                    text=p.text_for(locale),
                    kind=t._(KINDS[p.kind]),
                    intent=t._(INTENTS[p.intent]) if p.intent in INTENTS else p.intent.value,
                )
                for p in chosen
            )
    return _say(*lines)


def vacation(ctx: Context, cmd: A.Vacation) -> list[Reply]:
    t = ctx.t
    today = local_today(ctx.now, ctx.person.timezone)
    if cmd.end < today:
        return _say(t._("That vacation is already over ({end}); nothing to change.", end=t.date(cmd.end)))
    if cmd.end - cmd.start >= MAX_VACATION:
        return _say(
            t._("A vacation can last a year at most; for longer, ask an admin to take you off the team.")
        )
    start = max(cmd.start, today)  # days already past need no pause
    ctx.session.add(Vacation(person_id=ctx.person.id, start=start, end=cmd.end))
    ctx.session.flush()
    planner.refresh_slots(ctx.session, person=ctx.person, now=ctx.now)
    return _say(
        t._(
            "Enjoy your time off! No check-ins from {start} to {end}. `vacation clear` removes it.",
            start=t.day(start),
            end=t.full_date(cmd.end),
        )
    )


def vacation_clear(ctx: Context, _cmd: A.VacationClear) -> list[Reply]:
    ctx.session.execute(delete(Vacation).where(Vacation.person_id == ctx.person.id))
    ctx.session.flush()
    planner.refresh_slots(ctx.session, person=ctx.person, now=ctx.now)
    return _say(ctx.t._("Your vacations are cleared; check-ins resume as scheduled."))


def skip(ctx: Context, cmd: A.Skip) -> list[Reply]:
    t = ctx.t
    cadence = find(ctx, cmd.cadence)
    if cadence is None:
        return _say(t._("There is no cadence called *{cadence}*. `status` lists yours.", cadence=cmd.cadence))
    slot = ctx.session.scalar(
        select(ScheduleSlot).where(
            ScheduleSlot.cadence_id == cadence.id, ScheduleSlot.person_id == ctx.person.id
        )
    )
    if slot is None or slot.next_local_date is None or cadence.paused:
        return _say(t._("You have no upcoming *{cadence}* check-in to skip.", cadence=cadence.name))
    skipped = slot.next_local_date
    planner.skip_next(ctx.session, cadence=cadence, person=ctx.person, now=ctx.now)
    if slot.next_local_date:
        return _say(
            t._(
                "Skipped your *{cadence}* check-in of {skipped}. The next one is on {next}.",
                cadence=cadence.name,
                skipped=t.day(skipped),
                next=t.day(slot.next_local_date),
            )
        )
    return _say(
        t._("Skipped your *{cadence}* check-in of {skipped}.", cadence=cadence.name, skipped=t.day(skipped))
    )


def status(ctx: Context, _cmd: A.Status) -> list[Reply]:
    return [Reply(reports.status_parts(ctx.session, ctx.person, now=ctx.now, library=ctx.library))]


def history(ctx: Context, cmd: A.History) -> list[Reply]:
    return past.history(ctx, cmd.cadence)


def privacy(ctx: Context, cmd: A.Privacy) -> list[Reply]:
    if cmd.action == "export":
        data = mydata.export(ctx.session, ctx.person, library=ctx.library, holdings=ctx.holdings)
        return [
            Reply(
                (
                    Para(ctx.t._("Everything Coachbot stores about you, as JSON:")),
                    Quote(json.dumps(data, indent=1, ensure_ascii=False, default=str)),
                )
            )
        ]
    if cmd.action == "delete":
        return erasure.reply(ctx.t, erasure.erase(ctx))
    return [Reply(mydata.privacy_parts(ctx.session, ctx.person, ctx.holdings))]
