"""Pathways per person: who is on which pathway, who may put them there, and the questions it adds.

A pathway is set per person (`pathway set @ben new-hire`), by an admin for anyone or by a lead for
the members of teams they lead (and their reports, where reporting lines exist). While it is in
force, one question in three of the person's regular check-ins comes from the pathway's prompts
(``pathways: [...]`` in the prompt library), rotating without repeats. A new hire's pathway also
drives an onboarding sequence (:mod:`bot.onboarding`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot import relationships
from bot.domain import Pathway, PromptAudience
from bot.i18n import N_, Tr
from bot.prompts import Prompt, PromptLibrary, choose_next
from bot.schedule import local_today
from storage.models import Person, Workspace
from storage.pathways import OnboardingStep, PathwayLength, PersonPathway

DEFAULT_DAYS: dict[Pathway, int | None] = {
    Pathway.NEW_HIRE: 90,
    Pathway.HIGH_PERFORMER: None,
    Pathway.SPECIALIST: None,
}
"""How long a pathway lasts when neither `pathway set --until` nor `pathway length` says: a new hire's
ends by itself after 90 days; the others last until cleared."""

EVERY = 3
"""One question in this many of a regular check-in comes from the person's pathway."""


NAMES = {
    Pathway.NEW_HIRE: N_("new hire"),
    Pathway.HIGH_PERFORMER: N_("high performer"),
    Pathway.SPECIALIST: N_("specialist"),
}
"""How a pathway is called in a sentence (the command word stays `new-hire`)."""


def name_of(t: Tr, pathway: Pathway) -> str:
    return t._(NAMES[pathway])


def describe(t: Tr, row: PersonPathway, *, today: date) -> str:
    """One line saying which pathway and for how long (used by `status` and the replies here)."""
    pathway = name_of(t, row.pathway)
    if row.ends is None:
        if row.starts > today:
            return t._("*{pathway}* from {start}", pathway=pathway, start=t.date(row.starts))
        return t._("*{pathway}* since {start}", pathway=pathway, start=t.date(row.starts))
    last = t.date(row.ends - timedelta(days=1))
    return t._("*{pathway}* from {start} to {end}", pathway=pathway, start=t.date(row.starts), end=last)


def today_for(person: Person, now: datetime) -> date:
    return local_today(now, person.timezone)


def in_force_on(rows: Sequence[PersonPathway], day: date) -> PersonPathway | None:
    """The pathway in force on a local date among one person's rows (the latest set wins)."""
    live = [r for r in rows if r.cleared_at is None and r.starts <= day and (r.ends is None or day < r.ends)]
    return max(live, key=lambda r: r.id) if live else None


def rows_of(session: Session, person_ids: Sequence[int]) -> dict[int, list[PersonPathway]]:
    """Every pathway not cleared of these people, in one query (a batch of check-ins reads them once)."""
    found: dict[int, list[PersonPathway]] = defaultdict(list)
    if not person_ids:
        return found
    query = select(PersonPathway).where(
        PersonPathway.person_id.in_(sorted(set(person_ids))), PersonPathway.cleared_at.is_(None)
    )
    for row in session.scalars(query):
        found[row.person_id].append(row)
    return found


def current(session: Session, person: Person, now: datetime) -> PersonPathway | None:
    """The person's pathway in force today, or one set to start later."""
    rows = rows_of(session, [person.id]).get(person.id, [])
    today = today_for(person, now)
    live = in_force_on(rows, today)
    if live is not None:
        return live
    coming = [r for r in rows if r.starts > today]
    return min(coming, key=lambda r: r.starts) if coming else None


def may_set(session: Session, *, actor: Person, subject: Person) -> bool:
    """An admin for anyone; a lead for the members of teams they lead and for their reports."""
    if actor.is_admin:
        return True
    if actor.id == subject.id:
        return False
    for team in relationships.teams_led_by(session, actor):
        if subject.id in {p.id for p in relationships.members_of(session, team)}:
            return True
    return actor.id in {m.id for m in relationships.managers_of(session, subject)}


