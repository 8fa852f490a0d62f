"""Replicas cooperate: two cores on one PostgreSQL schema tick at the same instant and nothing is
done twice; leases give a periodic job to one replica at a time; SQLite allows one server per file.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time as wall
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from adapters.kit import ConfigError
from adapters.local import LocalChat
from adapters.server import configured_mounts
from bot import leases, planner
from bot.clock import ManualClock
from bot.core import Coachbot
from bot.prompts import PromptLibrary
from bot.rotation import run_for
from storage.db import Database, DatabaseInUse, hold_single_process_lock, open_database
from storage.models import Cadence, CadenceRun, Checkin, Digest, OutboxMessage
from tests.conftest import PG_SKIP, PG_URL, SATURDAY, _drop, _postgres

MONDAY_0900 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PEOPLE = 120


@pytest.fixture
def pg_pair() -> Iterator[tuple[Database, Database]]:
    """Two engines on one throw-away schema: two replicas' connection pools."""
    if not PG_URL:
        pytest.skip(PG_SKIP)
    schemas: list[str] = []
    first = _postgres(schemas)
    second = open_database(
        str(first.engine.url.render_as_string(hide_password=False)),
        connect_args={"options": f"-csearch_path={schemas[0]}"},
    )
    yield first, second
    first.dispose()
    second.dispose()
    _drop(schemas[0])


def _both(*jobs: Callable[[], object]) -> None:
    """Run the jobs in threads released at the same instant; re-raise the first failure."""
    gate = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def go(job: Callable[[], object]) -> None:
        gate.wait()
        try:
            job()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


def _count(db: Database, query: object) -> int:
    with db.session() as session:
        return int(session.scalar(query) or 0)  # type: ignore[call-overload]


def test_two_replicas_ticking_at_once_do_everything_once(
    pg_pair: tuple[Database, Database], library: PromptLibrary
) -> None:
    clock = ManualClock(SATURDAY)
    first, second = (Coachbot(database=db, clock=clock, library=library) for db in pg_pair)
    chat = LocalChat(core=first, clock=clock, org="acme", output=lambda _line: None)
    handles = [f"p{n}" for n in range(PEOPLE)]
    for line in (":person ada tz=UTC admin", ":person mo tz=UTC", *(f":person {h} tz=UTC" for h in handles)):
        assert chat.run_line(line)
    for line in (
        ":as ada",
        "quiet-hours off",
        "threshold 1",
        "team create t --manager @mo",
        "team add t " + " ".join(f"@{h}" for h in handles),
        'cadence add p --team t --audience members --every "weekly mon" --at 09:00 --window 1d',
    ):
        assert chat.run_line(line)
    with first.database.session() as session:
        cadence = session.scalars(select(Cadence)).one()
        reminder_after = timedelta(minutes=cadence.reminder_after_minutes)

    clock.set(MONDAY_0900)
    _both(first.tick, second.tick)
    assert _count(first.database, select(func.count(Checkin.id))) == PEOPLE
    assert _count(first.database, select(func.count(CadenceRun.id))) == 1
    nudges = select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "nudge")
    assert _count(first.database, nudges) == PEOPLE

    clock.advance(reminder_after + timedelta(minutes=1))
    _both(first.tick, second.tick)
    reminders = select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "reminder")
    assert _count(first.database, reminders) == PEOPLE

    clock.advance(timedelta(days=1))
    _both(first.tick, second.tick)
    assert _count(first.database, select(func.count(Digest.id))) == 1
    digests = select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "digest")
    assert _count(first.database, digests) == 1
    still_open = select(func.count(Checkin.id)).where(Checkin.state == "open")
    assert _count(first.database, still_open) == 0


def test_the_cadence_runs_race_does_not_roll_back_a_round(
    pg_pair: tuple[Database, Database], library: PromptLibrary
) -> None:
    """Replica A creates the run and has not committed; replica B, asking for the same run, waits
    for A and then uses A's run instead of failing on the unique constraint."""
    clock = ManualClock(SATURDAY)
    first = Coachbot(database=pg_pair[0], clock=clock, library=library)
    chat = LocalChat(core=first, clock=clock, org="acme", output=lambda _line: None)
    for line in (
        ":person ada tz=UTC admin",
        ":person mo tz=UTC",
        ":as ada",
        "team create t --manager @mo",
        'cadence add p --team t --audience manager --every "weekly mon" --at 09:00',
    ):
        assert chat.run_line(line)
    day = date(2026, 11, 23)
    found: list[int] = []

    def replica_b() -> None:
        with pg_pair[1].session() as session:
            cadence = session.scalars(select(Cadence)).one()
            found.append(run_for(session, library, cadence, day, "manager").id)

    with pg_pair[0].session() as session:
        cadence = session.scalars(select(Cadence)).one()
        created = run_for(session, library, cadence, day, "manager").id
        session.flush()
        thread = threading.Thread(target=replica_b)
        thread.start()
        _until_waiting_on_a_lock(pg_pair[0])
    thread.join(timeout=30)
    assert found == [created]


