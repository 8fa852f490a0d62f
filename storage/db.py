"""Opening the database: SQLite file by default, PostgreSQL through ``DATABASE_URL``.

Every entry point opens the database through :func:`open_database`, which brings an
empty database to the current schema with Alembic, so nobody has to remember
``coachbot db upgrade`` before ``coachbot demo``.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///coachbot.db"
_MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(explicit: str | None = None) -> str:
    """The URL to use: explicit argument, then ``DATABASE_URL``, then a SQLite file here."""
    url = explicit or os.environ.get("DATABASE_URL") or DEFAULT_URL
    # Heroku-style URLs and bare postgresql:// should use psycopg 3, the driver we ship.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Database:
    """An engine plus a session factory; ``session()`` is one transaction."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        if url.startswith("sqlite"):
            engine_options.setdefault("connect_args", {"check_same_thread": False})
        else:
            # A server restart or a killed backend leaves dead connections in the pool; test each one
            # as it is checked out, so one blip costs a reconnect rather than a failed round.
            engine_options.setdefault("pool_pre_ping", True)
        self.engine: Engine = create_engine(url, **engine_options)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed if the block finishes, rolled back if it raises."""
        with self._sessions() as session, session.begin():
            yield session

    def alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        config.attributes["engine"] = self.engine
        return config

    def upgrade(self) -> None:
        command.upgrade(self.alembic_config(), "head")

    def is_empty(self) -> bool:
        return not inspect(self.engine).has_table("alembic_version")

    def is_behind(self) -> bool:
        """Whether a migration of this release has not been applied yet (``coachbot db upgrade`` does).

        A database migrated by a newer release (a revision this one does not know) is not behind:
        during a rolling upgrade the older replicas keep running on it.
        """
        from alembic.migration import MigrationContext
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(self.alembic_config())
        known = {revision.revision for revision in script.walk_revisions()}
        with self.engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
        if current - known:
            return False
        return current != set(script.get_heads())

    def dispose(self) -> None:
        self.engine.dispose()


class DatabaseInUse(Exception):
    """Another process already serves this SQLite file; the message is one line saying so."""


_held_locks: dict[str, IO[bytes]] = {}


def hold_single_process_lock(database: Database) -> None:
    """Make this process the only server of a SQLite file, for as long as it lives.

    SQLite is the one-process default: two ``coachbot serve`` on one file would both tick and send.
    An exclusive ``flock`` on ``<file>.lock`` is taken and never released (the OS drops it when the
    process ends, however it ends). PostgreSQL needs nothing: replicas coordinate through row locks.
    """
    if database.engine.dialect.name != "sqlite":
        return
    path = database.engine.url.database
    if not path or path == ":memory:":
        return
    lock_path = str(Path(path).resolve()) + ".lock"
    if lock_path in _held_locks:
        return
    handle = open(lock_path, "ab")  # noqa: SIM115 - held open for the life of the process
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise DatabaseInUse(
            f"another coachbot process is already serving {path} (lock {lock_path}); SQLite allows one "
            "server per file: stop it, or use PostgreSQL (DATABASE_URL) to run several replicas"
        ) from None
    _held_locks[lock_path] = handle


def open_database(url: str | None = None, **engine_options: Any) -> Database:
    """Open (and, if it has no schema yet, create) the database."""
    database = Database(database_url(url), **engine_options)
    if database.is_empty():
        database.upgrade()
    return database
