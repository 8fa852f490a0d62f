"""Answering what the ingress worker applied: a command's answer on its ``response_url`` (else by
DM), a message's in its thread or DM; profiles fetched before the core sees an event; Home
republished when a Home button asked for it.

The ingress worker (:class:`bot.ingress_worker.IngressWorker`) calls :meth:`Replies.prepare`,
:meth:`Replies.answer` and :meth:`Replies.give_up`; the bolt listeners use :meth:`Replies.reply`
and :meth:`Replies.publish_home` for the work they still do themselves.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from adapters.slack.home import home_view
from adapters.slack.render import replies_payload
from bot.effects import BindingChanged, Effect, Outcome
from bot.events import Actor, CommandIssued, Event, MessagePosted
from bot.i18n import N_
from bot.ingress import Route
from bot.messages import Para, Reply

if TYPE_CHECKING:
    from adapters.slack.mount import SlackMount

log = logging.getLogger(__name__)

FAILED = N_("Sorry, something went wrong on my side. Please try again in a minute.")


class Replies:
    """The answering half of the Slack adapter, bound to one mount."""

    def __init__(self, mount: SlackMount) -> None:
        self.m = mount
        self.core = mount.core

    async def prepare(self, event: Event) -> None:
        """Before the core applies ``event``: profiles of its author and of anyone it ``@mentions``
        (one ``users.info`` for someone new; nothing, not even a query, for someone known)."""
        await self.m.people.ensure(event.actor)
        if isinstance(event, CommandIssued | MessagePosted):
            await self.m.people.ensure_mentioned(event.actor.workspace, event.text)

    async def answer(self, event: Event, route: Route, outcome: Outcome) -> None:
        """The replies to a queued event, by the way it came in; then what its effects ask for."""
        replies = list(outcome.replies)
        if isinstance(event, CommandIssued):
            # A command's answer is the person's alone: their response_url (shown only to them
            # where they typed it), else their DM — never the channel the command came from.
            url = route.get("response_url")
            if replies and not (url and await self.respond(str(url), event.actor, replies)):
                await self.reply(event.actor, replies, channel=None, thread=None, direct=True)
        elif replies:
            channel = route.get("channel")
            thread = route.get("thread")
            await self.reply(
                event.actor,
                replies,
                channel=str(channel) if channel else None,
                thread=str(thread) if thread else None,
                direct=bool(route.get("direct")) or not channel,
            )
        await self.react(outcome.effects)
        if route.get("home"):
            await self.publish_home(event.actor)

    async def give_up(self, event: Event, route: Route) -> None:
        """An event that failed every attempt: the person is told, the way an answer would go."""
        t = await self.m.people.translator(event.actor)
        await self.answer(event, route, Outcome((Reply((Para(t._(FAILED)),)),)))

    async def react(self, effects: Sequence[Effect]) -> None:
        """What the core's effects ask of Slack: a team bound to a channel or user group (by any of
        the command's names) gets its members from Slack at once, not at the next periodic sync."""
        bound = {effect.workspace: None for effect in effects if isinstance(effect, BindingChanged)}
        for workspace in bound:
            await self.m.people.sync_bindings(workspace=workspace)

    async def respond(self, url: str, who: Actor, replies: list[Reply]) -> bool:
        """POST a command's answer to its ``response_url``; False if Slack would not take it."""
        private = all(r.private for r in replies)
        payload = replies_payload([r.parts for r in replies], t=await self.m.people.translator(who))
        body = {
            "response_type": "ephemeral" if private else "in_channel",
            "text": payload["text"],
            "blocks": [block.to_dict() for block in payload["blocks"]],
        }
        try:
            async with self.m.http().post(url, json=body) as response:
                if response.status < 300:
                    return True
                log.warning("response_url answered %s; answering by DM", response.status)
        except Exception as exc:  # expired (30 min / 5 uses) or unreachable: the DM still arrives
            log.warning("response_url failed (%s); answering by DM", exc)
        return False

    async def reply(
        self, who: Actor, replies: list[Reply], *, channel: str | None, thread: str | None, direct: bool
    ) -> None:
        if not replies:
            return
        if channel is None:
            channel, direct = await self.m.api.dm_channel(who.workspace, who.person), True
        await self.m.api.post_replies(
            workspace=who.workspace,
            channel=channel,
            user=who.person,
            replies=replies,
            thread=thread,
            direct=direct,
            t=await self.m.people.translator(who),
        )

    async def publish_home(self, who: Actor) -> None:
        await self.m.people.ensure(who)
        view = await asyncio.to_thread(self.core.home, who)
        client = await self.m.api.for_workspace(who.workspace)
        await client.views_publish(user_id=who.person, view=home_view(view))
