"""Who stands in which relationship to whom: the one module that reads and changes relationships.

Relationships are rows (``storage.relations``): a person's role in a group (a team's lead or
member, a circle's member), reporting lines (person → manager) and coaching (coach → coachee).
A person may hold any number of them at once: lead of one team, member of another, coachee of a
coach. Everything that asks "who is X's …" asks here; nothing else queries those tables.

A team's lead is what the command language calls its manager. Today every team has exactly one
(``team create … --manager``), but nothing here assumes it: a digest goes to every lead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, Select, delete, func, select
from sqlalchemy.orm import Session, aliased

from bot.domain import GroupKind, Role
from storage.models import Person, Team
from storage.relations import Coaching, CohortTeam, Membership, ReportingLine

# -- groups ------------------------------------------------------------------------------------------


def leads_of(session: Session, team: Team) -> list[Person]:
    """The team's leads, longest-standing first (the order people were created in)."""
    return _people(session, select(Membership.person_id).where(_in_group(team.id, Role.LEAD)))


def lead_of(session: Session, team: Team) -> Person:
    """The team's first lead: who its nudges, welcomes and `team show` name as its manager."""
    leads = leads_of(session, team)
    if not leads:
        raise LookupError(f"team {team.id} has no lead")
    return leads[0]


def members_of(session: Session, team: Team) -> list[Person]:
    """The team's members, oldest first. A lead is never one of their own team's members: they are
    asked as its lead."""
    return _people(session, member_ids(team.id))


def member_ids(team_id: int) -> Select[int]:
    """The ids of a team's members, as a query to use inside others (counts, joins)."""
    leads = select(Membership.person_id).where(_in_group(team_id, Role.LEAD))
    return select(Membership.person_id).where(
        _in_group(team_id, Role.MEMBER), Membership.person_id.not_in(leads)
    )


def member_count(session: Session, team: Team) -> int:
    """How many members a team has (its leads not counted)."""
    return int(session.scalar(select(func.count()).select_from(member_ids(team.id).subquery())) or 0)


def is_lead(session: Session, person: Person, team: Team) -> bool:
    found = session.scalar(
        select(Membership.person_id).where(_in_group(team.id, Role.LEAD), Membership.person_id == person.id)
    )
    return found is not None


def team_ids_of(person_id: int, *roles: Role) -> Select[int]:
    """The ids of the teams the person holds any of ``roles`` in (any role if none is given)."""
    query = select(Membership.group_id).where(Membership.person_id == person_id)
    return query.where(Membership.role.in_(roles)) if roles else query


def teams_led_by(session: Session, person: Person) -> list[Team]:
    return _teams(session, team_ids_of(person.id, Role.LEAD))


def teams_of(session: Session, person: Person) -> list[Team]:
    """The teams the person is a member of (not those they lead)."""
    return _teams(session, team_ids_of(person.id, Role.MEMBER))


def in_several_teams(session: Session, person_id: int) -> bool:
    """Whether the person leads or belongs to more than one team (their messages then name the team)."""
    teams = (
        select(func.count(func.distinct(Membership.group_id)))
        .join(Team, Team.id == Membership.group_id)
        .where(Membership.person_id == person_id, Team.kind == GroupKind.TEAM)
    )
    return (session.scalar(teams) or 0) > 1


def team_counts(session: Session, person_ids: Sequence[int]) -> dict[int, int]:
    """:func:`in_several_teams` for many people at once: how many teams each leads or belongs to."""
    rows = session.execute(
        select(Membership.person_id, func.count(func.distinct(Membership.group_id)))
        .join(Team, Team.id == Membership.group_id)
        .where(Membership.person_id.in_(person_ids), Team.kind == GroupKind.TEAM)
        .group_by(Membership.person_id)
    ).tuples()
    return {person_id: int(count) for person_id, count in rows}


def member_counts(session: Session, team_ids: Sequence[int]) -> dict[int, int]:
    """:func:`member_count` for many teams at once (teams without members are left out)."""
    lead = aliased(Membership)
    is_lead = (
        select(lead.person_id)
        .where(
            lead.group_id == Membership.group_id,
            lead.person_id == Membership.person_id,
            lead.role == Role.LEAD,
        )
        .exists()
    )
    rows = session.execute(
        select(Membership.group_id, func.count())
        .where(Membership.group_id.in_(team_ids), Membership.role == Role.MEMBER, ~is_lead)
        .group_by(Membership.group_id)
    ).tuples()
    return {team_id: int(count) for team_id, count in rows}


def teams_of_cohort(session: Session, cohort: Team) -> list[Team]:
    return _teams(session, select(CohortTeam.team_id).where(CohortTeam.cohort_id == cohort.id))


# -- people to people ---------------------------------------------------------------------------------


