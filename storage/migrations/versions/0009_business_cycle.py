"""business-cycle phases (issue 10, section 2)

``business_cycles`` holds the cycle an admin set for the workspace (``team_id`` NULL) and each team's
override. ``prompt_rotations`` is kept per phase as well as per cadence and role, so a plan week
rotates through plan prompts without counting what review weeks asked: the primary key gains
``phase``, and every existing rotation carries on as the rotation outside any cycle ("any"), which
is what every run used before this revision.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# A copy of storage.models.OUTSIDE_CYCLE as it was when this migration was written.
OUTSIDE_CYCLE = "any"


def _rotation_columns(*, with_phase: bool) -> list[sa.Column[object]]:
    columns: list[sa.Column[object]] = [
        sa.Column("cadence_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
    ]
    if with_phase:
        columns.append(sa.Column("phase", sa.String(length=16), nullable=False))
    return [*columns, sa.Column("used", sa.JSON(), nullable=False)]


def _rebuild_rotations(*, with_phase: bool) -> None:
    """Recreate the table with the other primary key. Rotations are one small row per cadence and
    role, so they are carried over in memory; this also sidesteps renaming a table whose primary key
    name PostgreSQL would keep."""
    bind = op.get_bind()
    old = sa.table("prompt_rotations", *_rotation_columns(with_phase=not with_phase))
    rows = [dict(row._mapping) for row in bind.execute(sa.select(old))]
    if not with_phase:  # back to one rotation per cadence and role: keep the one outside any cycle
        rows = [row for row in rows if row.pop("phase") == OUTSIDE_CYCLE]
    op.drop_table("prompt_rotations")
    key = ["cadence_id", "role", "phase"] if with_phase else ["cadence_id", "role"]
    new = op.create_table(
        "prompt_rotations",
        *_rotation_columns(with_phase=with_phase),
        sa.ForeignKeyConstraint(["cadence_id"], ["cadences.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(*key),
    )
    if rows:
        op.bulk_insert(new, [{**row, "phase": OUTSIDE_CYCLE} if with_phase else row for row in rows])


def upgrade() -> None:
    op.create_table(
        "business_cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("plan_days", sa.Integer(), nullable=True),
        sa.Column("review_days", sa.Integer(), nullable=True),
        sa.Column("sprint_days", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("execute_on", sa.Date(), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "team_id"),
    )
    op.create_index("ix_business_cycles_team_id", "business_cycles", ["team_id"])
    op.create_index(
        "uq_business_cycles_workspace",
        "business_cycles",
        ["workspace_id"],
        unique=True,
        sqlite_where=sa.text("team_id IS NULL"),
        postgresql_where=sa.text("team_id IS NULL"),
    )
    _rebuild_rotations(with_phase=True)


def downgrade() -> None:
    _rebuild_rotations(with_phase=False)
    op.drop_index("uq_business_cycles_workspace", table_name="business_cycles")
    op.drop_index("ix_business_cycles_team_id", table_name="business_cycles")
    op.drop_table("business_cycles")
