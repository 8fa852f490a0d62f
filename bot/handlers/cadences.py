"""Cadences: when check-ins happen, for whom, with which prompts.

Adding and showing a cadence also says what will not work as expected (see
:mod:`bot.config_warnings`): a day that is never a working day, a team too small for any result
to be shown, a time inside quiet hours.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot import checkin_opening, planner, relationships, working_hours
from bot.cadence_text import duration_phrase, schedule_phrase
from bot.commands import ast as A
from bot.commitments import asks_commitment
from bot.config_warnings import warnings_for as _warnings_for
from bot.context import Context
from bot.domain import Audience, PromptAudience
from bot.effects import CadenceChange, CadenceChanged
from bot.handlers.org import find_team
from bot.i18n import N_, Tr
from bot.messages import Para, Reply
from bot.prompts import DEFAULT_SETS
from bot.schedule import local_today
from bot.welcome import welcome
from storage.models import REMOVED_MARK, Cadence, Checkin, ScheduleSlot, name_key

DEFAULT_QUESTIONS = 3
DEFAULT_WINDOW = timedelta(days=2)

_AUDIENCE = {
    Audience.MANAGER.value: N_("manager"),
    Audience.MEMBERS.value: N_("members"),
    Audience.BOTH.value: N_("manager and members"),
}


def warnings_for(session: Session, cadence: Cadence, t: Tr) -> list[str]:
    """What will not work about a cadence, as sentences for ``t``'s reader (also used by `status`)."""
    return _warnings_for(session, cadence, t)


def _say(*lines: str) -> list[Reply]:
    return [Reply(tuple(Para(line) for line in lines))]


def find(ctx: Context, name: str) -> Cadence | None:
    """The cadence called ``name`` in any case ("ñu" finds "Ñu"), by stored key (see ``find_team``).

    A removed cadence's key carries its "~<id>" suffix, so it is never found by a typed name.
    """
    return ctx.session.scalar(
        select(Cadence).where(Cadence.workspace_id == ctx.workspace.id, Cadence.name_key == name_key(name))
    )


def _changed(ctx: Context, name: str, change: CadenceChange) -> None:
    ctx.report(CadenceChanged(workspace=ctx.workspace.external_id, cadence=name, change=change))


def _missing(t: Tr, name: str) -> list[Reply]:
    return _say(t._("There is no cadence called *{cadence}*. See `cadence list`.", cadence=name))


def _roles(audience: Audience) -> list[PromptAudience]:
    return {
        Audience.MANAGER: [PromptAudience.MANAGER],
        Audience.MEMBERS: [PromptAudience.MEMBER],
        Audience.BOTH: [PromptAudience.MANAGER, PromptAudience.MEMBER],
    }[audience]


def _too_few_prompts(t: Tr, set_name: str, role: PromptAudience, available: int) -> str:
    if role == PromptAudience.MANAGER:
        return t.n_(
            "The set *{set}* has {count} prompt for managers; ask for at most that many with `--questions`,"
            " or choose another set.",
            "The set *{set}* has {count} prompts for managers; ask for at most that many with `--questions`,"
            " or choose another set.",
            available,
            set=set_name,
        )
    return t.n_(
        "The set *{set}* has {count} prompt for members; ask for at most that many with `--questions`,"
        " or choose another set.",
        "The set *{set}* has {count} prompts for members; ask for at most that many with `--questions`,"
        " or choose another set.",
        available,
        set=set_name,
    )


def add(ctx: Context, cmd: A.CadenceAdd) -> list[Reply]:
    t = ctx.t
    if find(ctx, cmd.name):
        return _say(t._("A cadence called *{cadence}* already exists.", cadence=cmd.name))
    team = find_team(ctx, cmd.team)
    if team is None:
        return _say(
            t._("There is no team called *{team}*. Create it first with `team create`.", team=cmd.team)
        )
    questions = cmd.questions or DEFAULT_QUESTIONS
    for role in _roles(cmd.audience):
        set_name = cmd.prompts or DEFAULT_SETS[role]
        if not ctx.library.has_set(set_name):
            names = t.list(s.name for s in ctx.library.sets())
            return _say(
                t._("There is no prompt set called *{set}*. Available: {names}.", set=set_name, names=names)
            )
        available = len(ctx.library.set(set_name).for_audience(role))
        if available < questions:
            return _say(_too_few_prompts(t, set_name, role, available))
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
        commitment=cmd.commitment,
        anchor=local_today(ctx.now, "UTC"),
        created_at=ctx.now,
    )
    ctx.session.add(cadence)
    ctx.session.flush()
    planner.refresh_slots(ctx.session, cadence=cadence, now=ctx.now)
    if cadence.audience != Audience.MANAGER:
        # Members of a team that asked them nothing yet were not welcomed when they joined: now is the time.
        for member in relationships.members_of(ctx.session, team):
            welcome(ctx.session, team=team, person=member, now=ctx.now)
    _changed(ctx, cadence.name, "added")
    return [Reply((Para(t._("Added cadence *{cadence}*.", cadence=cadence.name)), *describe(ctx, cadence)))]


