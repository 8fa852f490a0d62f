"""the organisation from an HR file, public holidays (issue 10, section 5)

People get what an HR file says about them beyond their chat profile: an email (the key an HR
system knows them by, resolved to a platform id on import), the country whose public holidays
they keep (ISO 3166 code, optionally with a region: ``DE``, ``DE-BY``) and their start date.
Workspaces get a switch for public holidays, on by default: an existing workspace has no
country on anyone yet, so turning it on changes nothing until countries arrive.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("country", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("start_date", sa.Date(), nullable=True))
        batch_op.create_index("ix_people_email", ["workspace_id", "email"])
    with op.batch_alter_table("workspaces") as batch_op:
        batch_op.add_column(
            sa.Column("public_holidays", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("workspaces") as batch_op:
        batch_op.drop_column("public_holidays")
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_index("ix_people_email")
        batch_op.drop_column("start_date")
        batch_op.drop_column("country")
        batch_op.drop_column("email")
