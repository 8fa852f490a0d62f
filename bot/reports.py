"""What people see about themselves and, for admins, about participation: status and App Home.

The same read model feeds the `status` command and the platforms' home views, so they can never
disagree; every group figure in it was allowed by bot.visibility. `privacy` and `privacy export` are
in bot.mydata, `privacy delete` in bot.erasure, `history` in bot.history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from bot import attainment, digests, pathways, relationships, visibility, working_hours
from bot.cadence_text import schedule_phrase
from bot.commitments import STILL_OPEN
from bot.config_warnings import workspace_warnings
from bot.i18n import Tr, tr
from bot.messages import Para, Part
from bot.prompts import PromptLibrary
from bot.self_assessment import scorecard_trends
from bot.views import CadenceGlance, DigestSummary, HomeView, NextNudge, OpenCheckin, SelfRating
from storage.commitments import Commitment
from storage.models import (
    Answer,
    Cadence,
    CadenceRun,
    Checkin,
    Person,
    ScheduleSlot,
    Vacation,
)


def home(session: Session, person: Person, *, now: datetime, library: PromptLibrary) -> HomeView:
    t = tr(person.locale)
    open_rows = session.execute(
        select(Checkin, Cadence)
        .outerjoin(Cadence, Cadence.id == Checkin.cadence_id)  # onboarding check-ins have no cadence
        .where(Checkin.person_id == person.id, Checkin.state == "open")
        .order_by(Checkin.opened_at)
    ).all()
    slots = session.execute(
        select(ScheduleSlot, Cadence)
        .join(Cadence, Cadence.id == ScheduleSlot.cadence_id)
        .where(ScheduleSlot.person_id == person.id, Cadence.removed_at.is_(None))
        .order_by(ScheduleSlot.next_due_at, Cadence.name)
    ).all()
    is_manager = bool(relationships.teams_led_by(session, person))
    latest = digests.visible_digests(session, person, limit=5)
    paused = sorted({c.label for _s, c in slots if c.paused})
    return HomeView(
        display_name=person.display_name,
        timezone=person.timezone,
        is_admin=person.is_admin,
        is_manager=is_manager,
        open_checkins=tuple(
            OpenCheckin(
                c.id,
                cadence.label if cadence is not None else t._("Onboarding"),
                c.current_question,
                len(c.prompt_ids_asked),
                c.closes_at,
            )
            for c, cadence in open_rows
        ),
        # A paused cadence has no next date (its slot keeps a date that will pass unused), and a
        # date already past is about to be replaced: neither is shown as "next".
        next_nudges=tuple(
            NextNudge(c.label, s.next_local_date, s.next_due_at)
            for s, c in slots
            if not c.paused
            and s.next_local_date is not None
            and s.next_due_at is not None
            and s.next_due_at >= now
        ),
        digests=tuple(
            DigestSummary(
                cadence.label, run.occurrence_date, digests.shown_to(session, library, d, viewer=person)
            )
            for d, run, cadence in latest
        ),
        cadences=glance(session, person, t) if person.is_admin else (),
        needs_app=needs_app(session, person) if person.is_admin else (),
        locale=person.locale,
        paused=tuple(paused),
        commitments=commitment_parts(session, person, now=now, t=t),
        self_ratings=tuple(
            SelfRating(trend.name, trend.ratings) for trend in scorecard_trends(session, library, person)
        ),
    )


def commitment_parts(session: Session, person: Person, *, now: datetime, t: Tr) -> tuple[Part, ...]:
    """The person's own commitments and goal attainment; for a team lead, their teams' aggregate."""
    lines: list[str] = []
    still = session.scalar(
        select(func.count()).where(Commitment.owner_id == person.id, Commitment.status.in_(STILL_OPEN))
    )
    own = attainment.own(session, person, now=now)
    if still:
        lines.append(
            t.n_(
                "*Your commitments*: {count} open — `commitments` lists them.",
                "*Your commitments*: {count} open — `commitments` lists them.",
                still,
            )
        )
    elif own is not None:
        lines.append(t._("*Your commitments*: none open — `commitments` lists them."))
    if own is not None:
        lines.append(attainment.own_sentence(t, own))
    teams = attainment.for_leads(session, person, now=now)
    if teams:
        lines.append(t._("*Goal attainment of the people you lead* (their commitments, never one by one)"))
        lines.extend(attainment.team_sentence(t, team) for team in teams)
    return tuple(Para(line) for line in lines)


def _closed(session: Session, run: CadenceRun) -> bool:
    """A run's window is over: its digest went out, or none of its check-ins is open and nobody
    is still waiting to be nudged for its date."""
    if run.digest_sent_at is not None:
        return True
    still_open = exists().where(Checkin.run_id == run.id, Checkin.state == "open")
    still_due = exists().where(
        ScheduleSlot.cadence_id == run.cadence_id,
        ScheduleSlot.role == run.role,
        ScheduleSlot.next_local_date == run.occurrence_date,
        ScheduleSlot.next_due_at.is_not(None),
    )
    return not session.scalar(select(still_open | still_due))


def glance(session: Session, admin: Person, t: Tr) -> tuple[CadenceGlance, ...]:
    """Participation per cadence's latest closed run, as counts only, as bot.visibility allows."""
    workspace = admin.workspace
    rows: list[CadenceGlance] = []
    for cadence in session.scalars(
        select(Cadence)
        .where(Cadence.workspace_id == admin.workspace_id, Cadence.removed_at.is_(None))
        .order_by(Cadence.name)
    ):
        runs = session.scalars(
            select(CadenceRun)
            .where(CadenceRun.cadence_id == cadence.id)
            .order_by(CadenceRun.occurrence_date.desc(), CadenceRun.role.desc())
            .limit(10)
        ).all()
        last = next((r for r in runs if _closed(session, r)), None)
        answered = invited = None
        if last is not None:
            ids = list(session.scalars(select(Checkin.id).where(Checkin.run_id == last.id)))
            given = session.scalars(select(Answer).where(Answer.checkin_id.in_(ids))).all() if ids else []
            counts = visibility.participation(
                visibility.standings_toward_team(session, admin, cadence.team),
                visibility.respondents(given),
                len(ids),
                k=visibility.run_threshold(last, workspace),
                closed=True,
            )
            if counts is not None:
                answered, invited = counts
        rows.append(
            CadenceGlance(
                cadence.name,
                cadence.team.name,
                schedule_phrase(t, cadence),
                cadence.paused,
                last.occurrence_date if last else None,
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
    t = tr(person.locale)
    view = home(session, person, now=now, library=library)
    zone = working_hours.policy_for(session, person).timezone
    lines = [t._("*Your check-ins* (times in {zone})", zone=view.timezone)]
    for c in view.open_checkins:
        lines.append(
            t._(
                "• Open: *{cadence}* — {answered}/{total} answered, until {when}",
                cadence=c.cadence,
                answered=t.number(c.answered),
                total=t.number(c.total),
                when=t.when(c.closes_at, zone),
            )
        )
    for n in view.next_nudges:
        lines.append(t._("• Next: *{cadence}* on {when}", cadence=n.cadence, when=t.when(n.due_at, zone)))
    for name in view.paused:
        lines.append(t._("• *{cadence}* is paused: no check-in until an admin resumes it.", cadence=name))
    if len(lines) == 1:
        lines.append(t._("Nothing open and nothing scheduled for you."))
    vacations = session.scalars(
        select(Vacation).where(Vacation.person_id == person.id).order_by(Vacation.start)
    ).all()
    for v in vacations:
        lines.append(t._("• Vacation: {start} – {end}", start=t.short_date(v.start), end=t.date(v.end)))
    lines.extend(part.text for part in view.commitments if isinstance(part, Para))
    on_pathway = pathways.current(session, person, now)
    if on_pathway is not None:
        today = pathways.today_for(person, now)
        lines.append(t._("• Pathway: {pathway}", pathway=pathways.describe(t, on_pathway, today=today)))
    if view.self_ratings:
        lines.append(t._("*Your self-ratings* (only you see these)"))
        lines.extend(
            t._("• {competency}: {ratings}", competency=r.competency, ratings=" → ".join(map(str, r.ratings)))
            for r in view.self_ratings
        )
    if view.is_admin:
        lines.append(
            t._(
                "*Participation* (latest finished run; counts only for groups of at least {k})",
                k=t.number(visibility.workspace_threshold(person.workspace)),
            )
        )
        for g in view.cadences:
            if g.last_run is None:
                counts = t._("no finished run yet")
            elif g.answered is None or g.invited is None:
                counts = t._("group too small to show")
            else:
                counts = t._(
                    "{answered} of {invited} answered",
                    answered=t.number(g.answered),
                    invited=t.number(g.invited),
                )
            template = (
                t._("• *{name}* ({team}, {schedule}, paused): {counts}")
                if g.paused
                else t._("• *{name}* ({team}, {schedule}): {counts}")
            )
            lines.append(template.format(name=g.name, team=g.team, schedule=g.schedule, counts=counts))
        if view.needs_app:
            lines.append(
                t._(
                    "*Can't be reached yet* (they need to install the app): {names}",
                    names=t.list(view.needs_app),
                )
            )
        warnings = workspace_warnings(session, person.workspace, t)
        if warnings:
            lines.append(t._("*Will not work as set up*"))
            lines.extend(t._("• {warning}", warning=w) for w in warnings)
    return tuple(Para(line) for line in lines)
