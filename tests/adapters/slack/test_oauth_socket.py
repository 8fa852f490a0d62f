"""Many workspaces (OAuth install, tokens from the database) and Socket Mode (no public URL)."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.slack.mount import SlackMount
from adapters.slack.settings import from_env
from bot.messages import OutboundMessage, Para, Unreachable
from tests.adapters.slack.conftest import SECRET, Harness, Sleeps, run_bot, sign, socket_mode_bot
from tests.adapters.slack.fake_slack import FakeSlack

OAUTH_ENV = {
    "SLACK_SIGNING_SECRET": SECRET,
    "SLACK_CLIENT_ID": "111.222",
    "SLACK_CLIENT_SECRET": "shh",
    "SLACK_MAX_MESSAGES_PER_SECOND": "1000",
}


def browser(url: str) -> aiohttp.ClientSession:
    """A client that keeps cookies like the installer's browser does.

    Bolt's install page sets its ``state`` cookie with ``Secure``, and the redirect is
    refused (400 invalid_browser) unless that cookie comes back. aiohttp's default jar
    drops cookies set by an IP host (127.0.0.1) and withholds ``Secure`` cookies over
    http://; browsers treat loopback as a secure origin, and this jar does the same.
    """
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=url))


async def install(session: aiohttp.ClientSession, url: str, *, code: str = "abc") -> tuple[str, int, str]:
    """Open the install page, then come back from Slack with ``code``: (state, status, body)."""
    async with session.get(url + "/slack/install") as response:
        page = await response.text()
        assert response.status == 200, page
    state = re.search(r"state=([\w-]+)", page)
    assert state, page
    async with session.get(url + f"/slack/oauth_redirect?code={code}&state={state.group(1)}") as response:
        return state.group(1), response.status, await response.text()


async def oauth_bot(core, fake_slack: FakeSlack) -> tuple[SlackMount, web.AppRunner, str]:  # type: ignore[no-untyped-def]
    settings = from_env({**OAUTH_ENV, "SLACK_API_URL": fake_slack.url})
    assert settings is not None
    mount = SlackMount(core=core, settings=settings)
    runner, url = await run_bot(core, mount)
    return mount, runner, url


async def test_oauth_install_stores_the_workspace_token_in_the_database(core, fake_slack: FakeSlack) -> None:  # type: ignore[no-untyped-def]
    mount, runner, url = await oauth_bot(core, fake_slack)
    try:
        async with browser(url) as session:
            state, status, body = await install(session, url)
            assert status == 200, body
            # The state is single-use: coming back with it again is refused.
            async with session.get(url + f"/slack/oauth_redirect?code=abc&state={state}") as response:
                assert response.status == 400
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


async def test_oauth_redirect_without_the_state_cookie_is_refused(core, fake_slack: FakeSlack) -> None:  # type: ignore[no-untyped-def]
    """A redirect from a browser that did not start the install (no state cookie) installs nothing."""
    mount, runner, url = await oauth_bot(core, fake_slack)
    try:
        async with aiohttp.ClientSession() as session:  # default jar: the cookie never comes back
            _state, status, body = await install(session, url)
        assert status == 400 and "invalid_browser" in body
        assert fake_slack.called("oauth.v2.access") == []
        assert await mount.api.tokens.bot_token("T2") is None
    finally:
        await runner.cleanup()


def revocation(team: str, event: dict[str, Any]) -> bytes:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": team,
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": "Ev" + event["type"],
            "event_time": 1764000000,
            "event": event,
        }
    ).encode()


async def post_signed(session: aiohttp.ClientSession, url: str, body: bytes) -> int:
    headers = {"Content-Type": "application/json", **sign(body)}
    async with session.post(url + "/slack/events", data=body, headers=headers) as response:
        return response.status


@pytest.mark.parametrize(
    ("event", "bot_kept", "user_kept"),
    [
        ({"type": "app_uninstalled"}, False, False),
        ({"type": "tokens_revoked", "tokens": {"bot": ["UBOT2"]}}, False, True),
        ({"type": "tokens_revoked", "tokens": {"oauth": ["UADMIN2"]}}, True, False),
    ],
    ids=["app_uninstalled", "bot-token-revoked", "user-token-revoked"],
)
async def test_uninstall_and_revocation_delete_what_slack_took_back(  # type: ignore[no-untyped-def]
    core, fake_slack: FakeSlack, event: dict[str, Any], bot_kept: bool, user_kept: bool
) -> None:
    mount, runner, url = await oauth_bot(core, fake_slack)
    store = mount.installations
    assert store is not None
    try:
        async with browser(url) as session:
            _state, status, body = await install(session, url)
            assert status == 200, body
            assert await store.async_find_installation(enterprise_id=None, team_id="T2", user_id="UADMIN2")
            assert await post_signed(session, url, revocation("T2", event)) == 200
        await mount.idle()
        assert (await mount.api.tokens.bot_token("T2") == "xoxb-installed") is bot_kept
        person = await store.async_find_installation(enterprise_id=None, team_id="T2", user_id="UADMIN2")
        assert (person is not None) is user_kept
        if not bot_kept:
            message = OutboundMessage(
                id=1, platform="slack", workspace="T2", person="UX", kind="notice", parts=(Para("hi"),)
            )
            with pytest.raises(Unreachable):
                await mount.transport.send(message)
            assert fake_slack.called("chat.postMessage") == []
    finally:
        await runner.cleanup()


async def test_uninstall_with_a_fixed_token_forgets_the_workspaces_dm_channels(slack: Harness) -> None:
    """One-workspace mode has no store to clean, but a reinstall must not reuse stale DM channels."""
    message = OutboundMessage(
        id=1, platform="slack", workspace="T1", person="UBEN", kind="notice", parts=(Para("hi"),)
    )
    await slack.mount.transport.send(message)
    await slack.mount.transport.send(message)
    assert len(slack.fake.called("conversations.open")) == 1, "the DM channel is cached"
    assert await slack.event({"type": "app_uninstalled"}) == 200
    await slack.mount.transport.send(message)
    assert len(slack.fake.called("conversations.open")) == 2


async def test_socket_mode_receives_envelopes_and_acks_them(
    core, fake_slack: FakeSlack, sleeps: Sleeps
) -> None:  # type: ignore[no-untyped-def]
    async with socket_mode_bot(core, fake_slack, sleeps) as (socket, mount):
        fake_slack.add_user("UADA", name="Ada", tz="Europe/London", admin=True)
        ack = await socket.exchange(
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
                    "response_url": fake_slack.response_url,
                },
            }
        )
        # Acknowledged first (bare envelope id), answered after on the command's response_url.
        assert ack == {"envelope_id": "env-1"}
        await mount.idle()
        [answer] = fake_slack.responses
        assert answer["response_type"] == "ephemeral" and answer["blocks"]
        ack = await socket.exchange(
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
        assert ack["envelope_id"] == "env-2"
        await mount.idle()
        assert fake_slack.dm("UADA"), "the DM 'help' was answered"
        assert fake_slack.called("apps.connections.open")[0].token == "xapp-1-test"


def test_oauth_without_its_database_driver_is_a_config_error(core, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Should SQLAlchemy's asyncio extra (greenlet) ever be missing, startup stops with one clear line."""
    from adapters.kit import ConfigError
    from adapters.slack import configure, oauth

    monkeypatch.setattr(oauth, "_MISSING", "No module named 'greenlet'")
    env = {"SLACK_SIGNING_SECRET": SECRET, "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "x"}
    with pytest.raises(ConfigError, match=r"SLACK_CLIENT_ID: .*SQLAlchemy\[asyncio\].*greenlet"):
        configure(core, env)


@pytest.mark.parametrize(("status", "acked"), [(200, True), (404, True), (500, False)])
async def test_socket_envelopes_are_acked_unless_the_app_failed(  # type: ignore[no-untyped-def]
    monkeypatch, status: int, acked: bool
) -> None:
    """Bolt's handler acks only a 200; a 404 (not our action) must be acked too; a 5xx is left to retry."""
    from slack_bolt.response import BoltResponse
    from slack_sdk.socket_mode.request import SocketModeRequest
    from slack_sdk.socket_mode.response import SocketModeResponse

    from adapters.slack import socket_mode

    sent: list[dict[str, Any]] = []

    class Client:
        logger = logging.getLogger("fake socket client")

        async def send_socket_mode_response(self, response: SocketModeResponse) -> None:
            sent.append(response.to_dict())

    async def answer(app: object, req: SocketModeRequest) -> BoltResponse:
        return BoltResponse(status=status, body="")

    monkeypatch.setattr(socket_mode, "run_async_bolt_app", answer)
    handler = socket_mode.AckingHandler.__new__(socket_mode.AckingHandler)  # no connection needed
    handler.app = None  # type: ignore[assignment]
    request = SocketModeRequest(type="interactive", envelope_id="env-9", payload={"type": "block_actions"})
    await handler.handle(Client(), request)  # type: ignore[arg-type]
    assert sent == ([{"envelope_id": "env-9"}] if acked else [])
