"""The Slack adapter as the server sees it: routes, transport, lifecycle.

HTTP mode serves ``POST /slack/events`` (Events API, interactivity and slash
commands share it, as the manifest declares) and, for OAuth, the install pages;
Socket Mode opens a WebSocket instead and serves no route. Either way every
delivery lands in the same bolt app (:mod:`adapters.slack.app`), whose listeners queue
core events durably (:meth:`SlackMount.enqueue`) before acknowledging; the mount's
ingress worker, started and stopped with the mount, applies them off the request path.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import Clock

from adapters.kit import BackgroundWork, RosterSync, RunAgainJob
from adapters.slack.payloads import Invalid, parse_signed, signature_ok
from adapters.slack.people import People
from adapters.slack.settings import Mode, SlackSettings
from adapters.slack.translate import PLATFORM
from adapters.slack.transport import FixedToken, SlackApi, SlackTransport, TokenSource
from bot.core import Coachbot
from bot.dispatch import deliver_due
from bot.events import CommandIssued, MessageEdited, MessagePosted
from bot.ingress import GroupCommit, InboundQueue, Route, to_payload
from bot.ingress_worker import IngressWorker

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
    """One Slack app (one workspace, or many through OAuth), as :class:`adapters.kit.Mount`."""

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
        from adapters.slack.app import COMMAND_BUDGET, Listeners, build_bolt

        self.core = core
        self.settings = settings
        self.command_budget = COMMAND_BUDGET if command_budget is None else command_budget
        """Seconds a slash command may compute its reply before it is acked with a holding note."""
        self.work = BackgroundWork(label="slack")
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
        self.rosters = RosterSync(
            core=core, platform=PLATFORM, sync_all=self.people.sync_bindings, work=self.work
        )
        self.signature_clock: SignatureClock = signature_clock or Clock()
        self.listeners = Listeners(self)
        self.bolt: AsyncApp = build_bolt(self, self.listeners)
        self._socket: SocketConnection | None = None
        self._http: aiohttp.ClientSession | None = None
        # After a worker round, send what those events queued, one drain at a time: a round of a
        # thousand answers wakes the outbox once, not a thousand times.
        self._after_inbound = RunAgainJob(self.work, self.deliver, name="deliver after inbound")
        listeners = self.listeners
        self.queue = InboundQueue(core, platform=PLATFORM)
        self.ingress = IngressWorker(
            self.queue,
            owner=f"{core.replica_id}:slack",
            answer=listeners.replies.answer,
            prepare=listeners.replies.prepare,
            give_up=listeners.replies.give_up,
            settled=self._settled,
        )
        self.commits = GroupCommit(self.queue, on_commit=self.ingress.wake)

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
        # What a previous run acknowledged but did not finish is picked up by the first round.
        self.ingress.start()
        self.rosters.sync_at_start()  # channels may have changed while no replica was running

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.stop()
        await self.ingress.stop()  # queued rows stay queued: the next start applies them
        await self.rosters.stop()
        await self.work.cancel()
        if self._http is not None:
            await self._http.close()
            self._http = None

    # -- helpers for listeners and tests -------------------------------------------------------------

    async def enqueue(self, event: MessagePosted | MessageEdited | CommandIssued, route: Route) -> bool:
        """Record ``event`` durably (shared commit); True if new, False for a retry already queued."""
        return await self.commits.submit(PLATFORM, event.event_id, to_payload(event, route))

    def http(self) -> aiohttp.ClientSession:
        """One pooled HTTP session for ``response_url`` posts (not one connection per answer)."""
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        return self._http

    async def idle(self) -> None:
        """Wait until everything Slack has asked for so far is done (tests use it instead of sleeping):
        every claimable queued event applied and answered, then every task that caused."""
        await self.ingress.drain()
        await self.work.idle()

    async def _settled(self) -> None:
        """After a worker round: send what those events queued."""
        self._after_inbound.request()

    async def deliver(self) -> int:
        """Send whatever the core queued for Slack (next question, thanks, ...)."""
        return await deliver_due(self.core, self.transport)

    # -- HTTP --------------------------------------------------------------------------------------

    async def handle_http(self, request: web.Request) -> web.StreamResponse:
        """``POST /slack/events``: signature over the raw bytes first, then the payload's shape, then bolt.

        A forged request is a 401 and a signed body that is not a Slack payload a 400, each with
        one log line and nothing stored; only a well-formed, signed payload reaches bolt.
        """
        raw = await request.read()
        if not self.signed_by_slack(raw, request.headers):
            log.info("refused a Slack request from %s: bad or missing signature", request.remote)
            return web.json_response({"error": "invalid signature"}, status=401)
        try:
            body = parse_signed(raw, request.content_type)
        except Invalid as exc:
            log.info("refused a signed Slack request from %s: %s", request.remote, exc)
            return web.json_response({"error": "not a Slack payload"}, status=400)
        response = await self.bolt.async_dispatch(_bolt_request(request, raw, body))
        return await to_aiohttp_response(response)

    def signed_by_slack(self, raw: bytes, headers: Mapping[str, str]) -> bool:
        """HMAC-SHA256 over ``v0:<timestamp>:<raw bytes>``, and a timestamp within five minutes."""
        secret = self.settings.signing_secret
        if not secret:
            return False
        return signature_ok(
            raw,
            secret=secret,
            timestamp=headers.get("X-Slack-Request-Timestamp", ""),
            signature=headers.get("X-Slack-Signature", ""),
            now=self.signature_clock.now(),
        )

    async def handle_install(self, request: web.Request) -> web.StreamResponse:
        assert self.bolt.oauth_flow is not None
        response = await self.bolt.oauth_flow.handle_installation(_bolt_request(request, b""))
        return await to_aiohttp_response(response)

    async def handle_oauth_redirect(self, request: web.Request) -> web.StreamResponse:
        assert self.bolt.oauth_flow is not None
        response = await self.bolt.oauth_flow.handle_callback(_bolt_request(request, b""))
        return await to_aiohttp_response(response)


def _bolt_request(request: web.Request, raw: bytes, body: dict[str, Any] | None = None) -> AsyncBoltRequest:
    """Bolt's request; with ``body``, the payload as validated, so bolt does not parse it again
    (its own parser guesses the format from substrings: a command saying ``payload`` reads as empty)."""
    grouped: dict[str, list[str]] = {}
    for key, value in request.headers.items():
        grouped.setdefault(key.lower(), []).append(value)
    headers: dict[str, str | Sequence[str]] = dict(grouped)
    text = raw.decode("utf-8", errors="replace")
    if body is None:
        return AsyncBoltRequest(body=text, query=request.query_string, headers=headers)
    bolt = AsyncBoltRequest(body="", query=request.query_string, headers=headers)
    bolt.raw_body = text
    bolt.body = body
    bolt.context = build_async_context(AsyncBoltContext({}), body)
    return bolt
