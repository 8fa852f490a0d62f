"""relationships as data, and digests stored as numbers

A team's manager and members move from ``teams.manager_id`` and ``team_members`` into
``memberships`` (a lead membership and member memberships), next to the new ``reporting_lines``,
``coaching`` and ``cohort_teams``; ``teams.kind`` says what kind of group a row is. Every existing
team keeps its manager and members. Digests get an ``aggregate`` (numbers per prompt, computed
once when the run closes); the rendered ``parts`` of digests written before this revision stay,
since the answers behind them may since have been erased. Digests no longer name one manager:
who may see one is decided by the team's leads at the time it is shown.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Copies of the stored vocabulary (bot.domain) as it was when this migration was written.
LEAD, MEMBER, TEAM = "lead", "member", "team"


def _people_fk(column: str) -> sa.Column[int]:
    return sa.Column(column, sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)


def upgrade() -> None:
    op.create_table(
        "memberships",
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
        _people_fk("person_id"),
        sa.Column("role", sa.String(length=16), primary_key=True),
    )
    op.create_index("ix_memberships_person", "memberships", ["person_id", "role"])
    op.create_table("reporting_lines", _people_fk("person_id"), _people_fk("manager_id"))
    op.create_index("ix_reporting_lines_manager_id", "reporting_lines", ["manager_id"])
    op.create_table("coaching", _people_fk("coach_id"), _people_fk("coachee_id"))
    op.create_index("ix_coaching_coachee_id", "coaching", ["coachee_id"])
    op.create_table(
        "cohort_teams",
        sa.Column("cohort_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_cohort_teams_team_id", "cohort_teams", ["team_id"])

    # Each team's manager becomes its lead, each member a member. A manager listed among their own
    # team's members was never treated as one (they were asked as the manager), so is not copied.
    op.execute(
        sa.text(
            "INSERT INTO memberships (group_id, person_id, role) SELECT id, manager_id, :lead FROM teams"
        ).bindparams(lead=LEAD)
    )
    op.execute(
        sa.text(
            "INSERT INTO memberships (group_id, person_id, role) "
            "SELECT m.team_id, m.person_id, :member FROM team_members m "
            "JOIN teams t ON t.id = m.team_id WHERE m.person_id <> t.manager_id"
        ).bindparams(member=MEMBER)
    )
    op.drop_table("team_members")
    with op.batch_alter_table("teams") as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default=TEAM))
        batch_op.drop_index("ix_teams_manager_id")
        batch_op.drop_column("manager_id")

    with op.batch_alter_table("digests") as batch_op:
        batch_op.add_column(sa.Column("aggregate", sa.JSON(), nullable=True))
        batch_op.alter_column("parts", existing_type=sa.JSON(), nullable=True)
        batch_op.drop_index("ix_digests_manager_id")
        batch_op.drop_column("manager_id")


def downgrade() -> None:
    """Back to one manager per team (the longest-standing lead) and rendered digests only.

    Lossy by nature: reporting lines, coaching, cohorts, circles and further leads have no place in
    the old schema, and digests stored only as numbers come back with no text.
    """
    with op.batch_alter_table("digests") as batch_op:
        batch_op.add_column(sa.Column("manager_id", sa.Integer(), nullable=True))
    op.execute(
        sa.text(
            "UPDATE digests SET manager_id = (SELECT min(m.person_id) FROM memberships m "
            "JOIN cadences c ON c.team_id = m.group_id JOIN cadence_runs r ON r.cadence_id = c.id "
            "WHERE r.id = digests.run_id AND m.role = :lead)"
        ).bindparams(lead=LEAD)
    )
    op.execute("DELETE FROM digests WHERE manager_id IS NULL")
    op.execute("UPDATE digests SET parts = '[]' WHERE parts IS NULL")
    with op.batch_alter_table("digests") as batch_op:
        batch_op.alter_column("manager_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("parts", existing_type=sa.JSON(), nullable=False)
        batch_op.create_foreign_key(
            "fk_digests_manager_id_people", "people", ["manager_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_index("ix_digests_manager_id", ["manager_id"])
        batch_op.drop_column("aggregate")

    op.execute(sa.text("DELETE FROM teams WHERE kind <> :team").bindparams(team=TEAM))
    with op.batch_alter_table("teams") as batch_op:
        batch_op.add_column(sa.Column("manager_id", sa.Integer(), nullable=True))
    op.execute(
        sa.text(
            "UPDATE teams SET manager_id = (SELECT min(m.person_id) FROM memberships m "
            "WHERE m.group_id = teams.id AND m.role = :lead)"
        ).bindparams(lead=LEAD)
    )
    op.execute("DELETE FROM teams WHERE manager_id IS NULL")
    with op.batch_alter_table("teams") as batch_op:
        batch_op.alter_column("manager_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key("fk_teams_manager_id_people", "people", ["manager_id"], ["id"])
        batch_op.create_index("ix_teams_manager_id", ["manager_id"])
        batch_op.drop_column("kind")
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
        _people_fk("person_id"),
    )
    op.execute(
        sa.text(
            "INSERT INTO team_members (team_id, person_id) SELECT group_id, person_id FROM memberships "
            "WHERE role = :member"
        ).bindparams(member=MEMBER)
    )
    op.drop_table("cohort_teams")
    op.drop_table("coaching")
    op.drop_table("reporting_lines")
    op.drop_table("memberships")
