"""People and rosters from Slack: profiles via ``users.info``, team membership via channels/user groups.

The core needs each person's IANA time zone to nudge them at *their* 09:00 and
the workspace admin flag to decide who may run admin commands, so the adapter
fetches a profile the first time it meets someone (as the author of an event or
as an ``@mention`` in a command) and refreshes it on ``user_change``. The profile's
locale also picks the language of what the adapter itself writes (holding notes, forms).

Bound teams are kept in step by the core's one roster loop (:func:`bot.roster.sync_bound_teams`),
run at startup and on roster events by :class:`adapters.kit.RosterSync`; this module only reads a
channel's or user group's members and says which of them are bots.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from adapters.slack.translate import PLATFORM, actor, profile_event
from adapters.slack.transport import SlackApi
from bot.core import Coachbot
from bot.events import Actor, ProfileSeen
from bot.i18n import DEFAULT_LOCALE, Tr, tr
from bot.roster import Binding, RosterMember, SyncReport, sync_bound_teams

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
        self._locales: dict[tuple[str, str], str] = {}
        self._known: set[tuple[str, str]] = set()  # the core has their profile: no lookup, no query

    async def _profile(self, workspace: str, user: str) -> ProfileSeen | None:
        """``users.info`` for one user, as a profile; None (and remembered) for bots."""
        client = await self.api.for_workspace(workspace)
        response = await client.users_info(user=user, include_locale=True)
        return self._read(workspace, response.get("user") or {"id": user})

    def _read(self, workspace: str, user: dict[str, Any]) -> ProfileSeen | None:
        profile = profile_event(workspace, user)
        if profile is None:
            self._bots.add((workspace, str(user.get("id"))))
            return None
        if profile.locale:
            self._locales[(workspace, profile.actor.person)] = profile.locale
        return profile

    async def refresh(self, who: Actor) -> bool:
        """Fetch and store one profile; False for bots and unknown users."""
        profile = await self._profile(who.workspace, who.person)
        if profile is None:
            return False
        await asyncio.to_thread(self.core.handle, profile)
        return True

    async def apply_user(self, workspace: str, user: dict[str, Any]) -> bool:
        """A user object from ``users.info`` or a ``user_change`` event."""
        profile = self._read(workspace, user)
        if profile is None:
            return False
        await asyncio.to_thread(self.core.handle, profile)
        return True

    async def ensure(self, who: Actor) -> bool:
        """Make sure the core has a profile for ``who`` (one ``users.info`` the first time)."""
        if (who.workspace, who.person) in self._bots:
            return False
        key = (who.workspace, who.person)
        if key in self._known or key in self._locales:
            return True
        if await asyncio.to_thread(self.core.knows, who) or await self.refresh(who):
            self._known.add(key)
            return True
        return False

    async def translator(self, who: Actor) -> Tr:
        """The language this person reads in Slack (their ``users.info`` locale; English if unknown).

        The locale is learnt with the profile; after a restart the first thing the adapter writes
        to someone it has not seen since costs one ``users.info``.
        """
        key = (who.workspace, who.person)
        if key not in self._locales and key not in self._bots:
            try:
                await self.refresh(who)
            except Exception as exc:  # the sentence still goes out, in English
                log.info("no Slack locale for %s: %s", who.person, exc)
        return tr(self._locales.get(key, DEFAULT_LOCALE))

    def cached_translator(self, who: Actor) -> Tr:
        """The person's language if already known, without a Web API call (for answers due now)."""
        return tr(self._locales.get((who.workspace, who.person), DEFAULT_LOCALE))

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

    async def _fetch(self, binding: Binding) -> list[RosterMember] | None:
        """One binding's members for the core's roster loop; None for a binding that is not Slack's."""
        decoded = decode_binding(binding.source)
        if decoded is None:
            return None
        members: list[RosterMember] = []
        for user in await self.roster(binding.workspace, *decoded):
            key = (binding.workspace, user)
            if key in self._bots:
                members.append(RosterMember(user, is_bot=True))
            elif key in self._locales or await asyncio.to_thread(self.core.knows, actor(*key)):
                members.append(RosterMember(user))
            else:
                profile = await self._profile(binding.workspace, user)
                members.append(RosterMember(user, is_bot=profile is None, profile=profile))
        return members

    async def sync_bindings(self, *, workspace: str | None = None, source: str | None = None) -> SyncReport:
        """Make bound teams follow their channel/user group (all, one workspace's, or one source's)."""

        def selected(binding: Binding) -> bool:
            decoded = decode_binding(binding.source)
            return (
                decoded is not None
                and (workspace is None or binding.workspace == workspace)
                and (source is None or decoded[1] == source)
            )

        return await sync_bound_teams(self.core, platform=PLATFORM, fetch=self._fetch, only=selected)
