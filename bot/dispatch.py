"""Delivering the outbox through an adapter's :class:`~bot.messages.Transport`.

Adapters call :func:`deliver_due` after every tick and after every inbound event;
it leases due rows, sends them concurrently (one per person at a time, so a
check-in's messages stay in order), and records each outcome.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.messages import OutboundMessage, RetryLater, Transport, Unreachable

if TYPE_CHECKING:
    from bot.core import Coachbot

log = logging.getLogger(__name__)

RETRY_AFTER_ERROR = timedelta(minutes=1)


async def deliver_due(
    core: Coachbot, transport: Transport, *, concurrency: int = 8, batch: int = 200, max_rounds: int = 1000
) -> int:
    """Send everything due for ``transport.platform``; returns how many messages went out.

    Loops until nothing is due, because each sent message can unblock the next one
    for the same person (the next question of a check-in, say).
    """
    sent = 0
    gate = asyncio.Semaphore(concurrency)

    async def send_one(message: OutboundMessage) -> bool:
        async with gate:
            try:
                delivery = await transport.send(message)
            except Unreachable as exc:
                core.message_unreachable(message.id, error=str(exc) or "unreachable")
                return False
            except RetryLater as exc:
                core.message_retry(message.id, after=timedelta(seconds=exc.retry_after), error=str(exc))
                return False
            except Exception as exc:  # a platform outage must not stop the loop
                log.warning("delivery of outbox message %s failed: %s", message.id, exc)
                core.message_retry(message.id, after=RETRY_AFTER_ERROR, error=repr(exc))
                return False
            core.message_sent(message.id, delivery)
            return True

    for _ in range(max_rounds):
        due = core.claim_due(platform=transport.platform, limit=batch)
        if not due:
            break
        results = await asyncio.gather(*(send_one(m) for m in due))
        delivered = sum(results)
        sent += delivered
        if delivered == 0:
            break
    return sent
