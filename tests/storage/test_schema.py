"""Storage: migrations build the schema the models describe, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from storage.db import Database
from storage.models import Base


def test_upgrade_on_an_empty_sqlite_database_creates_the_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        assert db.is_empty()
        db.upgrade()
        assert not db.is_empty()
        assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())
        db.upgrade()  # a second upgrade is a no-op
    finally:
        db.dispose()


def test_the_database_is_at_the_head_revision(any_database: Database) -> None:
    head = ScriptDirectory.from_config(any_database.alembic_config()).get_current_head()
    with any_database.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head
    tables = set(inspect(any_database.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_models_and_migrations_agree(any_database: Database) -> None:
    with any_database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
