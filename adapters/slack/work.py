"""Background work started after Slack has been acknowledged.

Slack gives an app three seconds to answer every request, so listeners only
acknowledge and hand the real work (core calls, Web API calls) to :class:`Work`.
Keeping a handle on every task lets the server wait for it on shutdown and lets
tests wait for "everything Slack caused has happened" without sleeping.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Work:
    """A set of tracked tasks; failures are logged, never raised into the request."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    def spawn(self, coro: Coroutine[Any, Any, None], *, name: str) -> None:
        """Run ``coro`` after the current request has been answered."""
        task = asyncio.get_running_loop().create_task(self._guard(coro, name), name=name)
        self._tasks.add(task)
        self._idle.clear()
        task.add_done_callback(self._done)

    @staticmethod
    async def _guard(coro: Coroutine[Any, Any, None], name: str) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except Exception:  # one bad payload must not take the adapter down
            log.exception("slack work %r failed", name)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            self._idle.set()

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def idle(self) -> None:
        """Wait until no task is running, including tasks started by tasks."""
        while self._tasks:
            await self._idle.wait()

    async def cancel(self) -> None:
        """Stop whatever is still running (server shutdown)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
