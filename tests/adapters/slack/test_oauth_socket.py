"""Many workspaces (OAuth install, tokens from the database) and Socket Mode (no public URL)."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.slack.mount import SlackMount
from adapters.slack.settings import load_settings
from bot.messages import OutboundMessage, Para
from tests.adapters.slack.conftest import SECRET, Sleeps, run_bot
from tests.adapters.slack.fake_slack import FakeSlack


async def test_oauth_install_stores_the_workspace_token_in_the_database(core, fake_slack: FakeSlack) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip(
        "greenlet", reason="slack_sdk's SQLAlchemy installation store needs SQLAlchemy[asyncio]"
    )
    env = {
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_CLIENT_ID": "111.222",
        "SLACK_CLIENT_SECRET": "shh",
        "SLACK_API_URL": fake_slack.url,
        "SLACK_MAX_MESSAGES_PER_SECOND": "1000",
    }
    settings = load_settings(env, env_file=None)
    assert settings is not None
    mount = SlackMount(core=core, settings=settings)
    runner, url = await run_bot(core, mount)
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(url + "/slack/install") as response:
                page = await response.text()
                assert response.status == 200
            state = re.search(r"state=([\w-]+)", page)
            assert state, page
            async with session.get(
                url + f"/slack/oauth_redirect?code=abc&state={state.group(1)}"
            ) as response:
                assert response.status == 200, await response.text()
        [access] = fake_slack.called("oauth.v2.access")
        assert access.args["code"] == "abc"
        assert await mount.api.tokens.bot_token("T2") == "xoxb-installed"
        assert await mount.api.tokens.bot_token("T9") is None
        message = OutboundMessage(
            id=1, platform="slack", workspace="T2", person="UX", kind="notice", parts=(Para("hello"),)
        )
        await mount.transport.send(message)
        assert fake_slack.called("chat.postMessage")[-1].token == "xoxb-installed"
    finally:
        await runner.cleanup()


class FakeSocketSlack:
    """``apps.connections.open`` plus a WebSocket that sends envelopes and collects acks."""

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.connected = asyncio.Event()

    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})
        self.connected.set()

        async def pump_out() -> None:
            while True:
                await ws.send_json(await self.outbox.get())

        sender = asyncio.create_task(pump_out())
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                await self.acks.put(json.loads(message.data))
        sender.cancel()
        return ws


async def test_socket_mode_receives_envelopes_and_acks_them(
    core, fake_slack: FakeSlack, sleeps: Sleeps
) -> None:  # type: ignore[no-untyped-def]
    socket = FakeSocketSlack(fake_slack)
    app = web.Application()
    app.router.add_get("/link", socket.socket)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    ws_port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fake_slack.connections_url = f"ws://127.0.0.1:{ws_port}/link"
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_APP_TOKEN": "xapp-1-test",
        "SLACK_API_URL": fake_slack.url,
    }
    settings = load_settings(env, env_file=None)
    assert settings is not None
    mount = SlackMount(core=core, settings=settings, sleep=sleeps)
    bot_runner, _url = await run_bot(core, mount)
    try:
        await asyncio.wait_for(socket.connected.wait(), 5)
        fake_slack.add_user("UADA", name="Ada", tz="Europe/London", admin=True)
        await socket.outbox.put(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": {
                    "team_id": "T1",
                    "user_id": "UADA",
                    "command": "/coach",
                    "text": "team list",
                    "trigger_id": "1.1.sock",
                    "channel_id": "C1",
                },
            }
        )
        ack = await asyncio.wait_for(socket.acks.get(), 5)
        assert ack["envelope_id"] == "env-1"
        assert ack["payload"]["response_type"] == "ephemeral"
        await socket.outbox.put(
            {
                "envelope_id": "env-2",
                "type": "events_api",
                "retry_attempt": 0,
                "payload": {
                    "type": "event_callback",
                    "team_id": "T1",
                    "event_id": "EvS1",
                    "event": {
                        "type": "message",
                        "channel": "DUADA",
                        "channel_type": "im",
                        "user": "UADA",
                        "text": "help",
                        "ts": "5.1",
                    },
                },
            }
        )
        ack = await asyncio.wait_for(socket.acks.get(), 5)
        assert ack["envelope_id"] == "env-2"
        await mount.idle()
        assert fake_slack.dm("UADA"), "the DM 'help' was answered"
        assert fake_slack.called("apps.connections.open")[0].token == "xapp-1-test"
    finally:
        await bot_runner.cleanup()
        await runner.cleanup()


def test_oauth_without_its_database_driver_is_a_config_error(core) -> None:  # type: ignore[no-untyped-def]
    try:
        import greenlet  # noqa: F401
    except ImportError:
        from adapters.server import ConfigError
        from adapters.slack import configure

        env = {"SLACK_SIGNING_SECRET": SECRET, "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "x"}
        with pytest.raises(ConfigError, match="SLACK_CLIENT_ID"):
            configure(core, env, env_file=None)
    else:
        pytest.skip("greenlet is installed: the OAuth flow is tested end to end instead")
