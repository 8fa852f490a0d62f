"""The visibility policy, viewer by viewer: what each person may see about a team and about Sam.

The organisation of tests/bot/test_relationships.py plus an admin (Ada) and a manager above Lena
(Max, through a reporting line). Every row below is one viewer; the expectation is written out by
hand, so a change to bot.visibility.POLICY that changes who sees what fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot import relationships as rel
from bot import visibility
from bot.visibility import Adherence, Gate, Sight, Standing
from storage.db import Database
from storage.models import Cadence, CadenceRun, Checkin, Person, Team
from tests.bot.test_relationships import NOW, Org, build_org

README = Path(__file__).parents[2] / "README.md"

A, R, D, P, G = Sight.ANSWERS, Sight.RESULTS, Sight.ADHERENCE, Sight.PARTICIPATION, Sight.ATTAINMENT

# viewer -> (their standings toward Sam, what they see of Sam, what they see of team north)
TOWARD_SAM: dict[str, tuple[set[Standing], dict[Sight, Gate]]] = {
    "sam": (
        {Standing.SELF},
        {A: Gate.ALWAYS, R: Gate.NEVER, D: Gate.ALWAYS, P: Gate.NEVER, G: Gate.ALWAYS},
    ),
    "cora": (
        {Standing.NONE, Standing.COACH},
        {A: Gate.NEVER, R: Gate.NEVER, D: Gate.ALWAYS, P: Gate.NEVER, G: Gate.NEVER},
    ),
    "lena": (
        {Standing.NONE, Standing.MANAGER},
        {A: Gate.NEVER, R: Gate.FROM_K, D: Gate.NEVER, P: Gate.FROM_K, G: Gate.FROM_K},
    ),
    "max": (
        {Standing.NONE, Standing.MANAGER},
        {A: Gate.NEVER, R: Gate.FROM_K, D: Gate.NEVER, P: Gate.FROM_K, G: Gate.FROM_K},
    ),
    "pia": (
        {Standing.NONE, Standing.PEER},
        {A: Gate.NEVER, R: Gate.NEVER, D: Gate.NEVER, P: Gate.NEVER, G: Gate.NEVER},
    ),
    "ada": (
        {Standing.NONE, Standing.ADMIN},
        {A: Gate.NEVER, R: Gate.NEVER, D: Gate.NEVER, P: Gate.FROM_K, G: Gate.NEVER},
    ),
    "zed": ({Standing.NONE}, {A: Gate.NEVER, R: Gate.NEVER, D: Gate.NEVER, P: Gate.NEVER, G: Gate.NEVER}),
}
TOWARD_NORTH: dict[str, set[Standing]] = {
    "lena": {Standing.NONE, Standing.LEAD},
    "sam": {Standing.NONE, Standing.PEER},
    "ada": {Standing.NONE, Standing.ADMIN},
    "cora": {Standing.NONE},
    "max": {Standing.NONE},
}


@pytest.fixture
def org(any_database: Database) -> Iterator[Org]:
    with any_database.session() as session:
        people, teams = build_org(session)
        ws = people["sam"].workspace_id
        for name, admin in (("ada", True), ("max", False)):
            people[name] = Person(
                workspace_id=ws, platform_id=name, display_name=name, granted_admin=admin, created_at=NOW
            )
        session.add_all([people["ada"], people["max"]])
        session.flush()
        rel.add_reporting_line(session, person=people["lena"], manager=people["max"])
        yield session, people, teams


@pytest.mark.parametrize("viewer", sorted(TOWARD_SAM))
def test_what_each_viewer_may_see_of_sam(org: Org, viewer: str) -> None:
    session, people, _teams = org
    expected_standings, expected_gates = TOWARD_SAM[viewer]
    standings = visibility.standings_toward_person(session, people[viewer], people["sam"])
    assert standings == expected_standings
    assert {sight: visibility.gate(standings, sight) for sight in Sight} == expected_gates


@pytest.mark.parametrize("viewer", sorted(TOWARD_NORTH))
def test_what_each_viewer_may_see_of_a_team(org: Org, viewer: str) -> None:
    session, people, teams = org
    standings = visibility.standings_toward_team(session, people[viewer], teams["north"])
    assert standings == TOWARD_NORTH[viewer]
    # Only the lead sees the team's results, and only from K people who contributed.
    assert visibility.may_see(standings, Sight.RESULTS, count=5, k=5) is (viewer == "lena")
    assert not visibility.may_see(standings, Sight.RESULTS, count=4, k=5)
    assert visibility.may_see(standings, Sight.PARTICIPATION, count=5, k=5) is (viewer in ("lena", "ada"))
    assert not visibility.may_see(standings, Sight.ANSWERS)
    # Goal attainment: the lead, from K people with commitments due; nobody else sees a team's.
    assert visibility.may_see(standings, Sight.ATTAINMENT, count=5, k=5) is (viewer == "lena")
    assert not visibility.may_see(standings, Sight.ATTAINMENT, count=4, k=5)


def test_k_never_drops_below_three_whatever_is_asked() -> None:
    everyone = set(Standing)
    assert not visibility.may_see(everyone, Sight.RESULTS, count=2, k=1)
    assert visibility.may_see(everyone, Sight.RESULTS, count=3, k=1)


def test_a_coach_sees_counts_of_their_coachee_and_nobody_else_does(
    org: Org,
) -> None:
    session, people, teams = org
    sam = people["sam"]
    states = ("done", "done", "declined", "missed", "open")
    session.add_all(
        Checkin(
            cadence_id=_cadence(session, teams["north"]),
            run_id=_run(session, teams["north"], n),
            person_id=sam.id,
            occurrence_date=NOW.date().replace(day=1 + n),
            role="member",
            state=state,
            opened_at=NOW,
            closes_at=NOW,
        )
        for n, state in enumerate(states)
    )
    session.flush()
    expected = Adherence(answered=2, skipped=1, missed=1)
    assert visibility.adherence(session, people["cora"], sam) == expected
    assert visibility.adherence(session, sam, sam) == expected
    for viewer in ("lena", "pia", "ada", "zed"):
        assert visibility.adherence(session, people[viewer], sam) is None, viewer


def test_the_readme_privacy_table_is_the_policy() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- visibility-policy:start -->\n") + len("<!-- visibility-policy:start -->\n")
    end = text.index("\n<!-- visibility-policy:end -->")
    assert text[start:end] == visibility.policy_table()


def _cadence(session: Session, team: Team) -> int:
    found = session.query(Cadence).filter_by(team_id=team.id).one_or_none()
    if found is None:
        found = Cadence(
            workspace_id=team.workspace_id,
            team_id=team.id,
            name="pulse",
            audience="members",
            recurrence="daily",
            at_time="09:00",
            anchor=date(2026, 11, 1),
            created_at=NOW,
        )
        session.add(found)
        session.flush()
    return found.id


def _run(session: Session, team: Team, n: int) -> int:
    run = CadenceRun(
        cadence_id=_cadence(session, team),
        occurrence_date=NOW.date().replace(day=1 + n),
        role="member",
        prompt_ids=[],
        threshold=5,
    )
    session.add(run)
    session.flush()
    return run.id
