"""Shared fixtures: a real database (SQLite always, PostgreSQL when configured), a hand-moved
clock, and the local chat as the harness that drives the core like a person would."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from adapters.local import LocalChat
from bot.clock import ManualClock
from bot.core import Coachbot
from bot.prompts import PromptLibrary
from storage.db import Database, database_url, open_database

PG_URL = os.environ.get("COACHBOT_TEST_DATABASE_URL")
PG_SKIP = "PostgreSQL tests need COACHBOT_TEST_DATABASE_URL (CI sets it; e.g. postgresql://postgres@127.0.0.1:5432/test)"

# A Saturday; the first Monday 09:00 after it is 2026-11-23.
SATURDAY = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def library() -> PromptLibrary:
    return PromptLibrary.load()


def _postgres(schema_owner: list[str]) -> Database:
    assert PG_URL is not None
    url = database_url(PG_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    schema_owner.append(schema)
    return open_database(url, connect_args={"options": f"-csearch_path={schema}"})


def _drop(schema: str) -> None:
    assert PG_URL is not None
    admin = create_engine(database_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request: pytest.FixtureRequest, tmp_path) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    """Each backend in turn; PostgreSQL gets a throw-away schema per test."""
    if request.param == "sqlite":
        db = open_database(f"sqlite:///{tmp_path / 'coachbot.db'}")
        yield db
        db.dispose()
        return
    if not PG_URL:
        pytest.skip(PG_SKIP)
    schemas: list[str] = []
    db = _postgres(schemas)
    yield db
    db.dispose()
    _drop(schemas[0])


@pytest.fixture
def database(tmp_path) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    db = open_database(f"sqlite:///{tmp_path / 'coachbot.db'}")
    yield db
    db.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(SATURDAY)


@pytest.fixture
def core(database: Database, clock: ManualClock, library: PromptLibrary) -> Coachbot:
    return Coachbot(database=database, clock=clock, library=library)


class Transcript(list[str]):
    def text(self) -> str:
        return "\n".join(self)


@pytest.fixture
def transcript() -> Transcript:
    return Transcript()


@pytest.fixture
def chat(core: Coachbot, clock: ManualClock, transcript: Transcript) -> LocalChat:
    return LocalChat(core=core, clock=clock, org="acme", output=transcript.append)


@pytest.fixture
def pseudo_locale(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Adds the ``qps`` pseudo-language (every sentence wrapped in ⟦…⟧) as an operator would add a
    language: a catalog folder named by ``COACHBOT_LOCALES_DIR``. Yields the locale to give people."""
    from bot import i18n
    from tests.i18n_check import PSEUDO, write_pseudo_catalog

    folder = tmp_path_factory.mktemp("locales")
    write_pseudo_catalog(folder)
    monkeypatch.setenv(i18n.EXTRA_DIRS_VARIABLE, str(folder))
    i18n.reload()
    yield PSEUDO
    monkeypatch.delenv(i18n.EXTRA_DIRS_VARIABLE)
    i18n.reload()
