"""What people see about themselves and, for admins, about participation: status, privacy, home.

The same read model feeds the `status` command and the platforms' home views,
so they can never disagree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import outbox, people, privacy
from bot.messages import Para, Part
from bot.prompts import PromptLibrary
from bot.views import CadenceGlance, DigestSummary, HomeView, NextNudge, OpenCheckin
from storage.models import (
    Answer,
    Cadence,
    CadenceRun,
    Checkin,
    Digest,
    Person,
    ScheduleSlot,
    Team,
    TeamMember,
    Vacation,
)


def home(session: Session, person: Person, *, now: datetime, library: PromptLibrary) -> HomeView:
    open_rows = session.execute(
        select(Checkin, Cadence)
        .join(Cadence, Cadence.id == Checkin.cadence_id)
        .where(Checkin.person_id == person.id, Checkin.state == "open")
        .order_by(Checkin.opened_at)
    ).all()
    slots = session.execute(
        select(ScheduleSlot, Cadence)
        .join(Cadence, Cadence.id == ScheduleSlot.cadence_id)
        .where(ScheduleSlot.person_id == person.id, ScheduleSlot.next_due_at.is_not(None))
        .order_by(ScheduleSlot.next_due_at)
    ).all()
    is_manager = session.scalar(select(func.count()).where(Team.manager_id == person.id)) or 0
    digests = session.execute(
        select(Digest, CadenceRun, Cadence)
        .join(CadenceRun, CadenceRun.id == Digest.run_id)
        .join(Cadence, Cadence.id == CadenceRun.cadence_id)
        .where(Digest.manager_id == person.id)
        .order_by(Digest.created_at.desc())
        .limit(5)
    ).all()
    return HomeView(
        display_name=person.display_name,
        timezone=person.timezone,
        is_admin=person.is_admin,
        is_manager=bool(is_manager),
        open_checkins=tuple(
            OpenCheckin(c.id, cadence.label, c.current_question, len(c.run.prompt_ids), c.closes_at)
            for c, cadence in open_rows
        ),
        next_nudges=tuple(
            NextNudge(c.name, s.next_local_date, s.next_due_at, "paused" if c.paused else None)
            for s, c in slots
            if s.next_local_date is not None and s.next_due_at is not None
        ),
        digests=tuple(
            DigestSummary(cadence.label, run.occurrence_date, outbox.decode_parts(d.parts))
            for d, run, cadence in digests
        ),
        cadences=glance(session, person) if person.is_admin else (),
        needs_app=needs_app(session, person) if person.is_admin else (),
    )


def glance(session: Session, admin: Person) -> tuple[CadenceGlance, ...]:
    """Participation per cadence's latest run, as counts only and only for large enough groups."""
    k = admin.workspace.threshold
    rows: list[CadenceGlance] = []
    for cadence in session.scalars(
        select(Cadence)
        .where(Cadence.workspace_id == admin.workspace_id, Cadence.removed_at.is_(None))
        .order_by(Cadence.name)
    ):
        last = session.scalar(
            select(func.max(Checkin.occurrence_date)).where(Checkin.cadence_id == cadence.id)
        )
        answered = invited = None
        if last is not None:
            runs = select(Checkin.id).where(Checkin.cadence_id == cadence.id, Checkin.occurrence_date == last)
            total = session.scalar(select(func.count()).select_from(runs.subquery())) or 0
            done = (
                session.scalar(
                    select(func.count(func.distinct(Answer.checkin_id))).where(Answer.checkin_id.in_(runs))
                )
                or 0
            )
            counts = privacy.participation(done, total, k=k)
            if counts is not None:
                answered, invited = counts
        rows.append(
            CadenceGlance(
                cadence.name,
                cadence.team.name,
                f"{cadence.recurrence} at {cadence.at_time}",
                cadence.paused,
                last,
                answered,
                invited,
            )
        )
    return tuple(rows)


def needs_app(session: Session, admin: Person) -> tuple[str, ...]:
    names = session.scalars(
        select(Person.display_name)
        .where(Person.workspace_id == admin.workspace_id, Person.reachable.is_(False))
        .order_by(Person.display_name)
    ).all()
    return tuple(names)


