"""Relationships as data: one person with several roles, and what each relationship query returns.

Sam is a member of team *north* (led by Lena), the lead of team *south* (Xia and Yan), and the
coachee of Cora. Reporting lines: Sam → Lena; Xia, Yan → Sam; Wim → Xia; and, to prove the walk
down an organisation ends, Lena → Wim (a cycle).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from bot import relationships as rel
from bot.domain import GroupKind
from storage.db import Database
from storage.models import Person, Team, Workspace

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
NAMES = ("lena", "sam", "pia", "xia", "yan", "wim", "cora", "zed")


Org = tuple[Session, dict[str, Person], dict[str, Team]]


def build_org(session: Session) -> tuple[dict[str, Person], dict[str, Team]]:
    ws = Workspace(platform="local", external_id="acme", created_at=NOW)
    session.add(ws)
    session.flush()
    people = {n: Person(workspace_id=ws.id, platform_id=n, display_name=n, created_at=NOW) for n in NAMES}
    session.add_all(people.values())
    session.flush()
    north = rel.create_team(session, workspace_id=ws.id, name="north", lead=people["lena"])
    south = rel.create_team(session, workspace_id=ws.id, name="south", lead=people["sam"])
    rel.add_members(session, north, [people["sam"].id, people["pia"].id])
    rel.add_members(session, south, [people["xia"].id, people["yan"].id])
    rel.add_coaching(session, coach=people["cora"], coachee=people["sam"])
    lines = (("sam", "lena"), ("xia", "sam"), ("yan", "sam"), ("wim", "xia"), ("lena", "wim"))
    for person, manager in lines:
        rel.add_reporting_line(session, person=people[person], manager=people[manager])
    return people, {"north": north, "south": south}


@pytest.fixture
def org(any_database: Database) -> Iterator[Org]:
    with any_database.session() as session:
        people, teams = build_org(session)
        yield session, people, teams


def names(found: list[Person]) -> list[str]:
    return sorted(p.platform_id for p in found)


def test_a_person_with_two_roles_in_two_teams_and_a_coach(
    org: Org,
) -> None:
    session, p, teams = org
    sam = p["sam"]
    assert [t.name for t in rel.teams_of(session, sam)] == ["north"]
    assert [t.name for t in rel.teams_led_by(session, sam)] == ["south"]
    assert rel.in_several_teams(session, sam.id)
    assert not rel.in_several_teams(session, p["xia"].id)
    assert rel.is_lead(session, sam, teams["south"]) and not rel.is_lead(session, sam, teams["north"])
    assert names(rel.coaches_of(session, sam)) == ["cora"]
    assert names(rel.coachees_of(session, p["cora"])) == ["sam"]
    assert names(rel.coachees_of(session, sam)) == []
    assert names(rel.managers_of(session, sam)) == ["lena"]
    assert names(rel.reports_of(session, sam)) == ["xia", "yan"]
    # Peers share a lead: Pia is in Sam's team under Lena; nobody else reports to Lena.
    assert names(rel.peers_of(session, sam)) == ["pia"]
    assert names(rel.peers_of(session, p["xia"])) == ["yan"]  # same manager (Sam), same team (south)


def test_each_team_answers_its_leads_and_members(
    org: Org,
) -> None:
    session, p, teams = org
    assert names(rel.leads_of(session, teams["north"])) == ["lena"]
    assert rel.lead_of(session, teams["south"]).platform_id == "sam"
    assert names(rel.members_of(session, teams["north"])) == ["pia", "sam"]
    assert names(rel.members_of(session, teams["south"])) == ["xia", "yan"]
    assert rel.member_count(session, teams["south"]) == 2
    rel.remove_members(session, teams["south"], [p["yan"].id])
    assert names(rel.members_of(session, teams["south"])) == ["xia"]
    # Sam still leads south and is still a member of north: removing one role leaves the others.
    assert [t.name for t in rel.teams_of(session, p["sam"])] == ["north"]
    assert [t.name for t in rel.teams_led_by(session, p["sam"])] == ["south"]


def test_a_lead_is_never_counted_among_their_own_members(
    org: Org,
) -> None:
    session, p, teams = org
    rel.add_members(session, teams["south"], [p["sam"].id])  # data that says both: the lead wins
    assert names(rel.members_of(session, teams["south"])) == ["xia", "yan"]
    assert rel.member_count(session, teams["south"]) == 2


def test_circles_and_cohorts_are_groups_of_their_own_kind(org: Org) -> None:
    session, p, teams = org
    circle = Team(workspace_id=p["xia"].workspace_id, name="readers", kind=GroupKind.CIRCLE)
    cohort = Team(workspace_id=p["xia"].workspace_id, name="pilot", kind=GroupKind.COHORT)
    session.add_all([circle, cohort])
    session.flush()
    rel.add_members(session, circle, [p["xia"].id, p["zed"].id])
    rel.add_to_cohort(session, cohort=cohort, team=teams["south"])
    rel.add_to_cohort(session, cohort=cohort, team=teams["north"])
    assert names(rel.members_of(session, circle)) == ["xia", "zed"]
    assert [t.name for t in rel.teams_of_cohort(session, cohort)] == ["north", "south"]
    # A circle is not a second team: Xia's messages still need not name her team.
    assert [t.name for t in rel.teams_of(session, p["xia"])] == ["south"]
    assert not rel.in_several_teams(session, p["xia"].id)


def test_the_org_below_a_person_is_transitive_and_ends_on_a_cycle(
    org: Org,
) -> None:
    session, p, _teams = org
    assert names(rel.org_below(session, p["sam"])) == ["lena", "wim", "xia", "yan"]  # Lena via the cycle
    assert names(rel.org_below(session, p["lena"])) == ["sam", "wim", "xia", "yan"]
    assert names(rel.org_below(session, p["zed"])) == []
    assert names(rel.org_below(session, p["pia"])) == []
