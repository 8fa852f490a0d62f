"""When roster syncs run: once at start or periodically on one replica (a lease), on request in the
background, failures logged; on a real core, with a team bound by the real `team bind` command."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import select

from adapters.kit import BackgroundWork, RosterSync
from adapters.local import LocalChat
from bot import leases
from bot.roster import Binding, RosterMember, SyncReport, sync_bound_teams
from storage.models import ReplicaLease
from tests.bot.test_engine_helpers import team_member_ids

SETUP = [
    ":person ada admin",
    ":person maria",
    ":person ben",
    ":as ada",
    "team create atlas --manager @maria",
    "team add atlas @ben",
    "team bind atlas #atlas",
]


class Platform:
    """A platform whose #atlas roster is a list; counts how often it was read."""

    def __init__(self, chat: LocalChat) -> None:
        self.chat = chat
        self.roster = [RosterMember("ben"), RosterMember("zoe")]
        self.reads = 0
        self.synced = asyncio.Event()

    async def fetch(self, _binding: Binding) -> list[RosterMember]:
        self.reads += 1
        return self.roster

    async def sync_all(self) -> SyncReport:
        report = await sync_bound_teams(self.chat.core, platform="local", fetch=self.fetch)
        self.synced.set()
        return report


@pytest.fixture
def platform(chat: LocalChat) -> Platform:
    for line in SETUP:
        chat.run_line(line)
    return Platform(chat)


def lease_holder(chat: LocalChat) -> str | None:
    with chat.core.database.session() as session:
        return session.scalar(select(ReplicaLease.owner).where(ReplicaLease.name == "local-roster"))


async def test_the_sync_at_start_runs_on_one_replica_only(
    platform: Platform, chat: LocalChat, caplog: pytest.LogCaptureFixture
) -> None:
    core = chat.core
    work = BackgroundWork(label="local")
    rosters = RosterSync(core=core, platform="local", sync_all=platform.sync_all, work=work)
    # Another replica is syncing right now: this one skips, and says so.
    assert leases.acquire(core.database, "local-roster", owner="other replica", now=core.clock.now())
    with caplog.at_level(logging.INFO, logger="adapters.kit.roster"):
        rosters.sync_at_start()
        await work.idle()
    assert platform.reads == 0 and team_member_ids(core, "atlas") == {"ben"}
    assert "local roster sync skipped: another replica is running it" in caplog.text
    # Once it is done, the next replica to start runs the sync, and gives the lease back after.
    leases.release(core.database, "local-roster", owner="other replica")
    rosters.sync_at_start()
    await work.idle()
    assert platform.reads == 1 and team_member_ids(core, "atlas") == {"ben", "zoe"}
    assert lease_holder(chat) is None


async def test_a_failing_sync_is_logged_and_the_next_one_runs(
    platform: Platform, chat: LocalChat, caplog: pytest.LogCaptureFixture
) -> None:
    work = BackgroundWork(label="local")
    calls: list[str] = []

    async def flaky() -> SyncReport:
        calls.append("sync")
        if len(calls) == 1:
            raise ConnectionError("platform unreachable")
        return await platform.sync_all()

    rosters = RosterSync(core=chat.core, platform="local", sync_all=flaky, work=work)
    with caplog.at_level(logging.WARNING, logger="adapters.kit.roster"):
        rosters.sync_at_start()
        await work.idle()
    assert "local roster sync failed: platform unreachable" in caplog.text
    assert team_member_ids(chat.core, "atlas") == {"ben"} and lease_holder(chat) is None
    rosters.request(flaky(), why="a binding changed")
    await work.idle()
    assert team_member_ids(chat.core, "atlas") == {"ben", "zoe"}


async def test_the_periodic_sync_runs_at_once_and_gives_its_lease_up_when_stopped(
    platform: Platform, chat: LocalChat
) -> None:
    work = BackgroundWork(label="local")
    rosters = RosterSync(core=chat.core, platform="local", sync_all=platform.sync_all, work=work)
    rosters.sync_every(6 * 3600.0)
    await platform.synced.wait()  # the holder of a fresh lease syncs at once, not after six hours
    assert team_member_ids(chat.core, "atlas") == {"ben", "zoe"}
    assert lease_holder(chat) == chat.core.replica_id
    assert work.pending == 0  # the loop is not work a request caused: waiting for those never hangs
    await rosters.stop()
    assert lease_holder(chat) is None  # another replica takes over at once, not after the lease expires