def _audience_line(t: Tr, cadence: Cadence) -> str:
    schedule = schedule_phrase(t, cadence)
    if cadence.audience == Audience.MANAGER:
        return t._(
            "Team *{team}*, for the manager: {schedule}, in each person's own time zone.",
            team=cadence.team.name,
            schedule=schedule,
        )
    if cadence.audience == Audience.MEMBERS:
        return t._(
            "Team *{team}*, for the members: {schedule}, in each person's own time zone.",
            team=cadence.team.name,
            schedule=schedule,
        )
    return t._(
        "Team *{team}*, for the manager and the members: {schedule}, in each person's own time zone.",
        team=cadence.team.name,
        schedule=schedule,
    )


def describe(ctx: Context, cadence: Cadence) -> tuple[Para, ...]:
    """A cadence's settings, next nudge and warnings, for the acting person."""
    t = ctx.t
    lines = [
        _audience_line(t, cadence),
        t.n_(
            "{count} question from {set}; answers open for {window}.",
            "{count} questions from {set}; answers open for {window}.",
            cadence.questions,
            set=cadence.prompt_set or t._("the default sets"),
            window=duration_phrase(t, cadence.window_minutes),
        ),
    ]
    if cadence.audience != Audience.MANAGER:  # a manager's own check-in is never shown to anyone
        lines.append(
            t._("Anonymous for members.")
            if cadence.anonymous
            else t._("Not anonymous: the manager sees members' written answers with their names.")
        )
    asking = [role for role in _roles(Audience(cadence.audience)) if asks_commitment(cadence, role)]
    if not asking:
        lines.append(t._("No commitment question."))
    elif len(asking) == 2:
        lines.append(t._("Each check-in ends with a commitment question."))
    elif asking == [PromptAudience.MANAGER]:
        lines.append(t._("The manager's check-ins end with a commitment question."))
    else:
        lines.append(t._("The members' check-ins end with a commitment question."))
    if cadence.paused:
        lines.append("_" + t._("Paused.") + "_")
    nxt = ctx.session.scalar(
        select(func.min(ScheduleSlot.next_due_at)).where(
            ScheduleSlot.cadence_id == cadence.id, ScheduleSlot.next_due_at > ctx.now
        )
    )
    if nxt and not cadence.paused:
        zone = working_hours.policy_for(ctx.session, ctx.person).timezone
        lines.append(
            t._(
                "The next nudge goes out {when} ({zone}), the earliest time zone first.",
                when=t.when(nxt, zone),
                zone=zone,
            )
        )
    lines += ["⚠️ " + w for w in warnings_for(ctx.session, cadence, t)]
    return tuple(Para(line) for line in lines)


def list_all(ctx: Context, _cmd: A.CadenceList) -> list[Reply]:
    t = ctx.t
    rows = ctx.session.scalars(
        select(Cadence)
        .where(Cadence.workspace_id == ctx.workspace.id, Cadence.removed_at.is_(None))
        .order_by(Cadence.name)
    ).all()
    if not rows:
        return _say(t._("No cadences yet. An admin can add one with `cadence add` (see `help cadence add`)."))
    lines = ["*" + t._("Cadences") + "*"]
    for c in rows:
        state = " _" + t._("(paused)") + "_" if c.paused else ""
        lines.append(
            "• "
            + t._(
                "*{cadence}* — {team}, {audience}, {schedule}",
                cadence=c.name,
                team=c.team.name,
                audience=t._(_AUDIENCE[c.audience]),
                schedule=schedule_phrase(t, c),
            )
            + state
        )
    return _say(*lines)


def show(ctx: Context, cmd: A.CadenceShow) -> list[Reply]:
    cadence = find(ctx, cmd.name)
    if cadence is None:
        return _missing(ctx.t, cmd.name)
    return [Reply((Para(ctx.t._("*{cadence}*", cadence=cadence.name)), *describe(ctx, cadence)))]


def pause(ctx: Context, cmd: A.CadencePause) -> list[Reply]:
    t = ctx.t
    cadence = find(ctx, cmd.name)
    if cadence is None:
        return _missing(t, cmd.name)
    if cadence.paused:
        return _say(
            t._(
                "*{cadence}* is already paused; `cadence resume {cadence}` starts it again.",
                cadence=cadence.name,
            )
        )
    cadence.paused = True
    _changed(ctx, cadence.name, "paused")
    return _say(
        t._(
            "Paused *{cadence}*. Nobody will be nudged until you `cadence resume {cadence}`.",
            cadence=cadence.name,
        )
    )


