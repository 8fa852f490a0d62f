"""adapter tables: Slack's OAuth installations and Teams' conversation references, by migration

Until now the adapters created these tables at startup (``metadata.create_all`` in slack_sdk's
stores and in the Teams adapter), outside the migration history. From this revision on they are
migrated like every other table. A database that served Slack OAuth or Teams before already has
some of them, created by that old path with the same definition, so each table (and its index) is
created only where it is missing, and the rows in the existing ones stay.

The definitions are copied here, not imported: a migration must keep describing the schema of its
own revision whatever the adapters (or slack_sdk) define later. ``slack_*`` follow slack_sdk's
SQLAlchemy stores (3.x) under their default names.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 12:00:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _slack_installations() -> tuple[list[sa.Column[Any]], list[str]]:
    columns: list[sa.Column[Any]] = [
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(32), nullable=False),
        sa.Column("app_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32)),
        sa.Column("enterprise_name", sa.String(200)),
        sa.Column("enterprise_url", sa.String(200)),
        sa.Column("team_id", sa.String(32)),
        sa.Column("team_name", sa.String(200)),
        sa.Column("bot_token", sa.String(200)),
        sa.Column("bot_id", sa.String(32)),
        sa.Column("bot_user_id", sa.String(32)),
        sa.Column("bot_scopes", sa.String(1000)),
        sa.Column("bot_refresh_token", sa.String(200)),
        sa.Column("bot_token_expires_at", sa.DateTime()),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("user_token", sa.String(200)),
        sa.Column("user_scopes", sa.String(1000)),
        sa.Column("user_refresh_token", sa.String(200)),
        sa.Column("user_token_expires_at", sa.DateTime()),
        sa.Column("incoming_webhook_url", sa.String(200)),
        sa.Column("incoming_webhook_channel", sa.String(200)),
        sa.Column("incoming_webhook_channel_id", sa.String(200)),
        sa.Column("incoming_webhook_configuration_url", sa.String(200)),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("token_type", sa.String(32)),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
    ]
    return columns, ["client_id", "enterprise_id", "team_id", "user_id", "installed_at"]


def _slack_bots() -> tuple[list[sa.Column[Any]], list[str]]:
    columns: list[sa.Column[Any]] = [
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(32), nullable=False),
        sa.Column("app_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32)),
        sa.Column("enterprise_name", sa.String(200)),
        sa.Column("team_id", sa.String(32)),
        sa.Column("team_name", sa.String(200)),
        sa.Column("bot_token", sa.String(200)),
        sa.Column("bot_id", sa.String(32)),
        sa.Column("bot_user_id", sa.String(32)),
        sa.Column("bot_scopes", sa.String(1000)),
        sa.Column("bot_refresh_token", sa.String(200)),
        sa.Column("bot_token_expires_at", sa.DateTime()),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
    ]
    return columns, ["client_id", "enterprise_id", "team_id", "installed_at"]


def _slack_oauth_states() -> tuple[list[sa.Column[Any]], list[str]]:
    columns: list[sa.Column[Any]] = [
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("state", sa.String(200), nullable=False),
        sa.Column("expire_at", sa.DateTime(), nullable=False),
    ]
    return columns, []


def _teams_conversation_references() -> tuple[list[sa.Column[Any]], list[str]]:
    columns: list[sa.Column[Any]] = [
        sa.Column("tenant", sa.String(128), primary_key=True),
        sa.Column("kind", sa.String(8), primary_key=True),  # "person" (1:1 chat) or "team"
        sa.Column("subject", sa.String(200), primary_key=True),  # person id (29:…) or team id (19:…)
        sa.Column("service_url", sa.String(500), nullable=False),
        sa.Column("conversation_id", sa.String(500), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),  # the SDK's ConversationReference as JSON
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]
    return columns, []


TABLES = {
    "slack_installations": _slack_installations,
    "slack_bots": _slack_bots,
    "slack_oauth_states": _slack_oauth_states,
    "teams_conversation_references": _teams_conversation_references,
}
"""Each table with its columns and the columns of its one index (``<table>_idx``, slack_sdk's name)."""


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for name, definition in TABLES.items():
        columns, indexed = definition()
        if inspector.has_table(name):  # created by the adapter's old startup path: keep it and its rows
            present = {index["name"] for index in inspector.get_indexes(name)}
        else:
            op.create_table(name, *columns)
            present = set()
        if indexed and f"{name}_idx" not in present:
            op.create_index(f"{name}_idx", name, indexed)


def downgrade() -> None:
    for name, definition in reversed(TABLES.items()):
        _columns, indexed = definition()
        if indexed:
            op.drop_index(f"{name}_idx", table_name=name)
        op.drop_table(name)
