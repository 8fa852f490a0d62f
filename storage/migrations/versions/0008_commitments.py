"""commitments and goal attainment (issue 10, section 1)

A cadence may end its check-ins with a commitment question (``cadences.commitment``; NULL keeps
the default for each role: yes for a team's manager, no for members). What people commit to is
kept in ``commitments``, owned by them; ``commitment_shares`` records the ones they showed someone.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _when(name: str, *, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("cadences") as batch_op:
        batch_op.add_column(sa.Column("commitment", sa.Boolean(), nullable=True))
    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "cadence_id", sa.Integer(), sa.ForeignKey("cadences.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column(
            "source_checkin_id",
            sa.Integer(),
            sa.ForeignKey("checkins.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("message_id", sa.String(length=200), nullable=True),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("carried", sa.Integer(), nullable=False),
        sa.Column(
            "followup_checkin_id",
            sa.Integer(),
            sa.ForeignKey("checkins.id", ondelete="SET NULL"),
            nullable=True,
        ),
        _when("created_at", nullable=False),
        _when("updated_at"),
        _when("resolved_at"),
        sa.UniqueConstraint("owner_id", "number"),
    )
    op.create_index("ix_commitments_cadence_owner", "commitments", ["cadence_id", "owner_id"])
    op.create_index("ix_commitments_followup", "commitments", ["followup_checkin_id"])
    op.create_table(
        "commitment_shares",
        sa.Column(
            "commitment_id",
            sa.Integer(),
            sa.ForeignKey("commitments.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
        ),
        _when("shared_at", nullable=False),
    )
    op.create_index("ix_commitment_shares_person_id", "commitment_shares", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_commitment_shares_person_id", table_name="commitment_shares")
    op.drop_table("commitment_shares")
    op.drop_index("ix_commitments_followup", table_name="commitments")
    op.drop_index("ix_commitments_cadence_owner", table_name="commitments")
    op.drop_table("commitments")
    with op.batch_alter_table("cadences") as batch_op:
        batch_op.drop_column("commitment")
