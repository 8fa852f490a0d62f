"""names safe on every database, outbox lease owners, replica leases and the inbound queue

Case-insensitive lookups move from SQL ``lower()`` (ASCII-only on SQLite) to stored keys computed
in Python (``storage.models.name_key``); cadence names get room for the suffix that retiring one adds.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 12:00:00
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _key(text: str) -> str:
    # A copy of storage.models.name_key as it was when this migration was written.
    return unicodedata.normalize("NFKC", text).casefold()


def _fill(table: str, source: str, target: str, scope: str | None) -> None:
    """Compute the key of every row; in a scope (a workspace), a clash gets the row id appended."""
    bind = op.get_bind()
    columns = f"id, {source}" + (f", {scope}" if scope else "")
    seen: set[tuple[object, str]] = set()
    for row in bind.execute(sa.text(f"SELECT {columns} FROM {table} ORDER BY id")).all():
        key = _key(row[1] or "")
        where = row[2] if scope else None
        if scope and (where, key) in seen:
            key = f"{key}~{row[0]}"
        seen.add((where, key))
        update = sa.text(f"UPDATE {table} SET {target} = :key WHERE id = :id")
        bind.execute(update, {"key": key, "id": row[0]})


def upgrade() -> None:
    with op.batch_alter_table("people") as batch_op:
        batch_op.add_column(
            sa.Column("display_key", sa.String(length=400), nullable=False, server_default="")
        )
        batch_op.create_index("ix_people_display_key", ["workspace_id", "display_key"])
    _fill("people", "display_name", "display_key", None)

    with op.batch_alter_table("teams") as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=128), nullable=True))
    _fill("teams", "name", "name_key", "workspace_id")
    with op.batch_alter_table("teams") as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=128), nullable=False)
        batch_op.create_unique_constraint("uq_teams_workspace_id_name_key", ["workspace_id", "name_key"])

    with op.batch_alter_table("cadences") as batch_op:
        batch_op.alter_column("name", existing_type=sa.String(length=64), type_=sa.String(length=96))
        batch_op.add_column(sa.Column("name_key", sa.String(length=192), nullable=True))
    _fill("cadences", "name", "name_key", "workspace_id")
    with op.batch_alter_table("cadences") as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=192), nullable=False)
        batch_op.create_unique_constraint("uq_cadences_workspace_id_name_key", ["workspace_id", "name_key"])

    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))

    op.create_table(
        "replica_leases",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "inbound_queue",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.UniqueConstraint("platform", "event_id"),
    )
    op.create_index("ix_inbound_queue_pending", "inbound_queue", ["done_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_inbound_queue_pending", table_name="inbound_queue")
    op.drop_table("inbound_queue")
    op.drop_table("replica_leases")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("claimed_by")
    with op.batch_alter_table("cadences") as batch_op:
        batch_op.drop_constraint("uq_cadences_workspace_id_name_key", type_="unique")
        batch_op.drop_column("name_key")
        batch_op.alter_column("name", existing_type=sa.String(length=96), type_=sa.String(length=64))
    with op.batch_alter_table("teams") as batch_op:
        batch_op.drop_constraint("uq_teams_workspace_id_name_key", type_="unique")
        batch_op.drop_column("name_key")
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_index("ix_people_display_key")
        batch_op.drop_column("display_key")