def _until_waiting_on_a_lock(db: Database) -> None:
    """Poll (bounded) until some other connection waits on a row lock."""
    deadline = wall.monotonic() + 10
    with db.engine.connect() as conn:
        while wall.monotonic() < deadline:
            waiting = conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            ).scalar()
            if waiting:
                return
            wall.sleep(0.02)
    raise AssertionError("replica B never waited for replica A's run")


# -- opening is pipelined with sending ---------------------------------------------------------------


def test_each_batch_of_opened_check_ins_is_committed_and_announced(
    chat: LocalChat, core: Coachbot, clock: ManualClock
) -> None:
    handles = [f"p{n}" for n in range(planner.FIRST_BATCH + 20)]
    for line in (":person ada tz=UTC admin", ":person mo tz=UTC", *(f":person {h} tz=UTC" for h in handles)):
        assert chat.run_line(line)
    for line in (
        ":as ada",
        "quiet-hours off",
        "team create t --manager @mo",
        "team add t " + " ".join(f"@{h}" for h in handles),
        'cadence add p --team t --audience members --every "weekly mon" --at 09:00',
    ):
        assert chat.run_line(line)
    clock.set(MONDAY_0900)
    visible: list[int] = []

    def on_batch(_count: int) -> None:  # what a sender woken now could already claim
        visible.append(_count_nudges(core.database))

    core.tick(on_batch=on_batch)
    assert visible == [planner.FIRST_BATCH, len(handles)]


def _count_nudges(db: Database) -> int:
    return _count(db, select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "nudge"))


# -- leases ------------------------------------------------------------------------------------------


def test_a_lease_is_held_by_one_owner_and_taken_over_only_after_expiry(any_database: Database) -> None:
    ttl = timedelta(seconds=15)
    now = SATURDAY
    assert leases.acquire(any_database, "roster", owner="a", now=now, ttl=ttl)
    assert not leases.acquire(any_database, "roster", owner="b", now=now, ttl=ttl)
    assert leases.acquire(any_database, "roster", owner="a", now=now + timedelta(seconds=10), ttl=ttl)
    assert not leases.acquire(any_database, "roster", owner="b", now=now + timedelta(seconds=20), ttl=ttl)
    # a dies: its last renewal runs out at +25 s, and b takes over then, not before.
    assert leases.acquire(any_database, "roster", owner="b", now=now + timedelta(seconds=25), ttl=ttl)
    assert not leases.acquire(any_database, "roster", owner="a", now=now + timedelta(seconds=26), ttl=ttl)
    leases.release(any_database, "roster", owner="b")
    assert leases.acquire(any_database, "roster", owner="a", now=now + timedelta(seconds=27), ttl=ttl)


def test_a_job_runs_on_one_replica_at_a_time(database: Database) -> None:
    clock = ManualClock(SATURDAY)

    async def scenario() -> list[str]:
        ran: list[str] = []
        release = asyncio.Event()

        async def job_a() -> None:
            ran.append("a")
            await release.wait()

        async def job_b() -> None:
            ran.append("b")

        a = asyncio.create_task(leases.run_exclusively(database, clock, "sync", job_a, owner="a"))
        while not ran:
            await asyncio.sleep(0)
        assert not await leases.run_exclusively(database, clock, "sync", job_b, owner="b")
        release.set()
        assert await a
        assert await leases.run_exclusively(database, clock, "sync", job_b, owner="b")
        return ran

    assert asyncio.run(scenario()) == ["a", "b"]


# -- SQLite: one server per file -----------------------------------------------------------------------

HOLDER = """
import sys
from storage.db import hold_single_process_lock, open_database
hold_single_process_lock(open_database(sys.argv[1]))
print("held", flush=True)
sys.stdin.read()
"""


def test_a_second_server_on_one_sqlite_file_refuses_to_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'coachbot.db'}"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        database = open_database(url)
        with pytest.raises(DatabaseInUse) as refused:
            hold_single_process_lock(database)
        assert "\n" not in str(refused.value) and "already serving" in str(refused.value)
        core = Coachbot(database=database, clock=ManualClock(SATURDAY))
        with pytest.raises(ConfigError, match="already serving"):
            configured_mounts(core, {})
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    # Once the first server is gone, the file is free again.
    hold_single_process_lock(database)
    database.dispose()
