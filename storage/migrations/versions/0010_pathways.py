"""pathways per person (issue 10, section 3)

``person_pathways`` says who is on which pathway from when to when, and who set it;
``onboarding_steps`` holds a new hire's precomputed milestones per recipient (the new hire and
each of their leads); ``pathway_lengths`` is a workspace's length for a pathway. Check-ins get a
``kind`` ("cadence" or "onboarding"), their own ``prompt_ids`` (null = the run's), and an
onboarding check-in has no cadence and no run, so ``cadence_id`` and ``run_id`` become nullable.
Every existing check-in is a cadence check-in asking its run's questions.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_pathways",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("pathway", sa.String(length=16), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=True),
        sa.Column("set_by_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("questions_asked", sa.Integer(), nullable=False),
        sa.Column("used_prompts", sa.JSON(), nullable=False),
    )
    op.create_index("ix_person_pathways_person", "person_pathways", ["person_id", "ends"])
    op.create_table(
        "onboarding_steps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "person_pathway_id",
            sa.Integer(),
            sa.ForeignKey("person_pathways.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "recipient_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("milestone", sa.String(length=16), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened", sa.Boolean(), nullable=False),
        sa.Column(
            "checkin_id", sa.Integer(), sa.ForeignKey("checkins.id", ondelete="SET NULL"), nullable=True
        ),
        sa.UniqueConstraint("person_pathway_id", "recipient_id", "milestone"),
    )
    op.create_index("ix_onboarding_steps_due", "onboarding_steps", ["opened", "due_at"])
    op.create_index("ix_onboarding_steps_recipient_id", "onboarding_steps", ["recipient_id"])
    op.create_table(
        "pathway_lengths",
        sa.Column(
            "workspace_id", sa.Integer(), sa.ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("pathway", sa.String(length=16), primary_key=True),
        sa.Column("days", sa.Integer(), nullable=False),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="cadence"))
        batch_op.add_column(sa.Column("prompt_ids", sa.JSON(), nullable=True))
        batch_op.alter_column("cadence_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("run_id", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.alter_column("kind", existing_type=sa.String(length=16), server_default=None)


def downgrade() -> None:
    op.execute("DELETE FROM checkins WHERE cadence_id IS NULL OR run_id IS NULL")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.alter_column("run_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("cadence_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("prompt_ids")
        batch_op.drop_column("kind")
    op.drop_table("pathway_lengths")
    op.drop_index("ix_onboarding_steps_recipient_id", table_name="onboarding_steps")
    op.drop_index("ix_onboarding_steps_due", table_name="onboarding_steps")
    op.drop_table("onboarding_steps")
    op.drop_index("ix_person_pathways_person", table_name="person_pathways")
    op.drop_table("person_pathways")
