"""Alembic environment: runs against the engine handed over by :class:`storage.db.Database`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from storage.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # plain `alembic` CLI use
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///coachbot.db")

# The adapters' tables (slack_sdk's installation stores, the Teams adapter's references) are created by
# migrations too (0007), but they are defined by their adapters, not in storage.models: autogenerate,
# which sees only the core's models, must neither drop nor recreate them. tests/storage/test_schema.py
# compares them with the migrations alongside the core's models.
FOREIGN_PREFIXES = ("slack_", "teams_")


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    return not (type_ == "table" and name is not None and name.startswith(FOREIGN_PREFIXES))


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode rebuilds a table by copy, DROP and rename; with foreign keys on, SQLite's DROP
        # TABLE deletes the rows first and cascades to every table that refers to it. The pragma only
        # takes effect outside a transaction, so it is set before the migration's transaction begins.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
