"""Acknowledge first, work after: inbound events recorded durably, then processed off the request path.

An adapter turns a platform request into a core event and hands it to :class:`GroupCommit`,
which writes it to ``inbound_queue`` together with whatever else arrived meanwhile (one
transaction for many requests: the next batch gathers while the current one commits) and
resolves once that commit is done; only then does the adapter acknowledge the platform.
:class:`bot.ingress_worker.IngressWorker` claims queued rows (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, a guarded update everywhere, recorded in ``claimed_until``/``claimed_by``), runs
:meth:`Coachbot.apply` in a worker thread and passes the outcome to the adapter's ``answer``
callback (Slack's ``response_url``, a Teams proactive reply, ...).

Guarantees: a platform retry of an acknowledged event is not queued twice (``platform`` +
``event_id`` are unique); a row whose worker died is claimed again once its lease runs out, and
the core's own ``inbound_events`` record makes the second run change nothing. The one window:
a worker that dies after the core committed but before ``answer`` returned loses that reply
(the change itself is kept); the row is processed again and answers nothing.

The core event travels as JSON (:func:`to_payload` / :func:`from_payload`), with the reply
route beside it: ``{"event": {...}, "route": {...}}``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot import text
from bot.core import Coachbot
from bot.events import Actor, ChoiceMade, CommandIssued, Event, MessageEdited, MessagePosted, ProfileSeen
from storage.models import InboundQueueItem

log = logging.getLogger(__name__)

Route = dict[str, str | bool | None]
"""How to answer: adapter-defined, JSON-safe (e.g. ``{"response_url": ..., "channel": ...}``)."""

LEASE = timedelta(seconds=30)
MAX_ATTEMPTS = 5
_KINDS: dict[str, type[Any]] = {
    cls.__name__: cls for cls in (ProfileSeen, MessagePosted, MessageEdited, ChoiceMade, CommandIssued)
}


# -- JSON round trip -----------------------------------------------------------------------------


def to_payload(event: Event, route: Mapping[str, str | bool | None] | None = None) -> dict[str, Any]:
    """The event and its reply route as a JSON-safe dict (people's text cleaned first: PostgreSQL's JSON
    refuses NUL, and no database stores a lone surrogate)."""
    fields = dataclasses.asdict(text.clean_event(event))
    return {"event": {"kind": type(event).__name__, **fields}, "route": dict(route or {})}


def from_payload(payload: Mapping[str, Any]) -> tuple[Event, Route]:
    """Inverse of :func:`to_payload`; ValueError for anything it did not write."""
    raw = payload.get("event")
    route = payload.get("route") or {}
    if not isinstance(raw, dict) or not isinstance(route, dict):
        raise ValueError("not an ingress payload")
    fields = dict(raw)
    cls = _KINDS.get(str(fields.pop("kind", "")))
    actor = fields.pop("actor", None)
    if cls is None or not isinstance(actor, dict):
        raise ValueError("unknown event kind or actor")
    try:
        event: Event = cls(actor=Actor(**actor), **fields)
    except TypeError as exc:
        raise ValueError(f"bad event fields: {exc}") from exc
    return event, {str(k): v for k, v in route.items()}


# -- the table -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queued:
    """One claimed queue row, decoded."""

    id: int
    event: Event
    route: Route
    attempts: int


class InboundQueue:
    """``inbound_queue`` for one core: record many, claim, finish. Synchronous (run in a thread)."""

    def __init__(self, core: Coachbot, *, platform: str | None = None) -> None:
        self.core = core
        self.platform = platform
        """Claim only this platform's rows (each platform's worker answers through its own adapter)."""

    def record(self, items: Sequence[tuple[str, str, dict[str, Any]]]) -> set[tuple[str, str]]:
        """Insert ``(platform, event_id, payload)`` rows in ONE transaction; returns those that were
        new (a platform retry of something already queued is skipped, not an error)."""
        if not items:
            return set()
        database = self.core.database
        now = self.core.clock.now()
        dialect = postgresql if database.is_postgres else sqlite
        rows = [
            {"platform": p, "event_id": e, "payload": payload, "received_at": now, "attempts": 0}
            for p, e, payload in items
        ]
        statement = (
            dialect.insert(InboundQueueItem)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["platform", "event_id"])
            .returning(InboundQueueItem.platform, InboundQueueItem.event_id)
        )
        with database.session() as session:
            return {(str(p), str(e)) for p, e in session.execute(statement)}

    def claim(self, *, owner: str, limit: int = 64, lease: timedelta = LEASE) -> list[Queued]:
        """Lease up to ``limit`` unfinished rows whose lease (if any) ran out, oldest first."""
        now = self.core.clock.now()
        free = and_(
            InboundQueueItem.done_at.is_(None),
            or_(InboundQueueItem.claimed_until.is_(None), InboundQueueItem.claimed_until <= now),
        )
        query = select(InboundQueueItem).where(free).order_by(InboundQueueItem.id).limit(limit)
        if self.platform is not None:
            query = query.where(InboundQueueItem.platform == self.platform)
        if self.core.database.is_postgres:
            query = query.with_for_update(skip_locked=True)
        claimed: list[Queued] = []
        with self.core.database.session() as session:
            for row in session.scalars(query).all():
                # Guarded, so two claimers in one SQLite process cannot both take a row.
                taken = session.execute(
                    update(InboundQueueItem)
                    .where(InboundQueueItem.id == row.id, free)
                    .values(claimed_until=now + lease, claimed_by=owner, attempts=row.attempts + 1)
                    .execution_options(synchronize_session=False)
                )
                if not getattr(taken, "rowcount", 0):
                    continue
                try:
                    event, route = from_payload(row.payload)
                except ValueError as exc:
                    row.done_at, row.error = now, f"undecodable: {exc}"[:500]
                    continue
                claimed.append(Queued(id=row.id, event=event, route=route, attempts=row.attempts + 1))
        return claimed

    def finish(self, item_id: int, *, owner: str, error: str | None = None, retry: bool = False) -> None:
        """Mark a row done (or, with ``retry``, free it for another attempt); only its owner may."""
        now = self.core.clock.now()
        values: dict[str, Any] = {"claimed_until": None, "error": error[:500] if error else None}
        if not retry:
            values["done_at"] = now
        with self.core.database.session() as session:
            session.execute(
                update(InboundQueueItem)
                .where(InboundQueueItem.id == item_id, InboundQueueItem.claimed_by == owner)
                .values(**values)
            )

    def finish_many(
        self,
        *,
        owner: str,
        done: Mapping[int, str | None],
        retry: Sequence[tuple[int, str, timedelta]] = (),
    ) -> None:
        """Finish a whole batch in ONE transaction: ``done`` rows (with their error, if any) are
        marked done; ``retry`` rows are freed after their back-off. Only the owner's rows change."""
        if not done and not retry:
            return
        now = self.core.clock.now()
        mine = InboundQueueItem.claimed_by == owner
        with self.core.database.session() as session:
            clean = [i for i, error in done.items() if error is None]
            if clean:
                session.execute(
                    update(InboundQueueItem)
                    .where(InboundQueueItem.id.in_(clean), mine)
                    .values(done_at=now, claimed_until=None, error=None)
                    .execution_options(synchronize_session=False)
                )
            for item_id, error in done.items():
                if error is not None:
                    session.execute(
                        update(InboundQueueItem)
                        .where(InboundQueueItem.id == item_id, mine)
                        .values(done_at=now, claimed_until=None, error=error[:500])
                        .execution_options(synchronize_session=False)
                    )
            for item_id, error, rest in retry:
                session.execute(
                    update(InboundQueueItem)
                    .where(InboundQueueItem.id == item_id, mine)
                    .values(claimed_until=now + rest, error=error[:500])
                    .execution_options(synchronize_session=False)
                )

    def pending(self) -> int:
        with self.core.database.session() as session:
            query = select(func.count()).select_from(InboundQueueItem)
            return int(session.scalar(query.where(InboundQueueItem.done_at.is_(None))) or 0)


