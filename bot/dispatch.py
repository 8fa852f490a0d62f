"""Delivering the outbox through an adapter's :class:`~bot.messages.Transport`.

Adapters call :func:`deliver_due` after every tick and after every inbound event. A
:class:`Sender` keeps a pipeline full: it claims rows in batches (short leases owned by this
replica), sends them with bounded concurrency per workspace, and records outcomes:

* **Leases hold.** A heartbeat renews the lease of every row this sender still works on — queued,
  in flight, waiting on ``Retry-After``, or accepted but not yet marked — so a slow batch is never
  taken over; a row that is no longer ours (our lease ran out) is not sent. A dead sender stops
  renewing, and its rows move to another sender once its lease (``Coachbot.outbox_lease``) ends.
* **Accepted means sent.** An accepted message goes into the core's journal first; a marker writes
  journalled ids in one transaction per batch and retries with backoff if the database blinks. The
  one remaining window: the platform accepted and the process died before the mark committed. The
  row then comes back ``uncertain``; a transport that can look (Slack: our metadata in the
  conversation) finds the message and it is marked, not resent. Teams cannot look, so there the
  row is sent again after the lease. ``DeliveryStats.accept_to_mark`` measures that window.
* **Order per person.** The claim hands out at most one row per person, and a later row only after
  the earlier one is marked, so a check-in's questions stay behind its nudge.
* **A 429 slows its workspace.** Concurrency is bounded per workspace. The transport waits out a
  short ``Retry-After`` inside the send, holding one of that workspace's slots (when Slack limits a
  workspace, every lane gets 429 and the whole workspace waits), while other workspaces keep their
  own slots; a limit that persists hands the row back with ``not_before`` set.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from bot.messages import Delivery, OutboundMessage, RetryLater, Transport, Unreachable

if TYPE_CHECKING:
    from bot.core import Coachbot

log = logging.getLogger(__name__)

RETRY_AFTER_ERROR = timedelta(minutes=1)
MAX_MARK_BACKOFF = 5.0

Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")


@dataclass
class DeliveryStats:
    """What one :func:`deliver_due` run observed (benchmarks read it)."""

    sent: int = 0
    first_sent_at: float | None = None
    """``time.perf_counter()`` when the platform accepted the first message."""
    accept_to_mark: list[float] = field(default_factory=list)
    """Seconds from the platform's acceptance to the committed ``sent`` mark, per message."""
    mark_failures: int = 0
    lost_leases: int = 0


async def deliver_due(
    core: Coachbot,
    transport: Transport,
    *,
    concurrency: int = 8,
    batch: int = 200,
    max_rounds: int = 1000,
    sleep: Sleep = asyncio.sleep,
    timer: Sleep | None = None,
    offload: bool = True,
    stats: DeliveryStats | None = None,
) -> int:
    """Send everything due for ``transport.platform``; returns how many messages went out.

    ``concurrency`` is per workspace. Keeps claiming until nothing is due, because each sent
    message can unblock the next one for the same person. ``offload`` runs database work in a
    worker thread (tests that control time turn it off so the event loop is the only actor).
    ``sleep`` waits between retries of a failed mark; ``timer`` (default: real time) paces the lease
    heartbeat and must run on the same time as the core's clock.
    """
    sender = Sender(
        core,
        transport,
        concurrency=concurrency,
        batch=batch,
        sleep=sleep,
        timer=timer or asyncio.sleep,
        offload=offload,
        stats=stats,
    )
    return await sender.run(max_rounds=max_rounds)


