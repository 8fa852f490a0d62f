"""Outbox leases under faults: two replicas on one database, long Retry-After waits, a database that
blinks between the platform's acceptance and the mark, a sender that dies holding rows.

Time is virtual: every wait goes through :class:`VirtualTime`, which moves the shared
:class:`ManualClock` to the next wake-up only once every task is waiting, so two replicas see one
timeline (as two processes see one wall clock) and nothing sleeps on wall time.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import sqlite3
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import create_engine, event, select, text

from adapters.local import LocalChat
from bot.clock import ManualClock
from bot.core import OUTBOX_LEASE, Coachbot
from bot.dispatch import DeliveryStats, deliver_due
from bot.messages import Delivery, OutboundMessage, RetryLater
from bot.prompts import PromptLibrary
from storage.db import Database, open_database
from storage.models import OutboxMessage
from tests.bot.test_engine_helpers import org, run
from tests.conftest import SATURDAY

NY = "America/New_York"
MONDAY_9 = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
PEOPLE = [f"p{n:02d}" for n in range(24)]


class VirtualTime:
    """``sleep`` for tasks on one event loop; :meth:`run` advances the clock when all are waiting."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self._heap: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        wake = self.clock.now() + timedelta(seconds=seconds)
        heapq.heappush(self._heap, (wake, next(self._seq), future))
        await future

    async def run(self, *coros: Coroutine[Any, Any, Any]) -> list[Any]:
        tasks = [asyncio.ensure_future(c) for c in coros]
        while not all(t.done() for t in tasks):
            for _ in range(50):  # let every runnable task reach its next wait
                await asyncio.sleep(0)
            if all(t.done() for t in tasks) or not self._heap:
                continue
            wake = self._heap[0][0]
            if wake > self.clock.now():
                self.clock.set(wake)
            while self._heap and self._heap[0][0] <= self.clock.now():
                _, _, future = heapq.heappop(self._heap)
                if not future.done():
                    future.set_result(None)
        return [t.result() for t in tasks]


@dataclass
class Platform:
    """What the people's chat app received, across every replica's transport."""

    received: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # person, kind, id, thread
    attempts: int = 0
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def count(self, person: str, kind: str) -> int:
        return sum(1 for p, k, _, _ in self.received if p == person and k == kind)


class LimitedTransport:
    """Answers every fourth attempt "429, Retry-After 40 s" and, like slack_sdk's retry handler,
    waits that out inside the send (up to three times) before giving the message back."""

    platform = "local"

    def __init__(
        self,
        platform: Platform,
        time: VirtualTime,
        *,
        on_accept: Callable[[], Awaitable[None]] | None = None,
        refuse_every: int = 4,
    ) -> None:
        self.refuse_every = refuse_every
        self.shared = platform
        self.time = time
        self.on_accept = on_accept

    async def send(self, message: OutboundMessage) -> Delivery:
        for _ in range(4):
            self.shared.attempts += 1
            attempt = self.shared.attempts
            await self.time.sleep(0.05)  # the round trip
            if self.refuse_every and attempt % self.refuse_every == 0:
                await self.time.sleep(40)
                continue
            ref = f"m{next(self.shared.ids)}"
            self.shared.received.append((message.person, message.kind, ref, message.thread))
            if self.on_accept is not None:
                await self.on_accept()
            return Delivery(message_id=ref, channel="D" + message.person)
        raise RetryLater(40)


def setup_team(database: Database, clock: ManualClock, library: PromptLibrary) -> None:
    core = Coachbot(database=database, clock=clock, library=library)
    chat = LocalChat(core=core, clock=clock, org="acme", output=lambda _line: None)
    org(chat, dict.fromkeys(["mo", *PEOPLE], NY))
    run(
        chat,
        "team create t --manager @mo",
        "team add t " + " ".join(f"@{p}" for p in PEOPLE),
        'cadence add p --team t --audience members --every "weekly mon" --at 09:00',
    )
    clock.set(MONDAY_9)
    core.tick()


def unsent(database: Database) -> int:
    with database.session() as session:
        return len(
            session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.status.in_(["pending", "held"]))
            ).all()
        )


async def pump_until_done(
    core: Coachbot, transport: LimitedTransport, time: VirtualTime, stats: DeliveryStats
) -> None:
    """A replica's scheduler loop: drain, wait five seconds, again, until nothing is left to send."""
    while unsent(core.database) or core.outbox_journal:
        await deliver_due(
            core, transport, batch=10, sleep=time.sleep, timer=time.sleep, offload=False, stats=stats
        )
        await time.sleep(5)


def assert_exactly_once(platform: Platform) -> None:
    sent = [(person, kind) for person, kind, _, _ in platform.received]
    assert len(sent) == len(set(sent)), "nothing (welcome, nudge, question) was sent twice"
    for person in PEOPLE:
        assert platform.count(person, "nudge") == 1, person
        assert platform.count(person, "question") == 1, person
        [(_, _, nudge, _)] = [r for r in platform.received if r[0] == person and r[1] == "nudge"]
        [(_, _, _, thread)] = [r for r in platform.received if r[0] == person and r[1] == "question"]
        assert thread == nudge, "the first question goes into its nudge's thread"