# -- group commit ----------------------------------------------------------------------------------


class GroupCommit:
    """Batches concurrent :meth:`submit` calls into shared transactions.

    One commit runs at a time (in a worker thread, so the event loop never waits on the
    database); whatever arrives while it runs forms the next batch. Under load that is many
    requests per transaction; alone, a request waits for just its own commit.
    """

    def __init__(
        self, queue: InboundQueue, *, max_batch: int = 512, on_commit: Callable[[], None] | None = None
    ) -> None:
        self.queue = queue
        self.max_batch = max_batch
        self.on_commit = on_commit
        self.batches = 0
        self._pending: list[tuple[tuple[str, str, dict[str, Any]], asyncio.Future[bool]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def submit(self, platform: str, event_id: str, payload: dict[str, Any]) -> bool:
        """Record one event durably; True if it is new, False for a retry already queued."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append(((platform, event_id, payload), future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # let requests already in flight on this loop join the first batch
        while self._pending:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
            try:
                new = await asyncio.to_thread(self.queue.record, [item for item, _ in batch])
            except Exception as exc:  # the requests fail (5xx: the platform retries), the loop goes on
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            self.batches += 1
            for (platform, event_id, _), future in batch:
                key = (platform, event_id)
                if not future.done():
                    future.set_result(key in new)
                new.discard(key)  # a second copy in the same batch is a retry too
            if self.on_commit is not None:
                self.on_commit()
