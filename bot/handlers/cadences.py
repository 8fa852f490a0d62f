"""Cadences: when check-ins happen, for whom, with which prompts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from bot import checkins, people, planner
from bot.commands import ast as A
from bot.context import Context
from bot.domain import Audience, PromptAudience
from bot.handlers.org import find_team
from bot.messages import Para, Reply
from bot.prompts import DEFAULT_SETS
from bot.schedule import local_today
from storage.models import REMOVED_MARK, Cadence, ScheduleSlot

DEFAULT_QUESTIONS = 3
DEFAULT_WINDOW = timedelta(days=2)


def _say(*lines: str) -> list[Reply]:
    return [Reply(tuple(Para(line) for line in lines))]


def find(ctx: Context, name: str) -> Cadence | None:
    return ctx.session.scalar(
        select(Cadence).where(
            Cadence.workspace_id == ctx.workspace.id, func.lower(Cadence.name) == name.lower()
        )
    )


def _missing(name: str) -> list[Reply]:
    return _say(f"There is no cadence called *{name}*. See `cadence list`.")


def _roles(audience: Audience) -> list[str]:
    return {
        Audience.MANAGER: ["manager"],
        Audience.MEMBERS: ["member"],
        Audience.BOTH: ["manager", "member"],
    }[audience]


def add(ctx: Context, cmd: A.CadenceAdd) -> list[Reply]:
    if find(ctx, cmd.name):
        return _say(f"A cadence called *{cmd.name}* already exists.")
    team = find_team(ctx, cmd.team)
    if team is None:
        return _say(f"There is no team called *{cmd.team}*. Create it first with `team create`.")
    questions = cmd.questions or DEFAULT_QUESTIONS
    for role in _roles(cmd.audience):
        set_name = cmd.prompts or DEFAULT_SETS[PromptAudience(role)]
        if not ctx.library.has_set(set_name):
            names = ", ".join(s.name for s in ctx.library.sets())
            return _say(f"There is no prompt set called *{set_name}*. Available: {names}.")
        audience = PromptAudience.MANAGER if role == "manager" else PromptAudience.MEMBER
        available = len(ctx.library.set(set_name).for_audience(audience))
        if available < questions:
            return _say(
                f"The set *{set_name}* has {available} prompts for {role}s; ask for at most that many "
                "with `--questions`, or choose another set."
            )
    window = cmd.window or DEFAULT_WINDOW
    cadence = Cadence(
        workspace_id=ctx.workspace.id,
        team_id=team.id,
        name=cmd.name,
        audience=cmd.audience.value,
        recurrence=cmd.recurrence.to_text(),
        at_time=f"{cmd.at:%H:%M}",
        prompt_set=cmd.prompts,
        questions=questions,
        window_minutes=int(window.total_seconds() // 60),
        anonymous=True if cmd.anonymous is None else cmd.anonymous,
        anchor=local_today(ctx.now, "UTC"),
        created_at=ctx.now,
    )
    ctx.session.add(cadence)
    ctx.session.flush()
    planner.refresh_slots(ctx.session, cadence=cadence, now=ctx.now)
    return [Reply((Para(f"Added cadence *{cadence.name}*."), *describe(ctx, cadence)))]


def describe(ctx: Context, cadence: Cadence) -> tuple[Para, ...]:
    audience = {"manager": "the manager", "members": "the members", "both": "the manager and the members"}[
        cadence.audience
    ]
    window_h = cadence.window_minutes / 60
    window = _plural(window_h / 24, "day") if window_h >= 24 else _plural(window_h, "hour")
    lines = [
        f"Team *{cadence.team.name}*, for {audience}: {cadence.recurrence} at {cadence.at_time} "
        "in each person's "
        f"own time zone.",
        f"{cadence.questions} question{'s' if cadence.questions != 1 else ''} from "
        f"{cadence.prompt_set or 'the default sets'}; answers open for {window}; "
        f"{'anonymous' if cadence.anonymous else 'not anonymous'} for members.",
    ]
    if cadence.paused:
        lines.append("_Paused._")
    nxt = ctx.session.scalar(
        select(func.min(ScheduleSlot.next_due_at)).where(ScheduleSlot.cadence_id == cadence.id)
    )
    if nxt and not cadence.paused:
        lines.append(f"Next nudge goes out {nxt:%a %d %b %H:%M} UTC (the earliest time zone first).")
    return tuple(Para(line) for line in lines)


def list_all(ctx: Context, _cmd: A.CadenceList) -> list[Reply]:
    rows = ctx.session.scalars(
        select(Cadence)
        .where(Cadence.workspace_id == ctx.workspace.id, Cadence.removed_at.is_(None))
        .order_by(Cadence.name)
    ).all()
    if not rows:
        return _say("No cadences yet. An admin can add one with `cadence add` (see `help cadence add`).")
    lines = ["*Cadences*"]
    for c in rows:
        state = " _(paused)_" if c.paused else ""
        lines.append(f"• *{c.name}* — {c.team.name}, {c.audience}, {c.recurrence} at {c.at_time}{state}")
    return _say(*lines)


def show(ctx: Context, cmd: A.CadenceShow) -> list[Reply]:
    cadence = find(ctx, cmd.name)
    if cadence is None:
        return _missing(cmd.name)
    return [Reply((Para(f"*{cadence.name}*"), *describe(ctx, cadence)))]


def pause(ctx: Context, cmd: A.CadencePause) -> list[Reply]:
    cadence = find(ctx, cmd.name)
    if cadence is None:
        return _missing(cmd.name)
    cadence.paused = True
    return _say(f"Paused *{cadence.name}*. Nobody will be nudged until you `cadence resume {cadence.name}`.")


def resume(ctx: Context, cmd: A.CadenceResume) -> list[Reply]:
    cadence = find(ctx, cmd.name)
    if cadence is None:
        return _missing(cmd.name)
    cadence.paused = False
    # Occurrences that fell due while paused are not sent late: schedule from now on.
    planner.refresh_slots(ctx.session, cadence=cadence, now=ctx.now)
    return _say(f"Resumed *{cadence.name}*.")


def remove(ctx: Context, cmd: A.CadenceRemove) -> list[Reply]:
    cadence = find(ctx, cmd.name)
    if cadence is None:
        return _missing(cmd.name)
    cadence.removed_at = ctx.now
    cadence.name = f"{cadence.name}{REMOVED_MARK}{cadence.id}"
    ctx.session.execute(delete(ScheduleSlot).where(ScheduleSlot.cadence_id == cadence.id))
    return _say(
        f"Removed *{cmd.name}*: nobody will be nudged for it again. Check-ins already open can still be "
        "finished, and everyone keeps the answers they gave (see `privacy export`)."
    )


def run_now(ctx: Context, cmd: A.CadenceRun) -> list[Reply]:
    """Send today's check-in now to everyone who has not had one today (quiet hours still respected)."""
    cadence = find(ctx, cmd.name)
    if cadence is None:
        return _missing(cmd.name)
    sent, already, away = 0, 0, 0
    for person, role in planner.recipients(ctx.session, cadence):
        policy = people.policy_for(ctx.session, person)
        today = local_today(ctx.now, policy.timezone)
        if any(start <= today <= end for start, end in policy.vacations):
            away += 1
            continue
        if checkins.open_checkin(
            ctx.session,
            ctx.library,
            cadence=cadence,
            person=person,
            role=role,
            occurrence_date=today,
            now=ctx.now,
        ):
            sent += 1
        else:
            already += 1
    parts = [f"Started *{cadence.name}* for {sent} {'person' if sent == 1 else 'people'}."]
    if already:
        parts.append(f"{already} already had today's check-in.")
    if away:
        parts.append(f"{away} on vacation were left out.")
    parts.append("Anyone in their quiet hours gets it when those end.")
    return _say(" ".join(parts))


def _plural(amount: float, unit: str) -> str:
    return f"{amount:g} {unit}{'' if amount == 1 else 's'}"
