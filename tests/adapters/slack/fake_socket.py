"""A fake Socket Mode endpoint on a real socket: the WebSocket URL that ``apps.connections.open`` hands out.

Each connection is greeted with a ``hello`` frame, as Slack does; tests then push
frames with :meth:`FakeSocketSlack.send` and read the bot's acknowledgements from
``acks``. A ``disconnect`` frame makes the client open a new connection, which
shows up in :meth:`FakeSocketSlack.next_connection`.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from aiohttp import web

from tests.adapters.slack.fake_slack import FakeSlack

HELLO: dict[str, Any] = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}}
WAIT = 5.0
"""Upper bound for something that should happen at once; only a failing test ever waits this long."""


class FakeSocketSlack:
    """``/link`` WebSocket: greets, forwards frames from the test, collects acks (per connection)."""

    def __init__(self, fake: FakeSlack, *, hello: dict[str, Any] | None = None) -> None:
        self.fake = fake
        self.hello = hello or HELLO
        self.acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.connections: list[web.WebSocketResponse] = []
        self._opened: asyncio.Queue[web.WebSocketResponse] = asyncio.Queue()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Serve on 127.0.0.1 and point the fake Web API's ``apps.connections.open`` here."""
        app = web.Application()
        app.router.add_get("/link", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.fake.connections_url = f"ws://127.0.0.1:{port}/link"

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        await ws.send_json(self.hello)
        self.connections.append(ws)
        await self._opened.put(ws)
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                await self.acks.put(json.loads(message.data))
        return ws

    async def next_connection(self) -> web.WebSocketResponse:
        """The next connection the client opens (the first one after start, a new one after disconnect)."""
        return await asyncio.wait_for(self._opened.get(), WAIT)

    async def send(self, frame: dict[str, Any]) -> None:
        """Send ``frame`` on the newest open connection."""
        await self.connections[-1].send_json(frame)

    async def ack(self) -> dict[str, Any]:
        """The next acknowledgement the client sent."""
        return await asyncio.wait_for(self.acks.get(), WAIT)

    async def exchange(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """Send one envelope and return the ack for it (envelopes are replayed one at a time)."""
        await self.send(envelope)
        return await self.ack()
