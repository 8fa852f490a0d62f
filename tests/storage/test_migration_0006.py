"""Migration 0006 on a database that already has data: teams keep their manager and members.

Built at revision 0005 with real rows (two teams, one of them listing its own manager among its
members, which the old code ignored; a digest stored as text), upgraded to head, read through
bot.relationships and the digest code, then downgraded again — on SQLite and (when configured)
PostgreSQL.
"""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import select, text

from bot import digests, relationships
from bot.domain import GroupKind, Role
from bot.messages import Para
from bot.prompts import PromptLibrary
from storage.db import Database
from storage.models import Digest, Person, Team
from storage.relations import Membership
from tests.storage.test_migration_0004 import CREATED, _insert, _person, _workspace


def _team(db: Database, workspace: int, name: str, manager: int) -> int:
    """A team as revision 0005 stored it: one manager column, a name key."""
    return _insert(db, "teams", workspace_id=workspace, name=name, name_key=name, manager_id=manager)


def _cadence(db: Database, workspace: int, team: int, name: str) -> int:
    return _insert(
        db,
        "cadences",
        workspace_id=workspace,
        team_id=team,
        name=name,
        name_key=name,
        audience="members",
        recurrence="daily",
        at_time="09:00",
        questions=3,
        window_minutes=2880,
        anonymous=True,
        reminder_after_minutes=240,
        reminder_max=1,
        paused=False,
        anchor=date(2026, 11, 1),
        created_at=CREATED,
    )


def test_upgrading_from_0005_moves_managers_and_members_into_memberships(
    bare_database: Database, library: PromptLibrary
) -> None:
    db = bare_database
    command.upgrade(db.alembic_config(), "0005")
    acme = _workspace(db, "acme")
    maria, ben, chloe, omar = (
        _person(db, acme, f"U{n}", name) for n, name in enumerate(("Maria", "Ben", "Chloe", "Omar"))
    )
    design = _team(db, acme, "design", maria)
    ops = _team(db, acme, "ops", omar)
    with db.engine.begin() as conn:
        for team, person in ((design, ben), (design, chloe), (design, maria), (ops, ben)):
            conn.execute(
                text("INSERT INTO team_members (team_id, person_id) VALUES (:t, :p)"),
                {"t": team, "p": person},
            )
    pulse = _cadence(db, acme, design, "pulse")
    run = _insert(
        db,
        "cadence_runs",
        cadence_id=pulse,
        occurrence_date=date(2026, 11, 2),
        role="member",
        prompt_ids="[]",
        threshold=5,
    )
    _insert(
        db,
        "digests",
        run_id=run,
        manager_id=maria,
        created_at=CREATED,
        parts='[{"type": "para", "text": "Old digest"}]',
    )

    command.upgrade(db.alembic_config(), "head")

    with db.session() as session:
        rows = sorted(
            session.execute(select(Membership.group_id, Membership.person_id, Membership.role)).tuples()
        )
        assert rows == sorted(
            [
                (design, maria, Role.LEAD),
                (design, ben, Role.MEMBER),
                (design, chloe, Role.MEMBER),
                (ops, omar, Role.LEAD),
                (ops, ben, Role.MEMBER),
            ]
        )  # Maria, listed among her own team's members, stays its lead only
        assert {t.kind for t in session.scalars(select(Team))} == {GroupKind.TEAM}
        team = session.get_one(Team, design)
        assert relationships.lead_of(session, team).display_name == "Maria"
        assert [p.display_name for p in relationships.members_of(session, team)] == ["Ben", "Chloe"]
        ben_row = session.get_one(Person, ben)
        assert sorted(t.name for t in relationships.teams_of(session, ben_row)) == ["design", "ops"]
        # The digest written as text before 0006 is still shown to the team's lead, as it was.
        [(stored, _run, _cadence_row)] = digests.visible_digests(
            session, session.get_one(Person, maria), limit=5
        )
        assert stored.aggregate is None
        assert digests.shown_to(session, library, stored, viewer=session.get_one(Person, maria)) == (
            Para("Old digest"),
        )
        assert digests.visible_digests(session, ben_row, limit=5) == []

    command.downgrade(db.alembic_config(), "0005")

    with db.engine.connect() as conn:
        managers = dict(conn.execute(text("SELECT id, manager_id FROM teams")).tuples().all())
        members = sorted(conn.execute(text("SELECT team_id, person_id FROM team_members")).tuples().all())
        digest_owner = conn.execute(text("SELECT manager_id FROM digests")).scalar_one()
    assert managers == {design: maria, ops: omar}
    assert members == sorted([(design, ben), (design, chloe), (ops, ben)])
    assert digest_owner == maria


def test_a_digest_row_survives_the_upgrade_whole(bare_database: Database) -> None:
    """The rebuilt digests table (SQLite batch mode) keeps every row and column it had."""
    db = bare_database
    command.upgrade(db.alembic_config(), "0005")
    acme = _workspace(db, "acme")
    maria = _person(db, acme, "U1", "Maria")
    team = _team(db, acme, "design", maria)
    run = _insert(
        db,
        "cadence_runs",
        cadence_id=_cadence(db, acme, team, "pulse"),
        occurrence_date=date(2026, 11, 2),
        role="member",
        prompt_ids="[]",
        threshold=5,
    )
    _insert(db, "digests", run_id=run, manager_id=maria, created_at=CREATED, parts="[]")
    command.upgrade(db.alembic_config(), "head")
    with db.session() as session:
        [digest] = session.scalars(select(Digest)).all()
        assert (digest.run_id, digest.parts, digest.aggregate) == (run, [], None)
