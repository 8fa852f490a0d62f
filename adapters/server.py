"""`coachbot serve`: one aiohttp app hosting every configured platform adapter plus the scheduler.

Each adapter package exposes ``configure(core, env) -> Mount | None``; ``None`` means
the platform is not configured. The server adds ``GET /healthz`` and a background
loop that ticks the core and drains the outbox through every mounted transport.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Protocol

from aiohttp import web

from bot.core import Coachbot
from bot.dispatch import deliver_due
from bot.messages import Transport

log = logging.getLogger(__name__)

CORE = web.AppKey("core", Coachbot)
MOUNTS = web.AppKey("mounts", list)


class ConfigError(Exception):
    """A missing or inconsistent setting; the message is one line naming it."""


class Mount(Protocol):
    """One platform adapter, as the server sees it."""

    name: str
    transport: Transport

    def add_routes(self, app: web.Application) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


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


async def _loop(core: Coachbot, mounts: Sequence[Mount], seconds: float) -> None:
    transports = [m.transport for m in mounts]
    while True:
        try:
            await pump(core, transports)
        except Exception:  # keep serving; the next round retries
            log.exception("scheduler round failed")
        await asyncio.sleep(seconds)


def configured_mounts(core: Coachbot, env: Mapping[str, str]) -> list[Mount]:
    """Every adapter whose settings are present; raises ConfigError for a bad setting."""
    mounts: list[Mount] = []
    from adapters import slack, teams

    for package in (slack, teams):
        mount = package.configure(core, env)
        if mount is not None:
            mounts.append(mount)
    if not mounts:
        raise ConfigError(
            "no platform configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (Slack) "
            "or MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (Teams); see README"
        )
    return mounts


def load_env() -> dict[str, str]:
    """The process environment over a `.env` file in the working directory, if there is one."""
    from dotenv import dotenv_values

    merged = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    merged.update(os.environ)
    return merged
