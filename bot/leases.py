"""Replica leases: a periodic job (a roster sync, a sweep) runs on one replica at a time.

A lease is a row in ``replica_leases``: ``name``, ``owner`` and ``expires_at``. The owner renews
it while alive; another replica takes it over only once it has expired, so the job of a replica
that died moves on within one lease length (seconds), and two live replicas never run it together.
Taking and renewing is one conditional ``UPDATE`` (or an ``INSERT … ON CONFLICT DO NOTHING`` for a
lease that never existed), which works the same on SQLite and PostgreSQL: the database decides.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult

from bot.clock import Clock
from storage.db import Database
from storage.models import ReplicaLease

log = logging.getLogger(__name__)


def new_replica_id() -> str:
    """A name for one running core, as the owner of its leases (here and on outbox rows): unique,
    and readable in the tables (host and process)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


DEFAULT_TTL = timedelta(seconds=15)
"""How long a lease lasts unrenewed: a dead replica's job is taken over within this."""


def acquire(
    database: Database, name: str, *, owner: str, now: datetime, ttl: timedelta = DEFAULT_TTL
) -> bool:
    """Take or renew the lease; True if ``owner`` holds it until ``now + ttl``."""
    expires = now + ttl
    with database.session() as session:
        taken: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            update(ReplicaLease)
            .where(
                ReplicaLease.name == name,
                (ReplicaLease.owner == owner) | (ReplicaLease.expires_at <= now),
            )
            .values(owner=owner, expires_at=expires)
        )
        if taken.rowcount == 1:
            return True
        insert = pg_insert if database.is_postgres else sqlite_insert
        created = session.scalar(
            insert(ReplicaLease)
            .values(name=name, owner=owner, expires_at=expires)
            .on_conflict_do_nothing(index_elements=["name"])
            .returning(ReplicaLease.name)
        )
        return created is not None


def release(database: Database, name: str, *, owner: str) -> None:
    """Give the lease up at once (a clean shutdown), so another replica need not wait for expiry."""
    with database.session() as session:
        session.execute(delete(ReplicaLease).where(ReplicaLease.name == name, ReplicaLease.owner == owner))


async def lead(
    database: Database,
    clock: Clock,
    name: str,
    job: Callable[[], Awaitable[object]],
    *,
    every: float,
    ttl: timedelta = DEFAULT_TTL,
    owner: str,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Run ``job`` every ``every`` seconds on whichever replica holds the lease ``name``; forever.

    Every replica calls this. The holder keeps renewing (every third of the lease) between and
    during runs; the others check as often, and the first to find the lease expired takes over and
    runs the job at once (the job must be safe to repeat, as roster syncs are). Cancelling the task
    releases the lease.
    """
    step = ttl.total_seconds() / 3
    since_run: float | None = None  # seconds since this replica last ran the job while holding the lease
    try:
        while True:
            held = await _try(database, name, owner=owner, now=clock.now(), ttl=ttl)
            if not held:
                since_run = None
            elif since_run is None or since_run >= every:
                since_run = 0.0
                try:
                    await _run_renewing(
                        database, clock, name, job, owner=owner, ttl=ttl, step=step, sleep=sleep
                    )
                except Exception:  # the job failed; it runs again next period, the lease stays ours
                    log.exception("%s failed", name)
            await sleep(step)
            if since_run is not None:
                since_run += step
    finally:
        await asyncio.shield(asyncio.to_thread(release, database, name, owner=owner))


async def run_exclusively(
    database: Database,
    clock: Clock,
    name: str,
    job: Callable[[], Awaitable[object]],
    *,
    ttl: timedelta = DEFAULT_TTL,
    owner: str,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> bool:
    """Run ``job`` once if no other replica is running it now; False if one is (it is skipped)."""
    if not await _try(database, name, owner=owner, now=clock.now(), ttl=ttl):
        return False
    try:
        await _run_renewing(
            database, clock, name, job, owner=owner, ttl=ttl, step=ttl.total_seconds() / 3, sleep=sleep
        )
    finally:
        await asyncio.shield(asyncio.to_thread(release, database, name, owner=owner))
    return True


async def _try(database: Database, name: str, *, owner: str, now: datetime, ttl: timedelta) -> bool:
    try:
        return await asyncio.to_thread(acquire, database, name, owner=owner, now=now, ttl=ttl)
    except Exception as exc:  # a database blip: not holding it is the safe answer; ask again later
        log.warning("lease %s: could not reach the database: %s", name, exc)
        return False


async def _run_renewing(
    database: Database,
    clock: Clock,
    name: str,
    job: Callable[[], Awaitable[object]],
    *,
    owner: str,
    ttl: timedelta,
    step: float,
    sleep: Callable[[float], Awaitable[None]],
) -> None:
    """Run the job while renewing the lease; if the lease is lost, the job is cancelled."""
    work = asyncio.ensure_future(job())

    async def renew() -> None:
        while True:
            await sleep(step)
            if not await _try(database, name, owner=owner, now=clock.now(), ttl=ttl):
                log.warning("lease %s lost while its job ran; stopping the job", name)
                work.cancel()
                return

    renewing = asyncio.ensure_future(renew())
    try:
        await work
    except asyncio.CancelledError:
        if not renewing.done():
            raise  # cancelled from outside, not by a lost lease
    finally:
        renewing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewing
