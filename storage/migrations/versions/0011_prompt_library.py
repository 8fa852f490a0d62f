"""a prompt library the organisation owns (issue 10, section 4)

Prompts added, edited or retired by command are stored as versions in ``prompt_versions``; an
answer remembers the version it answered (``answers.prompt_version``, empty for version 1) and a
checklist answer the behaviours picked (``answers.picks``).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prompt_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("prompt_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("set_name", sa.String(length=64), nullable=False),
        sa.Column("intent", sa.String(length=32), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("pathways", sa.JSON(), nullable=False),
        sa.Column("competency", sa.String(length=64), nullable=True),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("people.id", ondelete="SET NULL"), nullable=True),
        sa.UniqueConstraint("prompt_id", "version"),
    )
    with op.batch_alter_table("answers") as batch_op:
        batch_op.add_column(sa.Column("prompt_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("picks", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answers") as batch_op:
        batch_op.drop_column("picks")
        batch_op.drop_column("prompt_version")
    op.drop_table("prompt_versions")