class Sender:
    """One drain of the outbox for one platform; see the module docstring."""

    def __init__(
        self,
        core: Coachbot,
        transport: Transport,
        *,
        concurrency: int,
        batch: int,
        sleep: Sleep,
        timer: Sleep,
        offload: bool,
        stats: DeliveryStats | None,
    ) -> None:

        self.core = core
        self.transport = transport
        self.concurrency = concurrency
        self.batch = batch
        self.sleep = sleep
        self.timer = timer
        self.offload = offload
        self.stats = stats or DeliveryStats()
        self.lease = core.outbox_lease
        self.held: dict[int, datetime] = {}  # claimed, not yet marked or handed back: id -> lease end
        self.lost: set[int] = set()  # leases we no longer hold: never send these
        self.accepted_at: dict[int, float] = {}
        self.sent = 0
        self._gates: dict[str, asyncio.Semaphore] = {}
        self._db_lock = asyncio.Lock()
        self._journal_ready = asyncio.Event()

    # -- database access: one operation at a time, off the event loop ---------------------------------

    async def _db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        async with self._db_lock:
            if self.offload:
                return await asyncio.to_thread(fn, *args, **kwargs)
            return fn(*args, **kwargs)

    async def _renew(self) -> None:
        ids = sorted(self.held)
        if not ids:
            return
        until = self.core.clock.now() + self.lease
        ours = await self._db(self.core.renew_outbox_leases, ids, lease=self.lease)
        for outbox_id in ids:
            if outbox_id in ours:
                self.held[outbox_id] = until
            elif outbox_id in self.held and outbox_id not in self.core.outbox_journal:
                # Taken over (our lease ran out), marked or erased meanwhile: not ours to send.
                self.held.pop(outbox_id, None)
                self.lost.add(outbox_id)
                self.stats.lost_leases += 1

    async def _heartbeat(self) -> None:
        while True:
            await self.timer(self.lease.total_seconds() / 3)
            try:
                await self._renew()
            except Exception as exc:  # the database blinked; the next beat tries again
                log.warning("renewing outbox leases failed: %s", exc)

    async def _flush_marks(self) -> bool:
        """Write the journal's marks in one transaction; False if the database refused."""
        journal = self.core.outbox_journal
        if not journal:
            return True
        try:
            batch = dict(journal)
            await self._db(self.core.messages_sent, batch)
        except Exception as exc:
            self.stats.mark_failures += 1
            log.warning("marking %s sent messages failed, will retry: %s", len(journal), exc)
            return False
        done = time.perf_counter()
        for outbox_id in batch:
            self.held.pop(outbox_id, None)
            accepted = self.accepted_at.pop(outbox_id, None)
            if accepted is not None:
                self.stats.accept_to_mark.append(done - accepted)
        return True

    async def _pause(self, seconds: float) -> None:
        await self.sleep(seconds)
        await asyncio.sleep(0)  # an injected sleep that returns at once must still let others run

    async def _marker(self) -> None:
        backoff = 0.05
        while True:
            await self._journal_ready.wait()
            self._journal_ready.clear()
            while not await self._flush_marks():
                await self._pause(backoff)
                backoff = min(backoff * 2, MAX_MARK_BACKOFF)
            backoff = 0.05

    # -- sending ----------------------------------------------------------------------------------------

    def _gate(self, workspace: str) -> asyncio.Semaphore:
        if workspace not in self._gates:
            self._gates[workspace] = asyncio.Semaphore(self.concurrency)
        return self._gates[workspace]

    async def _still_ours(self, outbox_id: int) -> bool:
        """Whether we may send this row now: our lease on it has a third of its length left."""
        if outbox_id in self.lost or outbox_id not in self.held:
            return False
        if self.held[outbox_id] - self.core.clock.now() < self.lease / 3:
            try:
                await self._renew()
            except Exception as exc:
                log.warning("could not renew the lease of outbox message %s: %s", outbox_id, exc)
                return False
        return outbox_id in self.held and outbox_id not in self.lost

    async def _hand_back(self, fn: Callable[..., None], outbox_id: int, **kwargs: Any) -> None:
        try:
            await self._db(fn, outbox_id, **kwargs)
        except Exception as exc:  # the row stays leased to us and moves on once the lease ends
            log.warning("recording the outcome of outbox message %s failed: %s", outbox_id, exc)
        self.held.pop(outbox_id, None)

    async def _lane(self, message: OutboundMessage) -> None:
        async with self._gate(message.workspace):
            if not await self._still_ours(message.id):
                return
            try:
                delivery = await self.transport.send(message)
            except Unreachable as exc:
                error = str(exc) or "unreachable"
                await self._hand_back(self.core.message_unreachable, message.id, error=error)
                return
            except RetryLater as exc:
                # The transport already waited out short limits (its slot held, our lease
                # renewed); what is left goes back to the outbox until ``Retry-After`` has passed.
                after = timedelta(seconds=exc.retry_after)
                await self._hand_back(self.core.message_retry, message.id, after=after, error=str(exc))
                return
            except Exception as exc:  # a platform outage must not stop the loop
                log.warning("delivery of outbox message %s failed: %s", message.id, exc)
                await self._hand_back(
                    self.core.message_retry, message.id, after=RETRY_AFTER_ERROR, error=repr(exc)
                )
                return
            self._accepted(message.id, delivery)

    def _accepted(self, outbox_id: int, delivery: Delivery) -> None:
        now = time.perf_counter()
        self.core.outbox_journal[outbox_id] = delivery
        self.accepted_at[outbox_id] = now
        self.stats.sent += 1
        self.sent += 1
        if self.stats.first_sent_at is None:
            self.stats.first_sent_at = now
        self._journal_ready.set()

    # -- the pipeline ---------------------------------------------------------------------------------

    async def _claim(self, limit: int) -> list[OutboundMessage]:
        # Marks first (they may unblock a person's next message), then the claim: the core's own
        # reconciliation inside claim_due then finds the journal empty.
        if not await self._flush_marks():
            raise RuntimeError("accepted messages could not be marked; not claiming more")
        until = self.core.clock.now() + self.lease
        claimed = await self._db(
            self.core.claim_due, platform=self.transport.platform, limit=limit, lease=self.lease
        )
        for message in claimed:
            self.held[message.id] = until
            self.lost.discard(message.id)
        return claimed

    async def run(self, *, max_rounds: int) -> int:
        helpers = [asyncio.create_task(self._heartbeat()), asyncio.create_task(self._marker())]
        lanes: set[asyncio.Task[None]] = set()
        low_water = max(1, self.batch // 2)
        failures = 0
        try:
            for _ in range(max_rounds):
                try:
                    claimed = await self._claim(self.batch - len(lanes))
                    failures = 0
                except Exception as exc:
                    failures += 1
                    log.warning(
                        "claiming outbox messages failed (%s in a row): %s", failures, exc, exc_info=True
                    )
                    if failures >= 5:
                        break
                    await self._pause(min(0.1 * 2**failures, MAX_MARK_BACKOFF))
                    continue
                lanes.update(asyncio.create_task(self._lane(m)) for m in claimed)
                if not lanes:
                    break
                # Claim again once the pipeline is half empty, or as soon as anything finished when
                # nothing was claimable (a sent nudge lets its question follow).
                while lanes and (len(lanes) > low_water or not claimed):
                    done, _ = await asyncio.wait(lanes, return_when=asyncio.FIRST_COMPLETED)
                    lanes -= done
                    if not claimed:
                        break
            if lanes:
                await asyncio.wait(lanes)
            await self._final_flush()
        finally:
            for task in (*helpers, *lanes):
                task.cancel()
            await asyncio.gather(*helpers, *lanes, return_exceptions=True)
        return self.sent

    async def _final_flush(self) -> None:
        backoff = 0.05
        for _ in range(8):
            if await self._flush_marks():
                return
            await self._pause(backoff)
            backoff = min(backoff * 2, MAX_MARK_BACKOFF)
        # Still in the journal: the next claim_due (any deliver_due) marks them before claiming.
        log.error(
            "%s accepted messages are not marked yet; kept in the journal", len(self.core.outbox_journal)
        )
