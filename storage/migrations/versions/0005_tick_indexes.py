"""tick indexes: every lookup of a tick is an index probe, however many people there are

``next_wakeup`` asks for the earliest window still to end whatever its state (``checkins.closes_at``
alone), and the digest step for runs without a digest (``cadence_runs.digest_sent_at``): without
these two indexes both scan their whole table, which grows with every person and every week.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_checkins_closes_at", "checkins", ["closes_at"])
    op.create_index("ix_cadence_runs_digest_sent_at", "cadence_runs", ["digest_sent_at"])


def downgrade() -> None:
    op.drop_index("ix_cadence_runs_digest_sent_at", table_name="cadence_runs")
    op.drop_index("ix_checkins_closes_at", table_name="checkins")
