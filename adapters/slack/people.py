"""People and rosters from Slack: profiles via ``users.info``, team membership via channels/user groups.

The core needs each person's IANA time zone to nudge them at *their* 09:00 and
the workspace admin flag to decide who may run admin commands, so the adapter
fetches a profile the first time it meets someone (as the author of an event or
as an ``@mention`` in a command) and refreshes it on ``user_change``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from adapters.slack.translate import PLATFORM, actor, profile_event
from adapters.slack.transport import SlackApi
from bot.core import Coachbot
from bot.events import Actor

log = logging.getLogger(__name__)

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
CHANNEL = re.compile(r"^(?:<#)?([CG][A-Z0-9]+)(?:\|[^>]*)?>?$")
USERGROUP = re.compile(r"^(?:<!subteam\^)?(S[A-Z0-9]+)(?:\|[^>]*)?>?$")


def decode_binding(binding: str) -> tuple[str, str] | None:
    """``("channel", "C123")`` or ``("usergroup", "S123")`` from what ``team bind`` stored."""
    text = binding.strip()
    if match := USERGROUP.match(text):
        return "usergroup", match.group(1)
    if match := CHANNEL.match(text):
        return "channel", match.group(1)
    return None


class People:
    """Keeps the core's people in step with Slack's."""

    def __init__(self, *, core: Coachbot, api: SlackApi) -> None:
        self.core = core
        self.api = api
        self._bots: set[tuple[str, str]] = set()

    async def refresh(self, who: Actor) -> bool:
        """Fetch and store one profile; False for bots and unknown users."""
        client = await self.api.for_workspace(who.workspace)
        response = await client.users_info(user=who.person, include_locale=True)
        return await self.apply_user(who.workspace, response.get("user") or {})

    async def apply_user(self, workspace: str, user: dict[str, Any]) -> bool:
        """A user object from ``users.info`` or a ``user_change`` event."""
        profile = profile_event(workspace, user)
        if profile is None:
            self._bots.add((workspace, str(user.get("id"))))
            return False
        await asyncio.to_thread(self.core.handle, profile)
        return True

    async def ensure(self, who: Actor) -> bool:
        """Make sure the core has a profile for ``who`` (one ``users.info`` the first time)."""
        if (who.workspace, who.person) in self._bots:
            return False
        if await asyncio.to_thread(self.core.knows, who):
            return True
        return await self.refresh(who)

    async def ensure_mentioned(self, workspace: str, text: str) -> None:
        """Profiles for everyone ``@mentioned`` in a command, so their time zone is right from the start."""
        for user in dict.fromkeys(MENTION.findall(text)):
            await self.ensure(actor(workspace, user))

    async def roster(self, workspace: str, kind: str, ident: str) -> list[str]:
        """Member ids of a channel (paginated) or a user group."""
        client = await self.api.for_workspace(workspace)
        if kind == "usergroup":
            response = await client.usergroups_users_list(usergroup=ident)
            return [str(u) for u in response.get("users") or []]
        members: list[str] = []
        cursor: str | None = None
        while True:
            args: dict[str, Any] = {"channel": ident, "limit": 200}
            if cursor:
                args["cursor"] = cursor
            response = await client.conversations_members(**args)
            members.extend(str(u) for u in response.get("members") or [])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return members

    async def sync_bindings(self, *, workspace: str | None = None, source: str | None = None) -> int:
        """Make bound teams follow their channel/user group; returns how many teams were synced."""
        bindings = await asyncio.to_thread(self.core.team_bindings, platform=PLATFORM)
        synced = 0
        for ws, team, binding in bindings:
            decoded = decode_binding(binding)
            if decoded is None or (workspace and ws != workspace) or (source and decoded[1] != source):
                continue
            people = [u for u in await self.roster(ws, *decoded) if await self.ensure(actor(ws, u))]
            await asyncio.to_thread(
                self.core.sync_team, platform=PLATFORM, workspace=ws, team=team, members=people
            )
            synced += 1
        return synced
