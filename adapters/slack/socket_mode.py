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


class SocketConnection:
    """One Socket Mode connection for the lifetime of ``coachbot serve``."""

    def __init__(self, *, app: AsyncApp, app_token: str, api: SlackApi, ping_interval: float = 10) -> None:
        self.handler = AckingHandler(app, app_token, web_client=app.client, ping_interval=ping_interval)
        self.api = api

    async def start(self) -> None:
        await self.handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("connected to Slack by Socket Mode")

    async def stop(self) -> None:
        await self.handler.close_async()  # type: ignore[no-untyped-call]
