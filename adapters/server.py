"""`coachbot serve`: one aiohttp app hosting every configured platform adapter plus the scheduler.

The platforms are the packages named in :data:`PLATFORMS`; each exposes
``configure(core, env) -> Mount | None`` (:class:`adapters.kit.Platform`), where ``None`` means
the platform is not configured. The server adds ``GET /healthz`` and a background loop that ticks
the core and drains the outbox through every mounted transport.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import os
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import cast

from aiohttp import web

from adapters.kit import ConfigError, Mount, Platform
from bot.core import Coachbot
from bot.dispatch import deliver_due
from bot.messages import Transport
from storage.db import DatabaseInUse, hold_single_process_lock

log = logging.getLogger(__name__)

CORE = web.AppKey("core", Coachbot)
MOUNTS = web.AppKey("mounts", list)

PLATFORMS: tuple[str, ...] = ("adapters.slack", "adapters.teams")
"""Every platform ``coachbot serve`` can host, by package name; a new platform is one more entry."""


async def pump(core: Coachbot, transports: Sequence[Transport]) -> int:
    """One scheduler round: tick the core, then deliver whatever is due."""
    await asyncio.to_thread(core.tick)
    sent = 0
    for transport in transports:
        sent += await deliver_due(core, transport)
    return sent


def build_app(
    core: Coachbot, mounts: Sequence[Mount], *, tick_seconds: float | None = 15.0
) -> web.Application:
    """The aiohttp application; ``tick_seconds=None`` disables the loop (tests pump by hand)."""
    app = web.Application()
    app[CORE] = core
    app[MOUNTS] = list(mounts)

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "adapters": [m.name for m in mounts]})

    app.router.add_get("/healthz", healthz)
    for mount in mounts:
        mount.add_routes(app)

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        for mount in mounts:
            await mount.start()
        task = asyncio.create_task(_loop(core, mounts, tick_seconds)) if tick_seconds else None
        yield
        if task:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for mount in mounts:
            await mount.stop()

    app.cleanup_ctx.append(lifecycle)
    return app


class Scheduler:
    """Ticking and delivering as two concurrent tasks, so a long send-out never stops the clock.

    The ticker opens due check-ins in batches (in a worker thread) and wakes the sender after each
    committed batch: the first nudges are on their way while the rest of a large run is still being
    opened. The ticker sleeps until the next thing due (at most ``seconds``); the sender also wakes
    every ``seconds`` for messages whose time came (a nudge deferred past quiet hours, a retry).
    """

    def __init__(self, core: Coachbot, transports: Sequence[Transport], *, seconds: float) -> None:
        self.core = core
        self.transports = list(transports)
        self.seconds = seconds
        self.wake = asyncio.Event()

    async def run(self) -> None:
        async with asyncio.TaskGroup() as group:
            group.create_task(self.ticking())
            group.create_task(self.delivering())

    async def ticking(self) -> None:
        loop = asyncio.get_running_loop()

        def batch_opened(_count: int) -> None:  # called from the tick's worker thread
            loop.call_soon_threadsafe(self.wake.set)

        while True:
            try:
                await asyncio.to_thread(self.core.tick, on_batch=batch_opened)
            except Exception:  # keep serving; the next tick retries
                log.exception("scheduler tick failed")
            self.wake.set()
            await asyncio.sleep(await self._until_next())

    async def _until_next(self) -> float:
        try:
            wake = await asyncio.to_thread(self.core.next_wakeup, later=True)
        except Exception:
            return self.seconds
        if wake is None:
            return self.seconds
        # A little past the instant, so the tick finds it due; never busier than 20 ticks a second.
        wait = (wake - self.core.clock.now()).total_seconds() + 0.01
        return min(self.seconds, max(0.05, wait))

    async def delivering(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=self.seconds)
            self.wake.clear()
            results = await asyncio.gather(
                *(deliver_due(self.core, t) for t in self.transports), return_exceptions=True
            )
            for transport, result in zip(self.transports, results, strict=True):
                if isinstance(result, BaseException):
                    log.error("delivery through %s failed: %r", transport.platform, result)


async def _loop(core: Coachbot, mounts: Sequence[Mount], seconds: float) -> None:
    await Scheduler(core, [m.transport for m in mounts], seconds=seconds).run()


def configured_mounts(
    core: Coachbot, env: Mapping[str, str], *, platforms: Sequence[str] = PLATFORMS
) -> list[Mount]:
    """A mount for every platform whose settings are present; raises ConfigError for a bad setting.

    This is ``serve``'s startup, so it also makes sure this is the only server of a SQLite file and
    that the database has every table this release uses (``coachbot db upgrade`` adds them).
    """
    try:
        hold_single_process_lock(core.database)
    except DatabaseInUse as exc:
        raise ConfigError(str(exc)) from None
    if core.database.is_behind():
        raise ConfigError(
            "DATABASE_URL: the database schema is older than this version of Coachbot; "
            "run `coachbot db upgrade` first"
        )
    packages = [cast(Platform, importlib.import_module(name)) for name in platforms]
    mounts: list[Mount] = []
    for package in packages:
        mount = package.configure(core, env)
        if mount is not None:
            mounts.append(mount)
    if not mounts:
        hints = " or ".join(package.SETTINGS_HINT for package in packages)
        raise ConfigError(f"no platform configured: set {hints}; see README")
    return mounts


def load_env() -> dict[str, str]:
    """The process environment over a `.env` file in the working directory, if there is one."""
    from dotenv import dotenv_values

    merged = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    merged.update(os.environ)
    return merged
