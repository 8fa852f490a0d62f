"""Fixtures for the Teams adapter tests: one fake Microsoft per session, one running app per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.clock import ManualClock
from tests.adapters.teams.fakes import FakeMicrosoft
from tests.adapters.teams.harness import TeamsHarness, person

ADA = person("ada", "Europe/London")  # the admin


@pytest.fixture(scope="session")
def fake_microsoft() -> Iterator[FakeMicrosoft]:
    fake = FakeMicrosoft().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake(fake_microsoft: FakeMicrosoft) -> FakeMicrosoft:
    fake_microsoft.state.reset()
    return fake_microsoft


@pytest.fixture
async def teams(fake: FakeMicrosoft, tmp_path: Path, clock: ManualClock) -> AsyncIterator[TeamsHarness]:
    async with TeamsHarness(fake=fake, tmp_path=tmp_path, clock=clock, admins=frozenset({ADA.id})) as harness:
        yield harness
