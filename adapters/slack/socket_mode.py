"""Socket Mode: Slack delivers over a WebSocket the app opens, so no public URL is needed.

Same bolt app, same listeners as HTTP mode; Slack's envelopes are acknowledged by
bolt's handler with the listener's response (a slash command's reply rides on the
envelope ack). ``apps.connections.open`` goes to ``SLACK_API_URL`` like every call.
"""

from __future__ import annotations

import logging

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from adapters.slack.transport import SlackApi

log = logging.getLogger(__name__)


class SocketConnection:
    """One Socket Mode connection for the lifetime of ``coachbot serve``."""

    def __init__(self, *, app: AsyncApp, app_token: str, api: SlackApi, ping_interval: float = 10) -> None:
        self.handler = AsyncSocketModeHandler(
            app, app_token, web_client=app.client, ping_interval=ping_interval
        )
        self.api = api

    async def start(self) -> None:
        await self.handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("connected to Slack by Socket Mode")

    async def stop(self) -> None:
        await self.handler.close_async()  # type: ignore[no-untyped-call]
