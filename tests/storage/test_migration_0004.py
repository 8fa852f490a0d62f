"""Migration 0004 on a database that already has data: names get their case-folded keys.

Built at revision 0003 with real rows (Unicode names, and "Team" next to "team" in one workspace,
which 0003 allowed and 0004's unique keys would not), then upgraded to head, on SQLite and
(when configured) PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime

from alembic import command
from sqlalchemy import select, text

from bot.domain import Role
from storage.db import Database
from storage.models import Cadence, Person, Team, name_key
from storage.relations import Membership

CREATED = datetime(2026, 11, 1, 12, 0)


def _insert(db: Database, table: str, **values: object) -> int:
    columns = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    with db.engine.begin() as conn:
        conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), values)
        return int(conn.execute(text(f"SELECT max(id) FROM {table}")).scalar_one())


def _workspace(db: Database, external_id: str) -> int:
    return _insert(
        db,
        "workspaces",
        platform="local",
        external_id=external_id,
        name=external_id,
        threshold=5,
        quiet_start="20:00",
        quiet_end="07:00",
        workdays="0,1,2,3,4",
        created_at=CREATED,
    )


def _person(db: Database, workspace: int, platform_id: str, display_name: str) -> int:
    return _insert(
        db,
        "people",
        workspace_id=workspace,
        platform_id=platform_id,
        display_name=display_name,
        timezone="UTC",
        locale="de",
        granted_admin=False,
        platform_admin=False,
        reachable=True,
        created_at=CREATED,
    )


def _team(db: Database, workspace: int, name: str, manager: int) -> int:
    return _insert(db, "teams", workspace_id=workspace, name=name, manager_id=manager)


def _cadence(db: Database, workspace: int, team: int, name: str) -> int:
    return _insert(
        db,
        "cadences",
        workspace_id=workspace,
        team_id=team,
        name=name,
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


def test_upgrading_from_0003_gives_every_name_its_key(bare_database: Database) -> None:
    """On SQLite too, where batch mode rebuilds tables: no row of a referring table may be lost."""
    db = bare_database
    command.upgrade(db.alembic_config(), "0003")
    acme, other = _workspace(db, "acme"), _workspace(db, "other")
    anna = _person(db, acme, "U1", "Ärztin Ölmann")
    bert = _person(db, acme, "U2", "İSTANBUL Bert")
    olga = _person(db, other, "U3", "Straße")
    arzte = _team(db, acme, "Ärzte", anna)
    upper = _team(db, acme, "Team", anna)
    lower = _team(db, acme, "team", bert)  # allowed before 0004: names were compared as typed
    elsewhere = _team(db, other, "team", olga)  # another workspace: no clash
    nu = _cadence(db, acme, arzte, "Ñu")
    nu_clash = _cadence(db, acme, upper, "ñu")
    retired = _cadence(db, acme, lower, "Alt~7")  # a cadence removed before 0004
    longest = _cadence(db, acme, upper, "x" * 64)
    with db.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO team_members (team_id, person_id) VALUES (:t, :p)"), {"t": arzte, "p": bert}
        )

    command.upgrade(db.alembic_config(), "head")

    with db.session() as session:
        teams = {t.id: t.name_key for t in session.scalars(select(Team))}
        cadences = {c.id: c.name_key for c in session.scalars(select(Cadence))}
        people = {p.id: p.display_key for p in session.scalars(select(Person))}
        members = session.execute(
            select(Membership.group_id, Membership.person_id).where(Membership.role == Role.MEMBER)
        ).all()
    assert members == [(arzte, bert)]  # rebuilding the tables lost nothing (0006 moved it to memberships)
    assert teams == {arzte: "ärzte", upper: "team", lower: f"team~{lower}", elsewhere: "team"}
    assert cadences == {nu: "ñu", nu_clash: f"ñu~{nu_clash}", retired: "alt~7", longest: "x" * 64}
    assert people == {anna: "ärztin ölmann", bert: name_key("İSTANBUL Bert"), olga: "strasse"}

    with db.session() as session:
        # Found by the key of any spelling; the clash is still there, only under its marked key.
        found = session.scalar(
            select(Team).where(Team.workspace_id == acme, Team.name_key == name_key("ÄRZTE"))
        )
        assert found is not None and found.name == "Ärzte"
        cadence = session.get_one(Cadence, longest)
        cadence.name = f"{cadence.name}~{cadence.id}"  # removing a 64-character cadence now fits
    with db.session() as session:
        assert session.get_one(Cadence, longest).name_key == f"{'x' * 64}~{longest}"
