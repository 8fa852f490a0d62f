"""Background work an adapter starts after it has answered the platform.

Platforms give an app a few seconds to answer a request (Slack three, Teams a little more), so
adapters answer first and do the rest (core calls, sending, roster reads) in tasks started here.
Keeping a handle on every task lets ``stop`` end them on shutdown, and lets tests wait for
"everything this request caused has happened" without sleeping.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)


class BackgroundWork:
    """A set of tracked tasks; a failing task is logged, never raised into a request."""

    def __init__(self, *, label: str) -> None:
        self.label = label  # the platform, in log lines
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    def spawn(self, coro: Coroutine[Any, Any, object], *, name: str) -> asyncio.Task[None]:
        """Run ``coro`` in the background (after the current request has been answered)."""
        task = asyncio.get_running_loop().create_task(self._guard(coro, name), name=f"{self.label}: {name}")
        self._tasks.add(task)
        self._idle.clear()
        task.add_done_callback(self._done)
        return task

    async def _guard(self, coro: Coroutine[Any, Any, object], name: str) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except Exception:  # one bad payload must not take the adapter down
            log.exception("%s work %r failed", self.label, name)

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
        while self._tasks:
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


class RunAgainJob:
    """One job (such as "send what the core queued") run in the background, one run at a time.

    A request that arrives while the job runs does not start a second run beside it; it makes the
    running one go round once more when it ends. A thousand inbound events in one burst therefore
    cost a few runs, and nothing they caused waits for the next scheduler round.
    """

    def __init__(self, work: BackgroundWork, job: Callable[[], Awaitable[object]], *, name: str) -> None:
        self._work = work
        self._job = job
        self._name = name
        self._running = False
        self._again = False

    def request(self) -> None:
        if self._running:
            self._again = True
            return
        self._running = True
        self._work.spawn(self._rounds(), name=self._name)

    async def _rounds(self) -> None:
        try:
            while True:
                self._again = False
                try:
                    await self._job()
                except Exception:  # the scheduler's next round retries whatever was left
                    log.exception("%s work %r failed", self._work.label, self._name)
                if not self._again:
                    return
        finally:
            self._running = False