def reports_of(session: Session, person: Person) -> list[Person]:
    """Who reports directly to the person."""
    return _people(session, select(ReportingLine.person_id).where(ReportingLine.manager_id == person.id))


def managers_of(session: Session, person: Person) -> list[Person]:
    return _people(session, select(ReportingLine.manager_id).where(ReportingLine.person_id == person.id))


def org_below(session: Session, person: Person) -> list[Person]:
    """Everyone below the person in reporting lines, at any depth, each once, never the person.

    Walked one level per query with a set of people already seen, so a cycle in the data (A reports
    to B reports to A) ends the walk instead of looping.
    """
    seen: set[int] = {person.id}
    frontier = {person.id}
    while frontier:
        below = set(
            session.scalars(select(ReportingLine.person_id).where(ReportingLine.manager_id.in_(frontier)))
        )
        frontier = below - seen
        seen |= frontier
    seen.discard(person.id)
    return _people(session, select(Person.id).where(Person.id.in_(seen)))


def peers_of(session: Session, person: Person) -> list[Person]:
    """People with the same lead as the person: others who report to one of their managers, and
    fellow members of the teams they belong to."""
    managers = select(ReportingLine.manager_id).where(ReportingLine.person_id == person.id)
    same_manager = select(ReportingLine.person_id).where(ReportingLine.manager_id.in_(managers))
    their_teams = team_ids_of(person.id, Role.MEMBER)
    same_team = select(Membership.person_id).where(
        Membership.group_id.in_(their_teams), Membership.role == Role.MEMBER
    )
    peers = select(Person.id).where(Person.id.in_(same_manager.union(same_team)), Person.id != person.id)
    return _people(session, peers)


def coachees_of(session: Session, coach: Person) -> list[Person]:
    return _people(session, select(Coaching.coachee_id).where(Coaching.coach_id == coach.id))


def coaches_of(session: Session, coachee: Person) -> list[Person]:
    return _people(session, select(Coaching.coach_id).where(Coaching.coachee_id == coachee.id))


# -- changes -------------------------------------------------------------------------------------------


def create_team(session: Session, *, workspace_id: int, name: str, lead: Person) -> Team:
    team = Team(workspace_id=workspace_id, name=name, kind=GroupKind.TEAM)
    session.add(team)
    session.flush()
    session.add(Membership(group_id=team.id, person_id=lead.id, role=Role.LEAD))
    session.flush()
    return team


def add_members(session: Session, team: Team, person_ids: Iterable[int]) -> None:
    session.add_all(Membership(group_id=team.id, person_id=p, role=Role.MEMBER) for p in person_ids)
    session.flush()


def remove_members(session: Session, team: Team, person_ids: Iterable[int]) -> None:
    session.execute(
        delete(Membership).where(_in_group(team.id, Role.MEMBER), Membership.person_id.in_(list(person_ids)))
    )
    session.flush()


def add_reporting_line(session: Session, *, person: Person, manager: Person) -> None:
    session.add(ReportingLine(person_id=person.id, manager_id=manager.id))
    session.flush()


def set_manager(session: Session, *, person: Person, manager: Person | None) -> None:
    """Make ``manager`` the person's one manager (None: they report to nobody), replacing any others."""
    session.execute(delete(ReportingLine).where(ReportingLine.person_id == person.id))
    if manager is not None:
        session.add(ReportingLine(person_id=person.id, manager_id=manager.id))
    session.flush()


def replace_lead(session: Session, team: Team, lead: Person) -> None:
    """Make ``lead`` the team's one lead; a lead is never also a member of their own team."""
    session.execute(
        delete(Membership).where(
            Membership.group_id == team.id,
            (Membership.role == Role.LEAD) | (Membership.person_id == lead.id),
        )
    )
    session.add(Membership(group_id=team.id, person_id=lead.id, role=Role.LEAD))
    session.flush()


def add_coaching(session: Session, *, coach: Person, coachee: Person) -> None:
    session.add(Coaching(coach_id=coach.id, coachee_id=coachee.id))
    session.flush()


def add_to_cohort(session: Session, *, cohort: Team, team: Team) -> None:
    session.add(CohortTeam(cohort_id=cohort.id, team_id=team.id))
    session.flush()


# -- helpers -------------------------------------------------------------------------------------------


def _in_group(group_id: int, role: Role) -> ColumnElement[bool]:
    return (Membership.group_id == group_id) & (Membership.role == role)


def _people(session: Session, ids: Select[int]) -> list[Person]:
    return list(session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.id)))


def _teams(session: Session, ids: Select[int]) -> list[Team]:
    """The teams among these group ids (circles and cohorts are groups, not teams)."""
    found = select(Team).where(Team.id.in_(ids), Team.kind == GroupKind.TEAM).order_by(Team.name_key)
    return list(session.scalars(found))
