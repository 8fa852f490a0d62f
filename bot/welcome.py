"""One short welcome for someone added to a team: what will happen, when, and who sees what.

Sent once per person and team (the outbox key is the guard, so a roster sync that removes and
re-adds someone, or a repeated `team add`, never welcomes twice), in the person's language, at
their next working moment (never in quiet hours or on a day off). The manager of a team is never
welcomed to their own team, and nobody is welcomed to a team that asks its members nothing yet.

Called by ``team add``, by the roster sync (:mod:`bot.people`) and by ``cadence add`` of a members
cadence, for people who joined while their team asked its members nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox, relationships, visibility, working_hours
from bot.cadence_text import duration_phrase, schedule_phrase
from bot.domain import Audience
from bot.i18n import Tr, tr
from bot.messages import Para, Part
from bot.schedule import next_working_moment
from storage.models import Cadence, Person, Team


def _asks_members(team: Team, session: Session) -> list[Cadence]:
    return list(
        session.scalars(
            select(Cadence)
            .where(
                Cadence.team_id == team.id,
                Cadence.removed_at.is_(None),
                Cadence.paused.is_(False),
                Cadence.audience.in_([Audience.MEMBERS.value, Audience.BOTH.value]),
            )
            .order_by(Cadence.name)
        )
    )


def _cadence_line(t: Tr, cadence: Cadence, manager: str, k: int) -> str:
    when = t.n_(
        "*{cadence}*: {schedule}, your time; {count} question, open for {window}.",
        "*{cadence}*: {schedule}, your time; {count} questions, open for {window}.",
        cadence.questions,
        cadence=cadence.label,
        schedule=schedule_phrase(t, cadence),
        window=duration_phrase(t, cadence.window_minutes),
    )
    if cadence.anonymous:
        who = t._(
            "Anonymous: {manager} sees only totals and unsigned comments, and only once enough people"
            " have answered (now {k}; each check-in tells you the number that holds for it).",
            manager=manager,
            k=t.number(k),
        )
    else:
        who = t._(
            "Not anonymous: {manager} sees your written answers with your name once enough people have"
            " answered (now {k}; each check-in tells you the number that holds for it); ratings only ever"
            " as team totals.",
            manager=manager,
            k=t.number(k),
        )
    return f"{when} {who}"


def parts_for(session: Session, team: Team, person: Person) -> tuple[Part, ...]:
    """The welcome's text, in the person's language."""
    t = tr(person.locale)
    manager = relationships.lead_of(session, team).display_name
    k = visibility.workspace_threshold(person.workspace)
    lines = [
        t._(
            "Hi {name}! You're now in team *{team}*, managed by {manager}. I run the team's check-ins:"
            " a few short questions here, in a direct message.",
            name=person.display_name,
            team=team.name,
            manager=manager,
        )
    ]
    cadences = _asks_members(team, session)
    lines += [_cadence_line(t, c, manager, k) for c in cadences]
    if cadences and not visibility.enough(relationships.member_count(session, team), k):
        lines.append(
            t._(
                "The team has fewer than {k} members for now, so nobody sees anything from these"
                " check-ins until it grows.",
                k=t.number(k),
            )
        )
    lines.append(
        t._(
            "Can't answer? `skip` passes a question, `skip all` a whole check-in, `vacation <from> <to>`"
            " pauses everything. `privacy` shows all I keep about you; `help` shows the rest."
        )
    )
    return tuple(Para(line) for line in lines)


def welcome(session: Session, *, team: Team, person: Person, now: datetime) -> bool:
    """Queue the welcome for a new team member; True if it was queued now.

    Not for the team's manager, not twice, and not while the team has no running check-in for
    members: then nothing will happen to them, and the first nudge carries its own privacy promise.
    """
    if relationships.is_lead(session, person, team) or not _asks_members(team, session):
        return False
    return outbox.enqueue(
        session,
        key=f"welcome:{team.id}:{person.id}",
        person=person,
        kind="welcome",
        now=now,
        not_before=next_working_moment(now, working_hours.policy_for(session, person)),
        parts=parts_for(session, team, person),
    )
