"""keep check-in promises: the K promised per run, skipped and late-revised answers, skipped dates,
and what is needed to rewrite a sent message in place

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cadence_runs") as batch_op:
        batch_op.add_column(sa.Column("threshold", sa.Integer(), nullable=True))
    with op.batch_alter_table("schedule_slots") as batch_op:
        batch_op.add_column(sa.Column("skipped_local_date", sa.Date(), nullable=True))
    with op.batch_alter_table("answers") as batch_op:
        batch_op.add_column(sa.Column("skipped", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("revised_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("revised_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("platform_channel", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_outbox_replaces_id_outbox", "outbox", ["replaces_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index("ix_outbox_platform_message_id", ["platform_message_id"])
    # Runs that already sent nudges promised the workspace's K as it was; record it so a later
    # change cannot release their answers.
    op.execute(
        "UPDATE cadence_runs SET threshold = (SELECT w.threshold FROM cadences c "
        "JOIN workspaces w ON w.id = c.workspace_id WHERE c.id = cadence_runs.cadence_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_index("ix_outbox_platform_message_id")
        batch_op.drop_constraint("fk_outbox_replaces_id_outbox", type_="foreignkey")
        batch_op.drop_column("replaces_id")
        batch_op.drop_column("platform_channel")
    with op.batch_alter_table("answers") as batch_op:
        batch_op.drop_column("revised_at")
        batch_op.drop_column("revised_text")
        batch_op.drop_column("skipped")
    with op.batch_alter_table("schedule_slots") as batch_op:
        batch_op.drop_column("skipped_local_date")
    with op.batch_alter_table("cadence_runs") as batch_op:
        batch_op.drop_column("threshold")