def resume(ctx: Context, cmd: A.CadenceResume) -> list[Reply]:
    t = ctx.t
    cadence = find(ctx, cmd.name)
    if cadence is None:
        return _missing(t, cmd.name)
    if not cadence.paused:
        return _say(t._("*{cadence}* is already running.", cadence=cadence.name))
    cadence.paused = False
    # Occurrences that fell due while paused are not sent late: schedule from now on.
    planner.refresh_slots(ctx.session, cadence=cadence, now=ctx.now)
    _changed(ctx, cadence.name, "resumed")
    return _say(t._("Resumed *{cadence}*.", cadence=cadence.name))


def remove(ctx: Context, cmd: A.CadenceRemove) -> list[Reply]:
    t = ctx.t
    cadence = find(ctx, cmd.name)
    if cadence is None:
        return _missing(t, cmd.name)
    name = cadence.name  # as it was created, not as it was typed
    cadence.removed_at = ctx.now
    cadence.name = f"{cadence.name}{REMOVED_MARK}{cadence.id}"
    ctx.session.execute(delete(ScheduleSlot).where(ScheduleSlot.cadence_id == cadence.id))
    _changed(ctx, name, "removed")
    return _say(
        t._(
            "Removed *{cadence}*: nobody will be nudged for it again. Check-ins already open can still be"
            " finished, and everyone keeps the answers they gave (see `privacy export`).",
            cadence=name,
        )
    )


def run_now(ctx: Context, cmd: A.CadenceRun) -> list[Reply]:
    """Send today's check-in now, like the scheduled run would.

    Left out: people on vacation today, people who chose to skip today's occurrence
    (`skip <cadence>`), and anyone who already has a check-in of this cadence open — a person
    never has two open check-ins of one cadence. Quiet hours are still respected.
    """
    t = ctx.t
    cadence = find(ctx, cmd.name)
    if cadence is None:
        return _missing(t, cmd.name)
    sent = today_done = still_open = away = skipped = 0
    for person, role in planner.recipients(ctx.session, cadence):
        policy = working_hours.policy_for(ctx.session, person)
        today = local_today(ctx.now, policy.timezone)
        if any(start <= today <= end for start, end in policy.vacations):
            away += 1
            continue
        slot = ctx.session.scalar(
            select(ScheduleSlot).where(
                ScheduleSlot.cadence_id == cadence.id,
                ScheduleSlot.person_id == person.id,
                ScheduleSlot.role == role,
            )
        )
        if slot is not None and slot.skipped_local_date == today:
            skipped += 1
            continue
        state = _existing(ctx, cadence, person.id, today)
        if state == "today":
            today_done += 1
            continue
        if state == "open":
            still_open += 1
            continue
        opened = checkin_opening.open_checkin(
            ctx.session,
            ctx.library,
            cadence=cadence,
            person=person,
            role=role,
            occurrence_date=today,
            now=ctx.now,
        )
        if opened is None:  # opening refuses a second open check-in of the cadence
            still_open += 1
        else:
            sent += 1
    return _say(" ".join(_run_summary(t, cadence, sent, today_done, still_open, away, skipped)))


def _existing(ctx: Context, cadence: Cadence, person_id: int, today: date) -> str | None:
    """`today` if the person had today's check-in of this cadence, else `open` if one is still open."""
    rows = ctx.session.execute(
        select(Checkin.state, Checkin.occurrence_date).where(
            Checkin.cadence_id == cadence.id, Checkin.person_id == person_id
        )
    ).all()
    if any(day == today for _, day in rows):
        return "today"
    if any(state == "open" for state, _ in rows):
        return "open"
    return None


def _run_summary(
    t: Tr, cadence: Cadence, sent: int, today_done: int, still_open: int, away: int, skipped: int
) -> list[str]:
    parts = [
        t.n_(
            "Started *{cadence}* for {count} person.",
            "Started *{cadence}* for {count} people.",
            sent,
            cadence=cadence.name,
        )
    ]
    if today_done:
        parts.append(
            t.n_("{count} already had today's check-in.", "{count} already had today's check-in.", today_done)
        )
    if still_open:
        parts.append(
            t.n_(
                "{count} still has one open and gets no second one.",
                "{count} still have one open and get no second one.",
                still_open,
            )
        )
    if away:
        parts.append(t.n_("{count} on vacation was left out.", "{count} on vacation were left out.", away))
    if skipped:
        parts.append(
            t.n_(
                "{count} who skipped today's check-in was left out.",
                "{count} who skipped today's check-in were left out.",
                skipped,
            )
        )
    parts.append(t._("Anyone in their quiet hours gets it when those end."))
    return parts
