"""Migration 0009: prompt rotations become per phase, and the rotations a database already has carry
on as the rotation outside any cycle, in both directions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import select, text

from bot.domain import PromptAudience
from storage.cycles import BusinessCycle
from storage.db import Database
from storage.models import Cadence, PromptRotation, Team, Workspace


def test_rotations_survive_the_move_to_phases_and_back(any_database: Database) -> None:
    with any_database.session() as session:
        workspace = Workspace(platform="local", external_id="acme")
        session.add(workspace)
        session.flush()
        team = Team(workspace_id=workspace.id, name="atlas")
        session.add(team)
        session.flush()
        cadence = Cadence(
            workspace_id=workspace.id,
            team_id=team.id,
            name="sync",
            audience="manager",
            recurrence="weekly mon",
            at_time="09:00",
            anchor=date(2026, 11, 23),
        )
        session.add(cadence)
        session.flush()
        for phase, used in (("any", ["mc-priorities-1", "mc-growth-1"]), ("plan", ["mc-priorities-2"])):
            session.add(
                PromptRotation(cadence_id=cadence.id, role=PromptAudience.MANAGER, phase=phase, used=used)
            )
        session.add(
            BusinessCycle(
                workspace_id=workspace.id,
                kind="quarterly",
                plan_days=14,
                review_days=14,
                updated_at=datetime.now(UTC),
            )
        )
        cadence_id = cadence.id

    config = any_database.alembic_config()
    command.downgrade(config, "0008")
    with any_database.engine.connect() as conn:
        rows = conn.execute(text("SELECT cadence_id, role FROM prompt_rotations")).all()
    assert [tuple(r) for r in rows] == [(cadence_id, "manager")]  # the rotation outside any cycle stays

    command.upgrade(config, "head")
    with any_database.session() as session:
        kept = session.scalars(select(PromptRotation)).all()
        assert [(r.cadence_id, r.role, r.phase, r.used) for r in kept] == [
            (cadence_id, "manager", "any", ["mc-priorities-1", "mc-growth-1"])
        ]
        assert session.scalars(select(BusinessCycle)).all() == []  # 0009's table came back empty
