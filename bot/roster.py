"""Keeping platform-bound teams in step with their platform rosters: one loop for every adapter.

An adapter supplies two things: which teams are bound to what (stored by `team bind`/`team link`)
and a way to read one roster. The rules that protect people live here, once:

* a roster that fails to load, or comes back empty, never empties a team (an outage or a missing
  permission must not unenrol everybody);
* one failing binding does not stop the others;
* bots are never enrolled as members;
* everyone fetched gets a profile first, so their time zone is right from their first nudge.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.events import Actor, ProfileSeen

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RosterMember:
    """One person on a platform roster; ``profile`` refreshes what the core knows of them."""

    id: str
    is_bot: bool = False
    profile: ProfileSeen | None = None


@dataclass(frozen=True)
class Binding:
    workspace: str
    team: str
    source: str  # the opaque reference `team bind` stored


@dataclass
class SyncReport:
    synced: list[Binding] = field(default_factory=list)
    failed: list[tuple[Binding, str]] = field(default_factory=list)
    left_alone: list[tuple[Binding, str]] = field(default_factory=list)  # e.g. empty roster


Fetch = Callable[[Binding], Awaitable[Sequence[RosterMember] | None]]
"""Reads one binding's roster; None when this adapter does not handle that binding (skip it)."""


class RosterCore(Protocol):
    """The part of :class:`bot.core.Coachbot` the roster loop uses."""

    def team_bindings(self, *, platform: str) -> list[tuple[str, str, str]]: ...
    def handle(self, event: ProfileSeen) -> object: ...
    def sync_team(self, *, platform: str, workspace: str, team: str, members: list[str]) -> None: ...


async def sync_bound_teams(
    core: RosterCore,
    *,
    platform: str,
    fetch: Fetch,
    only: Callable[[Binding], bool] | None = None,
) -> SyncReport:
    """Refresh every bound team of ``platform`` (or those ``only`` selects) from its roster."""
    report = SyncReport()
    rows = await asyncio.to_thread(core.team_bindings, platform=platform)
    for workspace, team, source in rows:
        binding = Binding(workspace, team, source)
        if only is not None and not only(binding):
            continue
        try:
            members = await fetch(binding)
        except Exception as exc:  # one roster outage must not stop the other teams
            log.warning("could not read the roster bound to team %s (%s): %s", team, source, exc)
            report.failed.append((binding, str(exc) or type(exc).__name__))
            continue
        if members is None:
            continue
        people = [m for m in members if m.id and not m.is_bot]
        if not people:
            log.warning("the roster bound to team %s came back empty; the team is left as it is", team)
            report.left_alone.append((binding, "empty roster"))
            continue
        for member in people:
            profile = member.profile or ProfileSeen(Actor(platform, workspace, member.id))
            await asyncio.to_thread(core.handle, profile)
        await asyncio.to_thread(
            core.sync_team, platform=platform, workspace=workspace, team=team, members=[m.id for m in people]
        )
        report.synced.append(binding)
    return report
