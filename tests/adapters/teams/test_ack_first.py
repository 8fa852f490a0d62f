"""Ack first, work after, on Teams: a message or command is recorded durably and Teams gets its 200
before the core has looked at it; the ingress worker applies it and answers in the conversation it
came from (proactively). A redelivered activity is recorded once and answered once."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import InboundEvent, InboundQueueItem, Team
from tests.adapters.teams.conftest import ADA
from tests.adapters.teams.harness import TeamsHarness, person
from tests.adapters.teams.test_conversation import text_of

MARIA = person("maria", "America/New_York")


def count(teams: TeamsHarness, model: type) -> int:
    with teams.core.database.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_command_is_acknowledged_before_it_is_processed(teams: TeamsHarness) -> None:
    await teams.say(MARIA, "hello")  # Maria installs the app and writes first: Teams knows her chat
    posted_before = len(teams.fake.state.posts(ADA.id))
    async with teams.mount.ingress.paused():
        status, _ = await teams.post(teams.activities.message(ADA, "team create atlas --manager @maria"))
        assert status == 200
        assert count(teams, InboundQueueItem) >= 1, "recorded before the answer"
        assert count(teams, Team) == 0, "…and not yet applied"
        assert len(teams.fake.state.posts(ADA.id)) == posted_before, "no answer yet"
    await teams.mount.drain()
    assert count(teams, Team) == 1
    [answer] = teams.fake.state.posts(ADA.id)[posted_before:]
    assert "atlas" in text_of(answer)


async def test_a_redelivered_activity_is_applied_and_answered_once(teams: TeamsHarness) -> None:
    activity = teams.activities.message(ADA, "help")
    async with teams.mount.ingress.paused():
        for _ in range(3):  # Teams did not see the first 200 in time and delivers the same id again
            assert (await teams.post(activity))[0] == 200
        assert count(teams, InboundQueueItem) == 1
    await teams.mount.drain()
    assert len(teams.fake.state.posts(ADA.id)) == 1, "answered once"
    assert count(teams, InboundEvent) == 1
