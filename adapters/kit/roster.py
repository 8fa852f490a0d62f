"""When an adapter syncs the teams bound to its platform's rosters, and on which replica.

What a sync does is the core's (:func:`bot.roster.sync_bound_teams`: a failed or empty roster
never empties a team, bots are never enrolled, one failing binding doesn't stop the others), and
how a roster is read is the platform's. What is left is the same for every adapter and lives here:

* syncs that run by themselves (once at start, or every few hours) run on one replica at a time,
  under a replica lease named ``<platform>-roster``, so replicas started together share one sync
  and a dead replica's schedule moves to another within the lease's length;
* a sync is background work: a failure (the platform is unreachable, a permission is missing) is
  logged and the next occasion tries again; it never reaches the request that asked for it;
* a periodic sync stops with the adapter, and gives its lease up at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

from adapters.kit.work import BackgroundWork
from bot import leases
from bot.roster import SyncReport

if TYPE_CHECKING:
    from bot.core import Coachbot

log = logging.getLogger(__name__)


class RosterSync:
    """The schedule of one adapter's roster syncs; ``sync_all`` syncs every binding of the platform."""

    def __init__(
        self,
        *,
        core: Coachbot,
        platform: str,
        sync_all: Callable[[], Awaitable[SyncReport]],
        work: BackgroundWork,
    ) -> None:
        self.core = core
        self.platform = platform
        self.lease = f"{platform}-roster"
        self._sync_all = sync_all
        self._work = work
        self._periodic: asyncio.Task[None] | None = None

    def sync_at_start(self) -> None:
        """One sync of every binding now, in the background, unless another replica is running one."""
        self._work.spawn(self._exclusively(), name="roster sync at start")

    def sync_every(self, seconds: float) -> None:
        """Sync every binding every ``seconds`` (and at once) on whichever replica holds the lease.

        The loop is not tracked as background work: waiting for "everything a request caused"
        must not wait for a loop that never ends.
        """
        if self._periodic is None or self._periodic.done():
            self._periodic = asyncio.get_running_loop().create_task(self._lead(seconds))

    def request(self, sync: Coroutine[Any, Any, SyncReport], *, why: str) -> None:
        """Run one sync someone asked for (a binding changed, a roster event arrived) in the background."""
        self._work.spawn(self._logged(sync), name=f"roster sync: {why}")

    async def stop(self) -> None:
        """End the periodic sync (its lease is released); background syncs end with the work."""
        if self._periodic is not None:
            self._periodic.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._periodic
            self._periodic = None

    async def _exclusively(self) -> None:
        ran = await leases.run_exclusively(
            self.core.database,
            self.core.clock,
            self.lease,
            lambda: self._logged(self._sync_all()),
            owner=self.core.replica_id,
        )
        if not ran:
            log.info("%s roster sync skipped: another replica is running it", self.platform)

    async def _lead(self, seconds: float) -> None:
        await leases.lead(
            self.core.database,
            self.core.clock,
            self.lease,
            lambda: self._logged(self._sync_all()),
            every=seconds,
            owner=self.core.replica_id,
        )

    async def _logged(self, sync: Awaitable[SyncReport]) -> SyncReport | None:
        try:
            report = await sync
        except Exception as exc:  # the platform may be unreachable; the next occasion tries again
            log.warning("%s roster sync failed: %s", self.platform, exc)
            return None
        if report.failed or report.left_alone:
            log.info(
                "%s roster sync: %d teams synced, %d failed, %d left as they were",
                self.platform,
                len(report.synced),
                len(report.failed),
                len(report.left_alone),
            )
        return report
