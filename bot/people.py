"""Workspaces and people: creating them from platform profiles, finding them from mentions,
and the local-time policy (zone, working days, quiet hours, vacation) that applies to each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox
from bot.commands import Mention
from bot.events import Actor, ProfileSeen
from bot.hr_file import EMAIL_MAX
from bot.public_holidays import normalise_country
from bot.schedule import end_of_quiet_hours
from bot.working_hours import policy_for, valid_timezone
from storage.models import Person, Team, Workspace, name_key


def workspace_for(session: Session, *, platform: str, external_id: str, now: datetime) -> Workspace:
    workspace = session.scalar(
        select(Workspace).where(Workspace.platform == platform, Workspace.external_id == external_id)
    )
    if workspace is None:
        workspace = Workspace(platform=platform, external_id=external_id, name=external_id, created_at=now)
        session.add(workspace)
        session.flush()
    return workspace


def find_person(session: Session, actor: Actor) -> Person | None:
    return session.scalar(
        select(Person)
        .join(Workspace)
        .where(
            Workspace.platform == actor.platform,
            Workspace.external_id == actor.workspace,
            Person.platform_id == actor.person,
        )
    )


def ensure_person(session: Session, actor: Actor, *, now: datetime) -> Person:
    """The person behind an actor, created with defaults if the platform never told us about them."""
    person = find_person(session, actor)
    if person is None:
        workspace = workspace_for(session, platform=actor.platform, external_id=actor.workspace, now=now)
        person = Person(
            workspace=workspace,
            workspace_id=workspace.id,
            platform_id=actor.person,
            display_name=actor.person,
            created_at=now,
        )
        session.add(person)
        session.flush()
    return person


def apply_profile(session: Session, profile: ProfileSeen, *, now: datetime) -> Person:
    """Create or refresh a person; a changed zone moves their upcoming nudges with them."""
    from bot import planner

    person = ensure_person(session, profile.actor, now=now)
    zone_changed = False
    if profile.display_name:
        person.display_name = profile.display_name
    if valid_timezone(profile.timezone) and profile.timezone != person.timezone:
        person.timezone = profile.timezone or person.timezone
        zone_changed = True
    if profile.locale:
        person.locale = profile.locale
    if profile.email and "@" in profile.email and len(profile.email) <= EMAIL_MAX:
        person.email = profile.email.strip().lower()
    country = normalise_country(profile.country) if profile.country else None
    if country is not None and country != person.country:
        person.country = country
        zone_changed = True  # other holidays move nudges like another zone does
    if profile.platform_admin is not None:
        person.platform_admin = profile.platform_admin
    if profile.reachable and not person.reachable:
        # Held nudges were due long ago; they still must not land in the person's quiet hours.
        outbox.release_held(session, person=person, now=end_of_quiet_hours(now, policy_for(session, person)))
    session.flush()
    if zone_changed:
        planner.refresh_slots(session, person=person, now=now)
    return person


def resolve(session: Session, workspace: Workspace, mention: Mention) -> Person | None:
    """A mention by platform id first, then by display name (the local chat uses handles)."""
    by_id = session.scalar(
        select(Person).where(Person.workspace_id == workspace.id, Person.platform_id == mention.ref)
    )
    if by_id is not None:
        return by_id
    # By stored key (any case, any script); the oldest of namesakes, so the answer is stable.
    return session.scalar(
        select(Person)
        .where(Person.workspace_id == workspace.id, Person.display_key == name_key(mention.ref))
        .order_by(Person.id)
        .limit(1)
    )


def team_bindings(session: Session, *, platform: str) -> list[tuple[str, str, str]]:
    rows = session.execute(
        select(Workspace.external_id, Team.name, Team.binding)
        .join(Workspace, Workspace.id == Team.workspace_id)
        .where(Workspace.platform == platform, Team.binding.is_not(None))
    ).all()
    return [(ws, name, binding) for ws, name, binding in rows if binding]


def sync_team(
    session: Session, *, platform: str, workspace: str, team: str, members: list[str], now: datetime
) -> None:
    """Make a platform-bound team's membership follow the platform roster; newcomers get the welcome."""
    from bot import planner, relationships
    from bot.welcome import welcome

    ws = workspace_for(session, platform=platform, external_id=workspace, now=now)
    row = session.scalar(select(Team).where(Team.workspace_id == ws.id, Team.name == team))
    if row is None:
        return
    wanted = {ensure_person(session, Actor(platform, workspace, m), now=now).id for m in members}
    wanted -= {lead.id for lead in relationships.leads_of(session, row)}
    current = set(session.scalars(relationships.member_ids(row.id)))
    relationships.add_members(session, row, sorted(wanted - current))
    for person_id in sorted(wanted - current):
        welcome(session, team=row, person=session.get_one(Person, person_id), now=now)
    if current - wanted:
        relationships.remove_members(session, row, current - wanted)
    planner.refresh_slots(session, team=row, now=now)
