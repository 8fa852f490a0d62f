"""Delivering core messages through Slack's Web API, paced and rate-limit aware.

Every outbound call goes through one :class:`SlackApi` so that the base URL
(``SLACK_API_URL``), the per-workspace token (fixed, or from the OAuth
installation store) and the 429 handling are the same for nudges, replies,
App Home and modals. A 429 is retried after ``Retry-After`` by slack_sdk's retry
machinery; if Slack keeps refusing, the message goes back to the outbox
(:class:`~bot.messages.RetryLater`), so nothing is dropped and, because a 429
means Slack did not post it, nothing is sent twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, Protocol

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.pacing import Pacer, RateLimitRetry, Sleep, retry_after
from adapters.slack.render import message_payloads, replies_payload
from bot.i18n import Tr, tr
from bot.messages import Delivery, OutboundMessage, Part, Reply, RetryLater, Unreachable

log = logging.getLogger(__name__)


UNREACHABLE_ERRORS = frozenset(
    {
        "user_not_found",
        "cannot_dm_bot",
        "user_disabled",
        "account_inactive",
        "user_not_visible",
        "token_revoked",
    }
)
"""Web API errors that will not go away by retrying: the person (or workspace) is gone for us."""

GONE_ERRORS = frozenset(
    {"message_not_found", "cant_update_message", "cant_delete_message", "channel_not_found"}
)
"""An update to a message that is no longer there: nothing left to rewrite, so nothing to retry."""

CONTINUATION = "coachbot_continued"
SENT = "coachbot_message"
"""Message metadata type of every first part we post, carrying its outbox id: a sender that takes
over a message whose earlier sender died mid-send finds it in the conversation instead of posting
it twice."""
"""Message metadata type of the thread replies that carry the rest of a long message."""


class TokenSource(Protocol):
    """Where the bot token for a workspace comes from (fixed, or the OAuth installation store)."""

    async def bot_token(self, workspace: str) -> str | None: ...


class FixedToken:
    """One workspace, one ``SLACK_BOT_TOKEN``."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def bot_token(self, workspace: str) -> str | None:
        return self._token


