"""Storage: migrations build the schema the models describe, on SQLite and (when configured) PostgreSQL.

"The models" are the core's (``storage.models``) and the adapters' tables (Slack's OAuth stores, Teams'
conversation references), which are migrated like the core's since revision 0007.
"""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, inspect, text

from adapters.slack.oauth import table_metadata as slack_tables
from adapters.teams import references
from storage.db import Database
from storage.models import Base

ADAPTER_TABLES = {
    "slack_installations",
    "slack_bots",
    "slack_oauth_states",
    "teams_conversation_references",
}


def every_model() -> MetaData:
    """The core's models and every adapter's tables, in one MetaData."""
    combined = MetaData()
    for metadata in (Base.metadata, slack_tables(), references.metadata):
        for table in metadata.tables.values():
            table.to_metadata(combined)
    return combined


def test_every_adapter_table_is_compared() -> None:
    assert set(every_model().tables) - set(Base.metadata.tables) == ADAPTER_TABLES


def test_upgrade_on_an_empty_sqlite_database_creates_the_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        assert db.is_empty()
        db.upgrade()
        assert not db.is_empty()
        assert set(every_model().tables) <= set(inspect(db.engine).get_table_names())
        db.upgrade()  # a second upgrade is a no-op
    finally:
        db.dispose()


def test_the_database_is_at_the_head_revision(any_database: Database) -> None:
    head = ScriptDirectory.from_config(any_database.alembic_config()).get_current_head()
    with any_database.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head
    tables = set(inspect(any_database.engine).get_table_names())
    assert set(every_model().tables) <= tables
    assert not any_database.is_behind()


def test_models_and_migrations_agree(any_database: Database) -> None:
    with any_database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, every_model())
    assert differences == []


def test_adapter_tables_made_by_the_old_startup_path_are_kept_with_their_rows(any_database: Database) -> None:
    """Before 0007 the adapters ran ``create_all`` at startup; such a database upgrades in place."""
    engine = any_database.engine
    command.downgrade(any_database.alembic_config(), "0006")
    assert not ADAPTER_TABLES & set(inspect(engine).get_table_names())
    assert any_database.is_behind()
    # What the adapters did at startup before 0007, and a row in each kind of table.
    installations = SQLAlchemyInstallationStore(client_id="111.222", engine=engine)
    installations.create_tables()  # type: ignore[no-untyped-call]
    SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine).create_tables()  # type: ignore[no-untyped-call]
    references.metadata.create_all(engine)
    installations.save(
        Installation(app_id="A1", team_id="T1", user_id="U1", bot_token="xoxb-kept", bot_id="B1")
    )
    with engine.begin() as conn:
        conn.execute(
            references.references.insert().values(
                tenant="t1",
                kind="person",
                subject="29:ann",
                service_url="https://smba.example/",
                conversation_id="a:chat",
                reference="{}",
                updated_at=datetime(2026, 11, 20, tzinfo=UTC),
            )
        )

    any_database.upgrade()

    assert not any_database.is_behind()
    bot = installations.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == "xoxb-kept"
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT subject FROM teams_conversation_references")).scalar_one()
        assert kept == "29:ann"
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, every_model()) == []


def test_downgrading_past_0007_removes_only_the_adapter_tables(any_database: Database) -> None:
    newest = set(inspect(any_database.engine).get_table_names())
    command.downgrade(any_database.alembic_config(), "0007")  # later revisions add tables of their own
    before = set(inspect(any_database.engine).get_table_names())
    command.downgrade(any_database.alembic_config(), "0006")
    assert before - set(inspect(any_database.engine).get_table_names()) == ADAPTER_TABLES
    any_database.upgrade()
    assert set(inspect(any_database.engine).get_table_names()) == newest