def status_parts(
    session: Session, person: Person, *, now: datetime, library: PromptLibrary
) -> tuple[Part, ...]:
    view = home(session, person, now=now, library=library)
    zone = ZoneInfo(people.policy_for(session, person).timezone)
    lines = [f"*Your check-ins* (times in {view.timezone})"]
    for c in view.open_checkins:
        lines.append(
            f"• Open: *{c.cadence}* — {c.answered}/{c.total} answered, until "
            f"{c.closes_at.astimezone(zone):%a %d %b %H:%M}"
        )
    for n in view.next_nudges:
        note = f" ({n.note})" if n.note else ""
        lines.append(f"• Next: *{n.cadence}* on {n.due_at.astimezone(zone):%a %d %b at %H:%M}{note}")
    if len(lines) == 1:
        lines.append("Nothing open and nothing scheduled for you.")
    vacations = session.scalars(select(Vacation).where(Vacation.person_id == person.id)).all()
    for v in vacations:
        lines.append(f"• Vacation: {v.start:%d %b} – {v.end:%d %b %Y}")
    if view.is_admin:
        lines.append(
            "*Participation* (latest run; counts only for groups of at least "
            f"{privacy.effective_threshold(person.workspace.threshold)})"
        )
        for g in view.cadences:
            if g.last_run is None:
                counts = "no runs yet"
            elif g.answered is None:
                counts = "group too small to show"
            else:
                counts = f"{g.answered} of {g.invited} answered"
            paused = ", paused" if g.paused else ""
            lines.append(f"• *{g.name}* ({g.team}, {g.schedule}{paused}): {counts}")
        if view.needs_app:
            lines.append(
                "*Can't be reached yet* (they need to install the app): " + ", ".join(view.needs_app)
            )
    return tuple(Para(line) for line in lines)


def privacy_parts(session: Session, person: Person) -> tuple[Part, ...]:
    checkins = session.scalar(select(func.count()).where(Checkin.person_id == person.id)) or 0
    answers = (
        session.scalar(
            select(func.count())
            .select_from(Answer)
            .join(Checkin, Checkin.id == Answer.checkin_id)
            .where(Checkin.person_id == person.id)
        )
        or 0
    )
    teams = session.scalars(
        select(Team.name)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.person_id == person.id)
    ).all()
    k = privacy.effective_threshold(person.workspace.threshold)
    return (
        Para("*What Coachbot stores about you*"),
        Para(f"Profile: name, time zone ({person.timezone}), language ({person.locale}), and your chat id."),
        Para(
            f"Teams: {', '.join(teams) or 'none'}. Check-ins: {checkins}. Answers: {answers}. "
            "Vacations you set."
        ),
        Para(
            "*Who sees what*: your own answers are shown only to you. "
            "In anonymous team check-ins your manager "
            f"sees totals and unattributed comments, and only when at least {k} people answered. No one gets "
            "scores, rankings or sentiment about you."
        ),
        Para("`privacy export` sends you all of it; `privacy delete` erases your check-ins and answers."),
    )


def export(session: Session, person: Person, *, library: PromptLibrary) -> dict[str, Any]:
    checkins = session.scalars(
        select(Checkin).where(Checkin.person_id == person.id).order_by(Checkin.opened_at)
    )
    out: list[dict[str, Any]] = []
    for c in checkins:
        answers = session.scalars(select(Answer).where(Answer.checkin_id == c.id).order_by(Answer.question))
        out.append(
            {
                "cadence": c.cadence.label,
                "date": c.occurrence_date.isoformat(),
                "state": c.state,
                "anonymous": c.anonymous,
                "answers": [
                    {
                        "question": library.get(a.prompt_id).text_for(person.locale),
                        "answer": a.text,
                        "rating": a.rating,
                        "late": a.late,
                    }
                    for a in answers
                ],
            }
        )
    vacations = session.scalars(select(Vacation).where(Vacation.person_id == person.id))
    return {
        "profile": {
            "id": person.platform_id,
            "name": person.display_name,
            "timezone": person.timezone,
            "locale": person.locale,
            "admin": person.is_admin,
        },
        "vacations": [{"from": v.start.isoformat(), "to": v.end.isoformat()} for v in vacations],
        "checkins": out,
    }
