"""Team bindings: a Coachbot team whose members follow a Teams team's roster.

An admin binds a team with ``team bind <team> teams:<team id>`` (or
``@Coachbot team bind <team> here`` in one of the team's channels). The roster
is read page by page with ``TeamsInfo.get_paged_team_members`` through the
team's stored reference (learnt when the app was added to the team or from any
channel message), each member's profile is refreshed, and the core makes the
team's membership exactly that list (the manager stays the manager).
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

log = logging.getLogger(__name__)

BINDING_PREFIX = "teams:"
PAGE_SIZE = 200


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


async def sync_bound_teams(
    *, core: Coachbot, adapter: CloudAdapter, app_id: str | None, only_team: str | None = None
) -> int:
    """Refresh every bound team (or those bound to ``only_team``); returns how many were synced.

    A team whose Teams roster can't be read yet (no stored reference: the app isn't
    in that team) is skipped with a log line and retried on the next sync.
    """
    synced = 0
    bindings = await asyncio.to_thread(core.team_bindings, platform=PLATFORM)
    engine = core.database.engine
    for workspace, team_name, binding in bindings:
        team_id = team_of_binding(binding)
        if team_id is None or (only_team is not None and team_id != only_team):
            continue
        stored = await asyncio.to_thread(
            references.load, engine, tenant=workspace, kind="team", subject=team_id
        )
        if stored is None:
            log.info("team %s is bound to %s, but the app isn't in that Teams team yet", team_name, team_id)
            continue
        try:
            members = await fetch_members(
                adapter=adapter, app_id=app_id, reference=stored.reference, team_id=team_id
            )
        except Exception as exc:  # a roster outage must not stop the others
            log.warning("could not read the roster of %s for team %s: %s", team_id, team_name, exc)
            continue
        if not any(member.id for member in members):
            log.warning("the roster of %s came back empty; team %s left as it is", team_id, team_name)
            continue
        ids: list[str] = []
        for member in members:
            if not member.id:
                continue
            ids.append(member.id)
            profile = ProfileSeen(
                actor=Actor(PLATFORM, workspace, member.id), display_name=member.name or None
            )
            await asyncio.to_thread(core.handle, profile)
        await asyncio.to_thread(
            core.sync_team, platform=PLATFORM, workspace=workspace, team=team_name, members=ids
        )
        synced += 1
    return synced
