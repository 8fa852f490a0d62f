"""Team bindings: a Coachbot team whose members follow a Teams team's roster.

An admin binds a team with ``team bind <team> teams:<team id>`` (or
``@Coachbot team bind <team> here`` in one of the team's channels; ``team link``
and ``team sync`` are the same command). The roster is read page by page with
``TeamsInfo.get_paged_team_members`` through the team's stored reference (learnt
when the app was added to the team or from any channel message). The rules that
protect people (a failed or empty roster leaves the team alone, one failing
binding doesn't stop the others, bots - ids ``28:…`` - are never enrolled) live
once, in :func:`bot.roster.sync_bound_teams`; when syncs run (every few hours on one replica, and
when a team's membership or binding changes) is :class:`adapters.kit.RosterSync`'s. This module only
reads rosters.
"""

from __future__ import annotations

import asyncio
import logging

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema.teams import TeamsChannelAccount

from adapters.teams import references
from adapters.teams.activities import PLATFORM
from bot.core import Coachbot
from bot.events import Actor, ProfileSeen
from bot.roster import Binding, Fetch, RosterMember, SyncReport, sync_bound_teams

log = logging.getLogger(__name__)

BINDING_PREFIX = "teams:"
PAGE_SIZE = 200
BOT_ID_PREFIX = "28:"  # Teams gives bots (ours and others) ids starting with 28:


def team_of_binding(binding: str) -> str | None:
    """The Teams team id in a binding (``teams:19:…@thread.tacv2``), or None if it isn't ours."""
    if not binding.startswith(BINDING_PREFIX):
        return None
    return binding[len(BINDING_PREFIX) :].strip() or None


async def fetch_members(
    *, adapter: CloudAdapter, app_id: str | None, reference: object, team_id: str
) -> list[TeamsChannelAccount]:
    """Every member of a Teams team, following continuation tokens."""
    members: list[TeamsChannelAccount] = []
    failed: list[Exception] = []

    async def callback(context: TurnContext) -> None:
        token: str | None = None
        try:
            while True:
                page = await TeamsInfo.get_paged_team_members(context, team_id, token, PAGE_SIZE)
                members.extend(page.members or [])
                token = page.continuation_token
                if not token:
                    break
        except Exception as exc:  # the SDK would hand it to on_turn_error and swallow it
            failed.append(exc)

    await adapter.continue_conversation(reference, callback, bot_app_id=app_id)
    if failed:
        raise failed[0]
    return members


class RosterUnavailable(Exception):
    """The app isn't in that Teams team yet (no stored reference), so its roster can't be read."""


def fetch_for(*, core: Coachbot, adapter: CloudAdapter, app_id: str | None) -> Fetch:
    """The roster reader :func:`bot.roster.sync_bound_teams` calls for each Teams binding."""

    async def fetch(binding: Binding) -> list[RosterMember] | None:
        team_id = team_of_binding(binding.source)
        if team_id is None:
            return None  # bound to something that isn't a Teams team: not ours
        stored = await asyncio.to_thread(
            references.load, core.database.engine, tenant=binding.workspace, kind="team", subject=team_id
        )
        if stored is None:
            # Retried at the next sync; the team keeps its members meanwhile.
            raise RosterUnavailable(f"the app isn't in the Teams team {team_id} yet")
        members = await fetch_members(
            adapter=adapter, app_id=app_id, reference=stored.reference, team_id=team_id
        )
        return [_member(binding.workspace, m) for m in members if m.id]

    return fetch


def _member(workspace: str, account: TeamsChannelAccount) -> RosterMember:
    return RosterMember(
        id=account.id,
        is_bot=account.id.startswith(BOT_ID_PREFIX),
        profile=ProfileSeen(
            actor=Actor(PLATFORM, workspace, account.id),
            display_name=account.name or None,
            email=account.email or None,  # so that `coachbot import` can match HR rows by email
        ),
    )


async def sync_rosters(
    core: Coachbot, *, adapter: CloudAdapter, app_id: str | None, only_team: str | None = None
) -> SyncReport:
    """Refresh every Teams-bound team (or those bound to ``only_team``) through the core's roster loop,
    which keeps a failed or empty roster from emptying a team and never enrols a bot."""
    only = None if only_team is None else (lambda binding: team_of_binding(binding.source) == only_team)
    return await sync_bound_teams(
        core, platform=PLATFORM, fetch=fetch_for(core=core, adapter=adapter, app_id=app_id), only=only
    )