class SlackApi:
    """Web API clients per workspace, sharing base URL, retries and pacing."""

    platform = "slack"

    def __init__(
        self,
        *,
        api_url: str,
        tokens: TokenSource,
        per_second: float = 20.0,
        max_retries: int = 3,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.api_url = api_url
        self.tokens = tokens
        self.sleep = sleep
        self.pacer = Pacer(per_second=per_second, sleep=sleep)
        self.rate_limit_waits: list[float] = []
        self._max_retries = max_retries
        self._clients: dict[str, AsyncWebClient] = {}
        self._dm: dict[tuple[str, str], str] = {}

    def retry_handlers(self) -> list[AsyncRetryHandler]:
        return [
            AsyncConnectionErrorRetryHandler(),
            RateLimitRetry(
                max_retry_count=self._max_retries, sleep=self.sleep, on_wait=self.rate_limit_waits.append
            ),
        ]

    def client(self, token: str | None = None) -> AsyncWebClient:
        """A client for ``token`` (None: no token, e.g. ``oauth.v2.access``)."""
        key = token or ""
        if key not in self._clients:
            self._clients[key] = AsyncWebClient(
                token=token, base_url=self.api_url, retry_handlers=self.retry_handlers()
            )
        return self._clients[key]

    async def for_workspace(self, workspace: str) -> AsyncWebClient:
        token = await self.tokens.bot_token(workspace)
        if not token:
            raise Unreachable(f"Coachbot is not installed in Slack workspace {workspace}")
        return self.client(token)

    def forget_workspace(self, workspace: str) -> None:
        """After an uninstall: drop cached DM channels (stale token-keyed clients are harmless)."""
        self._dm = {k: v for k, v in self._dm.items() if k[0] != workspace}

    async def dm_channel(self, workspace: str, person: str) -> str:
        """The bot's direct-message channel with a person (``conversations.open``, cached)."""
        key = (workspace, person)
        if key not in self._dm:
            client = await self.for_workspace(workspace)
            response = await client.conversations_open(users=person)
            self._dm[key] = str(response["channel"]["id"])
        return self._dm[key]

    async def post(
        self,
        *,
        workspace: str,
        channel: str,
        parts: Sequence[Part],
        t: Tr,
        thread: str | None = None,
        outbox_id: int | None = None,
    ) -> str:
        """``chat.postMessage``, split over its own thread when too long; returns the first ``ts``.

        Once the first part is posted, a failing continuation is logged rather than raised: raising
        would make the outbox post the whole message again.
        """
        payloads = message_payloads(parts, t=t)
        first = dict(payloads[0])
        if outbox_id is not None:
            first["metadata"] = {"event_type": SENT, "event_payload": {"outbox": outbox_id}}
        ts = await self._post(workspace, channel, first, thread=thread)
        for number, payload in enumerate(payloads[1:], start=1):
            try:
                await self._post(workspace, channel, payload, thread=thread or ts, continues=(ts, number))
            except SlackApiError as exc:
                log.warning("part %s of message %s could not be posted: %s", number, ts, exc)
        return ts

    async def _post(
        self,
        workspace: str,
        channel: str,
        payload: dict[str, Any],
        *,
        thread: str | None,
        continues: tuple[str, int] | None = None,
    ) -> str:
        client = await self.for_workspace(workspace)
        await self.pacer.wait(workspace, channel)
        args = dict(payload)
        if thread:
            args["thread_ts"] = thread
        if continues:
            # Marks the reply as part N of message ts, so an update can find and rewrite it later.
            args["metadata"] = {
                "event_type": CONTINUATION,
                "event_payload": {"of": continues[0], "part": continues[1]},
            }
        response = await client.chat_postMessage(
            channel=channel, unfurl_links=False, unfurl_media=False, **args
        )
        return str(response["ts"])

    async def update(self, *, workspace: str, target: Delivery, parts: Sequence[Part], t: Tr) -> None:
        """Rewrite a posted message in place (``chat.update``), its thread continuations included."""
        client = await self.for_workspace(workspace)
        channel = target.channel or ""
        first = target.message_id
        payloads = message_payloads(parts, t=t)
        await self.pacer.wait(workspace)
        await client.chat_update(channel=channel, ts=first, **payloads[0])
        old = await self._continuations(workspace, channel, target)
        for number, payload in enumerate(payloads[1:], start=1):
            if number <= len(old):
                await self.pacer.wait(workspace)
                await client.chat_update(channel=channel, ts=old[number - 1], **payload)
            else:
                await self._post(
                    workspace, channel, payload, thread=target.thread or first, continues=(first, number)
                )
        for ts in old[len(payloads) - 1 :]:
            await self.pacer.wait(workspace)
            await client.chat_delete(channel=channel, ts=ts)

    async def _continuations(self, workspace: str, channel: str, target: Delivery) -> list[str]:
        """The ``ts`` of the replies carrying the rest of ``target``, in order."""
        client = await self.for_workspace(workspace)
        found: dict[int, str] = {}
        cursor: str | None = None
        while True:
            args: dict[str, Any] = {"channel": channel, "ts": target.thread or target.message_id}
            if cursor:
                args["cursor"] = cursor
            response = await client.conversations_replies(include_all_metadata=True, limit=200, **args)
            for message in response.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if metadata.get("event_type") == CONTINUATION and payload.get("of") == target.message_id:
                    found[int(payload.get("part") or 0)] = str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return [found[n] for n in sorted(found)]

    async def find_sent(
        self, *, workspace: str, channel: str, outbox_id: int, thread: str | None
    ) -> str | None:
        """The ``ts`` of the message we posted for ``outbox_id``, if the conversation has it.

        Messages to one person leave in order, so a message whose sender died mid-send is among the
        latest of its conversation (or of its thread): one page is enough.
        """
        client = await self.for_workspace(workspace)
        await self.pacer.wait(workspace)
        if thread:
            response = await client.conversations_replies(
                channel=channel, ts=thread, include_all_metadata=True, limit=200
            )
        else:
            response = await client.conversations_history(
                channel=channel, include_all_metadata=True, limit=50
            )
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == SENT and payload.get("outbox") == outbox_id:
                return str(message["ts"])
        return None

    async def post_replies(
        self,
        *,
        workspace: str,
        channel: str,
        user: str,
        replies: Sequence[Reply],
        thread: str | None,
        direct: bool,
        t: Tr,
    ) -> None:
        """Answers to something a person did: in their DM (private by nature) or ephemeral elsewhere."""
        if not replies:
            return
        client = await self.for_workspace(workspace)
        private = [r.parts for r in replies if r.private]
        public = [r.parts for r in replies if not r.private]
        for groups, ephemeral in ((public, False), (private, not direct)):
            if not groups:
                continue
            args = replies_payload(groups, t=t)
            if thread:
                args["thread_ts"] = thread
            await self.pacer.wait(workspace)
            if ephemeral:
                await client.chat_postEphemeral(channel=channel, user=user, **args)
            else:
                await client.chat_postMessage(channel=channel, unfurl_links=False, unfurl_media=False, **args)


class SlackTransport:
    """The core's :class:`~bot.messages.Transport` for Slack: every message is a DM.

    A nudge (``opens_thread``) is a new top-level DM whose ``ts`` becomes the
    check-in's thread; later messages of that check-in are posted in that thread.
    """

    platform = "slack"

    def __init__(self, *, api: SlackApi) -> None:
        self.api = api

    async def send(self, message: OutboundMessage) -> Delivery:
        t = tr(message.locale)
        if message.replaces is not None:
            return await self._update(message, message.replaces, t)
        try:
            channel = await self.api.dm_channel(message.workspace, message.person)
            thread = None if message.opens_thread else message.thread
            ts = None
            if message.uncertain:
                ts = await self.api.find_sent(
                    workspace=message.workspace, channel=channel, outbox_id=message.id, thread=thread
                )
                if ts is not None:
                    log.info(
                        "message %s was delivered before its sender stopped; not posting it again", message.id
                    )
            if ts is None:
                ts = await self.api.post(
                    workspace=message.workspace,
                    channel=channel,
                    parts=message.parts,
                    t=t,
                    thread=thread,
                    outbox_id=message.id,
                )
        except SlackApiError as exc:
            raise _translate_error(exc, self.api, message.workspace) from exc
        return Delivery(message_id=ts, channel=channel, thread=ts if message.opens_thread else thread)

    async def _update(self, message: OutboundMessage, target: Delivery, t: Tr) -> Delivery:
        """``chat.update`` of an earlier message (e.g. a digest rewritten after ``privacy delete``)."""
        if not target.channel:
            target = Delivery(
                target.message_id, await self.api.dm_channel(message.workspace, message.person), target.thread
            )
        try:
            await self.api.update(workspace=message.workspace, target=target, parts=message.parts, t=t)
        except SlackApiError as exc:
            error = str(exc.response.get("error", "")) if isinstance(exc.response.data, dict) else ""
            if error not in GONE_ERRORS:
                raise _translate_error(exc, self.api, message.workspace) from exc
            log.info("message %s to update is gone (%s); nothing to rewrite", target.message_id, error)
        return target


def _translate_error(exc: SlackApiError, api: SlackApi, workspace: str) -> Exception:
    response = exc.response
    if response.status_code == 429:
        seconds = retry_after(response.headers)
        api.pacer.pause(workspace, seconds)
        return RetryLater(seconds)
    error = str(response.get("error", "")) if isinstance(response.data, dict) else ""
    if error in UNREACHABLE_ERRORS:
        return Unreachable(error)
    log.warning("slack refused a message in %s: %s", workspace, error or response.status_code)
    return exc