def leads_of_person(session: Session, person: Person) -> list[Person]:
    """Who hears about the person's onboarding: the leads of teams they are a member of, and their
    managers by reporting line; never the person themselves."""
    found: dict[int, Person] = {}
    for team in relationships.teams_of(session, person):
        if person.id in {p.id for p in relationships.members_of(session, team)}:
            for lead in relationships.leads_of(session, team):
                found.setdefault(lead.id, lead)
    for manager in relationships.managers_of(session, person):
        found.setdefault(manager.id, manager)
    found.pop(person.id, None)
    return sorted(found.values(), key=lambda p: p.id)


def length_days(session: Session, workspace: Workspace, pathway: Pathway) -> int | None:
    stored = session.get(PathwayLength, (workspace.id, pathway))
    return stored.days if stored is not None else DEFAULT_DAYS[pathway]


def set_length(session: Session, workspace: Workspace, pathway: Pathway, days: int) -> None:
    stored = session.get(PathwayLength, (workspace.id, pathway))
    if stored is None:
        session.add(PathwayLength(workspace_id=workspace.id, pathway=pathway, days=days))
    else:
        stored.days = days


def assign(
    session: Session,
    *,
    person: Person,
    pathway: Pathway,
    starts: date,
    ends: date | None,
    set_by: Person,
    now: datetime,
) -> PersonPathway:
    """Put the person on a pathway; one they are on or were to start ends (its unsent onboarding goes
    with it). Pathways already over stay as they were."""
    today = today_for(person, now)
    for row in rows_of(session, [person.id]).get(person.id, []):
        if row.ends is None or row.ends > today:
            _end(session, row, now)
    row = PersonPathway(
        person_id=person.id,
        pathway=pathway,
        starts=starts,
        ends=ends,
        set_by_id=set_by.id,
        created_at=now,
        questions_asked=0,
        used_prompts=[],
    )
    session.add(row)
    session.flush()
    return row


def clear(session: Session, person: Person, now: datetime) -> PersonPathway | None:
    """End the person's current (or coming) pathway now; the one that ended, or None."""
    row = current(session, person, now)
    if row is not None:
        _end(session, row, now)
    return row


def _end(session: Session, row: PersonPathway, now: datetime) -> None:
    row.cleared_at = now
    session.execute(
        delete(OnboardingStep).where(
            OnboardingStep.person_pathway_id == row.id, OnboardingStep.opened.is_(False)
        )
    )


def end_date(starts: date, days: int | None) -> date | None:
    return None if days is None else starts + timedelta(days=days)


def pathway_prompts(library: PromptLibrary, pathway: Pathway, role: PromptAudience) -> list[Prompt]:
    """The library's prompts for a pathway and audience, in library order."""
    return [
        p
        for s in library.sets()
        for p in s.prompts
        if pathway in p.pathways and p.audience is PromptAudience(role)
    ]


def mix_in(library: PromptLibrary, row: PersonPathway, prompt_ids: Sequence[str]) -> list[str] | None:
    """The run's questions with every third question the person is asked taken from their pathway.

    Counted across check-ins (``questions_asked``), so a one-question cadence still brings a pathway
    question every third time. None when nothing changes (the run's questions stand). The pathway's
    *member* prompts are used whatever the cadence's audience: they ask the person about themselves,
    while its manager prompts ask a lead about someone on the pathway ("your new hire").
    """
    pool = pathway_prompts(library, row.pathway, PromptAudience.MEMBER)
    if not pool:
        return None
    ids = [str(p) for p in prompt_ids]
    changed = False
    used = [str(p) for p in row.used_prompts]
    for index in range(len(ids)):
        row.questions_asked = (row.questions_asked or 0) + 1
        if row.questions_asked % EVERY:
            continue
        candidates = [p for p in pool if p.id not in ids]
        chosen = choose_next(candidates, used, 1)
        if not chosen:
            continue
        ids[index] = chosen[0].id
        used = [*used, chosen[0].id] if chosen[0].id not in used else [chosen[0].id]
        changed = True
    row.used_prompts = used
    return ids if changed else None


def erase(session: Session, person: Person) -> int:
    """`privacy delete`: the person's pathways and onboarding steps; how many pathways went."""
    rows = session.scalars(select(PersonPathway.id).where(PersonPathway.person_id == person.id)).all()
    session.execute(delete(OnboardingStep).where(OnboardingStep.recipient_id == person.id))
    session.execute(delete(OnboardingStep).where(OnboardingStep.person_pathway_id.in_(rows)))
    session.execute(delete(PersonPathway).where(PersonPathway.person_id == person.id))
    return len(rows)
