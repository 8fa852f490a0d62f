"""Proactive delivery: core outbox messages out to people's 1:1 chats with Coachbot.

A personal chat has no threads, so every outbox message - nudge, question,
reminder, digest - is a new message in the person's 1:1 chat; the delivery's
``thread`` is therefore ``None`` and the core routes the person's next 1:1
messages to their open check-in (a quoted reply names the message it answers,
so a reply to a digest never becomes an answer). The delivery's ``channel`` is the conversation id,
so that an update (``OutboundMessage.replaces``) can find the message again: it
becomes a Bot Connector activity update (PUT) instead of a new message.

The stored ConversationReference is continued with ``continue_conversation``.
Without one, a 1:1 chat is created through the tenant's serviceUrl (this works
when the app is installed in a team the person belongs to). Teams answers 403
``BotNotInConversationRoster`` for people who don't have the app: that becomes
:class:`~bot.messages.Unreachable`, the core holds their messages and tells the
admins, and the messages go out once the person installs the app. 429 becomes
:class:`~bot.messages.RetryLater` with the service's ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Awaitable, Callable

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
    ConversationReference,
)
from msrest.exceptions import HttpOperationError
from sqlalchemy import Engine

from adapters.kit.retry_after import header, retry_after_seconds
from adapters.teams import cards, references
from adapters.teams.activities import PLATFORM
from bot.messages import Delivery, OutboundMessage, Part, RetryLater, Unreachable

log = logging.getLogger(__name__)

DEFAULT_RETRY_SECONDS = 30.0


def _status_and_code(exc: HttpOperationError) -> tuple[int, str]:
    response = getattr(exc, "response", None)
    status = int(getattr(response, "status_code", 0) or 0)
    code = ""
    try:
        body = response.json() if response is not None else {}
        code = str((body.get("error") or {}).get("code") or "") if isinstance(body, dict) else ""
    except ValueError:
        code = ""
    return status, code


def _retry_after(exc: HttpOperationError) -> float:
    response = getattr(exc, "response", None)
    raw = header(getattr(response, "headers", None), "Retry-After")
    return retry_after_seconds(raw, default=DEFAULT_RETRY_SECONDS, minimum=1.0)


class _Outcome:
    """What a proactive turn did. The SDK routes errors raised inside a turn to the adapter's
    ``on_turn_error`` and swallows them, so the callback keeps its error here and
    :meth:`delivery` raises it again for the status mapping in ``send_parts``."""

    def __init__(self) -> None:
        self.message_id = ""
        self.conversation = ""
        self.error: BaseException | None = None

    def guard(
        self, callback: Callable[[TurnContext], Awaitable[None]]
    ) -> Callable[[TurnContext], Awaitable[None]]:
        async def guarded(context: TurnContext) -> None:
            try:
                await callback(context)
            except Exception as exc:
                self.error = exc

        return guarded

    async def post(self, context: TurnContext, activity: Activity) -> None:
        response = await context.send_activity(activity)
        self.message_id = response.id if response is not None and response.id else ""
        self.conversation = context.activity.conversation.id if context.activity.conversation else ""

    def delivery(self) -> Delivery:
        if self.error is not None:
            raise self.error
        if not self.message_id:
            raise RuntimeError("the connector returned no message id")
        return Delivery(message_id=self.message_id, channel=self.conversation or None, thread=None)


class TeamsTransport:
    """:class:`bot.messages.Transport` for Teams."""

    platform = PLATFORM

    def __init__(
        self,
        *,
        adapter: CloudAdapter,
        engine: Engine,
        app_id: str | None,
        on_unreachable: Callable[[str, str], None] | None = None,
    ) -> None:
        self._adapter = adapter
        self._engine = engine
        self._app_id = app_id
        self._on_unreachable = on_unreachable or (lambda _tenant, _person: None)

    async def send(self, message: OutboundMessage) -> Delivery:
        if message.replaces is not None:
            return await self.update(
                tenant=message.workspace,
                person=message.person,
                replaces=message.replaces,
                parts=message.parts,
            )
        return await self.send_parts(tenant=message.workspace, person=message.person, parts=message.parts)

    async def update(
        self, *, tenant: str, person: str, replaces: Delivery, parts: tuple[Part, ...]
    ) -> Delivery:
        """Rewrite an already-posted message in place (a digest after a `privacy delete`).

        The conversation is the one the message went to (``replaces.channel``), reached with
        the person's stored reference or, without one, the tenant's serviceUrl. A message that
        is gone, or a chat the bot was removed from, has nothing left to rewrite: that is not a
        reason to hold the person's other messages, so the update counts as done.
        """
        activity = cards.render(parts)
        activity.id = replaces.message_id
        stored = await asyncio.to_thread(
            references.load, self._engine, tenant=tenant, kind="person", subject=person
        )
        if stored is None and replaces.channel:
            stored = await asyncio.to_thread(references.any_for_tenant, self._engine, tenant=tenant)
        if stored is None:
            log.info("no conversation known for %s: message %s stays as it was", person, replaces.message_id)
            return replaces
        reference = copy.copy(stored.reference)
        if replaces.channel:
            reference.conversation = ConversationAccount(id=replaces.channel, tenant_id=tenant)
        outcome = _Outcome()

        async def callback(context: TurnContext) -> None:
            await context.update_activity(activity)
            outcome.message_id = replaces.message_id
            outcome.conversation = context.activity.conversation.id if context.activity.conversation else ""

        try:
            await self._adapter.continue_conversation(
                reference, outcome.guard(callback), bot_app_id=self._app_id
            )
            return outcome.delivery()
        except HttpOperationError as exc:
            status, code = _status_and_code(exc)
            if status == 429:
                raise RetryLater(_retry_after(exc)) from exc
            if status in (403, 404):
                log.info(
                    "message %s can't be rewritten (%s): left as it was", replaces.message_id, code or status
                )
                return replaces
            raise

    async def send_parts(self, *, tenant: str, person: str, parts: tuple[Part, ...]) -> Delivery:
        """Post one message to a person's 1:1 chat; raises Unreachable / RetryLater as the protocol says."""
        activity = cards.render(parts)
        try:
            stored = await asyncio.to_thread(
                references.load, self._engine, tenant=tenant, kind="person", subject=person
            )
            if stored is not None:
                return await self._continue(stored.reference, activity)
            return await self._open_chat(tenant=tenant, person=person, activity=activity)
        except HttpOperationError as exc:
            status, code = _status_and_code(exc)
            if status == 429:
                raise RetryLater(_retry_after(exc)) from exc
            if status in (403, 404):
                # 403 BotNotInConversationRoster / ConversationBlockedByUser, 404 a chat that is gone.
                if status == 404:
                    await asyncio.to_thread(
                        references.forget, self._engine, tenant=tenant, kind="person", subject=person
                    )
                self._on_unreachable(tenant, person)
                raise Unreachable(code or f"HTTP {status}") from exc
            raise

    async def send_in(self, reference: ConversationReference, activities: list[Activity]) -> None:
        """Post answers in the conversation a queued activity came from (a 1:1 chat, a channel thread)."""
        for activity in activities:
            await self._continue(reference, activity)

    async def _continue(self, reference: object, activity: Activity) -> Delivery:
        sent = _Outcome()

        async def callback(context: TurnContext) -> None:
            # A new message, not a reply to the synthetic continuation activity.
            context.activity.id = None
            await sent.post(context, activity)

        await self._adapter.continue_conversation(reference, sent.guard(callback), bot_app_id=self._app_id)
        return sent.delivery()

    async def _open_chat(self, *, tenant: str, person: str, activity: Activity) -> Delivery:
        """Create the 1:1 chat through any serviceUrl known for the tenant, store it, and post."""
        known = await asyncio.to_thread(references.any_for_tenant, self._engine, tenant=tenant)
        if known is None or not known.service_url:
            self._on_unreachable(tenant, person)
            raise Unreachable("no conversation with this person yet: they need to install the app")
        bot = known.reference.bot or ChannelAccount(id=f"28:{self._app_id or ''}")
        parameters = ConversationParameters(
            is_group=False,
            bot=bot,
            members=[ChannelAccount(id=person)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}},
        )
        sent = _Outcome()

        async def callback(context: TurnContext) -> None:
            context.activity.id = None  # post a new message, not a reply
            reference = TurnContext.get_conversation_reference(context.activity)
            reference.user = ChannelAccount(id=person)
            reference.bot = bot
            reference.conversation.tenant_id = tenant
            reference.conversation.conversation_type = "personal"
            await asyncio.to_thread(
                references.save,
                self._engine,
                tenant=tenant,
                kind="person",
                subject=person,
                reference=reference,
            )
            await sent.post(context, activity)

        await self._adapter.create_conversation(
            self._app_id or "",
            sent.guard(callback),
            parameters,
            channel_id=known.reference.channel_id or "msteams",
            service_url=known.service_url,
        )
        return sent.delivery()