def test_two_replicas_with_long_retry_after_send_everything_exactly_once(
    any_database: Database, library: PromptLibrary
) -> None:
    clock = ManualClock(SATURDAY)
    setup_team(any_database, clock, library)
    time = VirtualTime(clock)
    platform = Platform()
    one = Coachbot(database=any_database, clock=clock, library=library)
    two = Coachbot(database=any_database, clock=clock, library=library)
    stats = DeliveryStats(), DeliveryStats()
    started = clock.now()

    async def both() -> None:
        await time.run(
            pump_until_done(one, LimitedTransport(platform, time), time, stats[0]),
            pump_until_done(two, LimitedTransport(platform, time), time, stats[1]),
        )

    asyncio.run(both())
    assert_exactly_once(platform)
    assert stats[0].sent and stats[1].sent, "both replicas did part of the work"
    assert platform.attempts > len(platform.received) * 1.2, "many sends were refused and waited"
    # Batches waited 40 s (more than a lease) on Retry-After; their leases were renewed, not lost.
    assert stats[0].lost_leases == stats[1].lost_leases == 0
    assert clock.now() - started > OUTBOX_LEASE


def _blip(database: Database) -> tuple[Database, Callable[[], None], Callable[[], None]]:
    """A second handle on ``database`` for the replica under test, plus (start, end) of a blip that
    makes its statements fail until it ends: PostgreSQL kills its backends and refuses new
    connections (a server restart), SQLite takes the write lock."""
    if database.is_postgres:
        with database.engine.connect() as conn:
            schema = conn.execute(text("select current_schema()")).scalar_one()
        replica = open_database(
            str(database.engine.url.render_as_string(hide_password=False)),
            connect_args={"options": f"-csearch_path={schema}", "application_name": f"blip_{schema}"},
        )
        admin = create_engine(database.engine.url)
        down = False

        @event.listens_for(replica.engine, "do_connect")
        def refuse_while_down(*_args: object) -> None:
            if down:
                raise psycopg.OperationalError("the database system is starting up")

        def kill() -> None:
            nonlocal down
            down = True
            with admin.begin() as conn:
                conn.execute(
                    text(
                        "select pg_terminate_backend(pid) from pg_stat_activity"
                        " where application_name = :name"
                    ),
                    {"name": f"blip_{schema}"},
                )

        def back() -> None:
            nonlocal down
            down = False
            admin.dispose()

        return replica, kill, back
    replica = open_database(str(database.engine.url))
    event.listen(replica.engine, "connect", lambda conn, _: conn.execute("PRAGMA busy_timeout=0"))
    replica.engine.dispose()  # connections opened before the listener wait five seconds on a lock
    path = str(database.engine.url.database)
    locker = sqlite3.connect(path, isolation_level=None)

    def lock() -> None:
        locker.execute("BEGIN EXCLUSIVE")

    def unlock() -> None:
        locker.execute("ROLLBACK")

    return replica, lock, unlock


def test_a_mark_that_fails_after_the_platform_accepted_never_resends(
    any_database: Database, library: PromptLibrary
) -> None:
    clock = ManualClock(SATURDAY)
    setup_team(any_database, clock, library)
    replica, start_blip, end_blip = _blip(any_database)
    time = VirtualTime(clock)
    platform = Platform()
    blips = 0

    async def accepted_then_blip() -> None:
        nonlocal blips
        if blips == 0:  # the database goes away right after the platform said yes
            blips += 1
            start_blip()
            await time.sleep(3)  # down (PostgreSQL) or locked (SQLite) for three seconds
            end_blip()

    core = Coachbot(database=replica, clock=clock, library=library)
    stats = DeliveryStats()
    transport = LimitedTransport(platform, time, on_accept=accepted_then_blip)
    asyncio.run(_run(time, pump_until_done(core, transport, time, stats)))
    assert stats.mark_failures >= 1, "the blip did hit a mark"
    # Long after every lease: nothing is sent again, by this replica or a fresh one.
    clock.advance(OUTBOX_LEASE * 10)
    fresh = Coachbot(database=any_database, clock=clock, library=library)
    delivery = deliver_due(fresh, transport, sleep=time.sleep, timer=time.sleep, offload=False)
    again = asyncio.run(_run(time, delivery))
    assert again == [0]
    assert_exactly_once(platform)
    assert platform.attempts < len(platform.received) * 2
    replica.dispose()


async def _run(time: VirtualTime, *coros: Coroutine[Any, Any, Any]) -> list[Any]:
    return await time.run(*coros)


def test_a_dead_senders_rows_move_on_after_the_short_lease(
    any_database: Database, library: PromptLibrary
) -> None:
    clock = ManualClock(SATURDAY)
    setup_team(any_database, clock, library)
    dead = Coachbot(database=any_database, clock=clock, library=library)
    claimed = dead.claim_due(platform="local", limit=1000)  # then the process is SIGKILLed
    assert len(claimed) == len(PEOPLE)
    assert timedelta(seconds=30) >= OUTBOX_LEASE, "a dead sender's rows wait seconds, not minutes"

    time = VirtualTime(clock)
    platform = Platform()
    survivor = Coachbot(database=any_database, clock=clock, library=library)
    transport = LimitedTransport(platform, time, refuse_every=0)

    def drain() -> int:
        delivery = deliver_due(survivor, transport, sleep=time.sleep, timer=time.sleep, offload=False)
        [sent] = asyncio.run(_run(time, delivery))
        return int(sent)

    clock.advance(OUTBOX_LEASE - timedelta(seconds=1))
    assert drain() == 0  # still the dead sender's lease
    clock.advance(timedelta(seconds=2))
    sent = drain()
    while unsent(any_database):
        sent += drain()
    assert_exactly_once(platform)
