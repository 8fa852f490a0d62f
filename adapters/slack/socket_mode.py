"""Socket Mode: Slack delivers over a WebSocket the app opens, so no public URL is needed.

Same bolt app, same listeners as HTTP mode; Slack's envelopes are acknowledged by
bolt's handler with the listener's response (a slash command's reply rides on the
envelope ack). ``apps.connections.open`` goes to ``SLACK_API_URL`` like every call.

Bolt's handler sends no ack at all when the app's answer is not a 200. Over HTTP
the 404 for an action or shortcut Coachbot does not own is deliberate, but over a
socket an unacknowledged envelope counts as a failed delivery (Slack redelivers
events and shows the person an error). :class:`AckingHandler` acknowledges those
with the bare ``envelope_id``; only a server error (5xx) stays unacknowledged, so
Slack retries it as it would retry a 5xx over HTTP. An envelope whose payload is not a
Slack payload (the same rules as over HTTP, :mod:`adapters.slack.payloads`) is acknowledged
and dropped with one log line: redelivering it could never succeed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import run_async_bolt_app, send_async_response
from slack_bolt.async_app import AsyncApp
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from adapters.slack.payloads import Invalid, check_socket
from adapters.slack.transport import SlackApi

log = logging.getLogger(__name__)


class AckingHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler, acknowledging every envelope the app did not fail on."""

    def __init__(self, app: AsyncApp, app_token: str, *, ping_interval: float) -> None:
        # Bolt's own __init__ builds a plain SocketModeClient (and its HTTP session); ours is checked.
        self.app = app
        self.app_token = app_token
        self.client = CheckedClient(
            app_token=app_token, logger=app.logger, web_client=app.client, ping_interval=ping_interval
        )
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        start = time.time()
        try:
            check_socket(req.type, req.payload)
        except Invalid as exc:  # acknowledged, so Slack does not redeliver what can never be read
            log.info("refused a Socket Mode %s envelope %s: %s", req.type, req.envelope_id, exc)
            await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        response = await run_async_bolt_app(self.app, req)
        if response.status == 200:
            await send_async_response(client, req, response, start)
        elif response.status < 500:
            await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
        else:
            log.warning(
                "Socket Mode %s envelope %s failed (%s); left for Slack to retry",
                req.type,
                req.envelope_id,
                response.status,
            )


class CheckedClient(SocketModeClient):
    """slack_sdk's Socket Mode client, refusing what it would choke on before its listeners run.

    slack_sdk builds its request object from any envelope that has a payload and raises (with a
    traceback in the log, and no ack) when that payload is not an object or a string, and a frame that
    is not JSON at all breaks its reading loop. Such an envelope is acknowledged (redelivering it can
    never succeed) and dropped with one log line; a frame that is not JSON is dropped the same way.
    """

    async def process_message(self) -> None:
        raw = await self.message_queue.get()
        if raw is None:
            return
        try:
            message = json.loads(raw) if raw.startswith("{") else {}
        except ValueError:
            log.info("dropped a Socket Mode frame that is not JSON (%d bytes)", len(raw))
            return
        if not isinstance(message, dict):
            message = {}
        payload = message.get("payload")
        envelope = message.get("envelope_id")
        if "payload" in message and not isinstance(payload, dict | str):
            log.info("refused a Socket Mode envelope %s: its payload is not an object", envelope)
            if isinstance(envelope, str) and envelope:
                await self.send_socket_mode_response(SocketModeResponse(envelope_id=envelope))
            return
        self._listeners_running = asyncio.ensure_future(self.run_message_listeners(message, raw))


class SocketConnection:
    """One Socket Mode connection for the lifetime of ``coachbot serve``."""

    def __init__(self, *, app: AsyncApp, app_token: str, api: SlackApi, ping_interval: float = 10) -> None:
        self.handler = AckingHandler(app, app_token, ping_interval=ping_interval)
        self.api = api

    async def start(self) -> None:
        await self.handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("connected to Slack by Socket Mode")

    async def stop(self) -> None:
        await self.handler.close_async()  # type: ignore[no-untyped-call]
