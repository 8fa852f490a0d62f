"""The Slack adapter as the server sees it: routes, transport, lifecycle.

HTTP mode serves ``POST /slack/events`` (Events API, interactivity and slash
commands share it, as the manifest declares) and, for OAuth, the install pages;
Socket Mode opens a WebSocket instead and serves no route. Either way every
delivery lands in the same bolt app (:mod:`adapters.slack.app`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import Clock, SignatureVerifier

from adapters.slack.people import People
from adapters.slack.settings import Mode, SlackSettings
from adapters.slack.transport import FixedToken, SlackApi, SlackTransport, TokenSource
from adapters.slack.work import Work
from bot.core import Coachbot
from bot.dispatch import deliver_due

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

    from adapters.slack.socket_mode import SocketConnection

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


class SignatureClock(Protocol):
    """What slack_sdk's verifier asks for the current time (tests pin it to a test vector)."""

    def now(self) -> float: ...


class SlackMount:
    """One Slack app (one workspace, or many through OAuth) mounted in ``coachbot serve``."""

    name = "slack"

    def __init__(
        self,
        *,
        core: Coachbot,
        settings: SlackSettings,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        signature_clock: SignatureClock | None = None,
        command_budget: float | None = None,
    ) -> None:
        from adapters.slack.app import COMMAND_BUDGET, build_bolt

        self.core = core
        self.settings = settings
        self.command_budget = COMMAND_BUDGET if command_budget is None else command_budget
        """Seconds a slash command may compute its reply before it is acked with a holding note."""
        self.work = Work()
        self.installations: AsyncInstallationStore | None = None
        tokens: TokenSource
        if settings.mode is Mode.OAUTH:
            from adapters.slack.oauth import InstallationTokens, installation_store

            assert settings.client_id
            self.installations = installation_store(engine=core.database.engine, client_id=settings.client_id)
            tokens = InstallationTokens(self.installations)
        else:
            assert settings.bot_token
            tokens = FixedToken(settings.bot_token)
        self.api = SlackApi(
            api_url=settings.api_url, tokens=tokens, per_second=settings.max_messages_per_second, sleep=sleep
        )
        self.transport = SlackTransport(api=self.api)
        self.people = People(core=core, api=self.api)
        self.verifier = (
            SignatureVerifier(settings.signing_secret, clock=signature_clock or Clock())  # type: ignore[arg-type]
            if settings.signing_secret
            else None
        )
        self.bolt: AsyncApp = build_bolt(self)
        self._socket: SocketConnection | None = None

    # -- server protocol --------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        if self.settings.mode is Mode.SOCKET:
            return
        app.router.add_post(EVENTS_PATH, self.handle_http)
        if self.bolt.oauth_flow is not None:
            app.router.add_get(self.bolt.oauth_flow.install_path, self.handle_install)
            app.router.add_get(self.bolt.oauth_flow.redirect_uri_path, self.handle_oauth_redirect)

    async def start(self) -> None:
        if self.settings.mode is Mode.SOCKET:
            from adapters.slack.socket_mode import SocketConnection

            assert self.settings.app_token
            self._socket = SocketConnection(app=self.bolt, app_token=self.settings.app_token, api=self.api)
            await self._socket.start()
        self.work.spawn(self._initial_sync(), name="slack initial roster sync")

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.stop()
        await self.work.cancel()

    # -- helpers for listeners and tests -------------------------------------------------------------

    async def idle(self) -> None:
        """Wait until everything Slack has asked for so far is done (tests use it instead of sleeping)."""
        await self.work.idle()

    async def deliver(self) -> int:
        """Send whatever the core queued for Slack (next question, thanks, ...)."""
        return await deliver_due(self.core, self.transport)

    async def _initial_sync(self) -> None:
        try:
            await self.people.sync_bindings()
        except Exception as exc:  # Slack may be unreachable at startup; events resync later
            log.warning("initial Slack roster sync failed: %s", exc)

    # -- HTTP --------------------------------------------------------------------------------------

    async def handle_http(self, request: web.Request) -> web.StreamResponse:
        """``POST /slack/events``: verify the signature over the raw body, then hand to bolt."""
        raw = await request.read()
        if not self.signed_by_slack(raw, request.headers):
            return web.json_response({"error": "invalid signature"}, status=401)
        response = await self.bolt.async_dispatch(_bolt_request(request, raw))
        return await to_aiohttp_response(response)

    def signed_by_slack(self, raw: bytes, headers: Mapping[str, str]) -> bool:
        """HMAC-SHA256 over ``v0:<timestamp>:<raw body>``, and a timestamp within five minutes."""
        if self.verifier is None:
            return False
        timestamp = headers.get("X-Slack-Request-Timestamp", "")
        if not timestamp.isdigit():
            return False
        return self.verifier.is_valid(
            body=raw, timestamp=timestamp, signature=headers.get("X-Slack-Signature", "")
        )

    async def handle_install(self, request: web.Request) -> web.StreamResponse:
        assert self.bolt.oauth_flow is not None
        response = await self.bolt.oauth_flow.handle_installation(_bolt_request(request, b""))
        return await to_aiohttp_response(response)

    async def handle_oauth_redirect(self, request: web.Request) -> web.StreamResponse:
        assert self.bolt.oauth_flow is not None
        response = await self.bolt.oauth_flow.handle_callback(_bolt_request(request, b""))
        return await to_aiohttp_response(response)


def _bolt_request(request: web.Request, raw: bytes) -> AsyncBoltRequest:
    grouped: dict[str, list[str]] = {}
    for key, value in request.headers.items():
        grouped.setdefault(key.lower(), []).append(value)
    headers: dict[str, str | Sequence[str]] = dict(grouped)
    return AsyncBoltRequest(
        body=raw.decode("utf-8", errors="replace"), query=request.query_string, headers=headers
    )
